/**
 * Draws label maps over the cornerstone image, in the image's pixel grid, after cornerstone has drawn each
 * frame (IMAGE_RENDERED), so the overlay follows zoom, pan and the cine exactly. General on purpose: a source
 * of maps per frame, a palette, per-label visibility, opacity, and filled or outline display; the editor adds a
 * tool preview (brush footprint, lasso path). The map is coloured into an offscreen canvas of the map's size,
 * incrementally (only the rectangle that changed), and composited with one drawImage.
 */
import * as cornerstone from 'cornerstone-core';
import type { ImageRenderedDetail } from 'cornerstone-core';
import type { Rect } from '../../../shared/labels/label-map.ts';
import { parseHexColor, type LabelDef } from '../../../shared/labels/palette.ts';

export interface LabelSource {
  width: number;
  height: number;
  /** The map of a frame; null when the frame has none (nothing to draw); undefined while it is not available
   * yet (the layer then asks `request` and draws when invalidated). */
  mapFor(frame: number): Uint8Array | null | undefined;
  request?(frame: number): void;
}

export interface LabelStyle {
  palette: readonly LabelDef[];
  /** Label values not shown. */
  hidden: ReadonlySet<number>;
  /** 0..1 */
  opacity: number;
  outline: boolean;
  visible: boolean;
}

/** Draws in image pixel coordinates; `pixel` is the size of one screen pixel in image pixels. */
export type PreviewPainter = (ctx: CanvasRenderingContext2D, pixel: number) => void;

/** Draws over the labels of `frame` (under the tool preview), in image pixel coordinates: the ground-truth
 * outline a corrected draft is compared with. */
export type AbovePainter = (ctx: CanvasRenderingContext2D, frame: number) => void;

interface FrameImage {
  frameIndex?: number;
}

export class LabelLayer {
  private element: HTMLElement | null = null;
  private source: LabelSource | null = null;
  private style: LabelStyle = { palette: [], hidden: new Set(), opacity: 0.5, outline: false, visible: true };
  private lut = new Uint32Array(256);
  private canvas: OffscreenCanvas | null = null;
  private ctx: OffscreenCanvasRenderingContext2D | null = null;
  private image: ImageData | null = null;
  private pixels: Uint32Array | null = null;
  /** Which frame the raster holds, and what of it is stale. */
  private rasterFrame = -1;
  private dirty: Rect | null = null;
  private preview: PreviewPainter | null = null;
  private above: AbovePainter | null = null;
  /** The frame cornerstone last drew (the one the user sees and edits). */
  shownFrame = -1;
  /** Milliseconds each overlay draw took (colouring what changed + compositing), the last 5000, for the benchmark. */
  readonly drawTimes: number[] = [];

