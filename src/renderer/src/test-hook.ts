/**
 * `window.__cardiosynth`: read-only views of the viewer for e2e tests and the cine benchmark. It exposes
 * state, never actions, so tests still drive the UI through real pointer and keyboard input.
 */
import type { LabelEditor } from './labels/label-editor.ts';
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
  /** The label editor: tool, label, the edited frame's map checksum, history and save status. */
  labels(): {
    image: string | null;
    tool: string;
    label: number;
    brushSize: number;
    frame: number;
    frameReady: boolean;
    checksum: string | null;
    labelledPixels: number;
    undo: string | null;
    redo: string | null;
    save: string;
    revision: number | null;
    outline: boolean;
    palette: number[];
  };
  /** Milliseconds per drawing pointer event and per overlay draw (see LabelEditor.timings, LabelLayer.drawTimes). */
  labelTimings(): { down: number[]; move: number[]; overlay: number[] };
  /** The ground-truth overlay: its settings and what it drew on the last rendered frame. */
  overlay(): { settings: OverlaySettings; status: OverlayStatus };
}

export function installTestHook(viewer: ViewerController, labels: LabelEditor, overlay: LabelOverlay): void {
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
    labels() {
      const s = labels.state.get();
      const map = labels.labels?.doc.get(s.frame);
      return {
        image: s.imageKeyId,
        tool: s.tool,
        label: s.label,
        brushSize: s.brushSize,
        frame: s.frame,
        frameReady: s.frameReady,
        checksum: labels.checksum(),
        labelledPixels: map ? map.reduce((n, v) => n + (v ? 1 : 0), 0) : 0,
        undo: s.undoLabel,
        redo: s.redoLabel,
        save: labels.save.get().state,
        revision: labels.save.get().revision,
        outline: s.outline,
        palette: s.palette.map((l) => l.value),
      };
    },
    labelTimings: () => ({ down: labels.timings.down.slice(), move: labels.timings.move.slice(), overlay: labels.layer.drawTimes.slice() }),
    overlay: () => ({ settings: overlay.settings.get(), status: overlay.status.get() }),
  };
  (window as unknown as { __cardiosynth: TestHook }).__cardiosynth = hook;
}
