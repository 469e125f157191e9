/**
 * Cine frame rate of a multi-frame instance, and where it came from.
 *
 * Order of preference:
 *  1. the attribute FrameIncrementPointer (0028,0009) points at, when that is FrameTime or FrameTimeVector
 *     (the standard's way for a multi-frame object to say which attribute times its frames);
 *  2. FrameTime (0018,1063), ms between frames: the acquisition timing, what "real time" playback means;
 *  3. FrameTimeVector (0018,1065): entry i is the time increment (ms) before frame i, so entry 0 is usually 0
 *     and is not a frame interval; the rate is 1000 / mean(entries 1..n-1);
 *  4. CineRate (0018,0040), frames per second;
 *  5. RecommendedDisplayFrameRate (0008,2144), frames per second;
 *  6. DEFAULT_FRAME_RATE_HZ with source 'default' (never 1 fps).
 * Values that are not finite and positive (or give a rate above 1000 Hz) are ignored and the next source is used.
 * Single-frame instances get source 'single-frame' and rate 0: there is nothing to play.
 */
import { DEFAULT_FRAME_RATE_HZ } from '../../../shared/dicom-types.ts';
import type { FrameRateSource } from '../../../shared/dicom-types.ts';
import type { DataSet } from './dicom-parser-lib.ts';

export interface FrameTiming {
  frameRateHz: number;
  frameRateSource: FrameRateSource;
  /** Per-frame display durations (ms), only for a FrameTimeVector: frame i shows until frame i+1 is due
   * (entry i+1); the last frame gets the mean interval. */
  frameTimesMs?: number[];
}

const TAG_FRAME_TIME = 'x00181063';
const TAG_FRAME_TIME_VECTOR = 'x00181065';
const TAG_CINE_RATE = 'x00180040';
const TAG_RECOMMENDED_RATE = 'x00082144';
const TAG_FRAME_INCREMENT_POINTER = 'x00280009';
const MAX_RATE_HZ = 1000;

function validRate(hz: number | undefined): hz is number {
  return hz !== undefined && Number.isFinite(hz) && hz > 0 && hz <= MAX_RATE_HZ;
}

/** Numbers of a DS/IS element, tolerant of padding and empty values. */
export function numberList(ds: DataSet, tag: string): number[] {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return [];
  const text = ds.string(tag);
  if (!text) return [];
  return text.split('\\').map((s) => s.trim()).filter((s) => s !== '').map(Number);
}

function fromFrameTime(ds: DataSet): FrameTiming | undefined {
  const ms = numberList(ds, TAG_FRAME_TIME)[0];
  if (ms === undefined) return undefined;
  const hz = 1000 / ms;
  return validRate(hz) && ms > 0 ? { frameRateHz: hz, frameRateSource: 'FrameTime' } : undefined;
}

function fromFrameTimeVector(ds: DataSet, frames: number): FrameTiming | undefined {
  const v = numberList(ds, TAG_FRAME_TIME_VECTOR);
  if (v.length === 0 || v.some((x) => !Number.isFinite(x) || x < 0)) return undefined;
  const intervals = v.length > 1 ? v.slice(1) : v;
  if (intervals.some((x) => x <= 0)) return undefined;
  const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
  const hz = 1000 / mean;
  if (!validRate(hz)) return undefined;
  const n = Math.max(frames, 1);
  const frameTimesMs: number[] = [];
  for (let i = 0; i < n; i++) frameTimesMs.push(i + 1 < v.length ? v[i + 1] : mean);
  return { frameRateHz: hz, frameRateSource: 'FrameTimeVector', frameTimesMs };
}

function fromRate(ds: DataSet, tag: string, source: FrameRateSource): FrameTiming | undefined {
  const hz = numberList(ds, tag)[0];
  return validRate(hz) ? { frameRateHz: hz, frameRateSource: source } : undefined;
}

/** The attribute tags FrameIncrementPointer names, as dicom-parser keys ("x00181063"). */
function frameIncrementTargets(ds: DataSet): string[] {
  const el = ds.elements[TAG_FRAME_INCREMENT_POINTER];
  if (!el || el.length < 4 || el.dataOffset === undefined) return [];
  const out: string[] = [];
  for (let i = 0; i + 4 <= el.length; i += 4) {
    const group = ds.byteArrayParser.readUint16(ds.byteArray, el.dataOffset + i);
    const element = ds.byteArrayParser.readUint16(ds.byteArray, el.dataOffset + i + 2);
    out.push(`x${group.toString(16).padStart(4, '0')}${element.toString(16).padStart(4, '0')}`);
  }
  return out;
}

export function frameTiming(ds: DataSet, frames: number): FrameTiming {
  if (frames <= 1) return { frameRateHz: 0, frameRateSource: 'single-frame' };
  const pointed = frameIncrementTargets(ds);
  if (pointed.includes(TAG_FRAME_TIME_VECTOR)) {
    const t = fromFrameTimeVector(ds, frames);
    if (t) return t;
  }
  return (
    fromFrameTime(ds) ??
    fromFrameTimeVector(ds, frames) ??
    fromRate(ds, TAG_CINE_RATE, 'CineRate') ??
    fromRate(ds, TAG_RECOMMENDED_RATE, 'RecommendedDisplayFrameRate') ?? {
      frameRateHz: DEFAULT_FRAME_RATE_HZ,
      frameRateSource: 'default',
    }
  );
}
