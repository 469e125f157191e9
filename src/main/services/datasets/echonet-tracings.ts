/**
 * EchoNet-Dynamic tracings: 21 rows per traced frame (the long axis, then 20 disc chords), and the LV cavity
 * mask rasterised exactly as the reference loader does (echonet/dynamic `datasets/echo.py`):
 *   x = concat(x1[1:], flip(x2[1:])); y = concat(y1[1:], flip(y2[1:]))   (the long axis row is left out)
 *   r, c = skimage.draw.polygon(rint(y), rint(x), (H, W)); mask[r, c] = 1
 * skimage.draw.polygon visits the integer pixels in the vertices' bounding box (clipped to the image) and keeps
 * those its point_in_polygon test calls inside, on an edge or on a vertex. The reference also treats the first
 * traced frame of a video as the small (ES) trace and the last as the large (ED) one, because the CSV lists
 * them in that order; we follow it and warn where the mask areas say otherwise.
 */
import type { TracedFrame } from '../../../shared/dataset-types.ts';
import type { VideoTracings } from './echonet-csv.ts';

export const ROWS_PER_TRACED_FRAME = 21;

/** numpy.rint: round half to even. */
export function rint(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * skimage's point_in_polygon (O'Rourke's crossing test: inside, on a vertex or on an edge all count) evaluated
 * a row at a time. For pixel (c, r) and edge a -> b, skimage computes the ray crossing as
 * ((xb-c)(ya-r) - (xa-c)(yb-r)) / (ya-yb) = (N0 - c*D) / D with D = ya - yb, N0 = xb(ya-r) - xa(yb-r).
 * Vertices are integers (rint) and so are c and r, so N0 and D are exact and the sign test reduces to
 * comparing c with t = N0 / D: an edge straddling the row by the `> r` rule is a right crossing when c < t;
 * one straddling it by the `< r` rule is a left crossing when c > t. A pixel is kept when either count is odd
 * (inside, or on an edge) or it is a vertex. Along a row the counts change only at c = ceil(t) (right) and
 * c = floor(t) + 1 (left), so each row is a few runs: the test runs once per run, not once per pixel.
 */
/** skimage's test for pixel column c on a row whose crossing thresholds are right[rs..re) and left[ls..le). */
function kept(right: Float64Array, rs: number, re: number, left: Float64Array, ls: number, le: number, c: number): boolean {
  let rc = 0, lc = 0;
  for (let k = rs; k < re; k++) if (c < right[k]) rc++;
  for (let k = ls; k < le; k++) if (c > left[k]) lc++;
  return ((rc | lc) & 1) === 1;
}

function scanRows(xp: Float64Array, yp: Float64Array, rows: number, columns: number, run: (row: number, first: number, last: number) => void, vertex: (row: number, c: number, inRun: boolean) => void): void {
  const n = xp.length;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xp[i]); maxX = Math.max(maxX, xp[i]);
    minY = Math.min(minY, yp[i]); maxY = Math.max(maxY, yp[i]);
  }
  const r0 = Math.max(0, minY), r1 = Math.min(rows - 1, Math.ceil(maxY));
  const c0 = Math.max(0, minX), c1 = Math.min(columns - 1, Math.ceil(maxX));
  if (r1 < r0 || c1 < c0) return;
  // Each edge straddles only the rows between its ends: bucket the crossings by row (two passes, CSR style)
  // instead of testing every edge on every row. Edge a -> b with lo = min(ya, yb), hi = max(ya, yb) crosses
  // by the `> r` rule on rows lo..hi-1 and by the `< r` rule on rows lo+1..hi.
  const h = r1 - r0 + 1;
  const startR = new Int32Array(h + 1);
  const startL = new Int32Array(h + 1);
  const each = (fn: (i: number, xa: number, ya: number, xb: number, yb: number) => void): void => {
    let xa = xp[n - 1], ya = yp[n - 1];
    for (let i = 0; i < n; i++) {
      fn(i, xa, ya, xp[i], yp[i]);
      xa = xp[i];
      ya = yp[i];
    }
  };
  each((_i, _xa, ya, _xb, yb) => {
    const lo = Math.min(ya, yb), hi = Math.max(ya, yb);
    for (let r = Math.max(lo, r0); r <= Math.min(hi - 1, r1); r++) startR[r - r0 + 1]++;
    for (let r = Math.max(lo + 1, r0); r <= Math.min(hi, r1); r++) startL[r - r0 + 1]++;
  });
  for (let k = 0; k < h; k++) {
    startR[k + 1] += startR[k];
    startL[k + 1] += startL[k];
  }
  const right = new Float64Array(startR[h]);
  const left = new Float64Array(startL[h]);
  const fillR = startR.slice(0, h);
  const fillL = startL.slice(0, h);
  each((_i, xa, ya, xb, yb) => {
    const lo = Math.min(ya, yb), hi = Math.max(ya, yb);
    for (let r = Math.max(lo, r0); r <= Math.min(hi, r1); r++) {
      const t = (xb * (ya - r) - xa * (yb - r)) / (ya - yb);
      if (r < hi) right[fillR[r - r0]++] = t;
      if (r > lo) left[fillL[r - r0]++] = t;
    }
  });
  // Vertices by row too, for the apex rule.
  const vertexRows = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (yp[i] < r0 || yp[i] > r1 || xp[i] < c0 || xp[i] > c1) continue;
    const list = vertexRows.get(yp[i]);
    if (list) list.push(xp[i]);
    else vertexRows.set(yp[i], [xp[i]]);
  }
  const breaks = new Float64Array(n + 2);
  for (let r = r0; r <= r1; r++) {
    const k = r - r0;
    const rs = startR[k], re = startR[k + 1], ls = startL[k], le = startL[k + 1];
    const any = re > rs || le > ls;
    if (any) {
      // Run boundaries, sorted by insertion (a handful per row).
      let nb = 0;
      for (let q = -1; q < re - rs + le - ls + 1; q++) {
        const x = q < 0 ? c0 : q === re - rs + le - ls ? c1 + 1 : q < re - rs ? Math.ceil(right[rs + q]) : Math.floor(left[ls + q - (re - rs)]) + 1;
        let j = nb++;
        while (j > 0 && breaks[j - 1] > x) {
          breaks[j] = breaks[j - 1];
          j--;
        }
        breaks[j] = x;
      }
      for (let q = 0; q + 1 < nb; q++) {
        const a = Math.max(breaks[q], c0);
        const e = Math.min(breaks[q + 1], c1 + 1);
        if (a < e && kept(right, rs, re, left, ls, le, a)) run(r, a, e - 1);
      }
    }
    // A vertex is kept even where both crossing counts are even (a pointed apex).
    for (const c of vertexRows.get(r) ?? []) vertex(r, c, any && kept(right, rs, re, left, ls, le, c));
  }
}

