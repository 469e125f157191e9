/**
 * One edit's change to one frame, storing only the pixels it changed (as cornerstone3D's labelmap memo does):
 * the changed pixel indices as runs of consecutive indices, and their values before and after as run-length
 * encoded value sequences. Applying `before` undoes the edit, `after` redoes it. A brush stroke over a 1024 x
 * 1024 map costs a few KiB instead of a 1 MiB snapshot.
 */
import type { Rect } from './label-map.ts';

/** A value sequence as runs: values[k] repeated lengths[k] times. */
export interface ValueRuns {
  values: Uint8Array;
  lengths: Uint32Array;
}

export interface PixelDelta {
  /** [start0, length0, start1, length1, ...]: the changed pixel indices, ascending. */
  spans: Uint32Array;
  before: ValueRuns;
  after: ValueRuns;
  /** Changed pixels. */
  count: number;
  /** Bounding box of the changed pixels. */
  rect: Rect;
}

export function deltaBytes(d: PixelDelta): number {
  return d.spans.byteLength + d.before.values.byteLength + d.before.lengths.byteLength + d.after.values.byteLength + d.after.lengths.byteLength;
}

/** Writes one side of the delta into `data` (a map of the width the delta was made on). */
export function applyDelta(data: Uint8Array, d: PixelDelta, side: 'before' | 'after'): void {
  const runs = side === 'before' ? d.before : d.after;
  let r = 0;
  let left = runs.lengths.length ? runs.lengths[0] : 0;
  let value = runs.values.length ? runs.values[0] : 0;
  const spans = d.spans;
  for (let s = 0; s < spans.length; s += 2) {
    let i = spans[s];
    const end = i + spans[s + 1];
    while (i < end) {
      while (left === 0) {
        r++;
        left = runs.lengths[r];
        value = runs.values[r];
      }
      const n = Math.min(left, end - i);
      data.fill(value, i, i + n);
      i += n;
      left -= n;
    }
  }
}

/** Grows typed arrays while a delta is being collected, span by span in ascending index order. */
export class DeltaBuilder {
  private spans = new Uint32Array(256);
  private nSpans = 0;
  private readonly beforeRuns = new RunBuilder();
  private readonly afterRuns = new RunBuilder();
  private lastEnd = -1;
  count = 0;
  private x0 = Infinity;
  private y0 = Infinity;
  private x1 = -Infinity;
  private y1 = -Infinity;
  private readonly width: number;

  constructor(width: number) {
    this.width = width;
  }

  /**
   * Adds pixels start..start+length-1, all on row y, whose old and new values are before[i] and after[i].
   * Spans must come in ascending order; a span continuing the previous one (a full-width region) extends it.
   */
  addSpan(start: number, length: number, y: number, before: Uint8Array, after: Uint8Array): void {
    if (start === this.lastEnd) {
      this.spans[this.nSpans - 1] += length;
    } else {
      if (this.nSpans + 2 > this.spans.length) {
        const s = new Uint32Array(this.spans.length * 2);
        s.set(this.spans);
        this.spans = s;
      }
      this.spans[this.nSpans++] = start;
      this.spans[this.nSpans++] = length;
    }
    this.lastEnd = start + length;
    this.beforeRuns.pushRange(before, start, start + length);
    this.afterRuns.pushRange(after, start, start + length);
    this.count += length;
    const x = start - y * this.width;
    if (x < this.x0) this.x0 = x;
    if (x + length > this.x1) this.x1 = x + length;
    if (y < this.y0) this.y0 = y;
    if (y + 1 > this.y1) this.y1 = y + 1;
  }

  build(): PixelDelta | null {
    if (this.count === 0) return null;
    return {
      spans: this.spans.slice(0, this.nSpans),
      before: this.beforeRuns.build(),
      after: this.afterRuns.build(),
      count: this.count,
      rect: { x0: this.x0, y0: this.y0, x1: this.x1, y1: this.y1 },
    };
  }
}

class RunBuilder {
  private values = new Uint8Array(64);
  private lengths = new Uint32Array(64);
  private n = 0;

  /** Appends src[from..to) as runs, merging with the last run when the value continues. */
  pushRange(src: Uint8Array, from: number, to: number): void {
    let k = from;
    while (k < to) {
      const v = src[k];
      let m = k + 1;
      while (m < to && src[m] === v) m++;
      this.pushRun(v, m - k);
      k = m;
    }
  }

  private pushRun(v: number, length: number): void {
    if (this.n > 0 && this.values[this.n - 1] === v) {
      this.lengths[this.n - 1] += length;
      return;
    }
    if (this.n === this.values.length) {
      const vs = new Uint8Array(this.n * 2);
      vs.set(this.values);
      this.values = vs;
      const ls = new Uint32Array(this.n * 2);
      ls.set(this.lengths);
      this.lengths = ls;
    }
    this.values[this.n] = v;
    this.lengths[this.n] = length;
    this.n++;
  }

  build(): ValueRuns {
    return { values: this.values.slice(0, this.n), lengths: this.lengths.slice(0, this.n) };
  }
}
