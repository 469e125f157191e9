/**
 * The ground-truth overlay: a viewer layer that draws the shown frame's label map (CAMUS `_gt`,
 * `half_sequence_gt`, rasterised EchoNet tracings) in the overlay settings' colours, and the EchoNet tracing
 * lines (long axis and disc chords) on traced frames. Label maps are fetched from `catalog.labelMap` once per
 * frame and kept for the open study; the study's labelled frames are fetched ahead so a playing cine shows
 * its labels from the first loop.
 *
 * Where the label editor shows a draft with labels on the frame (a correction of this ground truth), the
 * ground truth is not drawn under it as set but as its outline over it (or not at all, as the settings say):
 * the editor's layer calls {@link LabelOverlay.drawAbove} after drawing the draft, so the outline stays
 * visible on top of the filled draft. The two layers keep their own drawing code: the editor's layer colours
 * one mutable map incrementally (only what a stroke changed), this one caches an immutable raster per frame
 * for cine playback; what they share is the 4-neighbour outline rule.
 */
import type { LabelMapFrame, TracingFrameLines } from '../../../shared/catalog-types.ts';
import type { Api } from '../../../shared/contract.ts';
import type { ViewerImage } from '../viewport/frame-image.ts';
import { Store } from '../viewport/store.ts';
import type { Viewable } from '../viewport/viewable.ts';
import type { ViewerController, ViewerLayer } from '../viewport/viewer-controller.ts';
import { OverlaySettingsStore, type OverlayMode } from './overlay-settings.ts';
import { renderLabels } from './render-labels.ts';

export interface OverlayStatus {
  /** The catalog study the overlay belongs to (null for DICOM). */
  studyId: string | null;
  /** The frame last drawn, what was drawn on it, and what it holds. */
  frame: number | null;
  source: LabelMapFrame['source'] | null;
  values: number[];
  tracing: boolean;
  /** How the map was drawn: as set (filled or outline), as an outline over the editor's draft, or hidden under it. */
  drawnAs: 'as-set' | 'outline-over-draft' | 'hidden-under-draft' | null;
  error: string | null;
}

/** Whether the label editor shows a draft with labels on this frame of this viewable. */
export type DraftProbe = (viewable: Viewable, frame: number) => boolean;

const EMPTY: OverlayStatus = { studyId: null, frame: null, source: null, values: [], tracing: false, drawnAs: null, error: null };
const PREFETCH_IN_FLIGHT = 2;

export class LabelOverlay implements ViewerLayer {
  readonly settings = new OverlaySettingsStore();
  readonly status = new Store<OverlayStatus>(EMPTY);
  private readonly viewer: ViewerController;
  private readonly api: Api;
  private studyId: string | null = null;
  private maps = new Map<number, LabelMapFrame | null>();
  private inFlight = new Set<number>();
  private queue: number[] = [];
  /** Rasters by `${frame}:${mode}` (the outline over a draft and the filled map can both be needed). */
  private canvases = new Map<string, HTMLCanvasElement>();
  private tracings: TracingFrameLines[] | null = null;
  private tracingsRequested = false;
  private generation = 0;
  private draftProbe: DraftProbe = () => false;
  /** The frame whose ground truth the editor's layer should outline over its draft (set by draw). */
  private above: number | null = null;

  constructor(viewer: ViewerController, api: Api) {
    this.viewer = viewer;
    this.api = api;
    this.settings.subscribe(() => {
      this.canvases.clear();
      this.viewer.redraw();
    });
    viewer.addLayer(this);
  }

  /** Tells the overlay where the label editor shows a draft (main.tsx wires the editor in). */
  setDraftProbe(probe: DraftProbe): void {
    this.draftProbe = probe;
    this.viewer.redraw();
  }