  attach(element: HTMLElement): () => void {
    this.element = element;
    element.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered as EventListener);
    return () => {
      element.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered as EventListener);
      this.element = null;
    };
  }

  setSource(source: LabelSource | null): void {
    this.source = source;
    this.rasterFrame = -1;
    if (source && (this.canvas?.width !== source.width || this.canvas?.height !== source.height)) {
      this.canvas = new OffscreenCanvas(source.width, source.height);
      this.ctx = this.canvas.getContext('2d')!;
      this.image = new ImageData(source.width, source.height);
      this.pixels = new Uint32Array(this.image.data.buffer);
    }
    this.redraw();
  }

  setStyle(style: LabelStyle): void {
    const recolour = style.palette !== this.style.palette || style.hidden !== this.style.hidden || style.outline !== this.style.outline;
    this.style = style;
    if (recolour) {
      this.lut = new Uint32Array(256);
      for (const l of style.palette) {
        if (l.value === 0 || style.hidden.has(l.value)) continue;
        const [r, g, b] = parseHexColor(l.color);
        this.lut[l.value] = (255 << 24) | (b << 16) | (g << 8) | r; // RGBA bytes on a little-endian host
      }
      this.rasterFrame = -1;
    }
    this.redraw();
  }

  /** Marks pixels of a frame as changed; redraws when it is the frame on screen. */
  invalidate(frame: number, rect: Rect): void {
    if (frame !== this.rasterFrame) {
      if (frame === this.shownFrame) this.redraw();
      return;
    }
    // Outline pixels depend on their neighbours: widen by one.
    const r = { x0: rect.x0 - 1, y0: rect.y0 - 1, x1: rect.x1 + 1, y1: rect.y1 + 1 };
    this.dirty = this.dirty ? { x0: Math.min(this.dirty.x0, r.x0), y0: Math.min(this.dirty.y0, r.y0), x1: Math.max(this.dirty.x1, r.x1), y1: Math.max(this.dirty.y1, r.y1) } : r;
    this.redraw();
  }

  /** Forgets the raster of every frame (maps replaced wholesale). */
  invalidateAll(): void {
    this.rasterFrame = -1;
    this.redraw();
  }

  /** Something drawn over the labels whenever they are drawn (see AbovePainter). */
  setAbove(above: AbovePainter | null): void {
    this.above = above;
    this.redraw();
  }

  setPreview(preview: PreviewPainter | null): void {
    if (!preview && !this.preview) return;
    this.preview = preview;
    this.redraw();
  }

  /** Asks cornerstone to draw again (from its cached rendering; the overlay is drawn after it). */
  redraw(): void {
    const el = this.element;
    if (el && cornerstone.getImage(el)) cornerstone.updateImage(el);
  }

  private readonly onRendered = (e: CustomEvent<ImageRenderedDetail>): void => {
    const t0 = performance.now();
    if (this.draw(e.detail)) {
      this.drawTimes.push(performance.now() - t0);
      if (this.drawTimes.length > 5000) this.drawTimes.splice(0, this.drawTimes.length - 5000);
    }
  };

  /** Draws the overlay; returns whether anything was drawn. */
  private draw(detail: ImageRenderedDetail): boolean {
    const { canvasContext: ctx, enabledElement, image, viewport } = detail;
    const frame = (image as FrameImage).frameIndex ?? 0;
    this.shownFrame = frame;
    const src = this.source;
    if (!src || image.columns !== src.width || image.rows !== src.height) return false;
    const showMap = this.style.visible && this.style.opacity > 0;
    let mapReady = false;
    if (showMap) {
      const map = src.mapFor(frame);
      if (map === undefined) src.request?.(frame);
      else if (map) mapReady = this.refresh(frame, map);
    }
    if (!mapReady && !this.preview) return false;
    ctx.save();
    cornerstone.setToPixelCoordinateSystem(enabledElement, ctx);
    if (mapReady) {
      ctx.imageSmoothingEnabled = false;
      ctx.globalAlpha = this.style.opacity;
      ctx.drawImage(this.canvas!, 0, 0);
      ctx.globalAlpha = 1;
      this.above?.(ctx, frame);
    }
    this.preview?.(ctx, 1 / Math.max(1e-6, viewport.scale));
    ctx.restore();
    return true;
  }

  /** Brings the raster up to date for `frame`; returns whether it holds anything visible. */
  private refresh(frame: number, map: Uint8Array): boolean {
    const src = this.source!;
    if (frame !== this.rasterFrame) {
      this.rasterFrame = frame;
      this.dirty = { x0: 0, y0: 0, x1: src.width, y1: src.height };
    }
    if (this.dirty) {
      const r = this.dirty;
      this.dirty = null;
      const x0 = Math.max(0, r.x0), y0 = Math.max(0, r.y0), x1 = Math.min(src.width, r.x1), y1 = Math.min(src.height, r.y1);
      if (x1 > x0 && y1 > y0) {
        this.colour(map, x0, y0, x1, y1);
        this.ctx!.putImageData(this.image!, 0, 0, x0, y0, x1 - x0, y1 - y0);
      }
    }
    return true;
  }

  private colour(map: Uint8Array, x0: number, y0: number, x1: number, y1: number): void {
    const w = this.source!.width;
    const h = this.source!.height;
    const out = this.pixels!;
    const lut = this.lut;
    if (!this.style.outline) {
      for (let y = y0; y < y1; y++) for (let i = y * w + x0, end = y * w + x1; i < end; i++) out[i] = lut[map[i]];
      return;
    }
    // Outline: a labelled pixel with a 4-neighbour of another value (or the image edge).
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * w + x;
        const v = map[i];
        const edge = v !== 0 && (x === 0 || y === 0 || x === w - 1 || y === h - 1 || map[i - 1] !== v || map[i + 1] !== v || map[i - w] !== v || map[i + w] !== v);
        out[i] = edge ? lut[v] : 0;
      }
    }
  }
}
