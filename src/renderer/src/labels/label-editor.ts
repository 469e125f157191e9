/**
 * The label editor: which tool, label, brush and display options are chosen, the image being labelled, and
 * every action the Labels tab, the keyboard and the pointer can take. It lives outside React (like the
 * viewer controller); components read its store. Pixels and history live in the image's LabelDocument
 * (src/shared/labels), so everything here is orchestration: which frame, locks, autosave, files.
 */
import type { GroundTruthKind, LabelExportResult, LabelFileFormat } from '../../../shared/contract/labels.ts';
import { paintSegment, snapToGrid, MAX_BRUSH_SIZE, type BrushTip, type Point } from '../../../shared/labels/brush.ts';
import type { EditSession } from '../../../shared/labels/edit-session.ts';
import { floodFill } from '../../../shared/labels/flood-fill.ts';
import { clearLabel, copyMap } from '../../../shared/labels/frame-ops.ts';
import { imageKeyId, imageKeyTitle, type ImageKey } from '../../../shared/labels/image-key.ts';
import { labelMapChecksum } from '../../../shared/labels/label-map.ts';
import { fillPolygon } from '../../../shared/labels/lasso.ts';
import { fillHoles, smoothLabel } from '../../../shared/labels/morphology.ts';
import { CAMUS_LABELS, mergePalette, nextFreeValue, PALETTE_PRESETS, type LabelDef } from '../../../shared/labels/palette.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { Store } from '../viewport/store.ts';
import type { Viewable } from '../viewport/viewable.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import { ImageLabels, type ImageInfo, type SaveStatus } from './image-labels.ts';
import { LabelLayer } from './label-layer.ts';
import { paintPreview } from './preview.ts';

export type LabelTool = 'navigate' | 'brush' | 'eraser' | 'lasso' | 'fill';

export interface LabelEditorState {
  /** The image being labelled (null: none, or one without pixels). */
  imageTitle: string | null;
  imageKeyId: string | null;
  width: number;
  height: number;
  frames: number;
  loading: boolean;
  error: string | null;
  tool: LabelTool;
  brushSize: number;
  brushTip: BrushTip;
  smoothRadius: number;
  label: number;
  palette: LabelDef[];
  hidden: ReadonlySet<number>;
  locked: ReadonlySet<number>;
  opacity: number;
  outline: boolean;
  overlayVisible: boolean;
  /** The frame being edited (the one on screen). */
  frame: number;
  frameReady: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
  /** A short note after an action ("Fill holes: 42 pixels", "Label 2 is locked"). */
  note: string | null;
  /** Where the draft started (shown as "Started from …"). */
  sourceText: string;
  /** A catalog study: its frames with a ground-truth map (possibly none); null for a DICOM file. */
  groundTruthFrames: number[] | null;
  hasDraft: boolean;
  /** Bumped when pixels change, so views that show counts re-render. */
  version: number;
}

const initial: LabelEditorState = {
  imageTitle: null,
  imageKeyId: null,
  width: 0,
  height: 0,
  frames: 0,
  loading: false,
  error: null,
  tool: 'navigate',
  brushSize: 9,
  brushTip: 'round',
  smoothRadius: 1,
  label: 1,
  palette: [...CAMUS_LABELS],
  hidden: new Set(),
  locked: new Set(),
  opacity: 0.5,
  outline: false,
  overlayVisible: true,
  frame: 0,
  frameReady: false,
  undoLabel: null,
  redoLabel: null,
  note: null,
  sourceText: 'empty',
  groundTruthFrames: null,
  hasDraft: false,
  version: 0,
};

const EMPTY_STATUS: SaveStatus = { state: 'saved', revision: null, savedAt: null, message: null };

