/**
 * Timing of one heart beat as a contraction fraction p(t) in [0, 1]: 0 at end-diastole, 1 at end-systole.
 * Systole is a half-cosine lasting about 0.33 sqrt(RR) s (a Bazett-like scaling); diastole has rapid early
 * filling (E wave), diastasis, then the atrial kick (A wave), and returns exactly to 0 so cines loop.
 */
import { AppError } from '../../../shared/errors.ts';

const smooth = (x: number): number => {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
};

export function systoleSeconds(heartRateBpm: number): number {
  return 0.33 * Math.sqrt(60 / heartRateBpm);
}

/** Contraction fraction at time t (seconds from end-diastole). */
export function contractionAt(tSec: number, heartRateBpm: number): number {
  const rr = 60 / heartRateBpm;
  const ts = systoleSeconds(heartRateBpm);
  const t = ((tSec % rr) + rr) % rr;
  if (t <= ts) return (1 - Math.cos((Math.PI * t) / ts)) / 2;
  const u = (t - ts) / (rr - ts);
  return Math.max(0, 1 - (0.78 * smooth(u / 0.35) + 0.22 * smooth((u - 0.72) / 0.23)));
}

export interface CyclePhases {
  /** Contraction per frame, normalised so the end-systolic frame is exactly 1. */
  contraction: Float64Array;
  timesMs: Float64Array;
  edFrame: number;
  esFrame: number;
}

/**
 * Samples the beat at the frame rate, starting at end-diastole. The sampled frame nearest end-systole is
 * scaled to full contraction so the requested EF holds between the ED and ES frames actually produced.
 */
export function cyclePhases(frames: number, frameRateHz: number, heartRateBpm: number): CyclePhases {
  if (!(heartRateBpm >= 30 && heartRateBpm <= 200)) throw new AppError('invalid-argument', `phantom/cardiac-cycle.ts: heart rate ${heartRateBpm} bpm is outside 30-200`);
  if (!(frameRateHz >= 5 && frameRateHz <= 500)) throw new AppError('invalid-argument', `phantom/cardiac-cycle.ts: frame rate ${frameRateHz} Hz is outside 5-500`);
  if (!Number.isInteger(frames) || frames < 2 || frames > 2000) throw new AppError('invalid-argument', `phantom/cardiac-cycle.ts: frame count ${frames} must be a whole number from 2 to 2000`);
  const ts = systoleSeconds(heartRateBpm);
  if ((frames - 1) / frameRateHz < ts - 0.5 / frameRateHz) {
    throw new AppError(
      'invalid-argument',
      `phantom/cardiac-cycle.ts: ${frames} frames at ${frameRateHz} Hz end before end-systole (${Math.round(ts * 1000)} ms); ask for at least ${Math.ceil(ts * frameRateHz) + 1} frames`,
    );
  }
  const contraction = new Float64Array(frames);
  const timesMs = new Float64Array(frames);
  let esFrame = 0;
  for (let i = 0; i < frames; i++) {
    const t = i / frameRateHz;
    timesMs[i] = t * 1000;
    contraction[i] = contractionAt(t, heartRateBpm);
    if (contraction[i] > contraction[esFrame]) esFrame = i;
  }
  const peak = contraction[esFrame];
  for (let i = 0; i < frames; i++) contraction[i] = Math.min(1, contraction[i] / peak);
  return { contraction, timesMs, edFrame: 0, esFrame };
}

/** Frames in one beat ED -> ES -> ED inclusive of both end-diastoles. */
export function framesPerBeat(frameRateHz: number, heartRateBpm: number): number {
  return Math.round((frameRateHz * 60) / heartRateBpm) + 1;
}
