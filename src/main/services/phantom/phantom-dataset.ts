/**
 * Phantom studies as layout items: N seeded patients, each with the requested views, an EF drawn from a
 * range, a heart rate, an image quality per view and a split, rendered to B-mode with label maps for every
 * frame. The layout decides the cine: CAMUS keeps the ED -> ES half sequence (its `half_sequence`), so the
 * frame rate follows from the frame count and the patient's systole; EchoNet keeps whole beats at a frame rate
 * (50 Hz by default, as most of its videos).
 */
import { AppError } from '../../../shared/errors.ts';
import type { LayoutItem, LayoutSplit } from '../layouts/layout-item.ts';
import { createBmodeRenderer } from './bmode-renderer.ts';
import { framesPerBeat, systoleSeconds } from './cardiac-cycle.ts';
import type { ImageQuality } from './image-quality.ts';
import { IMAGE_QUALITIES } from './image-quality.ts';
import { areaLengthVolumeMl, traceLv } from './lv-measure.ts';
import type { PhantomView } from './palette.ts';
import { generatePhantom } from './phantom-sequence.ts';
import { createPrng, streamSeed } from './prng.ts';

export type PhantomLayout = 'camus' | 'echonet';

export interface PhantomDatasetOptions {
  layout: PhantomLayout;
  views: PhantomView[];
  patients: number;
  /** EF range, percent; each patient's EF is drawn uniformly from it. */
  efRange: [number, number];
  /** Frames per cine. CAMUS: the ED -> ES half sequence (default 16). EchoNet: default one beat. */
  frames?: number;
  /** Frame rate. CAMUS: derived from `frames` unless given (then `frames` is derived). EchoNet: default 50. */
  frameRateHz?: number;
  width: number;
  height: number;
  seed: string | number;
  /** Qualities to draw from (default all three, weighted as CAMUS: 35 % Good, 45 % Medium, 20 % Poor). */
  qualities?: ImageQuality[];
  /** Fractions of patients in train, val, test (default 0.8, 0.1, 0.1). */
  splitFractions?: [number, number, number];
  /** Text for `synthetic.source` of every item. */
  source?: string;
  /**
   * Number of the first patient's name (default 1: patient0001 / PHANTOM_0001). Catalog study ids come from
   * these names (camus:patient0001:4CH), so a dataset meant to sit beside real CAMUS data (the embedded demo)
   * is numbered past CAMUS's patient0500. Seeds follow the patient's index, not its name.
   */
  firstPatient?: number;
}

const QUALITY_WEIGHTS: Record<ImageQuality, number> = { Good: 0.35, Medium: 0.45, Poor: 0.2 };

/** One planned study: everything drawn from the seed before anything is rendered. */
export interface PhantomStudyPlan {
  index: number;
  patient: string;
  patientSeed: string;
  view: PhantomView;
  efPercent: number;
  heartRateBpm: number;
  quality: ImageQuality;
  split: LayoutSplit;
  frames: number;
  frameRateHz: number;
}

/** Splits by a seeded shuffle: exact proportions, and at least one val and one test patient from 3 patients. */
function assignSplits(n: number, seed: string | number, fractions: [number, number, number]): LayoutSplit[] {
  const total = fractions[0] + fractions[1] + fractions[2];
  let nVal = Math.round((n * fractions[1]) / total);
  let nTest = Math.round((n * fractions[2]) / total);
  if (n >= 3 && fractions[1] > 0) nVal = Math.max(1, nVal);
  if (n >= 3 && fractions[2] > 0) nTest = Math.max(1, nTest);
  const order = Array.from({ length: n }, (_, i) => i);
  const r = createPrng(streamSeed(seed, 'dataset-split'));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const out: LayoutSplit[] = new Array(n).fill('train');
  order.forEach((p, rank) => {
    if (rank < nTest) out[p] = 'test';
    else if (rank < nTest + nVal) out[p] = 'val';
  });
  return out;
}

export function patientName(layout: PhantomLayout, index: number, firstPatient = 1): string {
  const num = String(index + firstPatient).padStart(4, '0');
  return layout === 'camus' ? `patient${num}` : `PHANTOM_${num}`;
}

