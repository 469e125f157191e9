/**
 * One phantom cine: the label maps of one view of one seeded patient over the requested frames, plus what the
 * B-mode renderer needs to move speckle with the tissue. The end-systolic contraction is solved so that the
 * area-length EF of the continuous heart equals the EF asked for, then refined on the output grid so the
 * label maps measure the same (disc and biplane EF are checked independently by the tests).
 */
import { AppError } from '../../../shared/errors.ts';
import { cyclePhases, framesPerBeat } from './cardiac-cycle.ts';
import type { HeartPolygons, Polygon } from './heart-geometry.ts';
import { HeartView, polygonArea } from './heart-geometry.ts';
import type { PhantomView } from './palette.ts';
import { PHANTOM_LABELS } from './palette.ts';
import type { PatientParams } from './patient.ts';
import { drawPatient } from './patient.ts';
import { fillPolygon } from './rasterize.ts';
import { measureEfSinglePlane } from './lv-measure.ts';
import type { ImageGeometry } from './sector.ts';
import { imageGeometry, sectorMask } from './sector.ts';

export interface PhantomOptions {
  seed: string | number;
  view: PhantomView;
  /** Ejection fraction to produce, percent (10-85). */
  efPercent: number;
  heartRateBpm?: number;
  frameRateHz?: number;
  /** Defaults to one beat, ED -> ES -> ED inclusive. */
  frames?: number;
  width?: number;
  height?: number;
}

/** Moves points from their end-diastolic (frame 0) position to frame `frame`; pixel coordinates, in place. */
export type MotionField = (frame: number, xs: Float32Array, ys: Float32Array, outXs: Float32Array, outYs: Float32Array) => void;

export interface PhantomSequence {
  patient: PatientParams;
  view: PhantomView;
  efPercent: number;
  heartRateBpm: number;
  frameRateHz: number;
  geometry: ImageGeometry;
  /** Row-major label maps, one per frame. */
  labels: Uint8Array[];
  /** Contraction per frame, 0 at ED, 1 at ES. */
  contraction: Float64Array;
  timesMs: Float64Array;
  edFrame: number;
  esFrame: number;
  /** Radial fractional shortening at end-systole that realises the EF. */
  esShortening: number;
  motion: MotionField;
}

function continuousAreaLengthVolume(p: HeartPolygons): number {
  const c: Polygon = p.cavity;
  let far = 0;
  for (let i = 0; i < c.length; i += 2) far = Math.max(far, Math.hypot(c[i] - p.annulusMid.x, c[i + 1] - p.annulusMid.y));
  const a = polygonArea(c);
  return (8 * a * a) / (3 * Math.PI * far);
}