export class LabelEditor {
  readonly state = new Store<LabelEditorState>(initial);
  /** The open image's save status (a store that outlives image switches). */
  readonly save = new Store<SaveStatus>(EMPTY_STATUS);
  readonly layer = new LabelLayer();
  private readonly viewer: ViewerController;
  private current: ImageLabels | null = null;
  /** Recently open images, so switching back keeps their undo history. */
  private readonly recent = new Map<string, ImageLabels>();
  private unsubscribeStatus: (() => void) | null = null;
  private unsubscribeDoc: (() => void) | null = null;
  private openSeq = 0;
  private stroke: { session: EditSession; last: Point; value: number } | null = null;
  private lasso: Point[] | null = null;
  private hover: Point | null = null;
  /** Whether each frame of the open image has any labelled pixel (computed when asked, dropped on change). */
  private readonly labelled = new Map<number, boolean>();
  /** Milliseconds spent handling each drawing pointer event (down: fills and dabs; move: stroke segments), for
   * the benchmark; the last 5000 of each. */
  readonly timings = { down: [] as number[], move: [] as number[] };

  constructor(viewer: ViewerController) {
    this.viewer = viewer;
    let lastTarget = '';
    let lastFrame = -1;
    viewer.state.subscribe(() => {
      const s = viewer.state.get();
      // DICOM files are keyed by path, catalog studies by their stable study id.
      const target = imageTarget(s.viewable);
      const id = target ? `${imageKeyId(target.info.key)}|${target.info.width}x${target.info.height}x${target.info.frames}` : '';
      if (id !== lastTarget) {
        lastTarget = id;
        void this.openImage(target);
      }
      if (s.frame !== lastFrame && !s.playing) {
        lastFrame = s.frame;
        this.onFrame(s.frame);
      }
    });
    this.syncStyle();
  }

  get labels(): ImageLabels | null {
    return this.current;
  }

  /** The key of the image being labelled. */
  get imageKey(): ImageKey | null {
    return this.current?.info.key ?? null;
  }

  /**
   * Whether the open draft has labels on `frame` of `viewable` (a loaded map with a labelled pixel). With
   * `shown`, only while the editor's labels are visible: the ground-truth overlay then draws itself as an
   * outline over them.
   */
  hasLabelsOn(viewable: Viewable, frame: number, { shown = false } = {}): boolean {
    const labels = this.current;
    const s = this.state.get();
    if (!labels || (shown && (!s.overlayVisible || s.opacity <= 0))) return false;
    const target = imageTarget(viewable);
    if (!target || imageKeyId(target.info.key) !== imageKeyId(labels.info.key)) return false;
    const map = labels.displayMap(frame);
    if (!map) return false;
    let any = this.labelled.get(frame);
    if (any === undefined) {
      any = false;
      for (let i = 0; i < map.length; i++) {
        if (map[i] !== 0) {
          any = true;
          break;
        }
      }
      this.labelled.set(frame, any);
    }
    return any;
  }

  /** The checksum of the shown frame's map (tests, and the panel's "unchanged" check). */
  checksum(frame = this.state.get().frame): string | null {
    const d = this.current?.doc.get(frame);
    return d ? labelMapChecksum(d) : null;
  }

  // ----- image and frame -----

  private async openImage(target: ImageTarget | null): Promise<void> {
    const seq = ++this.openSeq;
    this.cancelInteraction();
    const previous = this.current;
    this.detachCurrent();
    if (previous) void previous.flush();
    if (!target) {
      this.state.set({ imageTitle: null, imageKeyId: null, width: 0, height: 0, frames: 0, loading: false, error: null, frameReady: false, hasDraft: false, groundTruthFrames: null });
      this.layer.setSource(null);
      return;
    }
    const { info } = target;
    const key = info.key;
    const id = imageKeyId(key);
    this.state.set({ imageTitle: info.title, imageKeyId: id, width: info.width, height: info.height, frames: info.frames, loading: true, error: null, frameReady: false, groundTruthFrames: target.groundTruthFrames });
    try {
      let labels = this.recent.get(id);
      if (!labels || labels.info.width !== info.width || labels.info.height !== info.height || labels.info.frames !== info.frames) {
        labels = await ImageLabels.open(info);
      }
      if (seq !== this.openSeq) return;
      this.recent.delete(id);
      this.recent.set(id, labels);
      while (this.recent.size > 4) {
        const [oldId, old] = this.recent.entries().next().value!;
        this.recent.delete(oldId);
        void old.close();
      }
      this.attach(labels);
    } catch (err) {
      if (seq === this.openSeq) this.state.set({ loading: false, error: `Labels of ${imageKeyTitle(key)} could not be opened: ${describeError(err)}` });
    }
  }

