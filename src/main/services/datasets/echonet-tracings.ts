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
import type { TracingRow } from './echonet-csv.ts';

export const ROWS_PER_TRACED_FRAME = 21;

/** numpy.rint: round half to even. */
export function rint(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** skimage's point_in_polygon (O'Rourke's crossing test): 0 outside, 1 inside, 2 vertex, 3 edge. */
function pointInPolygon(xp: Float64Array, yp: Float64Array, x: number, y: number): number {
  const n = xp.length;
  const eps = 1e-12;
  let lCross = 0;
  let rCross = 0;
  let x1 = xp[n - 1] - x;
  let y1 = yp[n - 1] - y;
  for (let i = 0; i < n; i++) {
    const x0 = xp[i] - x;
    const y0 = yp[i] - y;
    if (-eps < x0 && x0 < eps && -eps < y0 && y0 < eps) return 2;
    if ((y0 > 0) !== (y1 > 0) && (x0 * y1 - x1 * y0) / (y1 - y0) > 0) rCross++;
    if ((y0 < 0) !== (y1 < 0) && (x0 * y1 - x1 * y0) / (y1 - y0) < 0) lCross++;
    x1 = x0;
    y1 = y0;
  }
  if ((rCross & 1) !== (lCross & 1)) return 3;
  return rCross & 1 ? 1 : 0;
}

/** The LV cavity mask (1 inside, 0 outside), rows x columns, from one frame's 21 lines. */
export function tracingMask(lines: Array<[number, number, number, number]>, rows: number, columns: number): Uint8Array {
  const mask = new Uint8Array(rows * columns);
  const chords = lines.slice(1);
  const n = chords.length * 2;
  if (chords.length < 2) return mask;
  const xp = new Float64Array(n);
  const yp = new Float64Array(n);
  chords.forEach(([x1, y1, x2, y2], i) => {
    xp[i] = rint(x1);
    yp[i] = rint(y1);
    xp[n - 1 - i] = rint(x2);
    yp[n - 1 - i] = rint(y2);
  });
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xp[i]); maxX = Math.max(maxX, xp[i]);
    minY = Math.min(minY, yp[i]); maxY = Math.max(maxY, yp[i]);
  }
  const r0 = Math.max(0, minY), r1 = Math.min(rows - 1, Math.ceil(maxY));
  const c0 = Math.max(0, minX), c1 = Math.min(columns - 1, Math.ceil(maxX));
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) if (pointInPolygon(xp, yp, c, r)) mask[r * columns + c] = 1;
  }
  return mask;
}

export function maskArea(mask: Uint8Array): number {
  let a = 0;
  for (let i = 0; i < mask.length; i++) a += mask[i];
  return a;
}

/** Groups one video's rows by frame, keeping the CSV's frame order and row order. */
export function groupTracings(rows: TracingRow[], maskRows: number, maskColumns: number): TracedFrame[] {
  const byFrame = new Map<number, Array<[number, number, number, number]>>();
  for (const r of rows) {
    let list = byFrame.get(r.frame);
    if (!list) byFrame.set(r.frame, (list = []));
    list.push([r.x1, r.y1, r.x2, r.y2]);
  }
  return [...byFrame].map(([frame, lines]) => ({ frame, lines, maskArea: maskArea(tracingMask(lines, maskRows, maskColumns)) }));
}
