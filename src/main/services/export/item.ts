/**
 * The export item: one study, real or synthetic, as every layout takes it. Frames are 8-bit as a person sees
 * them (grey, or RGB for colour sources), label maps are optional and keyed by frame, and the metadata is
 * already pseudonymous: sources build items from a whitelist of fields, so nothing identifying can reach a
 * layout by accident.
 */
import { AppError } from '../../../shared/errors.ts';
import type { ExportSplit } from '../../../shared/export-types.ts';

/** How a synthetic item was made: enough to make it again, and to say what it is. */
export interface GenerationProvenance {
  /**
   * `phantom` (parametric phantom + B-mode physics), `diffusion` (a model pack through the engine), or
   * `dataset`: a study its own dataset declares synthetic (manifest.json, cardiosynth-dataset.json), made
   * elsewhere; its fields then say what that dataset records, and unknown ones are empty.
   */
  generator: 'phantom' | 'diffusion' | 'dataset';
  /** Model pack `id@version` and its SHA-256 (docs/model-pack.md); for the phantom, the generator's own id. */
  packId: string;
  packSha256: string | null;
  prompt: string;
  negativePrompt: string;
  /** Null only for a `dataset` study whose dataset names no seed. */
  seed: number | null;
  scheduler: string | null;
  steps: number | null;
  guidance: number | null;
  controlScale: number | null;
  /** The label map that conditioned the generation, as a pseudonymous reference. */
  labelMap: string | null;
}

/** The label values of an item's maps, with names; `maxLabel` fixes the grey encoding across a dataset. */
export interface LabelSet {
  names: Record<number, string>;
  maxLabel: number;
}

export interface ExportItem {
  /** Unique in the export, already a safe file name stem ([A-Za-z0-9_-]). */
  id: string;
  kind: 'real' | 'synthetic';
  /** Keyed pseudonyms (pseudonym.ts): never a source path, UID, name or patient id. */
  sourceId: string;
  patientId: string;
  view: string | null;
  width: number;
  height: number;
  channels: 1 | 3;
  /** 8-bit samples, row-major, `width * height * channels` each, in time order. */
  frames: Uint8Array[];
  /** Label maps keyed by 0-based frame, `width * height` each. */
  labels: Map<number, Uint8Array>;
  labelSet: LabelSet | null;
  /** Where the labels came from (a pseudonymous description), for the manifest of real items. */
  labelSource: string | null;
  /** Real items: what the source says of text burned into the pixels (null: it says nothing); synthetic: NO. */
  burnedInAnnotation: 'YES' | 'NO' | null;
  /** The pixels went through lossy compression at some point (DICOM LossyImageCompression 01). */
  lossyHistory: boolean;
  /** Square pixel size in mm, when known. */
  pixelSpacingMm: number | null;
  /** Pixel size in mm between rows and between columns ([dy, dx]), square or not, when known (CAMUS's
   * NIfTI pixels are not square: its affine keeps both). */
  pixelSpacingRowColMm: [number, number] | null;
  fps: number;
  edFrame: number | null;
  esFrame: number | null;
  efRequested: number | null;
  efMeasured: number | null;
  /** LV end-diastolic and end-systolic volumes (mL) where the source states them or they were measured from
   * the item's own LV label maps (EchoNet-Dynamic's FileList needs them); null when unknown. */
  edvMl: number | null;
  esvMl: number | null;
  /**
   * `cine`: the frames are a sequence in time at `fps`. `stills`: separate images (one phase each, e.g. the ED
   * and ES stills a still-image model pack makes); layouts must not present them as a cine.
   */
  sequence: 'cine' | 'stills';
  quality: string | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  split: ExportSplit;
  generation: GenerationProvenance | null;
}

export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Checks an item before anything of it is written; the message names the item and the problem. */
export function checkItem(item: ExportItem): void {
  const fail = (why: string): never => {
    throw new AppError('invalid-argument', `export item ${item.id}: ${why}`);
  };
  if (!SAFE_ID.test(item.id)) fail('id is not a safe file name');
  if (!Number.isInteger(item.width) || !Number.isInteger(item.height) || item.width < 1 || item.height < 1 || item.width > 0xffff || item.height > 0xffff) {
    fail(`size ${item.width}x${item.height} is not whole pixels in 1..65535`);
  }
  if (item.frames.length < 1) fail('has no frames');
  const plane = item.width * item.height;
  item.frames.forEach((f, i) => {
    if (f.length !== plane * item.channels) fail(`frame ${i} has ${f.length} samples, expected ${item.width}x${item.height}x${item.channels}`);
  });
  for (const [i, l] of item.labels) {
    if (!Number.isInteger(i) || i < 0 || i >= item.frames.length) fail(`label map for frame ${i} is outside its ${item.frames.length} frames`);
    if (l.length !== plane) fail(`label map for frame ${i} has ${l.length} pixels, expected ${item.width}x${item.height}`);
  }
  for (const [k, v] of [['ED', item.edFrame], ['ES', item.esFrame]] as const) {
    if (v !== null && (!Number.isInteger(v) || v < 0 || v >= item.frames.length)) fail(`${k} frame ${v} is outside its ${item.frames.length} frames`);
  }
  if (!(item.fps > 0)) fail(`frame rate ${item.fps} is not positive`);
  if (item.kind === 'synthetic' && !item.generation) fail('is synthetic but says nothing of how it was made');
  if (item.kind === 'real' && item.generation) fail('is real but carries generation provenance');
}

/** Ages above 89 are written as 90 (HIPAA Safe Harbor aggregates them); null stays null. */
export function reportableAge(age: number | null): number | null {
  if (age === null || !Number.isFinite(age)) return null;
  return Math.min(90, Math.max(0, Math.round(age)));
}