  private attach(labels: ImageLabels): void {
    this.current = labels;
    this.labelled.clear();
    labels.onFrameLoaded = (f) => {
      this.labelled.delete(f);
      if (f === this.state.get().frame) this.state.set({ frameReady: true });
      this.layer.invalidate(f, { x0: 0, y0: 0, x1: labels.info.width, y1: labels.info.height });
    };
    this.unsubscribeStatus = labels.status.subscribe(() => {
      const st = labels.status.get();
      this.save.set(st);
      this.state.set({ hasDraft: st.revision !== null });
    });
    this.save.set(labels.status.get());
    this.unsubscribeDoc = labels.doc.subscribe((changes) => {
      for (const c of changes) {
        this.labelled.delete(c.frame);
        this.layer.invalidate(c.frame, c.rect);
      }
      this.syncHistory();
    });
    for (let v = 0; v < 256; v++) labels.doc.locked[v] = this.state.get().locked.has(v) ? 1 : 0;
    this.layer.setSource({
      width: labels.info.width,
      height: labels.info.height,
      mapFor: (f) => labels.displayMap(f),
    });
    const label = labels.palette.some((l) => l.value === this.state.get().label) ? this.state.get().label : (labels.palette.find((l) => l.value !== 0)?.value ?? 0);
    this.state.set({ loading: false, palette: labels.palette, label, hasDraft: labels.status.get().revision !== null, sourceText: sourceText(labels) });
    this.syncStyle();
    this.syncHistory();
    this.onFrame(this.viewer.state.get().frame);
  }

  private detachCurrent(): void {
    this.unsubscribeStatus?.();
    this.unsubscribeDoc?.();
    this.unsubscribeStatus = null;
    this.unsubscribeDoc = null;
    if (this.current) this.current.onFrameLoaded = () => undefined;
    this.current = null;
    this.save.set(EMPTY_STATUS);
  }

  private onFrame(frame: number): void {
    const labels = this.current;
    const changed = frame !== this.state.get().frame;
    this.state.set({ frame, frameReady: !!labels?.doc.isLoaded(frame) });
    if (!labels) return;
    if (changed) void labels.flush(); // autosave on frame change
    labels.ensureFrame(frame).catch((err) => this.state.set({ error: describeError(err) }));
  }

  /** Saves whatever is unsaved now. */
  flush(): Promise<void> {
    return this.current?.flush() ?? Promise.resolve();
  }

  get hasUnsaved(): boolean {
    return this.current?.hasUnsaved ?? false;
  }

  // ----- tools and options -----

  setTool(tool: LabelTool): void {
    if (tool === this.state.get().tool) return;
    this.cancelInteraction();
    this.state.set({ tool, note: null });
    void this.flush(); // autosave on tool switch
    this.updatePreview();
  }

  setLabel(value: number): void {
    if (!this.state.get().palette.some((l) => l.value === value)) {
      this.state.set({ note: `There is no label ${value} in the palette` });
      return;
    }
    this.state.set({ label: value, note: null });
    this.updatePreview();
  }

  setBrushSize(size: number): void {
    this.state.set({ brushSize: Math.max(1, Math.min(MAX_BRUSH_SIZE, Math.round(size))) });
    this.updatePreview();
  }