/** The polygon echo.py rasterises: chord ends down the x1 side and back up the x2 side, rounded by rint. */
function tracePolygon(lines: Array<[number, number, number, number]>): { xp: Float64Array; yp: Float64Array } | null {
  const chords = lines.slice(1);
  const n = chords.length * 2;
  if (chords.length < 2) return null;
  const xp = new Float64Array(n);
  const yp = new Float64Array(n);
  chords.forEach(([x1, y1, x2, y2], i) => {
    xp[i] = rint(x1);
    yp[i] = rint(y1);
    xp[n - 1 - i] = rint(x2);
    yp[n - 1 - i] = rint(y2);
  });
  return { xp, yp };
}

/** The LV cavity mask (1 inside, 0 outside), rows x columns, from one frame's 21 lines. */
export function tracingMask(lines: Array<[number, number, number, number]>, rows: number, columns: number): Uint8Array {
  const mask = new Uint8Array(rows * columns);
  const poly = tracePolygon(lines);
  if (!poly) return mask;
  scanRows(poly.xp, poly.yp, rows, columns, (r, a, b) => mask.fill(1, r * columns + a, r * columns + b + 1), (r, c) => void (mask[r * columns + c] = 1));
  return mask;
}

/** The number of pixels tracingMask would set, without building the mask. */
export function tracingMaskArea(lines: Array<[number, number, number, number]>, rows: number, columns: number): number {
  const poly = tracePolygon(lines);
  if (!poly) return 0;
  let area = 0;
  const extra = new Set<number>();
  scanRows(poly.xp, poly.yp, rows, columns, (_r, a, b) => void (area += b - a + 1), (r, c, inRun) => {
    if (!inRun) extra.add(r * columns + c);
  });
  return area + extra.size;
}

export function maskArea(mask: Uint8Array): number {
  let a = 0;
  for (let i = 0; i < mask.length; i++) a += mask[i];
  return a;
}

/** One video's traced frames in the CSV's order, with their mask areas. */
export function groupTracings(video: VideoTracings | undefined, maskRows: number, maskColumns: number): TracedFrame[] {
  if (!video) return [];
  return [...video.frames].map(([frame, lines]) => ({ frame, lines, maskArea: tracingMaskArea(lines, maskRows, maskColumns) }));
}
