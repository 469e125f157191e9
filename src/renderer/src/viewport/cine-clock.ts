/**
 * Which frame is due at a given time. The clock is anchored once (time, frame) and the due frame is computed
 * from elapsed time every tick, so a late tick skips frames instead of slowing playback, and timing never
 * drifts however long the cine plays.
 */
import { DEFAULT_FRAME_RATE_HZ } from '../../../shared/dicom-types.ts';

/** Display duration of each frame in ms: the file's per-frame times where usable, else 1000/rate. */
export function frameDurations(frames: number, rateHz: number, frameTimesMs?: number[]): number[] {
  const period = 1000 / (rateHz > 0 && Number.isFinite(rateHz) ? rateHz : DEFAULT_FRAME_RATE_HZ);
  const usable = frameTimesMs && frameTimesMs.length === frames;
  return Array.from({ length: frames }, (_, i) => {
    const t = usable ? frameTimesMs[i] : period;
    return t > 0 && Number.isFinite(t) ? t : period;
  });
}

export class CineClock {
  /** starts[i]: when frame i begins, in ms from frame 0; starts[frames] is the loop length. */
  private readonly starts: number[];
  private anchorTime = 0;
  private anchorPos = 0;
  private speed = 1;

  constructor(durations: number[]) {
    this.starts = [0];
    for (const d of durations) this.starts.push(this.starts[this.starts.length - 1] + d);
  }

  get frames(): number {
    return this.starts.length - 1;
  }

  get loopMs(): number {
    return this.starts[this.frames];
  }

  /** Start (or re-anchor after a speed change or seek) so that `frame` begins at `now`. */
  anchor(now: number, frame: number, speed: number): void {
    this.anchorTime = now;
    this.anchorPos = this.starts[Math.max(0, Math.min(frame, this.frames - 1))];
    this.speed = speed;
  }

  /** Time (same clock as `now`) at which playback position `pos` ms is reached, ignoring loops. */
  timeOf(frame: number): number {
    return this.anchorTime + (this.starts[frame] - this.anchorPos) / this.speed;
  }

  /** The frame due at `now`; with `loop` false, null once the last frame's time is over. */
  frameAt(now: number, loop: boolean): number | null {
    let pos = this.anchorPos + Math.max(0, now - this.anchorTime) * this.speed;
    const total = this.loopMs;
    if (pos >= total) {
      if (!loop) return null;
      pos %= total;
    }
    // Binary search for the last start <= pos.
    let lo = 0;
    let hi = this.frames - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