  /** Grows or shrinks the brush by about 15% (at least one pixel). */
  stepBrushSize(direction: 1 | -1): void {
    const s = this.state.get().brushSize;
    this.setBrushSize(s + direction * Math.max(1, Math.round(s * 0.15)));
  }

  setBrushTip(tip: BrushTip): void {
    this.state.set({ brushTip: tip });
    this.updatePreview();
  }

  setSmoothRadius(r: number): void {
    this.state.set({ smoothRadius: Math.max(1, Math.min(5, Math.round(r))) });
  }

  setOpacity(opacity: number): void {
    this.state.set({ opacity: Math.max(0, Math.min(1, opacity)) });
    this.syncStyle();
  }

  setOutline(outline: boolean): void {
    this.state.set({ outline });
    this.syncStyle();
  }

  setOverlayVisible(visible: boolean): void {
    this.state.set({ overlayVisible: visible });
    this.syncStyle();
  }

  toggleHidden(value: number): void {
    const hidden = new Set(this.state.get().hidden);
    if (hidden.has(value)) hidden.delete(value);
    else hidden.add(value);
    this.state.set({ hidden });
    this.syncStyle();
  }

  toggleLocked(value: number): void {
    const locked = new Set(this.state.get().locked);
    if (locked.has(value)) locked.delete(value);
    else locked.add(value);
    this.state.set({ locked });
    if (this.current) this.current.doc.locked[value] = locked.has(value) ? 1 : 0;
  }

  // ----- palette -----

  setLabelColor(value: number, color: string): void {
    this.updatePalette(this.state.get().palette.map((l) => (l.value === value ? { ...l, color } : l)));
  }

  renameLabel(value: number, name: string): void {
    if (!name.trim()) return;
    this.updatePalette(this.state.get().palette.map((l) => (l.value === value ? { ...l, name: name.trim().slice(0, 64) } : l)));
  }

  /** Adds the smallest unused value with a distinct colour; returns it. */
  addLabel(name?: string): number | null {
    const palette = this.state.get().palette;
    const value = nextFreeValue(palette);
    if (value === null) return null;
    const hue = (value * 137.5) % 360;
    this.updatePalette(mergePalette(palette, [{ value, name: name?.trim() || `label ${value}`, color: hslHex(hue, 0.75, 0.55) }]));
    this.setLabel(value);
    return value;
  }

  /** Removes a label from the palette; refused while any loaded frame still uses it. */
  removeLabel(value: number): void {
    if (value === 0) return;
    const labels = this.current;
    const used = labels?.doc.loadedFrames().some((f) => labels.doc.get(f)!.includes(value));
    if (used) {
      this.state.set({ note: `Label ${value} is still drawn on a frame: clear it first` });
      return;
    }
    this.updatePalette(this.state.get().palette.filter((l) => l.value !== value));
    if (this.state.get().label === value) this.setLabel(this.state.get().palette.find((l) => l.value !== 0)?.value ?? 0);
  }

  applyPreset(id: string): void {
    const preset = PALETTE_PRESETS.find((p) => p.id === id);
    if (preset) this.updatePalette(mergePalette(this.state.get().palette, preset.labels));
  }

  /** Extends the palette with a model pack's conditioning labels (its names and colours win). */
  async applyPackPalette(path: string): Promise<void> {
    try {
      const res = await getApi()['labels.packPalette']({ path });
      this.updatePalette(mergePalette(this.state.get().palette, res.labels));
      this.state.set({ note: `Palette from ${res.path}: ${res.labels.length} labels`, error: null });
    } catch (err) {
      this.state.set({ error: describeError(err) });
    }
  }

  private updatePalette(palette: LabelDef[]): void {
    this.state.set({ palette });
    this.current?.setPalette(palette);
    this.syncStyle();
  }

  // ----- pointer-driven editing (image pixel coordinates) -----

  /** Whether a left-button drag should draw rather than navigate. */
  get drawing(): boolean {
    return this.state.get().tool !== 'navigate' && !!this.current;
  }

