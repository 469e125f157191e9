/**
 * Flood fill (paint bucket): replaces the 4-connected region of equal label around the seed with `value`, so an
 * outline drawn with the brush (8-connected at least) holds the fill in. The span filler of Smith (1979) in the
 * "combined scan and fill" form: each stacked item is a span of a row to look at and the direction it came
 * from, so rows are not rescanned where the parent span already covered them; every found run is written with
 * one fillSpan.
 */
import type { EditSession } from './edit-session.ts';

/** Returns the number of pixels that the region held (0 when the seed's label is locked or already `value`). */
export function floodFill(s: EditSession, x: number, y: number, value: number): number {
  const { width: w, height: h, data } = s;
  x = Math.floor(x);
  y = Math.floor(y);
  if (x < 0 || y < 0 || x >= w || y >= h) return 0;
  const target = data[y * w + x];
  if (target === value || s.locked[target]) return 0;
  let filled = 0;
  // Stack of (x1, x2, y, dy) items, as a growable Int32Array.
  let stack = new Int32Array(4096);
  let top = 0;
  const push = (x1: number, x2: number, py: number, dy: number) => {
    if (py < 0 || py >= h) return;
    if (top + 4 > stack.length) {
      const bigger = new Int32Array(stack.length * 2);
      bigger.set(stack);
      stack = bigger;
    }
    stack[top++] = x1;
    stack[top++] = x2;
    stack[top++] = py;
    stack[top++] = dy;
  };
  push(x, x, y, 1);
  push(x, x, y - 1, -1);
  while (top > 0) {
    const dy = stack[--top];
    const py = stack[--top];
    const x2 = stack[--top];
    let x1 = stack[--top];
    const row = py * w;
    let lx = x1;
    if (data[row + lx] === target) {
      // Extend left of the span.
      while (lx > 0 && data[row + lx - 1] === target) lx--;
      if (lx < x1) {
        s.fillSpan(py, lx, x1 - 1, value);
        filled += x1 - lx;
        push(lx, x1 - 1, py - dy, -dy);
      }
    }
    while (x1 <= x2) {
      const start = x1;
      while (x1 < w && data[row + x1] === target) x1++;
      if (x1 > start) {
        s.fillSpan(py, start, x1 - 1, value);
        filled += x1 - start;
      }
      if (x1 > lx) push(lx, x1 - 1, py + dy, dy);
      if (x1 - 1 > x2) push(x2 + 1, x1 - 1, py - dy, -dy);
      x1++;
      while (x1 < x2 && data[row + x1] !== target) x1++;
      lx = x1;
    }
  }
  return filled;
}
