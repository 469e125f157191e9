/**
 * Pointer input for the label tools on the viewport. While a drawing tool is active, a plain left-button drag
 * draws; everything else stays navigation as the viewer binds it (middle/right or Shift/Ctrl + left drag pans,
 * the wheel zooms), so the user can zoom and pan mid-task without switching tools. Shift + wheel resizes the
 * brush. The listeners run in the capture phase on the viewport element, so a drawing press never reaches the
 * viewer's window/level drag.
 */
import * as cornerstone from 'cornerstone-core';
import type { Point } from '../../../shared/labels/brush.ts';
import type { LabelEditor } from './label-editor.ts';

export const LABEL_POINTER_HELP: { input: string; action: string }[] = [
  { input: 'Left drag (Brush, Eraser)', action: 'Paint / erase; each stroke is one undo step' },
  { input: 'Left drag (Lasso)', action: 'Draw an outline; release to fill it' },
  { input: 'Left click (Fill)', action: 'Fill the region under the pointer' },
  { input: 'Shift + wheel (Brush, Eraser)', action: 'Brush size' },
  { input: 'Middle/right drag, wheel', action: 'Pan and zoom while a label tool is active' },
];

export function attachLabelPointer(el: HTMLElement, editor: LabelEditor): () => void {
  let active: number | null = null;

  const toImage = (e: PointerEvent | MouseEvent): Point => {
    const p = cornerstone.pageToPixel(el, e.pageX, e.pageY);
    return { x: p.x, y: p.y };
  };
  const hasImage = () => !!cornerstone.getImage(el);

  const down = (e: PointerEvent) => {
    if (!editor.drawing || !hasImage() || e.button !== 0 || e.shiftKey || e.ctrlKey || e.metaKey || e.altKey) return;
    e.stopImmediatePropagation();
    e.preventDefault();
    active = e.pointerId;
    el.setPointerCapture(e.pointerId);
    editor.pointerDown(toImage(e));
  };
  const move = (e: PointerEvent) => {
    if (!editor.drawing || !hasImage()) return;
    if (active !== null && e.pointerId !== active) return;
    // Coalesced samples: the pointer positions the browser merged into this event, for smooth strokes.
    const samples = active !== null && typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    editor.pointerMove((samples.length ? samples : [e]).map(toImage));
  };
  const up = (e: PointerEvent) => {
    if (active === null || e.pointerId !== active) return;
    active = null;
    if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    // pointercancel too: the stroke so far is kept (committed), never silently dropped.
    editor.pointerUp();
  };
  const leave = () => {
    if (active === null) editor.pointerLeave();
  };
  const wheel = (e: WheelEvent) => {
    const tool = editor.state.get().tool;
    if (!e.shiftKey || (tool !== 'brush' && tool !== 'eraser')) return;
    e.stopImmediatePropagation();
    e.preventDefault();
    const d = e.deltaY || e.deltaX;
    if (d) editor.stepBrushSize(d < 0 ? 1 : -1);
  };
  const key = (e: KeyboardEvent) => {
    // Escape while drawing drops the stroke or lasso (before the shortcut table sees it).
    if (e.key === 'Escape' && editor.interacting) {
      e.stopImmediatePropagation();
      e.preventDefault();
      editor.cancelInteraction();
      if (active !== null && el.hasPointerCapture(active)) el.releasePointerCapture(active);
      active = null;
    }
  };

  el.addEventListener('pointerdown', down, { capture: true });
  el.addEventListener('pointermove', move, { capture: true });
  el.addEventListener('pointerup', up, { capture: true });
  el.addEventListener('pointercancel', up, { capture: true });
  el.addEventListener('pointerleave', leave);
  el.addEventListener('wheel', wheel, { capture: true, passive: false });
  window.addEventListener('keydown', key, { capture: true });
  return () => {
    el.removeEventListener('pointerdown', down, { capture: true });
    el.removeEventListener('pointermove', move, { capture: true });
    el.removeEventListener('pointerup', up, { capture: true });
    el.removeEventListener('pointercancel', up, { capture: true });
    el.removeEventListener('pointerleave', leave);
    el.removeEventListener('wheel', wheel, { capture: true });
    window.removeEventListener('keydown', key, { capture: true });
  };
}