  pointerDown(p: Point): void {
    const t0 = performance.now();
    this.pointerDownAt(p);
    record(this.timings.down, performance.now() - t0);
  }

  private pointerDownAt(p: Point): void {
    const labels = this.current;
    const s = this.state.get();
    if (!labels || s.tool === 'navigate') return;
    this.viewer.pause();
    const frame = this.viewer.shownFrame();
    if (frame !== s.frame) this.onFrame(frame);
    if (!labels.doc.isLoaded(frame)) {
      this.state.set({ note: 'The labels of this frame are still loading' });
      return;
    }
    const value = s.tool === 'eraser' ? 0 : s.label;
    if (this.refuseLocked(value)) return;
    if (s.tool === 'fill') {
      const n = this.run('Fill', [frame], (sess) => floodFill(sess, p.x, p.y, value));
      if (n === 0) this.state.set({ note: 'Nothing to fill there (same label, or a locked one)' });
      return;
    }
    if (s.tool === 'lasso') {
      this.lasso = [p];
      this.updatePreview();
      return;
    }
    const session = labels.doc.beginStroke(frame, s.tool === 'eraser' ? 'Erase' : 'Brush');
    const c = snapToGrid(p, s.brushSize);
    this.stroke = { session, last: c, value };
    paintSegment(session, c, c, { size: s.brushSize, tip: s.brushTip }, value);
    labels.doc.strokeProgress(session.takeRecent());
  }

  /** Pointer moved to `p` (points: the coalesced samples since the last event, oldest first). */
  pointerMove(points: Point[]): void {
    if (!points.length) return;
    const t0 = performance.now();
    this.pointerMoveTo(points);
    if (this.stroke || this.lasso) record(this.timings.move, performance.now() - t0);
  }

  private pointerMoveTo(points: Point[]): void {
    this.hover = points[points.length - 1];
    const s = this.state.get();
    if (this.stroke && this.current) {
      const brush = { size: s.brushSize, tip: s.brushTip };
      for (const p of points) {
        const c = snapToGrid(p, s.brushSize);
        if (c.x === this.stroke.last.x && c.y === this.stroke.last.y) continue;
        paintSegment(this.stroke.session, this.stroke.last, c, brush, this.stroke.value);
        this.stroke.last = c;
      }
      this.current.doc.strokeProgress(this.stroke.session.takeRecent());
    } else if (this.lasso) {
      for (const p of points) {
        const last = this.lasso[this.lasso.length - 1];
        if (Math.hypot(p.x - last.x, p.y - last.y) >= 0.5) this.lasso.push(p);
      }
    }
    this.updatePreview();
  }

  pointerUp(): void {
    if (this.stroke && this.current) {
      this.stroke = null;
      this.current.doc.endStroke(); // one stroke = one undo step, committed on pointer-up
    } else if (this.lasso) {
      const pts = this.lasso;
      this.lasso = null;
      const s = this.state.get();
      if (pts.length >= 3) this.run('Lasso', [this.viewer.shownFrame()], (sess) => fillPolygon(sess, pts, s.label));
      this.updatePreview();
    }
  }

  pointerLeave(): void {
    this.hover = null;
    this.updatePreview();
  }

  /** Escape: drops a stroke or lasso in progress, restoring the pixels. Returns whether there was one. */
  cancelInteraction(): boolean {
    const had = !!this.stroke || !!this.lasso;
    if (this.stroke) this.current?.doc.cancelStroke();
    this.stroke = null;
    this.lasso = null;
    this.updatePreview();
    return had;
  }

  get interacting(): boolean {
    return !!this.stroke || !!this.lasso;
  }

  // ----- one-shot actions on the current frame / label -----

  fillHolesOnLabel(): void {
    const { label } = this.state.get();
    if (label === 0 || this.refuseLocked(label)) return;
    const n = this.runOnShown('Fill holes', (s) => fillHoles(s, label));
    if (n !== null) this.state.set({ note: n ? `Filled ${n} hole pixel(s)` : 'No holes enclosed by this label' });
  }

