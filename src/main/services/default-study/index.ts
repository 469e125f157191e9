/**
 * The embedded default study: a synthetic apical four-chamber echo cine, generated deterministically and
 * committed under resources/default-study/ so the workstation has something real to open on first start.
 * `npm run make:default-study` regenerates it; a unit test checks the committed file matches.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEchoCine } from './echo-phantom.ts';
import { writeUsCine } from './us-cine-writer.ts';

export { renderEchoCine } from './echo-phantom.ts';
export { writeUsCine, US_MULTIFRAME_SOP_CLASS, TS_RLE_LOSSLESS, TS_EXPLICIT_LE, SYNTHETIC_NOTE } from './us-cine-writer.ts';

/** Relative to the repository (or packaged app) root. */
export const DEFAULT_STUDY_DIR = 'resources/default-study';
export const DEFAULT_STUDY_FILE = 'phantom-a4c.dcm';

export interface SyntheticCineOptions {
  seed: string;
  rows: number;
  columns: number;
  frames: number;
  frameTimeMs: number;
  /** Frames per cardiac cycle; defaults to one cycle of 1 s (60 bpm). */
  framesPerCycle?: number;
  encoding?: 'rle' | 'native';
  seriesDescription?: string;
}

/** One cycle at 40 Hz: 40 frames of 256x256, RLE. About 2 MB; small enough to commit. */
export const DEFAULT_STUDY_OPTIONS: SyntheticCineOptions = {
  seed: 'cardiosynth-default-study-v1',
  rows: 256,
  columns: 256,
  frames: 40,
  frameTimeMs: 25,
  encoding: 'rle',
};

/** Renders and encodes a synthetic echo cine as DICOM Part 10 bytes. */
export function makeSyntheticCine(opts: SyntheticCineOptions): Uint8Array {
  const framesPerCycle = opts.framesPerCycle ?? Math.max(1, Math.round(1000 / opts.frameTimeMs));
  const frames = renderEchoCine({ seed: opts.seed, rows: opts.rows, columns: opts.columns, frames: opts.frames, framesPerCycle });
  return writeUsCine({
    seed: opts.seed,
    rows: opts.rows,
    columns: opts.columns,
    frames,
    frameTimeMs: opts.frameTimeMs,
    encoding: opts.encoding ?? 'rle',
    seriesDescription: opts.seriesDescription,
  });
}

/** Writes the default study into `outDir` (created if needed) and returns the file's path. */
export function writeDefaultStudy(outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, DEFAULT_STUDY_FILE);
  writeFileSync(path, makeSyntheticCine(DEFAULT_STUDY_OPTIONS));
  return path;
}