/** Draws every study of the dataset (cheap: no rendering), checking the options first. */
export function planPhantomDataset(o: PhantomDatasetOptions): PhantomStudyPlan[] {
  const bad = (why: string): never => {
    throw new AppError('invalid-argument', `phantom dataset: ${why}`);
  };
  if (!Number.isInteger(o.patients) || o.patients < 1 || o.patients > 9999) bad(`patient count ${o.patients} must be 1 to 9999`);
  const first = o.firstPatient ?? 1;
  if (!Number.isInteger(first) || first < 1 || first + o.patients - 1 > 9999) bad(`first patient ${first} with ${o.patients} patients must number them within 1 to 9999`);
  const [lo, hi] = o.efRange;
  if (!(lo >= 10 && hi <= 85 && lo <= hi)) bad(`EF range ${lo}:${hi} must lie within 10:85 with MIN <= MAX`);
  if (o.views.length === 0) bad('no view asked for');
  if (o.layout === 'echonet' && o.views.some((v) => v !== '4CH')) bad('EchoNet-Dynamic holds apical four-chamber videos only: use --view 4CH');
  if (o.layout === 'camus' && o.frames !== undefined && o.frameRateHz !== undefined) bad('in the CAMUS layout the cine runs from ED to ES: give --frames or --fps, not both');
  const qualities = o.qualities ?? IMAGE_QUALITIES;
  if (qualities.length === 0) bad('no image quality to draw from');
  const splits = assignSplits(o.patients, o.seed, o.splitFractions ?? [0.8, 0.1, 0.1]);
  const plans: PhantomStudyPlan[] = [];
  for (let p = 0; p < o.patients; p++) {
    const patientSeed = `${String(o.seed)}:${p + 1}`;
    const r = createPrng(streamSeed(patientSeed, 'dataset-study'));
    const efPercent = Math.round(10 * r.range(lo, hi + (hi > lo ? 0 : 1e-9))) / 10;
    const heartRateBpm = Math.round(r.range(55, 95));
    const qualityDraws = o.views.map(() => r.next());
    o.views.forEach((view, v) => {
      const weights = qualities.map((q) => QUALITY_WEIGHTS[q]);
      let u = qualityDraws[v] * weights.reduce((a, b) => a + b, 0);
      let quality = qualities[qualities.length - 1];
      for (let k = 0; k < qualities.length; k++) {
        if (u < weights[k]) {
          quality = qualities[k];
          break;
        }
        u -= weights[k];
      }
      const ts = systoleSeconds(heartRateBpm);
      let frames: number;
      let frameRateHz: number;
      if (o.layout === 'camus') {
        if (o.frameRateHz !== undefined) {
          frameRateHz = o.frameRateHz;
          frames = Math.max(2, Math.round(ts * frameRateHz) + 1);
        } else {
          frames = o.frames ?? 16;
          if (frames < 2) bad(`--frames ${frames}: a half sequence needs at least ED and ES`);
          frameRateHz = Math.round((100 * (frames - 1)) / ts) / 100;
        }
      } else {
        frameRateHz = o.frameRateHz ?? 50;
        frames = o.frames ?? framesPerBeat(frameRateHz, heartRateBpm);
      }
      plans.push({ index: p, patient: patientName(o.layout, p, first), patientSeed, view, efPercent, heartRateBpm, quality, split: splits[p], frames, frameRateHz });
    });
  }
  return plans;
}

/** Renders one planned study into a layout item. */
export function renderPhantomStudy(plan: PhantomStudyPlan, o: Pick<PhantomDatasetOptions, 'layout' | 'width' | 'height' | 'source'>): LayoutItem {
  const s = generatePhantom({
    seed: plan.patientSeed, view: plan.view, efPercent: plan.efPercent, heartRateBpm: plan.heartRateBpm,
    frameRateHz: plan.frameRateHz, frames: plan.frames, width: o.width, height: o.height,
  });
  // CAMUS: the half sequence ends at ES. Rounding the frame rate can leave ES one frame early; keep ED..ES.
  const keep = o.layout === 'camus' ? s.esFrame + 1 : s.labels.length;
  const renderer = createBmodeRenderer({ geometry: s.geometry, motion: s.motion }, { quality: plan.quality, seed: `${plan.patientSeed}:${plan.view}` });
  const frames: Uint8Array[] = [];
  const labels = new Map<number, Uint8Array>();
  for (let f = 0; f < keep; f++) {
    frames.push(renderer.render(f, s.labels[f]).image);
    labels.set(f, s.labels[f]);
  }
  const sp = s.geometry.pixelSpacingMm;
  const edv = areaLengthVolumeMl(traceLv(s.labels[s.edFrame], o.width, o.height), sp);
  const esv = areaLengthVolumeMl(traceLv(s.labels[s.esFrame], o.width, o.height), sp);
  return {
    patient: plan.patient,
    view: plan.view,
    width: o.width,
    height: o.height,
    frames,
    labels,
    pixelSpacingMm: sp,
    frameRateHz: plan.frameRateHz,
    edFrame: s.edFrame,
    esFrame: s.esFrame,
    ef: plan.efPercent,
    edvMl: edv,
    esvMl: esv,
    quality: plan.quality,
    sex: s.patient.sex,
    age: s.patient.ageYears,
    split: plan.split,
    synthetic: { source: o.source ?? `cardiosynth phantom, seed ${plan.patientSeed}` },
  };
}