  smoothLabelOnFrame(): void {
    const { label, smoothRadius } = this.state.get();
    if (label === 0 || this.refuseLocked(label)) return;
    this.runOnShown('Smooth', (s) => smoothLabel(s, label, smoothRadius));
  }

  clearLabelOnFrame(): void {
    const { label } = this.state.get();
    if (label === 0 || this.refuseLocked(label)) return;
    const n = this.runOnShown('Clear label', (s) => clearLabel(s, label));
    if (n === 0) this.state.set({ note: 'This label is not on this frame' });
  }

  /** Copies the shown frame's map onto `targets` (one undo step); `andShow` moves to the (single) target. */
  async copyTo(targets: number[], andShow = false): Promise<void> {
    const labels = this.current;
    if (!labels) return;
    const from = this.viewer.shownFrame();
    const list = [...new Set(targets)].filter((f) => f !== from && f >= 0 && f < labels.info.frames).sort((a, b) => a - b);
    if (!list.length) {
      this.state.set({ note: 'No other frame to copy to' });
      return;
    }
    try {
      await Promise.all([from, ...list].map((f) => labels.ensureFrame(f)));
    } catch (err) {
      this.state.set({ error: describeError(err) });
      return;
    }
    const source = labels.doc.get(from)!.slice();
    const what = list.length === 1 ? `Copy to frame ${list[0] + 1}` : `Copy to frames ${list[0] + 1}–${list[list.length - 1] + 1}`;
    this.run(what, list, (s) => copyMap(s, source));
    this.state.set({ note: `${what} (from frame ${from + 1})` });
    if (andShow && list.length === 1) this.viewer.showFrame(list[0]);
  }

  undo(): void {
    this.cancelInteraction();
    const e = this.current?.doc.undo();
    if (e) this.revealEntry(e.changes.map((c) => c.frame), `Undid ${e.label}`);
  }

  redo(): void {
    this.cancelInteraction();
    const e = this.current?.doc.redo();
    if (e) this.revealEntry(e.changes.map((c) => c.frame), `Redid ${e.label}`);
  }

  // ----- files and drafts -----

  /** Reads a label file and applies it as one undoable step (a single-frame file goes on the shown frame). */
  async loadFile(path: string, format: LabelFileFormat | 'auto'): Promise<void> {
    const labels = this.current;
    if (!labels) return;
    const palette = this.state.get().palette;
    try {
      const res = await getApi()['labels.import']({
        source: { kind: 'file', path, format },
        width: labels.info.width,
        height: labels.info.height,
        frameCount: labels.info.frames,
        values: palette.map((l) => l.value),
        maxLabel: Math.max(1, ...palette.map((l) => l.value)),
      });
      const targets = res.frames.length === 1 ? [this.viewer.shownFrame()] : res.frames.map((_, f) => f);
      await Promise.all(targets.map((f) => labels.ensureFrame(f)));
      const what = `Load ${res.path.split(/[\\/]/).pop()}`;
      const entry = labels.doc.apply(what, targets, (s, f) => copyMap(s, res.frames.length === 1 ? res.frames[0] : res.frames[f]));
      if (res.format !== 'dataset-gt') labels.setSource({ kind: 'file', path: res.path, format: res.format });
      this.state.set({ error: null, note: `${what}: ${targets.length} frame(s), labels ${res.values.join(', ')}${entry ? '' : ' (no change)'}`, sourceText: sourceText(labels) });
    } catch (err) {
      this.state.set({ error: describeError(err) });
    }
  }

