/**
 * Owns the cornerstone viewport: which instance and frame are shown, cine playback, window/level, zoom, pan,
 * invert and the pixel probe. It lives outside React; components read its stores and call its methods.
 *
 * Cine timing: the tick runs on cornerstone's PRE_RENDER event, which cornerstone fires from its own
 * requestAnimationFrame loop just before it draws. Picking the due frame there means the frame is drawn in
 * the same animation frame instead of the next one (a second rAF loop would run after cornerstone's and add
 * a frame of latency).
 */
import * as cornerstone from 'cornerstone-core';
import type { InstanceSummary, WindowPreset } from '../../../shared/dicom-types.ts';
import { CineClock, frameDurations } from './cine-clock.ts';
import { FrameCache } from './frame-cache.ts';
import type { ViewerImage } from './frame-image.ts';
import { loadFrameImage } from './image-loader.ts';
import { Store } from './store.ts';
import { frameKey, fromInstance, type Viewable } from './viewable.ts';

/**
 * Something drawn over the image after each render (label maps, tracings; the label editor's strokes), in the
 * image's pixel coordinate system: (0, 0) is the top-left corner of the top-left pixel, 1 unit = 1 pixel.
 */
export interface ViewerLayer {
  draw(ctx: CanvasRenderingContext2D, image: ViewerImage, viewable: Viewable, viewport: cornerstone.Viewport): void;
}

export interface ViewerState {
  /** What is shown: a DICOM instance or a catalog study. */
  viewable: Viewable | null;
  frame: number;
  frames: number;
  playing: boolean;
  /** Playing, but waiting for the first frames to be fetched before the clock starts. */
  buffering: boolean;
  frameRateHz: number;
  frameRateSource: string | null;
  speed: number;
  loop: boolean;
  windowCenter: number;
  windowWidth: number;
  zoom: number;
  invert: boolean;
  kind: 'grey' | 'rgb' | null;
  error: string | null;
}

export interface ProbeState {
  x: number;
  y: number;
  /** grey: stored value and modality value; rgb: the three channels. Null when the cursor is off the image. */
  stored: number | null;
  value: number | null;
  rgb: [number, number, number] | null;
}

export interface CineLogEntry {
  frame: number;
  t: number;
}

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

const initialState: ViewerState = {
  viewable: null,
  frame: 0,
  frames: 0,
  playing: false,
  buffering: false,
  frameRateHz: 0,
  frameRateSource: null,
  speed: 1,
  loop: true,
  windowCenter: 0,
  windowWidth: 0,
  zoom: 1,
  invert: false,
  kind: null,
  error: null,
};

export class ViewerController {
  readonly state = new Store<ViewerState>(initialState);
  readonly probe = new Store<{ probe: ProbeState | null }>({ probe: null });
  private element: HTMLElement | null = null;
  private readonly cache = new FrameCache(loadFrameImage);
  private clock: CineClock | null = null;
  private shown = -1;
  private firstImage = true;
  private fitted = true;
  private generation = 0;
  private log: CineLogEntry[] = [];
  private pendingLog: number | null = null;
  private startFrame = 0;
  private prefetchedFrom = -1;
  private resizeObserver: ResizeObserver | null = null;
  private lastUiFrameUpdate = 0;
  private readonly layers = new Set<ViewerLayer>();

  constructor() {
    this.cache.onError = (_id, err) => this.fail(err);
  }

  attach(element: HTMLElement): void {
    this.element = element;
    cornerstone.enable(element);
    element.addEventListener(cornerstone.EVENTS.PRE_RENDER, this.onPreRender);
    element.addEventListener(cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered);
    this.resizeObserver = new ResizeObserver(() => {
      if (!this.element) return;
      cornerstone.resize(this.element, this.fitted);
      this.syncViewport();
    });
    this.resizeObserver.observe(element);
  }

  detach(): void {
    if (!this.element) return;
    this.resizeObserver?.disconnect();
    this.element.removeEventListener(cornerstone.EVENTS.PRE_RENDER, this.onPreRender);
    this.element.removeEventListener(cornerstone.EVENTS.IMAGE_RENDERED, this.onRendered);
    cornerstone.disable(this.element);
    this.element = null;
  }

