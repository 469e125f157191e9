/**
 * The keyboard shortcuts: one table both binds the keys and feeds the help overlay, so the overlay cannot
 * list a key that does nothing or miss one that does something.
 */
import type { ViewerController } from '../viewport/viewer-controller.ts';

export interface ShortcutContext {
  viewer: ViewerController;
  /** Shows or hides the ground-truth label overlay. */
  toggleOverlay: () => void;
  toggleHelp: () => void;
  closeHelp: () => void;
  cyclePreset: () => void;
}

export interface Shortcut {
  /** KeyboardEvent.key values that trigger it. */
  keys: string[];
  /** How the keys are shown in the help overlay. */
  label: string;
  action: string;
  run: (ctx: ShortcutContext) => void;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: [' '], label: 'Space', action: 'Play / pause', run: (c) => c.viewer.togglePlay() },
  { keys: ['ArrowRight'], label: '→', action: 'Next frame', run: (c) => c.viewer.step(1) },
  { keys: ['ArrowLeft'], label: '←', action: 'Previous frame', run: (c) => c.viewer.step(-1) },
  { keys: ['Home'], label: 'Home', action: 'First frame', run: (c) => (c.viewer.pause(), c.viewer.showFrame(0)) },
  { keys: ['End'], label: 'End', action: 'Last frame', run: (c) => (c.viewer.pause(), c.viewer.showFrame(Number.MAX_SAFE_INTEGER)) },
  { keys: ['l', 'L'], label: 'L', action: 'Loop on / off', run: (c) => c.viewer.setLoop(!c.viewer.state.get().loop) },
  { keys: ['e', 'E'], label: 'E', action: 'Go to end-diastole (ED), where the study states it', run: (c) => c.viewer.jumpToPhase('ED') },
  { keys: ['s', 'S'], label: 'S', action: 'Go to end-systole (ES), where the study states it', run: (c) => c.viewer.jumpToPhase('ES') },
  { keys: ['o', 'O'], label: 'O', action: 'Ground-truth label overlay on / off', run: (c) => c.toggleOverlay() },
  { keys: [']'], label: ']', action: 'Faster (up to 4×)', run: (c) => c.viewer.changeSpeed(1) },
  { keys: ['['], label: '[', action: 'Slower (down to 0.25×)', run: (c) => c.viewer.changeSpeed(-1) },
  { keys: ['+', '='], label: '+', action: 'Zoom in', run: (c) => c.viewer.zoomBy(1.25) },
  { keys: ['-', '_'], label: '−', action: 'Zoom out', run: (c) => c.viewer.zoomBy(0.8) },
  { keys: ['f', 'F'], label: 'F', action: 'Fit to window', run: (c) => c.viewer.fit() },
  { keys: ['i', 'I'], label: 'I', action: 'Invert', run: (c) => c.viewer.toggleInvert() },
  { keys: ['w', 'W'], label: 'W', action: 'Next window preset', run: (c) => c.cyclePreset() },
  { keys: ['r', 'R'], label: 'R', action: 'Reset view (window, zoom, pan, invert)', run: (c) => c.viewer.reset() },
  { keys: ['?', 'h', 'H'], label: '? or H', action: 'Show / hide this help', run: (c) => c.toggleHelp() },
  { keys: ['Escape'], label: 'Esc', action: 'Close help', run: (c) => c.closeHelp() },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['range', 'checkbox', 'radio', 'button', 'color'].includes(type);
}

/** Binds the table on `target`; returns the unbinder. Keys typed into text fields are left alone. */
export function bindShortcuts(target: Window, ctx: ShortcutContext): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.altKey || e.metaKey || (e.ctrlKey && e.key !== 'Escape')) return;
    if (isTyping(e.target) && e.key !== 'Escape') return;
    const shortcut = SHORTCUTS.find((s) => s.keys.includes(e.key));
    if (!shortcut) return;
    // Space on a focused button would also click it; arrows on a focused slider would move it twice.
    e.preventDefault();
    shortcut.run(ctx);
  };
  // A focused button or checkbox activates on Space's keyup; the shortcut already ran on keydown.
  const onKeyUp = (e: KeyboardEvent) => {
    if (e.key === ' ' && !isTyping(e.target) && e.target instanceof HTMLElement && e.target !== document.body) e.preventDefault();
  };
  target.addEventListener('keydown', onKey);
  target.addEventListener('keyup', onKeyUp);
  return () => {
    target.removeEventListener('keydown', onKey);
    target.removeEventListener('keyup', onKeyUp);
  };
}
