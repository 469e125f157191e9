/**
 * The keyboard shortcuts: one table both binds the keys and feeds the help overlay, so the overlay cannot
 * list a key that does nothing or miss one that does something.
 */
import type { LabelEditor } from '../labels/label-editor.ts';
import { LABEL_SHORTCUTS } from '../labels/label-shortcuts.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';

export interface ShortcutContext {
  viewer: ViewerController;
  labels: LabelEditor;
  /** Brings the Labels tab forward (a label tool was chosen from the keyboard). */
  showLabels: () => void;
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
  run: (ctx: ShortcutContext, e: KeyboardEvent) => void;
  /** Ctrl (or Cmd) must be held; without it, the key must come without Ctrl/Cmd. */
  ctrl?: boolean;
  /** When set, Shift must (true) or must not (false) be held; otherwise Shift does not matter. */
  shift?: boolean;
  /** Heading in the help overlay; the viewer's keys have none. */
  group?: string;
}

const VIEWER_SHORTCUTS: Shortcut[] = [
  { keys: [' '], label: 'Space', action: 'Play / pause', run: (c) => c.viewer.togglePlay() },
  { keys: ['ArrowRight'], label: '→', action: 'Next frame', run: (c) => c.viewer.step(1) },
  { keys: ['ArrowLeft'], label: '←', action: 'Previous frame', run: (c) => c.viewer.step(-1) },
  { keys: ['Home'], label: 'Home', action: 'First frame', run: (c) => (c.viewer.pause(), c.viewer.showFrame(0)) },
  { keys: ['End'], label: 'End', action: 'Last frame', run: (c) => (c.viewer.pause(), c.viewer.showFrame(Number.MAX_SAFE_INTEGER)) },
  { keys: ['l', 'L'], label: 'L', action: 'Loop on / off', run: (c) => c.viewer.setLoop(!c.viewer.state.get().loop) },
  // Shift + the letter: the plain letters E, S and O are label-editor tools (eraser, smooth, outline).
  { keys: ['E'], shift: true, label: 'Shift + E', action: 'Go to end-diastole (ED), where the study states it', run: (c) => c.viewer.jumpToPhase('ED') },
  { keys: ['S'], shift: true, label: 'Shift + S', action: 'Go to end-systole (ES), where the study states it', run: (c) => c.viewer.jumpToPhase('ES') },
  { keys: ['O'], shift: true, label: 'Shift + O', action: 'Ground-truth label overlay on / off (on a frame with a label draft: its outline, over the draft)', run: (c) => c.toggleOverlay() },
  { keys: [']'], label: ']', action: 'Faster (up to 4×)', run: (c) => c.viewer.changeSpeed(1) },
  { keys: ['['], label: '[', action: 'Slower (down to 0.25×)', run: (c) => c.viewer.changeSpeed(-1) },
  { keys: ['+', '='], label: '+', action: 'Zoom in', run: (c) => c.viewer.zoomBy(1.25) },
  { keys: ['-', '_'], label: '−', action: 'Zoom out', run: (c) => c.viewer.zoomBy(0.8) },
  { keys: ['f', 'F'], label: 'F', action: 'Fit to window', run: (c) => c.viewer.fit() },
  { keys: ['i', 'I'], label: 'I', action: 'Invert', run: (c) => c.viewer.toggleInvert() },
  { keys: ['w', 'W'], label: 'W', action: 'Next window preset', run: (c) => c.cyclePreset() },
  { keys: ['r', 'R'], label: 'R', action: 'Reset view (window, zoom, pan, invert)', run: (c) => c.viewer.reset() },
  { keys: ['?', 'h', 'H'], label: '? or H', action: 'Show / hide this help', run: (c) => c.toggleHelp() },
  { keys: ['Escape'], label: 'Esc', action: 'Close help; drop a stroke or lasso being drawn', run: (c) => c.closeHelp() },
];

export const SHORTCUTS: Shortcut[] = [...VIEWER_SHORTCUTS, ...LABEL_SHORTCUTS];

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
    if (e.altKey) return;
    if (isTyping(e.target) && e.key !== 'Escape') return;
    const ctrl = e.ctrlKey || e.metaKey;
    const shortcut = SHORTCUTS.find((s) => s.keys.includes(e.key) && !!s.ctrl === ctrl && (s.shift === undefined || s.shift === e.shiftKey));
    if (!shortcut) return;
    // Space on a focused button would also click it; arrows on a focused slider would move it twice.
    e.preventDefault();
    shortcut.run(ctx, e);
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