  /**
   * Called by the label editor's layer after it drew the draft of `frame` (image pixel coordinates): the
   * ground truth's outline, when draw() found a draft on that frame and the settings ask for it.
   */
  drawAbove(ctx: CanvasRenderingContext2D, frame: number): void {
    if (this.above !== frame) return;
    const m = this.maps.get(frame);
    if (!m) return;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.canvasFor(frame, m, 'outline'), 0, 0);
  }

  /** Turns the overlay on or off (the `O` key and the panel's checkbox). */
  toggle(): void {
    this.settings.set({ visible: !this.settings.get().visible });
  }

  draw(ctx: CanvasRenderingContext2D, image: ViewerImage, viewable: Viewable, viewport: { scale: number }): void {
    this.above = null;
    if (viewable.source !== 'catalog') {
      if (this.studyId !== null) this.reset(null);
      this.status.set(EMPTY);
      return;
    }
    if (this.studyId !== viewable.id) this.reset(viewable);
    const s = this.settings.get();
    const f = image.frameIndex;
    let source: OverlayStatus['source'] = null;
    let values: number[] = EMPTY.values;
    let drawnAs: OverlayStatus['drawnAs'] = null;
    if (s.visible && viewable.labelledFrames.includes(f)) {
      const m = this.maps.get(f);
      if (m === undefined) this.request(f, true);
      else if (m && m.rows === image.rows && m.columns === image.columns) {
        source = m.source;
        values = m.values;
        if (!this.draftProbe(viewable, f)) {
          ctx.imageSmoothingEnabled = false;
          ctx.drawImage(this.canvasFor(f, m, s.mode), 0, 0);
          drawnAs = 'as-set';
        } else if (s.underDraft === 'outline') {
          this.above = f; // drawn by the editor's layer, over the draft
          drawnAs = 'outline-over-draft';
        } else drawnAs = 'hidden-under-draft';
      }
    }
    let tracing = false;
    if (s.tracings && viewable.tracedFrames.includes(f)) {
      if (!this.tracings) this.requestTracings(viewable.id);
      const t = this.tracings?.find((x) => x.frame === f);
      if (t) {
        drawTracing(ctx, t, viewport.scale);
        tracing = true;
      }
    }
    this.status.set({ studyId: viewable.id, frame: f, source, values, tracing, drawnAs });
  }

  private reset(viewable: Viewable | null): void {
    this.generation++;
    this.studyId = viewable?.id ?? null;
    this.maps = new Map();
    this.inFlight = new Set();
    this.canvases = new Map();
    this.tracings = null;
    this.tracingsRequested = false;
    this.queue = viewable && this.settings.get().visible ? [...viewable.labelledFrames] : [];
    this.status.set({ ...EMPTY, studyId: this.studyId });
    this.pump();
  }

  /** Fetches frame `f`'s map; `now` puts it ahead of the prefetch queue. */
  private request(f: number, now: boolean): void {
    if (this.maps.has(f) || this.inFlight.has(f)) return;
    if (now) this.queue = [f, ...this.queue.filter((x) => x !== f)];
    this.pump();
  }

  private pump(): void {
    const studyId = this.studyId;
    while (studyId && this.inFlight.size < PREFETCH_IN_FLIGHT && this.queue.length) {
      const f = this.queue.shift()!;
      if (this.maps.has(f) || this.inFlight.has(f)) continue;
      this.inFlight.add(f);
      const gen = this.generation;
      this.api['catalog.labelMap']({ studyId, frame: f }).then(
        (m) => {
          if (gen !== this.generation) return;
          this.inFlight.delete(f);
          this.maps.set(f, m);
          if (m) this.settings.know(m.values);
          if (this.viewer.shownFrame() === f) this.viewer.redraw();
          this.pump();
        },
        (err: unknown) => {
          if (gen !== this.generation) return;
          this.inFlight.delete(f);
          this.maps.set(f, null);
          this.status.set({ error: err instanceof Error ? err.message : String(err) });
          this.pump();
        },
      );
    }
  }

  private requestTracings(studyId: string): void {
    if (this.tracingsRequested) return;
    this.tracingsRequested = true;
    const gen = this.generation;
    this.api['catalog.tracings']({ studyId }).then(
      (t) => {
        if (gen !== this.generation) return;
        this.tracings = t;
        this.viewer.redraw();
      },
      (err: unknown) => {
        if (gen === this.generation) this.status.set({ error: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  private canvasFor(f: number, m: LabelMapFrame, mode: OverlayMode): HTMLCanvasElement {
    const key = `${f}:${mode}`;
    const hit = this.canvases.get(key);
    if (hit) return hit;
    const s = this.settings.get();
    const rgba = renderLabels(m.labels, m.rows, m.columns, s.labels, s.opacity, mode);
    const canvas = document.createElement('canvas');
    canvas.width = m.columns;
    canvas.height = m.rows;
    canvas.getContext('2d')!.putImageData(new ImageData(rgba, m.columns, m.rows), 0, 0);
    this.canvases.set(key, canvas);
    return canvas;
  }
}

/** The long axis in yellow, the disc chords in cyan, through pixel centres (EchoNet coordinates are pixel indices). */
function drawTracing(ctx: CanvasRenderingContext2D, t: TracingFrameLines, scale: number): void {
  ctx.lineWidth = 1.5 / Math.max(scale, 1e-3);
  ctx.lineCap = 'round';
  t.lines.forEach(([x1, y1, x2, y2], i) => {
    ctx.strokeStyle = i === 0 ? 'rgba(255, 214, 64, 0.95)' : 'rgba(90, 220, 255, 0.85)';
    ctx.beginPath();
    ctx.moveTo(x1 + 0.5, y1 + 0.5);
    ctx.lineTo(x2 + 0.5, y2 + 0.5);
    ctx.stroke();
  });
}
