/**
 * The label maps of one image (all its frames) being edited, with their history. Pure and synchronous: the
 * renderer loads frames into it from storage, runs tools through it at pointer rate, and saves the frames it
 * reports dirty. Every change to pixels goes through an EditSession, so every change is in the history.
 */
import { EditScratch, EditSession } from './edit-session.ts';
import { DEFAULT_HISTORY_LIMITS, LabelHistory, makeEntry, type FrameDelta, type HistoryEntry, type HistoryLimits } from './history.ts';
import { checkSize, isEmptyRect, type Rect } from './label-map.ts';
import { applyDelta } from './pixel-delta.ts';

export interface FrameChange {
  frame: number;
  /** The pixels that may have changed. */
  rect: Rect;
}

export type DocumentListener = (changes: FrameChange[]) => void;

interface Stroke {
  session: EditSession;
  frame: number;
  label: string;
}

export class LabelDocument {
  private readonly frames = new Map<number, Uint8Array>();
  /** 1 where a label value is locked: tools never overwrite its pixels or paint it. */
  readonly locked = new Uint8Array(256);
  readonly history: LabelHistory;
  private readonly scratch: EditScratch;
  private readonly dirty = new Set<number>();
  private readonly listeners = new Set<DocumentListener>();
  private stroke: Stroke | null = null;

  readonly width: number;
  readonly height: number;
  readonly frameCount: number;

  constructor(width: number, height: number, frameCount: number, limits: HistoryLimits = DEFAULT_HISTORY_LIMITS) {
    this.width = width;
    this.height = height;
    this.frameCount = frameCount;
    checkSize(width, height);
    if (!Number.isInteger(frameCount) || frameCount < 1) throw new RangeError(`frame count ${frameCount} must be a positive integer`);
    this.history = new LabelHistory(limits);
    this.scratch = new EditScratch(width, height);
  }

  get pixels(): number {
    return this.width * this.height;
  }

  isLoaded(frame: number): boolean {
    return this.frames.has(frame);
  }

  /** The frame's pixels (live: tools write into this array), or undefined while not loaded. */
  get(frame: number): Uint8Array | undefined {
    return this.frames.get(frame);
  }

  loadedFrames(): number[] {
    return [...this.frames.keys()].sort((a, b) => a - b);
  }

  /**
   * Puts a frame's stored state in (null: nothing stored, an empty map). Not an edit; not dirty. Only for a
   * frame not loaded yet: history entries refer to the loaded pixels, so replacing them would corrupt undo.
   */
  load(frame: number, data: Uint8Array | null): void {
    this.checkFrame(frame);
    if (this.frames.has(frame)) throw new Error(`frame ${frame} is already loaded`);
    if (data && data.length !== this.pixels) throw new RangeError(`frame ${frame}: ${data.length} pixels loaded into a ${this.width}x${this.height} map`);
    if (this.stroke?.frame === frame) throw new Error(`frame ${frame} is being drawn on`);
    this.frames.set(frame, data ? data.slice() : new Uint8Array(this.pixels));
    this.emit([{ frame, rect: this.full() }]);
  }

  /** Forgets every frame and the history (after the stored draft was discarded or replaced elsewhere). */
  reset(): void {
    if (this.stroke) this.cancelStroke();
    const frames = [...this.frames.keys()];
    this.frames.clear();
    this.history.clear();
    this.dirty.clear();
    this.emit(frames.map((frame) => ({ frame, rect: this.full() })));
  }

  /** Starts a stroke (pointer down). The frame must be loaded and no other stroke open. */
  beginStroke(frame: number, label: string): EditSession {
    if (this.stroke) throw new Error('a stroke is already open');
    const data = this.loaded(frame);
    const session = new EditSession(data, this.scratch, this.locked);
    this.stroke = { session, frame, label };
    return session;
  }

  get strokeFrame(): number | null {
    return this.stroke?.frame ?? null;
  }

  /** Tells listeners what the open stroke touched so far (call after painting a segment). */
  strokeProgress(rect: Rect): void {
    if (this.stroke && !isEmptyRect(rect)) this.emit([{ frame: this.stroke.frame, rect }]);
  }

