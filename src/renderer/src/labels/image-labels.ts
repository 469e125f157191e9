/**
 * The label maps of one image while it is open in the editor: the LabelDocument (pixels + history), which
 * frames the saved draft holds, and autosave. Autosave is debounced after each change and also runs when the
 * editor asks (frame change, tool switch, image switch, page hidden); saves are sequential, a failed save keeps
 * its frames dirty and retries with backoff, and a conflict (saved elsewhere) stops and asks the user.
 */
import type { LabelDraftSummary, LabelSource } from '../../../shared/contract/labels.ts';
import { errorDataOf } from '../../../shared/bridge-error.ts';
import type { ImageKey } from '../../../shared/labels/image-key.ts';
import { LabelDocument } from '../../../shared/labels/label-document.ts';
import { encodeMapText, MAX_MAP_TEXT } from '../../../shared/labels/map-codec.ts';
import { CAMUS_LABELS, type LabelDef } from '../../../shared/labels/palette.ts';
import { getApi } from '../api/get-api.ts';
import { Store } from '../viewport/store.ts';

export interface ImageInfo {
  key: ImageKey;
  width: number;
  height: number;
  frames: number;
  title: string;
}

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'retrying' | 'conflict';

export interface SaveStatus {
  state: SaveState;
  /** The saved draft's revision; null until the first save. */
  revision: number | null;
  savedAt: string | null;
  message: string | null;
}

const DEBOUNCE_MS = 700;
const RETRY_MS = [1000, 2000, 5000, 10_000];

export class ImageLabels {
  readonly info: ImageInfo;
  readonly doc: LabelDocument;
  readonly status: Store<SaveStatus>;
  palette: LabelDef[];
  source: LabelSource;
  private storedFrames: Set<number>;
  private readonly loading = new Map<number, Promise<void>>();
  private paletteDirty = false;
  private sourceDirty = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private closed = false;
  /** Called when a frame finishes loading (the overlay redraws it). */
  onFrameLoaded: (frame: number) => void = () => undefined;

  private constructor(info: ImageInfo, draft: LabelDraftSummary | null) {
    this.info = info;
    this.doc = new LabelDocument(info.width, info.height, info.frames);
    this.palette = draft?.palette ?? [...CAMUS_LABELS];
    this.source = draft?.source ?? { kind: 'empty' };
    this.storedFrames = new Set(draft?.frames ?? []);
    this.status = new Store<SaveStatus>({ state: 'saved', revision: draft?.revision ?? null, savedAt: draft?.updatedAt ?? null, message: null });
    this.doc.subscribe(() => {
      if (this.doc.hasUnsaved) this.markUnsaved();
    });
  }

  static async open(info: ImageInfo): Promise<ImageLabels> {
    const draft = await getApi()['labels.draft']({ key: info.key });
    if (draft && (draft.width !== info.width || draft.height !== info.height)) {
      throw new Error(`the saved labels of ${info.title} are ${draft.width}x${draft.height} but the image is ${info.width}x${info.height}`);
    }
    return new ImageLabels(info, draft);
  }

  /**
   * For display: the frame's map; null when it has none saved and none drawn (so playing a cine does not
   * allocate an empty map per frame); undefined while a saved one is being fetched.
   */
  displayMap(frame: number): Uint8Array | null | undefined {
    const d = this.doc.get(frame);
    if (d) return d;
    if (!this.storedFrames.has(frame)) return null;
    void this.ensureFrame(frame).catch(() => undefined);
    return undefined;
  }

  /** Loads a frame's saved map into the document (once; concurrent calls share the request). */
  ensureFrame(frame: number): Promise<void> {
    if (this.doc.isLoaded(frame)) return Promise.resolve();
    if (!this.storedFrames.has(frame)) {
      this.doc.load(frame, null);
      this.onFrameLoaded(frame);
      return Promise.resolve();
    }
    let p = this.loading.get(frame);
    if (!p) {
      p = getApi()
        ['labels.get']({ key: this.info.key, frame })
        .then((m) => {
          if (!this.doc.isLoaded(frame)) this.doc.load(frame, m ? m.data : null);
          this.onFrameLoaded(frame);
        })
        .finally(() => this.loading.delete(frame));
      this.loading.set(frame, p);
    }
    return p;
  }

