/**
 * `window.__cardiosynth`: read-only views of the viewer for e2e tests and the cine benchmark. It exposes
 * state, never actions, so tests still drive the UI through real pointer and keyboard input.
 */
import type { CineLogEntry, ViewerController } from './viewport/viewer-controller.ts';

export interface TestHook {
  state(): {
    instanceId: string | null;
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
}

export function installTestHook(viewer: ViewerController): void {
  const hook: TestHook = {
    state() {
      const s = viewer.state.get();
      return {
        instanceId: s.instance?.id ?? null,
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
  };
  (window as unknown as { __cardiosynth: TestHook }).__cardiosynth = hook;
}