  /** The frame on screen now (the state's `frame` lags by up to 50 ms during playback). */
  shownFrame(): number {
    return this.shown >= 0 ? this.shown : this.state.get().frame;
  }

  cineLog(): CineLogEntry[] {
    return this.log.slice();
  }

  currentImage(): ViewerImage | undefined {
    return this.element ? (cornerstone.getImage(this.element) as ViewerImage | undefined) : undefined;
  }

  setInstance(instance: InstanceSummary): void {
    this.setViewable(fromInstance(instance));
  }

  /** Shows a DICOM instance or a catalog study, starting at `startFrame`. */
  setViewable(viewable: Viewable, startFrame = 0): void {
    this.pause();
    this.generation++;
    this.cache.clear();
    this.clock = new CineClock(frameDurations(viewable.frames, viewable.frameRateHz, viewable.frameTimesMs));
    this.firstImage = true;
    this.shown = -1;
    this.state.set({
      viewable,
      frame: 0,
      frames: viewable.frames,
      frameRateHz: viewable.frameRateHz,
      frameRateSource: viewable.frameRateSource,
      kind: null,
      error: null,
    });
    this.showFrame(startFrame);
  }

  /** Pauses and shows the study's ED or ES frame, where it is known. */
  jumpToPhase(phase: 'ED' | 'ES'): void {
    const v = this.state.get().viewable;
    const f = phase === 'ED' ? v?.edFrame : v?.esFrame;
    if (f === null || f === undefined) return;
    this.pause();
    this.showFrame(f);
  }

  /** Adds a layer drawn over every rendered image; returns its remover. */
  addLayer(layer: ViewerLayer): () => void {
    this.layers.add(layer);
    this.redraw();
    return () => {
      this.layers.delete(layer);
      this.redraw();
    };
  }

  /** Renders the shown image again (and so its layers), e.g. after an overlay setting changed. */
  redraw(): void {
    if (this.element && this.currentImage()) cornerstone.updateImage(this.element);
  }

  /** Shows a frame (clamped); while playing it becomes the new anchor of the clock. */
  showFrame(frame: number): void {
    const { viewable, frames, playing } = this.state.get();
    if (!viewable || frames === 0) return;
    const key = frameKey(viewable);
    const f = Math.max(0, Math.min(frames - 1, Math.round(frame)));
    this.state.set({ frame: f });
    if (playing && !this.state.get().buffering && this.clock) this.clock.anchor(performance.now(), f, this.state.get().speed);
    const cached = this.cache.get(key, f);
    const gen = this.generation;
    if (cached) this.present(cached);
    else
      this.cache.request(key, f).then(
        (img) => {
          if (gen === this.generation && this.state.get().frame === f) this.present(img);
        },
        () => undefined, // reported through cache.onError
      );
    if (!playing) this.cache.prefetch(key, this.framesAhead(f, 4));
  }

  step(delta: number): void {
    const { frame, frames, loop } = this.state.get();
    if (frames === 0) return;
    this.pause();
    const next = loop ? (frame + delta + frames) % frames : frame + delta;
    this.showFrame(next);
  }

  play(): void {
    const s = this.state.get();
    if (!s.viewable || s.frames < 2 || s.playing) return;
    const start = !s.loop && s.frame >= s.frames - 1 ? 0 : s.frame;
    this.log = [];
    this.pendingLog = null;
    this.startFrame = start;
    this.prefetchedFrom = -1;
    this.state.set({ playing: true, buffering: true, error: null });
    this.cache.prefetch(frameKey(s.viewable), [start, ...this.framesAhead(start, this.bufferCount())]);
  }

  pause(): void {
    if (!this.state.get().playing) return;
    this.state.set({ playing: false, buffering: false, frame: this.shown >= 0 ? this.shown : this.state.get().frame });
  }

