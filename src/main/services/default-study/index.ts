/**
 * The embedded default study: a synthetic apical four-chamber echo cine of one phantom heart (the issue-6
 * phantom: seeded parametric label cine with a set EF, rendered to B-mode by the same renderer as the phantom
 * datasets), written as a US Multi-frame DICOM file and committed under resources/default-study/ so the
 * workstation has a DICOM file of its own to open. `npm run make:default-study` regenerates it; a unit test
 * checks the committed file matches. The benchmarks make their larger cines the same way.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { createBmodeRenderer, generatePhantom, systoleSeconds, type ImageQuality, type PhantomView } from '../phantom/index.ts';
import { writeUsCine } from './us-cine-writer.ts';

export { writeUsCine, US_MULTIFRAME_SOP_CLASS, TS_RLE_LOSSLESS, TS_EXPLICIT_LE, SYNTHETIC_NOTE } from './us-cine-writer.ts';

/** Relative to the repository (or packaged app) root. */
export const DEFAULT_STUDY_DIR = 'resources/default-study';
export const DEFAULT_STUDY_FILE = 'phantom-a4c.dcm';

export interface SyntheticCineOptions {
  /** Draws the patient (size, shape, wall thickness, axis, depth, sector) and the speckle; drives every UID. */
  seed: string;
  rows: number;
  columns: number;
  frames: number;
  frameTimeMs: number;
  view?: PhantomView;
  /** Ejection fraction of the phantom heart, percent (default 60). */
  efPercent?: number;
  /** Default 60 bpm: at 40 Hz a 40-frame cine is one beat and loops seamlessly. */
  heartRateBpm?: number;
  quality?: ImageQuality;
  encoding?: 'rle' | 'native';
  seriesDescription?: string;
}

/** One beat at 40 Hz: 40 frames of 256x256, RLE, a phantom heart with an EF of 60 %. */
export const DEFAULT_STUDY_OPTIONS: SyntheticCineOptions = {
  seed: 'cardiosynth-default-study-v2',
  rows: 256,
  columns: 256,
  frames: 40,
  frameTimeMs: 25,
  view: '4CH',
  efPercent: 60,
  heartRateBpm: 60,
  quality: 'Good',
  encoding: 'rle',
  seriesDescription: 'Synthetic apical 4-chamber cine (phantom heart, EF 60 %)',
};

export interface PhantomCine {
  /** 8-bit grey frames, rows*columns bytes each. */
  frames: Uint8Array[];
  /** The label map of each frame (CAMUS palette plus RV 4 and RA 5 in 4CH). */
  labels: Uint8Array[];
  pixelSpacingMm: number;
  edFrame: number;
  esFrame: number;
}

/**
 * Renders a phantom heart's cine. The phantom needs at least the frames up to end-systole to set its EF, so a
 * shorter cine (the 2-frame benchmark image) takes the first frames of a longer sequence.
 */
export function renderPhantomCine(opts: SyntheticCineOptions): PhantomCine {
  const fps = 1000 / opts.frameTimeMs;
  const heartRateBpm = opts.heartRateBpm ?? 60;
  const frames = Math.max(opts.frames, Math.ceil(systoleSeconds(heartRateBpm) * fps) + 2);
  const s = generatePhantom({ seed: opts.seed, view: opts.view ?? '4CH', efPercent: opts.efPercent ?? 60, heartRateBpm, frameRateHz: fps, frames, width: opts.columns, height: opts.rows });
  const r = createBmodeRenderer({ geometry: s.geometry, motion: s.motion }, { quality: opts.quality ?? 'Good', seed: opts.seed });
  const labels = s.labels.slice(0, opts.frames);
  return {
    frames: labels.map((l, f) => r.render(f, l).image),
    labels,
    pixelSpacingMm: s.geometry.pixelSpacingMm,
    edFrame: s.edFrame,
    esFrame: s.esFrame,
  };
}

/** Renders and encodes a synthetic echo cine as DICOM Part 10 bytes. */
export function makeSyntheticCine(opts: SyntheticCineOptions): Uint8Array {
  const cine = renderPhantomCine(opts);
  return writeUsCine({
    seed: opts.seed,
    rows: opts.rows,
    columns: opts.columns,
    frames: cine.frames,
    frameTimeMs: opts.frameTimeMs,
    pixelSpacingMm: cine.pixelSpacingMm,
    encoding: opts.encoding ?? 'rle',
    seriesDescription: opts.seriesDescription,
  });
}

/** Writes the default study into `outDir` (created if needed; the file is replaced whole) and returns its path. */
export function writeDefaultStudy(outDir: string): string {
  const path = join(outDir, DEFAULT_STUDY_FILE);
  writeFileAtomic(path, makeSyntheticCine(DEFAULT_STUDY_OPTIONS));
  return path;
}
