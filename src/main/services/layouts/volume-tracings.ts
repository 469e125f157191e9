/**
 * EchoNet-Dynamic's VolumeTracings rows for one traced frame, derived from an LV label map the way the
 * dataset's tracings are drawn: first the LV long axis from the endocardial apex to the middle of the mitral
 * annulus, then 20 chords across the cavity, perpendicular to that axis, at the centres of 20 equal discs
 * from apex to base (method of discs), each running from its endpoint on one wall to the other.
 *
 * Coordinates are EchoNet's: pixel units with pixel (c, r) centred at (x, y) = (c, r), which is how the
 * reference loader rasterises them (rint, then a polygon of the chord ends). Chord ends are placed on the
 * outermost cavity pixel, so that polygon gives back the cavity closely (tests measure the Dice).
 */
import { AppError } from '../../../shared/errors.ts';

export const TRACING_CHORDS = 20;

/** One tracing row: x1, y1, x2, y2. */
export type TracingLine = [number, number, number, number];

export interface TracingOptions {
  /** Label value of the LV cavity (CAMUS: 1) and of the left atrium (CAMUS: 3; used to find the annulus). */
  lvLabel?: number;
  laLabel?: number;
}

interface Pt {
  x: number;
  y: number;
}

const STEP = 0.05;

/**
 * The 21 rows (long axis, then 20 chords from apex to base) of one frame. `x1,y1` of every chord lies on
 * the same wall (the one to the image left when the apex is up), so the chord ends form one polygon.
 */
export function volumeTracingLines(labels: Uint8Array, width: number, height: number, options: TracingOptions = {}): TracingLine[] {
  const lv = options.lvLabel ?? 1;
  const la = options.laLabel ?? 3;
  if (labels.length !== width * height) throw new AppError('invalid-argument', `volume tracings: label map has ${labels.length} pixels, expected ${width}x${height}`);
  const inside = (x: number, y: number): boolean => {
    const c = Math.round(x);
    const r = Math.round(y);
    return c >= 0 && r >= 0 && c < width && r < height && labels[r * width + c] === lv;
  };
  // Cavity pixels, their centroid and the LV-LA interface.
  let n = 0;
  let cx = 0;
  let cy = 0;
  let mx = 0;
  let my = 0;
  let pairs = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (labels[r * width + c] !== lv) continue;
      n++;
      cx += c;
      cy += r;
      for (const [dc, dr] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const c2 = c + dc;
        const r2 = r + dr;
        if (c2 < 0 || r2 < 0 || c2 >= width || r2 >= height || labels[r2 * width + c2] !== la) continue;
        mx += c + dc / 2;
        my += r + dr / 2;
        pairs++;
      }
    }
  }
  if (n === 0) throw new AppError('invalid-argument', `volume tracings: the label map has no LV cavity (label ${lv})`);
  cx /= n;
  cy /= n;
  let base: Pt;
  let apexDir: Pt;
  if (pairs > 0) {
    base = { x: mx / pairs, y: my / pairs };
    let far = -1;
    let apex = base;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        if (labels[r * width + c] !== lv) continue;
        const d = (c - base.x) ** 2 + (r - base.y) ** 2;
        if (d > far) {
          far = d;
          apex = { x: c, y: r };
        }
      }
    }
    const len = Math.hypot(apex.x - base.x, apex.y - base.y) || 1;
    apexDir = { x: (apex.x - base.x) / len, y: (apex.y - base.y) / len };
  } else {
    // No atrium to mark the valve: the cavity's principal axis, apex towards the probe (image top).
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        if (labels[r * width + c] !== lv) continue;
        sxx += (c - cx) ** 2;
        syy += (r - cy) ** 2;
        sxy += (c - cx) * (r - cy);
      }
    }
    const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
    apexDir = { x: Math.cos(angle), y: Math.sin(angle) };
    if (apexDir.y > 0) apexDir = { x: -apexDir.x, y: -apexDir.y };
    base = { x: cx, y: cy };
    // Walk from the centroid towards the base until the cavity ends.
    let t = 0;
    while (inside(cx - apexDir.x * (t + STEP), cy - apexDir.y * (t + STEP))) t += STEP;
    base = { x: cx - apexDir.x * t, y: cy - apexDir.y * t };
  }
  // The apex: where the axis leaves the cavity (walk from the base; the axis may start just outside).
  let t = 0;
  const maxT = Math.hypot(width, height);
  while (t < maxT && !inside(base.x + apexDir.x * t, base.y + apexDir.y * t)) t += STEP;
  while (t < maxT && inside(base.x + apexDir.x * (t + STEP), base.y + apexDir.y * (t + STEP))) t += STEP;
  const apex = { x: base.x + apexDir.x * t, y: base.y + apexDir.y * t };
  const length = t;
  // Chords: perpendicular, x1 on the wall to the image left of an apex-up axis.
  const u = { x: -apexDir.x, y: -apexDir.y }; // apex -> base
  let nrm = { x: -u.y, y: u.x };
  if (nrm.x > 0 || (nrm.x === 0 && nrm.y > 0)) nrm = { x: -nrm.x, y: -nrm.y };
  const lines: TracingLine[] = [[apex.x, apex.y, base.x, base.y]];
  for (let k = 0; k < TRACING_CHORDS; k++) {
    const s = (length * (k + 0.5)) / TRACING_CHORDS;
    const p = { x: apex.x + u.x * s, y: apex.y + u.y * s };
    if (!inside(p.x, p.y)) {
      lines.push([p.x, p.y, p.x, p.y]);
      continue;
    }
    let a = 0;
    while (a < maxT && inside(p.x + nrm.x * (a + STEP), p.y + nrm.y * (a + STEP))) a += STEP;
    let b = 0;
    while (b < maxT && inside(p.x - nrm.x * (b + STEP), p.y - nrm.y * (b + STEP))) b += STEP;
    lines.push([p.x + nrm.x * a, p.y + nrm.y * a, p.x - nrm.x * b, p.y - nrm.y * b]);
  }
  return lines;
}

/** Maps tracing coordinates from a `fromW x fromH` image onto `toW x toH` (pixel centres onto pixel centres). */
export function scaleTracingLines(lines: TracingLine[], fromW: number, fromH: number, toW: number, toH: number): TracingLine[] {
  const sx = toW / fromW;
  const sy = toH / fromH;
  const X = (x: number): number => (x + 0.5) * sx - 0.5;
  const Y = (y: number): number => (y + 0.5) * sy - 0.5;
  return lines.map(([x1, y1, x2, y2]) => [X(x1), Y(y1), X(x2), Y(y2)]);
}
