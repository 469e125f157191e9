/**
 * Where every editing tool writes: one EditSession per stroke or one-shot operation on one frame. It writes
 * straight into the frame (so the overlay shows the stroke as it is drawn), skips pixels whose current label is
 * locked, remembers the first value of each pixel it touches, and on commit turns what actually changed into a
 * PixelDelta for the history. Touch bookkeeping lives in a scratch buffer shared by all sessions on maps of one
 * size (a stamp per pixel), so starting a session costs nothing and committing scans only the touched box.
 */
import { DeltaBuilder, type PixelDelta } from './pixel-delta.ts';
import type { Rect } from './label-map.ts';

/** Per-size scratch: which session last touched each pixel, and the value it had before. */
export class EditScratch {
  readonly stamp: Uint32Array;
  readonly before: Uint8Array;
  private next = 0;
  /** The open session: two at once would share `before` and lose each other's old values. */
  active: EditSession | null = null;

  readonly width: number;
  readonly height: number;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.stamp = new Uint32Array(width * height);
    this.before = new Uint8Array(width * height);
  }

  nextId(): number {
    if (this.next >= 0xfffffffe) {
      this.stamp.fill(0);
      this.next = 0;
    }
    return ++this.next;
  }
}

export class EditSession {
  readonly width: number;
  readonly height: number;
  private readonly id: number;
  private readonly stamp: Uint32Array;
  private readonly before: Uint8Array;
  private x0 = Infinity;
  private y0 = Infinity;
  private x1 = -Infinity;
  private y1 = -Infinity;
  private closed = false;
  private readonly scratch: EditScratch;
  /** Box touched since the last takeRecent() (what a live overlay must redraw, not the whole stroke). */
  private rx0 = Infinity;
  private ry0 = Infinity;
  private rx1 = -Infinity;
  private ry1 = -Infinity;

  /**
   * @param data the frame's pixels, written in place
   * @param locked 256 entries, 1 where a label is locked: such pixels are never overwritten
   */
  readonly data: Uint8Array;
  readonly locked: Uint8Array;

  constructor(data: Uint8Array, scratch: EditScratch, locked: Uint8Array) {
    this.data = data;
    this.locked = locked;
    this.width = scratch.width;
    this.height = scratch.height;
    if (data.length !== this.width * this.height) throw new RangeError(`frame has ${data.length} pixels, scratch is ${this.width}x${this.height}`);
    if (scratch.active) throw new Error('another edit session on this scratch is still open');
    this.scratch = scratch;
    scratch.active = this;
    this.stamp = scratch.stamp;
    this.before = scratch.before;
    this.id = scratch.nextId();
  }

  /** Sets pixel i to v unless its current label is locked. */
  set(i: number, v: number): void {
    const old = this.data[i];
    if (old === v || this.locked[old]) return;
    if (this.stamp[i] !== this.id) {
      this.stamp[i] = this.id;
      this.before[i] = old;
      const y = (i / this.width) | 0;
      this.grow(i - y * this.width, y, 1);
    }
    this.data[i] = v;
  }

  /** Sets pixels x0..x1 (inclusive) of row y to v, clipped to the map, skipping locked labels. */
  fillSpan(y: number, x0: number, x1: number, v: number): void {
    if (y < 0 || y >= this.height) return;
    if (x0 < 0) x0 = 0;
    if (x1 >= this.width) x1 = this.width - 1;
    if (x1 < x0) return;
    const row = y * this.width;
    const data = this.data;
    const stamp = this.stamp;
    const locked = this.locked;
    const id = this.id;
    let touched = false;
    for (let i = row + x0, end = row + x1; i <= end; i++) {
      const old = data[i];
      if (old === v || locked[old]) continue;
      if (stamp[i] !== id) {
        stamp[i] = id;
        this.before[i] = old;
      }
      data[i] = v;
      touched = true;
    }
    if (touched) this.grow(x0, y, x1 - x0 + 1);
  }

  private grow(x: number, y: number, w: number): void {
    if (x < this.rx0) this.rx0 = x;
    if (x + w > this.rx1) this.rx1 = x + w;
    if (y < this.ry0) this.ry0 = y;
    if (y + 1 > this.ry1) this.ry1 = y + 1;
    if (x < this.x0) this.x0 = x;
    if (x + w > this.x1) this.x1 = x + w;
    if (y < this.y0) this.y0 = y;
    if (y + 1 > this.y1) this.y1 = y + 1;
  }

  /** The box of pixels touched so far (what the overlay must redraw). */
  touched(): Rect {
    return this.x1 < 0 ? { x0: 0, y0: 0, x1: 0, y1: 0 } : { x0: this.x0, y0: this.y0, x1: this.x1, y1: this.y1 };
  }

  /** The box written since the previous call (empty when nothing was). */
  takeRecent(): Rect {
    const r = this.rx1 < 0 ? { x0: 0, y0: 0, x1: 0, y1: 0 } : { x0: this.rx0, y0: this.ry0, x1: this.rx1, y1: this.ry1 };
    this.rx0 = this.ry0 = Infinity;
    this.rx1 = this.ry1 = -Infinity;
    return r;
  }

  /** Ends the session; returns what changed (null when nothing did, e.g. painting over the same label). */
  commit(): PixelDelta | null {
    this.closeOnce();
    if (this.x1 < 0) return null;
    const b = new DeltaBuilder(this.width);
    const { stamp, before, data, id, width } = this;
    for (let y = this.y0; y < this.y1; y++) {
      const row = y * width;
      const end = row + this.x1;
      let i = row + this.x0;
      // Runs of changed pixels (touched by this session and different from before) go in as spans.
      while (i < end) {
        if (stamp[i] !== id || before[i] === data[i]) {
          i++;
          continue;
        }
        let j = i + 1;
        while (j < end && stamp[j] === id && before[j] !== data[j]) j++;
        b.addSpan(i, j - i, y, before, data);
        i = j;
      }
    }
    return b.build();
  }

  /** Ends the session and puts every touched pixel back (Escape during a stroke). Returns the box restored. */
  abort(): Rect {
    this.closeOnce();
    const r = this.touched();
    const { stamp, before, data, id, width } = this;
    for (let y = r.y0; y < r.y1; y++) {
      for (let i = y * width + r.x0, end = y * width + r.x1; i < end; i++) if (stamp[i] === id) data[i] = before[i];
    }
    return r;
  }

  private closeOnce(): void {
    if (this.closed) throw new Error('edit session already ended');
    this.closed = true;
    this.scratch.active = null;
  }
}