  /**
   * Starts the draft from the open catalog study's ground truth: every frame that has one (CAMUS `_gt` at
   * ED/ES and `half_sequence_gt`, EchoNet tracings rasterised as the LV cavity) in one undoable step, as
   * ITK-SNAP's "load segmentation" before correcting it. Locked labels' pixels are kept; the dataset's files
   * are only read. Refused, with a note, for a DICOM file or a study without ground truth.
   */
  async startFromGroundTruth(): Promise<void> {
    const labels = this.current;
    if (!labels) return;
    const key = labels.info.key;
    if (key.kind !== 'catalog-study') {
      this.state.set({ note: 'Ground truth comes with catalog studies (CAMUS, EchoNet-Dynamic, labelled NIfTI); this is a DICOM file' });
      return;
    }
    const palette = this.state.get().palette;
    try {
      const res = await getApi()['labels.import']({
        source: { kind: 'dataset-gt', study: key.study },
        width: labels.info.width,
        height: labels.info.height,
        frameCount: labels.info.frames,
        values: palette.map((l) => l.value),
      });
      const at = res.at ?? [];
      await Promise.all(at.map((f) => labels.ensureFrame(f)));
      if (this.current !== labels) return; // another image was opened meanwhile
      this.cancelInteraction();
      const maps = new Map(at.map((f, i) => [f, res.frames[i]]));
      const what = 'Start from ground truth';
      const entry = labels.doc.apply(what, at, (s, f) => copyMap(s, maps.get(f)!));
      if (res.source) labels.setSource(res.source);
      const from = res.source ? res.source.kinds.map((k) => GT_NAMES[k]).join(' and ') : 'the ground truth';
      this.state.set({ error: null, sourceText: sourceText(labels) });
      this.revealEntry(at, `${what}: ${at.length} frame(s) from ${from}, labels ${res.values.filter((v) => v > 0).join(', ')}${entry ? '' : ' (no change)'}`);
    } catch (err) {
      this.state.set({ error: describeError(err) });
    }
  }

  /** Saves the draft (after flushing) to a file. */
  async exportFile(format: LabelFileFormat, which: 'frame' | 'all', path?: string, overwrite = false): Promise<LabelExportResult | null> {
    const labels = this.current;
    if (!labels) return null;
    try {
      await labels.flush();
      if (labels.status.get().revision === null) {
        this.state.set({ error: 'Nothing to save yet: draw or load labels first' });
        return null;
      }
      if (labels.hasUnsaved) throw new Error(labels.status.get().message ?? 'the latest changes are not saved yet');
      const res = await getApi()['labels.export']({ key: labels.info.key, format, frame: which === 'all' ? 'all' : this.viewer.shownFrame(), ...(path ? { path } : {}), overwrite });
      this.state.set({ error: null, note: `Saved ${res.frames.length} frame(s) to ${res.path}` });
      return res;
    } catch (err) {
      this.state.set({ error: describeError(err) });
      return null;
    }
  }

  /** Deletes the image's saved draft and starts again from empty (not undoable: the caller confirms). */
  async discardDraft(): Promise<void> {
    const labels = this.current;
    if (!labels) return;
    try {
      await labels.close();
      await getApi()['labels.discard']({ key: labels.info.key });
      this.recent.delete(imageKeyId(labels.info.key));
      this.detachCurrent();
      const fresh = await ImageLabels.open(labels.info);
      this.recent.set(imageKeyId(labels.info.key), fresh);
      this.attach(fresh);
      this.layer.invalidateAll();
      this.state.set({ note: 'Labels discarded', error: null });
    } catch (err) {
      this.state.set({ error: describeError(err) });
    }
  }

  /** After a save conflict: keep this editor's maps and save them over the other version. */
  async overwriteConflict(): Promise<void> {
    await this.current?.overwrite();
  }

  /** After a save conflict: drop this editor's state and load the saved version. */
  async reloadFromSaved(): Promise<void> {
    const labels = this.current;
    if (!labels) return;
    this.recent.delete(imageKeyId(labels.info.key));
    this.detachCurrent();
    const fresh = await ImageLabels.open(labels.info);
    this.recent.set(imageKeyId(labels.info.key), fresh);
    this.attach(fresh);
    this.layer.invalidateAll();
  }

