/**
 * Pointer bindings on the viewport: left drag = window/level, middle or right drag (or Shift/Ctrl + left) =
 * pan, wheel = zoom, hover = pixel probe. Uses pointer capture so a drag keeps working outside the element.
 */
import type { ViewerController } from './viewer-controller.ts';

export const POINTER_HELP: { input: string; action: string }[] = [
  { input: 'Left drag', action: 'Window / level (horizontal: width, vertical: centre)' },
  { input: 'Middle or right drag, Shift/Ctrl + left drag', action: 'Pan' },
  { input: 'Wheel', action: 'Zoom' },
  { input: 'Hover', action: 'Pixel value and image coordinates' },
];

export function attachPointerTools(el: HTMLElement, viewer: ViewerController): () => void {
  let drag: { mode: 'window' | 'pan'; x: number; y: number; id: number } | null = null;

  const down = (e: PointerEvent) => {
    const pan = e.button === 1 || e.button === 2 || (e.button === 0 && (e.shiftKey || e.ctrlKey));
    if (e.button !== 0 && !pan) return;
    drag = { mode: pan ? 'pan' : 'window', x: e.clientX, y: e.clientY, id: e.pointerId };
    el.setPointerCapture(e.pointerId);
    e.preventDefault();
  };
  const move = (e: PointerEvent) => {
    viewer.updateProbe(e.pageX, e.pageY);
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    drag.x = e.clientX;
    drag.y = e.clientY;
    if (drag.mode === 'window') viewer.dragWindow(dx, dy);
    else viewer.pan(dx, dy);
  };
  const up = (e: PointerEvent) => {
    if (drag && e.pointerId === drag.id) {
      drag = null;
      if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    }
  };
  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    // Lines or pixels: either way about 10% per notch.
    const delta = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY;
    viewer.zoomBy(Math.exp(-delta * 0.0011));
  };
  const leave = () => viewer.clearProbe();
  const menu = (e: Event) => e.preventDefault();

  el.addEventListener('pointerdown', down);
  el.addEventListener('pointermove', move);
  el.addEventListener('pointerup', up);
  el.addEventListener('pointercancel', up);
  el.addEventListener('pointerleave', leave);
  el.addEventListener('wheel', wheel, { passive: false });
  el.addEventListener('contextmenu', menu);
  return () => {
    el.removeEventListener('pointerdown', down);
    el.removeEventListener('pointermove', move);
    el.removeEventListener('pointerup', up);
    el.removeEventListener('pointercancel', up);
    el.removeEventListener('pointerleave', leave);
    el.removeEventListener('wheel', wheel);
    el.removeEventListener('contextmenu', menu);
  };
}
