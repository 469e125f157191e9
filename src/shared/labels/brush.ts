/**
 * Brush rasterisation. A stroke is the shape swept by the brush tip between consecutive pointer samples, so a
 * fast stroke whose samples land far apart leaves no gaps: each segment fills every pixel whose centre lies
 * within the tip swept from one sample to the next (a capsule for a round tip, a hexagon for a square one).
 * Each row of the shape is one span, found analytically, so a segment costs its area, not area x length.
 *
 * The tip is centred as ITK-SNAP and Slicer do it, so a brush of size d is exactly d pixels across: an odd size
 * centres on the pixel under the pointer, an even size on the nearest pixel corner.
 */
import type { EditSession } from './edit-session.ts';

export type BrushTip = 'round' | 'square';

export interface Brush {
  /** Diameter (round) or side (square) in image pixels, 1..MAX_BRUSH_SIZE. */
  size: number;
  tip: BrushTip;
}

export const MAX_BRUSH_SIZE = 256;

export interface Point {
  x: number;
  y: number;
}

/** The tip centre for a pointer at image position p (continuous pixel coordinates). */
export function snapToGrid(p: Point, size: number): Point {
  if (size % 2 === 1) return { x: Math.floor(p.x) + 0.5, y: Math.floor(p.y) + 0.5 };
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

// Half a pixel of slack in float comparisons: exact grid distances such as r^2 = dx^2 + dy^2 must count as in.
const EPS = 1e-7;

/** Paints the tip swept from a to b (both already snapped; a == b paints one dab). */
export function paintSegment(s: EditSession, a: Point, b: Point, brush: Brush, value: number): void {
  const r = brush.size / 2;
  const yMin = Math.max(0, Math.floor(Math.min(a.y, b.y) - r - 1));
  const yMax = Math.min(s.height - 1, Math.ceil(Math.max(a.y, b.y) + r + 1));
  const span = brush.tip === 'square' ? squareSpan : roundSpan;
  for (let y = yMin; y <= yMax; y++) {
    const yc = y + 0.5;
    const iv = span(a, b, r, yc);
    if (!iv) continue;
    // Pixels whose centre x + 0.5 lies in [lo, hi].
    const x0 = Math.ceil(iv[0] - 0.5 - EPS);
    const x1 = Math.floor(iv[1] - 0.5 + EPS);
    if (x1 >= x0) s.fillSpan(y, x0, x1, value);
  }
}

/** Paints a polyline of snapped points, segment by segment (used for lasso outlines and tests). */
export function paintPolyline(s: EditSession, points: Point[], brush: Brush, value: number, closed = false): void {
  if (points.length === 0) return;
  if (points.length === 1) return paintSegment(s, points[0], points[0], brush, value);
  for (let k = 1; k < points.length; k++) paintSegment(s, points[k - 1], points[k], brush, value);
  if (closed) paintSegment(s, points[points.length - 1], points[0], brush, value);
}

let scratchLo = 0;
let scratchHi = 0;

/** Intersects [scratchLo, scratchHi] with {x : lo <= k*x + c <= hi}; false when empty. */
function clampLinear(k: number, c: number, lo: number, hi: number): boolean {
  if (Math.abs(k) < 1e-12) return c >= lo - EPS && c <= hi + EPS;
  let a = (lo - c) / k;
  let b = (hi - c) / k;
  if (a > b) [a, b] = [b, a];
  if (a > scratchLo) scratchLo = a;
  if (b < scratchHi) scratchHi = b;
  return scratchLo <= scratchHi;
}

/** Row interval of the capsule {P : dist(P, segment ab) <= r} at height yc, or null. */
function roundSpan(a: Point, b: Point, r: number, yc: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const r2 = r * r + EPS;
  for (const p of [a, b]) {
    const dy = yc - p.y;
    const h2 = r2 - dy * dy;
    if (h2 >= 0) {
      const h = Math.sqrt(h2);
      if (p.x - h < lo) lo = p.x - h;
      if (p.x + h > hi) hi = p.x + h;
    }
  }
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len > 1e-9) {
    const ux = dx / len;
    const uy = dy / len;
    const ry = yc - a.y;
    scratchLo = -Infinity;
    scratchHi = Infinity;
    // Along the segment: 0 <= (x - ax) ux + ry uy <= len; across it: |(x - ax) uy - ry ux| <= r.
    if (clampLinear(ux, -a.x * ux + ry * uy, 0, len) && clampLinear(uy, -a.x * uy - ry * ux, -r - EPS, r + EPS)) {
      if (scratchLo < lo) lo = scratchLo;
      if (scratchHi > hi) hi = scratchHi;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Row interval of the square of half-side r swept from a to b, at height yc, or null. */
function squareSpan(a: Point, b: Point, r: number, yc: number): [number, number] | null {
  // The tip centre a + t (b - a), t in [0, 1], must lie within r of yc vertically.
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  if (Math.abs(dy) < 1e-12) {
    if (Math.abs(yc - a.y) > r + EPS) return null;
  } else {
    let ta = (yc - r - EPS - a.y) / dy;
    let tb = (yc + r + EPS - a.y) / dy;
    if (ta > tb) [ta, tb] = [tb, ta];
    t0 = Math.max(0, ta);
    t1 = Math.min(1, tb);
    if (t0 > t1) return null;
  }
  const dx = b.x - a.x;
  const xa = a.x + t0 * dx;
  const xb = a.x + t1 * dx;
  return [Math.min(xa, xb) - r, Math.max(xa, xb) + r];
}