  setPalette(palette: LabelDef[]): void {
    this.palette = palette;
    this.paletteDirty = true;
    this.markUnsaved();
  }

  setSource(source: LabelSource): void {
    this.source = source;
    this.sourceDirty = true;
    this.markUnsaved();
  }

  get hasUnsaved(): boolean {
    return this.doc.hasUnsaved || this.paletteDirty || this.sourceDirty || this.inFlight !== null;
  }

  /** Saves now (cancelling the debounce); resolves when everything dirty so far is saved or has failed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.save();
    if (this.again) await this.save();
  }

  /** Stops autosaving (the image was closed) after a last flush. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** After a conflict: take the saved revision as the base and save every loaded frame over it. */
  async overwrite(): Promise<void> {
    const draft = await getApi()['labels.draft']({ key: this.info.key });
    this.status.set({ revision: draft?.revision ?? null, state: 'unsaved', message: null });
    this.doc.markDirty(this.doc.loadedFrames());
    this.paletteDirty = true;
    this.failures = 0;
    await this.flush();
  }

  private markUnsaved(): void {
    if (this.closed || this.status.get().state === 'conflict') return;
    if (this.status.get().state === 'saved') this.status.set({ state: 'unsaved', message: null });
    this.schedule(DEBOUNCE_MS);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, ms);
  }

  private save(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.again = false;
    this.inFlight = this.saveOnce().finally(() => {
      this.inFlight = null;
      if (this.again && !this.closed && this.status.get().state !== 'conflict') this.schedule(0);
    });
    return this.inFlight;
  }

  private async saveOnce(): Promise<void> {
    if (this.status.get().state === 'conflict') return;
    // A stroke still being drawn is saved when it ends.
    if (this.doc.strokeFrame !== null) return this.schedule(DEBOUNCE_MS);
    const frames = this.doc.takeDirty();
    const metaOnly = frames.length === 0;
    if (metaOnly && !this.paletteDirty && !this.sourceDirty) {
      if (this.status.get().state !== 'retrying') this.status.set({ state: 'saved' });
      return;
    }
    if (metaOnly && this.status.get().revision === null) {
      // Nothing drawn yet: a palette alone does not create a draft.
      this.status.set({ state: 'saved' });
      return;
    }
    this.status.set({ state: 'saving' });
    const pending = [...frames];
    try {
      for (const chunk of this.chunks(frames)) {
        const res = await getApi()['labels.put']({
          key: this.info.key,
          width: this.info.width,
          height: this.info.height,
          frameCount: this.info.frames,
          frames: chunk,
          palette: this.palette,
          ...(this.sourceDirty || this.status.get().revision === null ? { source: this.source } : {}),
          expectedRevision: this.status.get().revision,
        });
        for (const c of chunk) {
          this.storedFrames.add(c.frame);
          pending.splice(pending.indexOf(c.frame), 1);
        }
        this.paletteDirty = false;
        this.sourceDirty = false;
        this.status.set({ revision: res.revision, savedAt: res.updatedAt });
      }
      this.failures = 0;
      this.status.set({ state: this.doc.hasUnsaved ? 'unsaved' : 'saved', message: null });
    } catch (err) {
      this.doc.markDirty(pending);
      const e = errorDataOf(err);
      if (e.kind === 'conflict') {
        this.status.set({ state: 'conflict', message: e.message });
        return;
      }
      const wait = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
      this.failures++;
      this.status.set({ state: 'retrying', message: `${e.message} — retrying in ${Math.round(wait / 1000)} s` });
      if (!this.closed) this.schedule(wait);
    }
  }

  /** Frames grouped so each request stays under the serve door's message limit. */
  private *chunks(frames: number[]): Generator<{ frame: number; map: string }[]> {
    let chunk: { frame: number; map: string }[] = [];
    let size = 0;
    for (const frame of frames) {
      const map = encodeMapText(this.doc.get(frame)!);
      if (map.length > MAX_MAP_TEXT) throw new Error(`frame ${frame}: its label map is too intricate to save (${map.length} bytes encoded)`);
      if (chunk.length && size + map.length > MAX_MAP_TEXT) {
        yield chunk;
        chunk = [];
        size = 0;
      }
      chunk.push({ frame, map });
      size += map.length;
    }
    if (chunk.length || this.paletteDirty || this.sourceDirty) yield chunk;
  }
}
