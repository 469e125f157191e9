/**
 * Keyboard shortcuts of the label editor, one per tool and action, chosen not to clash with the viewer's keys
 * (Space, arrows, Home/End, L, [ ], + −, F, I, W, R, ?/H, Esc) and close to ITK-SNAP/Slicer habits
 * (B brush, E eraser, P polygon, digits pick labels). They join the viewer's table in keys/shortcuts.ts, which
 * binds them and lists them in the help overlay.
 */
import type { Shortcut, ShortcutContext } from '../keys/shortcuts.ts';
import type { LabelTool } from './label-editor.ts';

const tool = (t: LabelTool) => (c: ShortcutContext) => {
  c.labels.setTool(t);
  if (t !== 'navigate') c.showLabels();
};

export const LABEL_SHORTCUTS: Shortcut[] = [
  { group: 'Labels', keys: ['n', 'N'], label: 'N', action: 'Navigate (left drag = window/level, no drawing)', run: tool('navigate') },
  { group: 'Labels', keys: ['b', 'B'], label: 'B', action: 'Brush', run: tool('brush') },
  { group: 'Labels', keys: ['e'], shift: false, label: 'E', action: 'Eraser', run: tool('eraser') },
  { group: 'Labels', keys: ['p', 'P'], label: 'P', action: 'Lasso (freehand polygon fill)', run: tool('lasso') },
  { group: 'Labels', keys: ['g', 'G'], label: 'G', action: 'Fill (paint bucket)', run: tool('fill') },
  { group: 'Labels', keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], label: '1 … 9', action: 'Draw with label 1 … 9', run: (c, e) => c.labels.setLabel(Number(e.key)) },
  { group: 'Labels', keys: [',', '<'], label: ',', action: 'Smaller brush (also Shift + wheel)', run: (c) => c.labels.stepBrushSize(-1) },
  { group: 'Labels', keys: ['.', '>'], label: '.', action: 'Larger brush', run: (c) => c.labels.stepBrushSize(1) },
  { group: 'Labels', keys: ['t', 'T'], label: 'T', action: 'Brush tip round / square', run: (c) => c.labels.setBrushTip(c.labels.state.get().brushTip === 'round' ? 'square' : 'round') },
  { group: 'Labels', keys: ['c', 'C'], label: 'C', action: 'Fill holes in the current label', run: (c) => c.labels.fillHolesOnLabel() },
  { group: 'Labels', keys: ['s'], shift: false, label: 'S', action: 'Smooth the current label', run: (c) => c.labels.smoothLabelOnFrame() },
  { group: 'Labels', keys: ['Delete'], label: 'Delete', action: 'Clear the current label on this frame', run: (c) => c.labels.clearLabelOnFrame() },
  { group: 'Labels', keys: ['o'], shift: false, label: 'O', action: 'Outline / filled display', run: (c) => c.labels.setOutline(!c.labels.state.get().outline) },
  { group: 'Labels', keys: ['v', 'V'], label: 'V', action: 'Show / hide labels', run: (c) => c.labels.setOverlayVisible(!c.labels.state.get().overlayVisible) },
  { group: 'Labels', keys: ['ArrowRight'], ctrl: true, label: 'Ctrl + →', action: 'Copy labels to the next frame and go there', run: (c) => void copyStep(c, 1) },
  { group: 'Labels', keys: ['ArrowLeft'], ctrl: true, label: 'Ctrl + ←', action: 'Copy labels to the previous frame and go there', run: (c) => void copyStep(c, -1) },
  { group: 'Labels', keys: ['z', 'Z'], ctrl: true, shift: false, label: 'Ctrl + Z', action: 'Undo', run: (c) => c.labels.undo() },
  { group: 'Labels', keys: ['z', 'Z'], ctrl: true, shift: true, label: 'Ctrl + Shift + Z', action: 'Redo', run: (c) => c.labels.redo() },
  { group: 'Labels', keys: ['y', 'Y'], ctrl: true, label: 'Ctrl + Y', action: 'Redo', run: (c) => c.labels.redo() },
];

function copyStep(c: ShortcutContext, delta: 1 | -1): Promise<void> {
  const frame = c.viewer.shownFrame();
  const frames = c.viewer.state.get().frames;
  const target = frame + delta;
  if (target < 0 || target >= frames) return Promise.resolve();
  return c.labels.copyTo([target], true);
}