  dismissNote(): void {
    this.state.set({ note: null, error: null });
  }

  // ----- internals -----

  private refuseLocked(value: number): boolean {
    if (!this.state.get().locked.has(value)) return false;
    const name = this.state.get().palette.find((l) => l.value === value)?.name ?? `label ${value}`;
    this.state.set({ note: `${name} is locked: unlock it to draw with it` });
    return true;
  }

  /** Runs an operation on the shown frame; null when the frame is not loaded. */
  private runOnShown(label: string, op: (s: EditSession) => number | void): number | null {
    const frame = this.viewer.shownFrame();
    if (!this.current?.doc.isLoaded(frame)) {
      this.state.set({ note: 'The labels of this frame are still loading' });
      return null;
    }
    this.viewer.pause();
    return this.run(label, [frame], op);
  }

  private run(label: string, frames: number[], op: (s: EditSession, frame: number) => number | void): number {
    let total = 0;
    this.current?.doc.apply(label, frames, (s, f) => {
      const n = op(s, f);
      if (typeof n === 'number') total += n;
    });
    return total;
  }

  private revealEntry(frames: number[], note: string): void {
    this.state.set({ note });
    if (frames.length && !frames.includes(this.viewer.shownFrame())) this.viewer.showFrame(frames[0]);
  }

  private syncHistory(): void {
    const h = this.current?.doc.history;
    this.state.set({ undoLabel: h?.nextUndo() ?? null, redoLabel: h?.nextRedo() ?? null, version: this.state.get().version + 1 });
  }

  private syncStyle(): void {
    const s = this.state.get();
    this.layer.setStyle({ palette: s.palette, hidden: s.hidden, opacity: s.opacity, outline: s.outline, visible: s.overlayVisible });
  }

  private updatePreview(): void {
    const s = this.state.get();
    if (s.tool === 'navigate' || (!this.hover && !this.lasso)) {
      this.layer.setPreview(null);
      return;
    }
    const color = s.tool === 'eraser' ? '#ffffff' : (s.palette.find((l) => l.value === s.label)?.color ?? '#ffffff');
    this.layer.setPreview(paintPreview({ tool: s.tool, hover: this.hover, lasso: this.lasso, size: s.brushSize, tip: s.brushTip, color }));
  }
}

function record(list: number[], ms: number): void {
  list.push(ms);
  if (list.length > 5000) list.splice(0, list.length - 5000);
}

const GT_NAMES: Record<GroundTruthKind, string> = { gt: 'the ED/ES ground truth', 'sequence-gt': 'the labelled cine', tracing: 'the EchoNet tracings' };

function sourceText(labels: ImageLabels): string {
  const s = labels.source;
  if (s.kind === 'file') return `file ${s.path.split(/[\\/]/).pop()} (${s.format})`;
  if (s.kind === 'dataset-gt') return `the ground truth of ${s.study} (${s.frames.length} frame(s): ${s.kinds.map((k) => GT_NAMES[k]).join(', ')})`;
  return 'empty';
}

interface ImageTarget {
  info: ImageInfo;
  /** A catalog study's frames with ground truth; null for a DICOM file. */
  groundTruthFrames: number[] | null;
}

/** What the editor labels for what the viewer shows: a DICOM file by path, a catalog study by its id. */
function imageTarget(v: Viewable | null): ImageTarget | null {
  if (!v || v.frames === 0) return null;
  if (v.source === 'dicom') {
    const i = v.instance;
    if (!i || i.frames === 0) return null;
    const key: ImageKey = { kind: 'dicom-file', path: i.path };
    return { info: { key, width: i.columns, height: i.rows, frames: i.frames, title: imageKeyTitle(key) }, groundTruthFrames: null };
  }
  const key: ImageKey = { kind: 'catalog-study', study: v.id };
  return { info: { key, width: v.columns, height: v.rows, frames: v.frames, title: imageKeyTitle(key) }, groundTruthFrames: v.labelledFrames };
}

function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
