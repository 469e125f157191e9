/**
 * One study as the dataset layout writers take it: an image sequence, optional label maps for some or all of
 * its frames, and the metadata the real layouts record. Generic on purpose: the phantom CLI writes phantom
 * studies through it, and export writes real and generated studies through the same writers.
 */
import { AppError } from '../../../shared/errors.ts';

export type LayoutView = '2CH' | '4CH';
export type LayoutSplit = 'train' | 'val' | 'test';
export type LayoutQuality = 'Good' | 'Medium' | 'Poor';

export interface LayoutItem {
  /** Patient identifier. CAMUS needs `patientNNNN`; EchoNet uses it as the video's FileName (no `.avi`). */
  patient: string;
  view: LayoutView;
  width: number;
  height: number;
  /** 8-bit grey frames, row-major (`width * height` each), in time order. */
  frames: Uint8Array[];
  /**
   * Label maps (CAMUS values: 0 background, 1 LV cavity, 2 myocardium, 3 left atrium; more may follow), keyed
   * by 0-based frame. A full cine's labels have every frame; CAMUS needs at least ED and ES.
   */
  labels: Map<number, Uint8Array>;
  /** Square pixels' size, mm (for NIfTI geometry); null when unknown (then 1 mm is written). */
  pixelSpacingMm: number | null;
  /** Pixel size between rows and between columns ([dy, dx], mm) when the pixels are not square; wins over
   * `pixelSpacingMm` in the NIfTI affine. */
  pixelSpacingRowColMm?: [number, number] | null;
  frameRateHz: number;
  /** 0-based frame indices of end-diastole and end-systole. */
  edFrame: number;
  esFrame: number;
  /** Ejection fraction (%), and volumes (mL) where known. */
  ef: number;
  edvMl: number | null;
  esvMl: number | null;
  quality: LayoutQuality | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  split: LayoutSplit;
  /** Set for anything not acquired from a patient: the layouts say so wherever they have room. */
  synthetic: { source: string } | null;
  /** True when `frames` are separate stills (frame edFrame the ED image, esFrame the ES one), not a cine. */
  stills?: boolean;
}

/** Checks an item's shape before any file is written, naming the item and the problem. */
export function checkLayoutItem(item: LayoutItem): void {
  const name = `${item.patient} ${item.view}`;
  const fail = (why: string): never => {
    throw new AppError('invalid-argument', `layout item ${name}: ${why}`);
  };
  if (!Number.isInteger(item.width) || !Number.isInteger(item.height) || item.width < 1 || item.height < 1) fail(`size ${item.width}x${item.height} is not whole pixels`);
  if (item.frames.length < 1) fail('has no frames');
  const plane = item.width * item.height;
  item.frames.forEach((f, i) => {
    if (f.length !== plane) fail(`frame ${i} has ${f.length} pixels, expected ${item.width}x${item.height}`);
  });
  for (const [i, l] of item.labels) {
    if (!Number.isInteger(i) || i < 0 || i >= item.frames.length) fail(`label map for frame ${i} is outside its ${item.frames.length} frames`);
    if (l.length !== plane) fail(`label map for frame ${i} has ${l.length} pixels, expected ${item.width}x${item.height}`);
  }
  for (const [k, v] of [['ED', item.edFrame], ['ES', item.esFrame]] as const) {
    if (!Number.isInteger(v) || v < 0 || v >= item.frames.length) fail(`${k} frame ${v} is outside its ${item.frames.length} frames`);
  }
  if (!(item.frameRateHz > 0)) fail(`frame rate ${item.frameRateHz} is not positive`);
  if (!Number.isFinite(item.ef)) fail(`EF ${item.ef} is not a number`);
}

/** A number as the datasets print them: at most `digits` decimals, no trailing zeros. */
export function formatNumber(v: number, digits = 2): string {
  return String(Number(v.toFixed(digits)));
}
