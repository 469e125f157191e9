/**
 * `window.__cardiosynth`: read-only views of the viewer for e2e tests and the cine benchmark. It exposes
 * state, never actions, so tests still drive the UI through real pointer and keyboard input.
 */
import type { LabelOverlay, OverlayStatus } from './overlay/label-overlay.ts';
import type { OverlaySettings } from './overlay/overlay-settings.ts';
import type { CineLogEntry, ViewerController } from './viewport/viewer-controller.ts';

export interface TestHook {
  state(): {
    /** The shown DICOM instance's id, or the shown catalog study's id. */
    instanceId: string | null;
    source: 'dicom' | 'catalog' | null;
    edFrame: number | null;
    esFrame: number | null;
    frame: number;
    frames: number;
    playing: boolean;
    frameRateHz: number;
    frameRateSource: string | null;
    speed: number;
    loop: boolean;
    windowCenter: number;
    windowWidth: number;
    zoom: number;
    invert: boolean;
  };
  /** Each frame drawn while playing, with performance.now() at the draw; cleared when play starts. */
  cineLog(): CineLogEntry[];
  /** The label overlay: its settings and what it drew on the last rendered frame. */
  overlay(): { settings: OverlaySettings; status: OverlayStatus };
}

export function installTestHook(viewer: ViewerController, overlay: LabelOverlay): void {
  const hook: TestHook = {
    state() {
      const s = viewer.state.get();
      return {
        instanceId: s.viewable?.id ?? null,
        source: s.viewable?.source ?? null,
        edFrame: s.viewable?.edFrame ?? null,
        esFrame: s.viewable?.esFrame ?? null,
        frame: viewer.shownFrame(),
        frames: s.frames,
        playing: s.playing,
        frameRateHz: s.frameRateHz,
        frameRateSource: s.frameRateSource,
        speed: s.speed,
        loop: s.loop,
        windowCenter: s.windowCenter,
        windowWidth: s.windowWidth,
        zoom: s.zoom,
        invert: s.invert,
      };
    },
    cineLog: () => viewer.cineLog(),
    overlay: () => ({ settings: overlay.settings.get(), status: overlay.status.get() }),
  };
  (window as unknown as { __cardiosynth: TestHook }).__cardiosynth = hook;
}
