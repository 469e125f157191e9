/**
 * Clinical LV volumes and ejection fraction measured from label maps, the way a sonographer's tracing is
 * measured: the long axis runs from the mitral annulus midpoint (where the cavity meets the left atrium) to the
 * farthest cavity point (the apex); volume by single-plane area-length (8 A^2 / 3 pi L) or by the method of
 * discs (20 discs perpendicular to the long axis; biplane when both apical views of one heart are given).
 * The tracing (long axis plus 20 chords) is the same shape as EchoNet-Dynamic's VolumeTracings rows.
 */
import { AppError } from '../../../shared/errors.ts';
import { PHANTOM_LABELS } from './palette.ts';

export const DISC_COUNT = 20;

export interface Point {
  x: number;
  y: number;
}

export interface LvTrace {
  /** Pixel coordinates (pixel (i, j) has its centre at (i + 0.5, j + 0.5)). */
  annulusMid: Point;
  apex: Point;
  lengthPx: number;
  areaPx: number;
  /** Disc diameters (pixels), area-preserving: cavity pixels in the slab divided by the slab's thickness. */
  discDiametersPx: Float64Array;
  /** Chord endpoints per disc, at the slab centre, across the cavity's extent in that slab. */
  chords: { x1: number; y1: number; x2: number; y2: number }[];
}

/** Traces the LV in one label map. Throws `invalid-argument` when the map has no cavity or no mitral plane. */
export function traceLv(labels: Uint8Array, width: number, height: number): LvTrace {
  if (labels.length !== width * height) throw new AppError('invalid-argument', `phantom/lv-measure.ts: label map has ${labels.length} pixels, expected ${width}x${height}`);
  const cav = PHANTOM_LABELS.lvCavity;
  const la = PHANTOM_LABELS.leftAtrium;
  let area = 0;
  let mx = 0;
  let my = 0;
  let pairs = 0;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const k = j * width + i;
      if (labels[k] !== cav) continue;
      area++;
      const neighbours: [number, number][] = [
        [i - 1, j],
        [i + 1, j],
        [i, j - 1],
        [i, j + 1],
      ];
      for (const [ni, nj] of neighbours) {
        if (ni < 0 || nj < 0 || ni >= width || nj >= height || labels[nj * width + ni] !== la) continue;
        // The annulus lies on the boundary between the two pixels.
        mx += (i + ni) / 2 + 0.5;
        my += (j + nj) / 2 + 0.5;
        pairs++;
      }
    }
  }
  if (area === 0) throw new AppError('invalid-argument', 'phantom/lv-measure.ts: the label map has no LV cavity (label 1)');
  if (pairs === 0) throw new AppError('invalid-argument', 'phantom/lv-measure.ts: the LV cavity does not touch the left atrium (label 3), so the mitral plane is unknown');
  const mid = { x: mx / pairs, y: my / pairs };
  let far = -1;
  let apex = mid;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      if (labels[j * width + i] !== cav) continue;
      const d = (i + 0.5 - mid.x) ** 2 + (j + 0.5 - mid.y) ** 2;
      if (d > far) {
        far = d;
        apex = { x: i + 0.5, y: j + 0.5 };
      }
    }
  }
  const centreDist = Math.sqrt(far);
  const ux = (apex.x - mid.x) / centreDist;
  const uy = (apex.y - mid.y) / centreDist;
  // The apex pixel reaches beyond its centre by half its extent along the axis.
  const length = centreDist + 0.5 * (Math.abs(ux) + Math.abs(uy));
  const h = length / DISC_COUNT;
  const counts = new Float64Array(DISC_COUNT);
  const vmin = new Float64Array(DISC_COUNT).fill(Infinity);
  const vmax = new Float64Array(DISC_COUNT).fill(-Infinity);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      if (labels[j * width + i] !== cav) continue;
      const px = i + 0.5 - mid.x;
      const py = j + 0.5 - mid.y;
      const t = px * ux + py * uy;
      const v = -px * uy + py * ux;
      const b = Math.min(DISC_COUNT - 1, Math.max(0, Math.floor(t / h)));
      counts[b]++;
      if (v < vmin[b]) vmin[b] = v;
      if (v > vmax[b]) vmax[b] = v;
    }
  }
  const discDiametersPx = new Float64Array(DISC_COUNT);
  const chords: LvTrace['chords'] = [];
  for (let b = 0; b < DISC_COUNT; b++) {
    discDiametersPx[b] = counts[b] / h;
    const t = (b + 0.5) * h;
    const cx = mid.x + ux * t;
    const cy = mid.y + uy * t;
    const a = counts[b] > 0 ? vmin[b] - 0.5 : 0;
    const c = counts[b] > 0 ? vmax[b] + 0.5 : 0;
    chords.push({ x1: cx - uy * a, y1: cy + ux * a, x2: cx - uy * c, y2: cy + ux * c });
  }
  return { annulusMid: mid, apex, lengthPx: length, areaPx: area, discDiametersPx, chords };
}

/** Single-plane area-length volume, millilitres. */
export function areaLengthVolumeMl(t: LvTrace, pixelSpacingMm: number): number {
  const a = t.areaPx * pixelSpacingMm ** 2;
  const l = t.lengthPx * pixelSpacingMm;
  return (8 * a * a) / (3 * Math.PI * l) / 1000;
}

/** Single-plane method of discs (circular discs), millilitres. */
export function discVolumeMl(t: LvTrace, pixelSpacingMm: number): number {
  const h = (t.lengthPx * pixelSpacingMm) / DISC_COUNT;
  let v = 0;
  for (const d of t.discDiametersPx) v += (Math.PI / 4) * (d * pixelSpacingMm) ** 2 * h;
  return v / 1000;
}

/** Biplane method of discs (elliptical discs from two orthogonal views; the longer axis sets the disc height). */
export function biplaneVolumeMl(a: LvTrace, spacingA: number, b: LvTrace, spacingB: number): number {
  const h = Math.max(a.lengthPx * spacingA, b.lengthPx * spacingB) / DISC_COUNT;
  let v = 0;
  for (let i = 0; i < DISC_COUNT; i++) v += (Math.PI / 4) * a.discDiametersPx[i] * spacingA * b.discDiametersPx[i] * spacingB * h;
  return v / 1000;
}

export function ejectionFractionPercent(edvMl: number, esvMl: number): number {
  return (100 * (edvMl - esvMl)) / edvMl;
}

export type SinglePlaneMethod = 'area-length' | 'discs';

/** EF from an ED and an ES label map of one view. */
export function measureEfSinglePlane(ed: Uint8Array, es: Uint8Array, width: number, height: number, method: SinglePlaneMethod = 'area-length'): number {
  const vol = method === 'area-length' ? areaLengthVolumeMl : discVolumeMl;
  return ejectionFractionPercent(vol(traceLv(ed, width, height), 1), vol(traceLv(es, width, height), 1));
}

export interface ViewPair {
  ed: Uint8Array;
  es: Uint8Array;
  width: number;
  height: number;
  pixelSpacingMm: number;
}

/** Biplane-discs EF from the 2CH and 4CH ED/ES maps of one heart. */
export function measureEfBiplane(a: ViewPair, b: ViewPair): number {
  const edv = biplaneVolumeMl(traceLv(a.ed, a.width, a.height), a.pixelSpacingMm, traceLv(b.ed, b.width, b.height), b.pixelSpacingMm);
  const esv = biplaneVolumeMl(traceLv(a.es, a.width, a.height), a.pixelSpacingMm, traceLv(b.es, b.width, b.height), b.pixelSpacingMm);
  return ejectionFractionPercent(edv, esv);
}