  togglePlay(): void {
    if (this.state.get().playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    const s = this.state.get();
    this.state.set({ speed });
    if (s.playing && !s.buffering && this.clock) this.clock.anchor(performance.now(), Math.max(0, this.shown), speed);
  }

  changeSpeed(direction: 1 | -1): void {
    const i = SPEEDS.indexOf(this.state.get().speed as (typeof SPEEDS)[number]);
    const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 2 : i) + direction))];
    this.setSpeed(next);
  }

  setLoop(loop: boolean): void {
    this.state.set({ loop });
  }

  setWindow(center: number, width: number): void {
    this.updateViewport((vp) => {
      vp.voi = { windowCenter: center, windowWidth: Math.max(1, width) };
    });
  }

  /** Adjusts the window by a pointer drag: right widens, down raises the centre. */
  dragWindow(dx: number, dy: number): void {
    const img = this.currentImage();
    if (!img) return;
    const range = img.color ? 255 : Math.max(1, (img.maxPixelValue - img.minPixelValue) * Math.abs(img.slope));
    const k = range / 400;
    const { windowCenter, windowWidth } = this.state.get();
    this.setWindow(windowCenter + dy * k, windowWidth + dx * k);
  }

  zoomBy(factor: number): void {
    this.fitted = false;
    this.updateViewport((vp) => {
      vp.scale = Math.max(0.05, Math.min(40, vp.scale * factor));
    });
  }

  pan(dx: number, dy: number): void {
    this.fitted = false;
    this.updateViewport((vp) => {
      vp.translation = { x: vp.translation.x + dx / vp.scale, y: vp.translation.y + dy / vp.scale };
    });
  }

  toggleInvert(): void {
    this.updateViewport((vp) => {
      vp.invert = !vp.invert;
    });
  }

  fit(): void {
    if (!this.element || !this.currentImage()) return;
    cornerstone.fitToWindow(this.element);
    this.fitted = true;
    this.syncViewport();
  }

  /** Back to the file's window, no inversion beyond MONOCHROME1's, fitted. */
  reset(): void {
    const img = this.currentImage();
    if (!this.element || !img) return;
    cornerstone.setViewport(this.element, cornerstone.getDefaultViewportForImage(this.element, img));
    this.fit();
  }

  /** The file's windows, then ones computed from the shown frame. */
  presets(): WindowPreset[] {
    const img = this.currentImage();
    const inst = this.state.get().viewable;
    if (!img || !inst) return [];
    if (img.color) return [{ name: 'Identity (0–255)', center: 128, width: 255 }];
    const lo = img.minPixelValue * img.slope + img.intercept;
    const hi = img.maxPixelValue * img.slope + img.intercept;
    const full = Math.max(1, Math.abs(hi - lo));
    const mid = (lo + hi) / 2;
    return [
      ...inst.windows,
      { name: 'Frame default', center: img.windowCenter, width: img.windowWidth },
      { name: 'Full range', center: mid, width: full },
      { name: 'High contrast', center: mid, width: full / 2 },
      { name: 'Low contrast', center: mid, width: full * 2 },
    ];
  }

  updateProbe(pageX: number, pageY: number): void {
    const img = this.currentImage();
    if (!this.element || !img) return;
    const p = cornerstone.pageToPixel(this.element, pageX, pageY);
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (x < 0 || y < 0 || x >= img.columns || y >= img.rows) {
      this.probe.set({ probe: null });
      return;
    }
    const i = y * img.columns + x;
    const raw = img.raw;
    if (raw.kind === 'rgb') {
      const px = raw.pixels;
      this.probe.set({ probe: { x, y, stored: null, value: null, rgb: [px[i * 3], px[i * 3 + 1], px[i * 3 + 2]] } });
    } else {
      const stored = raw.pixels[i];
      const value = stored * raw.rescaleSlope + raw.rescaleIntercept;
      this.probe.set({ probe: { x, y, stored, value, rgb: null } });
    }
  }

  clearProbe(): void {
    this.probe.set({ probe: null });
  }

  private readonly onPreRender = (): void => {
    const s = this.state.get();
    if (!s.playing || !s.viewable || !this.clock) return;
    const now = performance.now();
    const id = frameKey(s.viewable);
    if (s.buffering) {
      const need = [this.startFrame, ...this.framesAhead(this.startFrame, this.bufferCount())];
      if (!need.every((f) => this.cache.has(id, f))) return;
      this.state.set({ buffering: false });
      this.clock.anchor(now, this.startFrame, s.speed);
      this.present(this.cache.get(id, this.startFrame)!, true);
      return;
    }
    const due = this.clock.frameAt(now, s.loop);
    if (due === null) {
      this.pause();
      this.showFrame(s.frames - 1);
      return;
    }
    if (due !== this.shown) {
      const img = this.cache.get(id, due);
      // Not fetched in time: keep the previous frame and let the clock move on (skip, never drift).
      if (img) this.present(img, true);
    }
    if (due !== this.prefetchedFrom) {
      this.prefetchedFrom = due;
      this.cache.prefetch(id, this.framesAhead(due, this.aheadCount()));
    }
  };

  private readonly onRendered = (e: Event): void => {
    if (this.layers.size) this.drawLayers(e);
    if (this.pendingLog === null) return;
    if (this.state.get().playing) this.log.push({ frame: this.pendingLog, t: performance.now() });
    this.pendingLog = null;
  };

  private present(img: ViewerImage, fromCine = false): void {
    const el = this.element;
    if (!el) return;
    if (this.firstImage) {
      cornerstone.displayImage(el, img, cornerstone.getDefaultViewportForImage(el, img));
      cornerstone.fitToWindow(el);
      this.firstImage = false;
      this.fitted = true;
      this.state.set({ kind: img.color ? 'rgb' : 'grey' });
    } else {
      cornerstone.displayImage(el, img);
    }
    this.shown = img.frameIndex;
    if (fromCine) {
      this.pendingLog = img.frameIndex;
      // The slider and counters re-render at most ~20 times a second during playback: React work per
      // displayed frame would compete with drawing on a 2-core machine. shownFrame() is always exact.
      const now = performance.now();
      if (now - this.lastUiFrameUpdate < 50) return;
      this.lastUiFrameUpdate = now;
    }
    this.state.set({ frame: img.frameIndex });
    this.syncViewport();
  }

  private updateViewport(change: (vp: cornerstone.Viewport) => void): void {
    if (!this.element || !this.currentImage()) return;
    const vp = cornerstone.getViewport(this.element);
    if (!vp) return;
    change(vp);
    cornerstone.setViewport(this.element, vp);
    this.syncViewport();
  }

  private syncViewport(): void {
    if (!this.element) return;
    const vp = cornerstone.getViewport(this.element);
    if (!vp) return;
    this.state.set({ windowCenter: vp.voi.windowCenter, windowWidth: vp.voi.windowWidth, zoom: vp.scale, invert: vp.invert });
  }

  private fail(err: Error): void {
    const kind = (err as { kind?: string }).kind;
    this.state.set({ error: `${kind ? `[${kind}] ` : ''}${err.message}` });
    this.pause();
  }

  /** Frames after `from`, wrapping when looping. */
  private framesAhead(from: number, count: number): number[] {
    const { frames, loop } = this.state.get();
    const out: number[] = [];
    for (let k = 1; k <= Math.min(count, frames - 1); k++) {
      const f = from + k;
      if (f < frames) out.push(f);
      else if (loop) out.push(f % frames);
    }
    return out;
  }

  private drawLayers(e: Event): void {
    const detail = (e as CustomEvent<{ canvasContext?: CanvasRenderingContext2D; image?: ViewerImage; viewport?: cornerstone.Viewport }>).detail;
    const viewable = this.state.get().viewable;
    const el = this.element;
    if (!detail?.canvasContext || !detail.image || !detail.viewport || !viewable || !el) return;
    const ctx = detail.canvasContext;
    const enabled = cornerstone.getEnabledElement(el);
    for (const layer of this.layers) {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      cornerstone.setToPixelCoordinateSystem(enabled, ctx);
      try {
        layer.draw(ctx, detail.image, viewable, detail.viewport);
      } finally {
        ctx.restore();
      }
    }
  }

  private frameBytes(): number {
    return this.state.get().viewable?.frameBytes ?? 1;
  }

  /** Frames fetched before the clock starts: the whole look-ahead window (two seconds), so playback then
   * fetches at its own pace, one frame per frame shown, instead of in a burst competing with drawing. */
  private bufferCount(): number {
    return this.aheadCount();
  }

  /** Frames kept in flight ahead of the due one: two seconds, within half the cache budget. */
  private aheadCount(): number {
    const { frameRateHz, speed } = this.state.get();
    const wanted = Math.ceil((frameRateHz || 30) * speed * 2) + 2;
    return Math.max(2, Math.min(wanted, Math.floor(this.cache.budget / 2 / this.frameBytes())));
  }
}
