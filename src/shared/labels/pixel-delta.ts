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

/** Grows typed arrays while a delta is being collected. */
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

  /** Adds pixel i (indices must come in ascending order). */
  add(i: number, before: number, after: number): void {
    if (i === this.lastEnd) {
      this.spans[this.nSpans - 1]++;
    } else {
      if (this.nSpans + 2 > this.spans.length) {
        const s = new Uint32Array(this.spans.length * 2);
        s.set(this.spans);
        this.spans = s;
      }
      this.spans[this.nSpans++] = i;
      this.spans[this.nSpans++] = 1;
    }
    this.lastEnd = i + 1;
    this.beforeRuns.push(before);
    this.afterRuns.push(after);
    this.count++;
    const y = (i / this.width) | 0;
    const x = i - y * this.width;
    if (x < this.x0) this.x0 = x;
    if (x >= this.x1) this.x1 = x + 1;
    if (y < this.y0) this.y0 = y;
    if (y >= this.y1) this.y1 = y + 1;
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

  push(v: number): void {
    if (this.n > 0 && this.values[this.n - 1] === v) {
      this.lengths[this.n - 1]++;
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
    this.lengths[this.n] = 1;
    this.n++;
  }

  build(): ValueRuns {
    return { values: this.values.slice(0, this.n), lengths: this.lengths.slice(0, this.n) };
  }
}