/** The end-systolic shortening whose area-length EF equals `efPercent` (bisection; EF rises with shortening). */
export function solveShortening(heart: HeartView, efPercent: number): number {
  const edv = continuousAreaLengthVolume(heart.polygons(0));
  let lo = 0;
  let hi = 0.8;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    const ef = 100 * (1 - continuousAreaLengthVolume(heart.polygons(mid)) / edv);
    if (ef < efPercent) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Pixel quantisation moves the measured EF by up to ~2 points at 112 x 112; a few secant steps on the area-
 * length EF of the rasterised ED and ES maps take it out, so small outputs honour the request as well as
 * large ones. The disc and biplane methods are not used here and stay independent checks.
 */
function refineOnGrid(heart: HeartView, efPercent: number, q0: number, g: ImageGeometry, mask: Uint8Array): number {
  const ed = rasterizeHeart(heart, 0, g, mask);
  const err = (q: number): number => measureEfSinglePlane(ed, rasterizeHeart(heart, q, g, mask), g.width, g.height, 'area-length') - efPercent;
  let qa = q0;
  let ea = err(qa);
  let qb = q0 * (1 + (ea > 0 ? -0.02 : 0.02));
  let eb = err(qb);
  for (let i = 0; i < 4 && Math.abs(eb) > 0.25 && eb !== ea; i++) {
    const qn = Math.min(0.8, Math.max(0, qb - (eb * (qb - qa)) / (eb - ea)));
    qa = qb;
    ea = eb;
    qb = qn;
    eb = err(qb);
  }
  return Math.abs(eb) <= Math.abs(ea) ? qb : qa;
}

/** Whether the LV, its wall and the upper left atrium of a view lie inside the sector with `marginDeg` spare. */
function fitsSector(patient: PatientParams, view: PhantomView, marginDeg: number): boolean {
  const p = new HeartView(patient, view).polygons(0);
  const limit = ((patient.sectorDeg / 2 - marginDeg) * Math.PI) / 180;
  const inside = (poly: Polygon, maxDepth: number): boolean => {
    for (let i = 0; i < poly.length; i += 2) {
      if (poly[i + 1] <= maxDepth && Math.abs(Math.atan2(poly[i], poly[i + 1])) > limit) return false;
    }
    return true;
  };
  return inside(p.myocardiumOuter, Infinity) && inside(p.leftAtrium, p.annulusMid.y + 0.6 * patient.la.lengthMm);
}

/**
 * Keeps the left heart inside the sector, as a sonographer would by angling the probe: the view's tilt and
 * offset shrink until it fits (the right heart may still be cut by the sector edge, as it often is).
 */
export function fitPatientToSector(patient: PatientParams): PatientParams {
  const views = { ...patient.views };
  for (const view of ['2CH', '4CH'] as const) {
    let v = views[view];
    for (let k = 0; k < 30 && !fitsSector({ ...patient, views: { ...views, [view]: v } }, view, 2); k++) {
      v = { ...v, axisDeg: v.axisDeg * 0.85, apexOffsetMm: v.apexOffsetMm * 0.85 };
    }
    views[view] = v;
  }
  return { ...patient, views };
}

/** Depth that shows both views of this patient (so a patient keeps one depth across views). */
export function patientDepthMm(patient: PatientParams): number {
  return Math.max(new HeartView(patient, '2CH').requiredDepthMm(), new HeartView(patient, '4CH').requiredDepthMm());
}

/** Rasterises the heart at contraction q into a label map (labels outside the sector are 0). */
export function rasterizeHeart(heart: HeartView, q: number, g: ImageGeometry, mask: Uint8Array): Uint8Array {
  const p = heart.polygons(q);
  const toPx = (poly: Polygon): Float64Array => {
    const out = new Float64Array(poly.length);
    for (let i = 0; i < poly.length; i += 2) {
      out[i] = g.sector.apexX + poly[i] / g.pixelSpacingMm;
      out[i + 1] = g.sector.apexY + poly[i + 1] / g.pixelSpacingMm;
    }
    return out;
  };
  const { width, height } = g;
  const m = new Uint8Array(width * height);
  const L = PHANTOM_LABELS;
  // Painted back to front: later structures win, so every pixel holds exactly one label.
  if (p.rightAtrium && p.rightAtriumExclusion && p.rightVentricle) {
    fillPolygon(m, width, height, toPx(p.rightAtrium), L.rightAtrium);
    fillPolygon(m, width, height, toPx(p.rightAtriumExclusion), L.background, L.rightAtrium);
    fillPolygon(m, width, height, toPx(p.rightVentricle), L.rightVentricle);
  }
  fillPolygon(m, width, height, toPx(p.leftAtrium), L.leftAtrium);
  fillPolygon(m, width, height, toPx(p.myocardiumOuter), L.myocardium);
  fillPolygon(m, width, height, toPx(p.cavity), L.lvCavity);
  for (let k = 0; k < m.length; k++) if (mask[k] === 0) m[k] = 0;
  return m;
}

export function generatePhantom(options: PhantomOptions): PhantomSequence {
  const { seed, view, efPercent } = options;
  if (view !== '2CH' && view !== '4CH') throw new AppError('invalid-argument', `phantom/phantom-sequence.ts: view "${String(view)}" must be 2CH or 4CH`);
  if (!(efPercent >= 10 && efPercent <= 85)) throw new AppError('invalid-argument', `phantom/phantom-sequence.ts: EF ${efPercent}% is outside 10-85`);
  const heartRateBpm = options.heartRateBpm ?? 70;
  const frameRateHz = options.frameRateHz ?? 30;
  const frames = options.frames ?? framesPerBeat(frameRateHz, heartRateBpm);
  const phases = cyclePhases(frames, frameRateHz, heartRateBpm);
  const patient = fitPatientToSector(drawPatient(seed));
  const heart = new HeartView(patient, view);
  const g = imageGeometry(options.width ?? 256, options.height ?? 256, patientDepthMm(patient), patient.sectorDeg);
  const mask = sectorMask(g);
  const esShortening = refineOnGrid(heart, efPercent, solveShortening(heart, efPercent), g, mask);
  const labels = Array.from(phases.contraction, (c) => rasterizeHeart(heart, esShortening * c, g, mask));
  const tmp = new Float64Array(2);
  const s = g.pixelSpacingMm;
  const { apexX, apexY } = g.sector;
  const motion: MotionField = (frame, xs, ys, outXs, outYs) => {
    const deform = heart.deformer(esShortening * phases.contraction[frame]);
    for (let i = 0; i < xs.length; i++) {
      deform((xs[i] - apexX) * s, (ys[i] - apexY) * s, tmp);
      outXs[i] = apexX + tmp[0] / s;
      outYs[i] = apexY + tmp[1] / s;
    }
  };
  return {
    patient,
    view,
    efPercent,
    heartRateBpm,
    frameRateHz,
    geometry: g,
    labels,
    contraction: phases.contraction,
    timesMs: phases.timesMs,
    edFrame: phases.edFrame,
    esFrame: phases.esFrame,
    esShortening,
    motion,
  };
}