  /** Ends the stroke (pointer up): one history entry holding only the pixels it changed. */
  endStroke(): HistoryEntry | null {
    const st = this.stroke;
    if (!st) return null;
    this.stroke = null;
    const delta = st.session.commit();
    if (!delta) return null;
    return this.record(st.label, [{ frame: st.frame, delta }]);
  }

  /** Drops the open stroke, restoring its pixels (Escape, or the pointer lost mid-stroke). */
  cancelStroke(): void {
    const st = this.stroke;
    if (!st) return;
    this.stroke = null;
    const rect = st.session.abort();
    this.emit([{ frame: st.frame, rect }]);
  }

  /**
   * Runs a one-shot operation (fill, lasso, smooth, copy...) on each listed frame, as ONE history entry.
   * Every frame must be loaded. Returns the entry, or null when nothing changed.
   */
  apply(label: string, frames: number[], op: (s: EditSession, frame: number) => void): HistoryEntry | null {
    if (this.stroke) throw new Error('finish the stroke before another operation');
    const datas = frames.map((f) => this.loaded(f));
    const changes: FrameDelta[] = [];
    frames.forEach((frame, k) => {
      const s = new EditSession(datas[k], this.scratch, this.locked);
      try {
        op(s, frame);
      } catch (err) {
        s.abort();
        // Frames already done in this operation are undone too: an operation applies wholly or not at all.
        for (const c of changes) applyDelta(this.frames.get(c.frame)!, c.delta, 'before');
        this.emit(changes.map((c) => ({ frame: c.frame, rect: c.delta.rect })));
        throw err;
      }
      const delta = s.commit();
      if (delta) changes.push({ frame, delta });
    });
    return changes.length ? this.record(label, changes) : null;
  }

  undo(): HistoryEntry | null {
    if (this.stroke) this.cancelStroke();
    const e = this.history.undo();
    if (e) this.replay(e, 'before');
    return e;
  }

  redo(): HistoryEntry | null {
    if (this.stroke) this.cancelStroke();
    const e = this.history.redo();
    if (e) this.replay(e, 'after');
    return e;
  }

  /** Frames changed since the last call (for autosave). Put them back with markDirty when a save fails. */
  takeDirty(): number[] {
    const out = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    return out;
  }

  markDirty(frames: Iterable<number>): void {
    for (const f of frames) this.dirty.add(f);
  }

  get hasUnsaved(): boolean {
    return this.dirty.size > 0;
  }

  subscribe(listener: DocumentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private replay(e: HistoryEntry, side: 'before' | 'after'): void {
    // Undo walks the frames in reverse, so an entry touching a frame twice would still unwind in order.
    const changes = side === 'before' ? [...e.changes].reverse() : e.changes;
    for (const c of changes) applyDelta(this.loaded(c.frame), c.delta, side);
    for (const c of e.changes) this.dirty.add(c.frame);
    this.emit(e.changes.map((c) => ({ frame: c.frame, rect: c.delta.rect })));
  }

  private record(label: string, changes: FrameDelta[]): HistoryEntry {
    const entry = makeEntry(label, changes);
    this.history.push(entry);
    for (const c of changes) this.dirty.add(c.frame);
    this.emit(changes.map((c) => ({ frame: c.frame, rect: c.delta.rect })));
    return entry;
  }

  private loaded(frame: number): Uint8Array {
    this.checkFrame(frame);
    const d = this.frames.get(frame);
    if (!d) throw new Error(`frame ${frame} is not loaded`);
    return d;
  }

  private checkFrame(frame: number): void {
    if (!Number.isInteger(frame) || frame < 0 || frame >= this.frameCount) throw new RangeError(`frame ${frame} is not in 0..${this.frameCount - 1}`);
  }

  private full(): Rect {
    return { x0: 0, y0: 0, x1: this.width, y1: this.height };
  }

  private emit(changes: FrameChange[]): void {
    if (!changes.length) return;
    for (const l of this.listeners) l(changes);
  }
}
