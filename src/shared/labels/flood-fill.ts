/**
 * Flood fill (paint bucket): replaces the 4-connected region of equal label around the seed with `value`, so an
 * outline drawn with the brush (8-connected at least) holds the fill in. Scanline algorithm: each span is
 * filled once and its neighbour rows are scanned once, O(region) with a small stack.
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
  // Stack of (x, y) seeds, as a growable Int32Array.
  let stack = new Int32Array(1024);
  let top = 0;
  const push = (px: number, py: number) => {
    if (top + 2 > stack.length) {
      const bigger = new Int32Array(stack.length * 2);
      bigger.set(stack);
      stack = bigger;
    }
    stack[top++] = px;
    stack[top++] = py;
  };
  push(x, y);
  while (top > 0) {
    const py = stack[--top];
    const px = stack[--top];
    const row = py * w;
    if (data[row + px] !== target) continue;
    let l = px;
    while (l > 0 && data[row + l - 1] === target) l--;
    let r = px;
    while (r < w - 1 && data[row + r + 1] === target) r++;
    s.fillSpan(py, l, r, value);
    filled += r - l + 1;
    // Seed each run of target pixels in the rows above and below.
    for (const ny of [py - 1, py + 1]) {
      if (ny < 0 || ny >= h) continue;
      const nrow = ny * w;
      let inRun = false;
      for (let nx = l; nx <= r; nx++) {
        if (data[nrow + nx] === target) {
          if (!inRun) {
            push(nx, ny);
            inRun = true;
          }
        } else inRun = false;
      }
    }
  }
  return filled;
}
