/** Reading and writing label files in any of the three formats, with the checks the editor and the CLI share. */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../shared/errors.ts';
import type { LabelFileFormat } from '../../../shared/contract/labels.ts';
import { labelValuesPresent } from '../../../shared/labels/label-map.ts';
import { readNiftiHeader } from '../datasets/index.ts';
import { fileError } from '../datasets/file-errors.ts';
import { decodeLabelPng } from './png-labels.ts';
import { readLabelNifti, type Expected } from './nifti-labels.ts';

export function formatOfPath(path: string): 'nifti' | 'png' | null {
  if (/\.nii(\.gz)?$/i.test(path)) return 'nifti';
  if (/\.png$/i.test(path)) return 'png';
  return null;
}

export interface ReadOptions {
  format: LabelFileFormat | 'auto';
  /** 1 at each allowed label value. */
  known: Uint8Array;
  /** For grey PNGs. */
  maxLabel: number;
  /** The image's grid; null to take the file's own (the CLI converting without an image). */
  expect: Expected | null;
}

export interface ReadResult {
  format: LabelFileFormat;
  width: number;
  height: number;
  frames: Uint8Array[];
  values: number[];
  /** mm between columns and rows, where the file says (NIfTI). */
  spacingMm: [number, number] | null;
}

export async function readLabelFile(path: string, opts: ReadOptions): Promise<ReadResult> {
  const kind = formatOfPath(path);
  const wanted = opts.format;
  if (kind === null) throw new AppError('unsupported', `${path}: not a label file this reads (.nii, .nii.gz or .png)`);
  if (wanted === 'nifti' && kind !== 'nifti') throw new AppError('invalid-argument', `${path}: a NIfTI file name ends in .nii or .nii.gz`);
  if ((wanted === 'png-index' || wanted === 'png-grey') && kind !== 'png') throw new AppError('invalid-argument', `${path}: a PNG file name ends in .png`);
  let result: ReadResult;
  if (kind === 'nifti') {
    const expect = opts.expect ?? (await niftiShape(path));
    const { frames, spacingMm } = await readLabelNifti(path, expect, opts.known);
    result = { format: 'nifti', width: expect.width, height: expect.height, frames, values: [], spacingMm };
  } else {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw fileError(path, err);
    }
    const png = decodeLabelPng(bytes, path, { format: wanted === 'png-index' || wanted === 'png-grey' ? wanted : 'auto', known: opts.known, maxLabel: opts.maxLabel });
    if (opts.expect && (png.width !== opts.expect.width || png.height !== opts.expect.height)) {
      throw new AppError('conflict', `${path}: the label map is ${png.width}x${png.height} (columns x rows) but the image is ${opts.expect.width}x${opts.expect.height}`);
    }
    result = { format: png.format, width: png.width, height: png.height, frames: [png.data], values: [], spacingMm: null };
  }
  const seen = new Set<number>();
  for (const f of result.frames) for (const v of labelValuesPresent(f)) seen.add(v);
  result.values = [...seen].sort((a, b) => a - b);
  return result;
}

/** The grid of a NIfTI file, for reading one without an image to match. */
async function niftiShape(path: string): Promise<Expected> {
  const h = await readNiftiHeader(path);
  const [width, height = 1] = h.dims;
  return { width, height, frameCount: h.dims.slice(2).reduce((a, b) => a * b, 1) };
}
