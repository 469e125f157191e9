/**
 * How label maps are shown over the image: on or off, opacity, filled or outlined, and per label its colour
 * and visibility. One store the overlay layer reads and the panel edits; the label editor reuses it for the
 * map it edits.
 */
import { labelInfo, type LabelInfo } from '../../../shared/label-palette.ts';
import { Store } from '../viewport/store.ts';

export type OverlayMode = 'filled' | 'outline';

export interface LabelStyle extends LabelInfo {
  visible: boolean;
}

export interface OverlaySettings {
  /** Ground-truth label maps drawn at all. */
  visible: boolean;
  /** 0..1, applied to every label. */
  opacity: number;
  mode: OverlayMode;
  /** EchoNet tracing lines (long axis and disc chords) drawn on their frames. */
  tracings: boolean;
  /** Styles of the label values seen so far (0, background, is never drawn). */
  labels: LabelStyle[];
  /**
   * On a frame where the label editor shows a draft with labels: the ground truth is drawn as its outline over
   * the draft (to compare the correction with it), or hidden.
   */
  underDraft: 'outline' | 'hidden';
}

export const DEFAULT_OVERLAY: OverlaySettings = {
  visible: true,
  opacity: 0.45,
  mode: 'filled',
  tracings: true,
  labels: [1, 2, 3].map((v) => ({ ...labelInfo(v), visible: true })),
  underDraft: 'outline',
};

export class OverlaySettingsStore extends Store<OverlaySettings> {
  constructor(initial: OverlaySettings = DEFAULT_OVERLAY) {
    super(initial);
  }

  /** Makes sure these label values have a style (new values get the palette's, visible). */
  know(values: number[]): void {
    const have = new Set(this.get().labels.map((l) => l.value));
    const add = values.filter((v) => v > 0 && !have.has(v));
    if (add.length) this.set({ labels: [...this.get().labels, ...add.map((v) => ({ ...labelInfo(v), visible: true }))].sort((a, b) => a.value - b.value) });
  }

  setLabel(value: number, patch: Partial<Pick<LabelStyle, 'visible' | 'rgb'>>): void {
    this.set({ labels: this.get().labels.map((l) => (l.value === value ? { ...l, ...patch } : l)) });
  }
}
