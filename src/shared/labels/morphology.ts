/**
 * Clean-up on the current label, as Slicer's Smoothing and ITK-SNAP's hole filling do it, but label-aware so
 * neighbouring structures are not eaten:
 * - smoothLabel: a majority (median) filter of the label's mask over a (2r+1)^2 window. A pixel joins the label
 *   when most of its window is the label; a pixel that leaves it takes the most common other (unlocked) label in
 *   its window, so the border between LV cavity and myocardium moves instead of opening a background gap.
 * - fillHoles: background regions enclosed by the label alone (not touching the image border, every neighbour
 *   the label) become the label.
 * Both read the frame as it was before the operation and write through the session (locks respected).
 */
import type { EditSession } from './edit-session.ts';

export function smoothLabel(s: EditSession, label: number, radius: number): void {
  const { width: w, height: h, data } = s;
  const r = Math.max(1, Math.min(16, Math.floor(radius)));
  // Work inside the label's bounding box grown by r (outside it no pixel can change).
  let bx0 = w, by0 = h, bx1 = -1, by1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (data[row + x] === label) {
        if (x < bx0) bx0 = x;
        if (x > bx1) bx1 = x;
        if (y < by0) by0 = y;
        if (y > by1) by1 = y;
      }
    }
  }
  if (bx1 < 0) return;
  const x0 = Math.max(0, bx0 - r), y0 = Math.max(0, by0 - r), x1 = Math.min(w - 1, bx1 + r), y1 = Math.min(h - 1, by1 + r);
  // Integral image of the mask over the whole frame rows/cols needed: windows reach r beyond the box.
  const ix0 = Math.max(0, x0 - r), iy0 = Math.max(0, y0 - r), ix1 = Math.min(w - 1, x1 + r), iy1 = Math.min(h - 1, y1 + r);
  const iw = ix1 - ix0 + 2;
  const ih = iy1 - iy0 + 2;
  const sat = new Int32Array(iw * ih);
  for (let y = 1; y < ih; y++) {
    let rowSum = 0;
    const src = (iy0 + y - 1) * w + ix0;
    for (let x = 1; x < iw; x++) {
      rowSum += data[src + x - 1] === label ? 1 : 0;
      sat[y * iw + x] = sat[(y - 1) * iw + x] + rowSum;
    }
  }
  const original = data.slice(y0 * w, (y1 + 1) * w); // the rows we may change, before any change
  const counts = new Uint32Array(256);
  for (let y = y0; y <= y1; y++) {
    const wy0 = Math.max(0, y - r) - iy0, wy1 = Math.min(h - 1, y + r) - iy0 + 1;
    for (let x = x0; x <= x1; x++) {
      const wx0 = Math.max(0, x - r) - ix0, wx1 = Math.min(w - 1, x + r) - ix0 + 1;
      const inside = sat[wy1 * iw + wx1] - sat[wy0 * iw + wx1] - sat[wy1 * iw + wx0] + sat[wy0 * iw + wx0];
      const area = (wy1 - wy0) * (wx1 - wx0);
      const i = y * w + x;
      const was = original[i - y0 * w];
      const want = inside * 2 > area;
      if (want && was !== label) s.set(i, label);
      else if (!want && was === label) {
        // The most common other label in the window that may grow (not locked).
        counts.fill(0);
        for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
          for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
            const v = yy >= y0 && yy <= y1 ? original[(yy - y0) * w + xx] : data[yy * w + xx];
            counts[v]++;
          }
        }
        let best = -1;
        for (let v = 0; v < 256; v++) if (v !== label && !s.locked[v] && counts[v] > 0 && (best < 0 || counts[v] > counts[best])) best = v;
        if (best >= 0) s.set(i, best);
      }
    }
  }
}

/** Returns the number of pixels filled. */
export function fillHoles(s: EditSession, label: number): number {
  const { width: w, height: h, data } = s;
  if (s.locked[0]) return 0;
  const seen = new Uint8Array(w * h);
  const queue = new Int32Array(w * h);
  let filled = 0;
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || data[start] !== 0) continue;
    // Collect one 4-connected background component.
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    let enclosed = true;
    while (head < tail) {
      const i = queue[head++];
      const y = (i / w) | 0;
      const x = i - y * w;
      if (x === 0 || y === 0 || x === w - 1 || y === h - 1) enclosed = false;
      for (let k = 0; k < 4; k++) {
        if ((k === 0 && x === 0) || (k === 1 && x === w - 1) || (k === 2 && y === 0) || (k === 3 && y === h - 1)) continue;
        const j = k === 0 ? i - 1 : k === 1 ? i + 1 : k === 2 ? i - w : i + w;
        const v = data[j];
        if (v === 0) {
          if (!seen[j]) {
            seen[j] = 1;
            queue[tail++] = j;
          }
        } else if (v !== label) enclosed = false;
      }
    }
    if (enclosed) {
      for (let k = 0; k < tail; k++) s.set(queue[k], label);
      filled += tail;
    }
  }
  return filled;
}
