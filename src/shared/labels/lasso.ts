/**
 * Lasso (freehand polygon) fill: every pixel whose centre is inside the closed polygon (even-odd rule, by
 * scanlines through pixel centres), plus the pixels the outline itself passes through, so a thin or
 * self-touching outline still paints what the user traced.
 */
import { paintPolyline, type Point } from './brush.ts';
import type { EditSession } from './edit-session.ts';

export function fillPolygon(s: EditSession, points: Point[], value: number): void {
  const n = points.length;
  if (n === 0) return;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of points) {
    if (p.y < yMin) yMin = p.y;
    if (p.y > yMax) yMax = p.y;
  }
  const rowStart = Math.max(0, Math.floor(yMin - 0.5));
  const rowEnd = Math.min(s.height - 1, Math.ceil(yMax));
  const xs: number[] = [];
  for (let y = rowStart; y <= rowEnd; y++) {
    const yc = y + 0.5;
    xs.length = 0;
    for (let k = 0, j = n - 1; k < n; j = k++) {
      const a = points[j];
      const b = points[k];
      // Half-open rule: each edge counts for rows in [min y, max y), so vertices are not counted twice.
      if ((a.y <= yc && yc < b.y) || (b.y <= yc && yc < a.y)) xs.push(a.x + ((yc - a.y) * (b.x - a.x)) / (b.y - a.y));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.ceil(xs[k] - 0.5);
      const x1 = Math.floor(xs[k + 1] - 0.5);
      if (x1 >= x0) s.fillSpan(y, x0, x1, value);
    }
  }
  // The outline, one pixel wide through the pixels it crosses.
  const outline = points.map((p) => ({ x: Math.floor(p.x) + 0.5, y: Math.floor(p.y) + 0.5 }));
  paintPolyline(s, outline, { size: 1, tip: 'round' }, value, true);
}
