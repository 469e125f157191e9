/**
 * Reads single-file NIfTI-1/NIfTI-2 images (.nii and gzip-compressed .nii.gz) into a Volume. The array keeps
 * NIfTI's order: axis i varies fastest, so `dims` equals nibabel's `shape` and voxel (i, j, k, t) sits at
 * i + j*dims[0] + k*dims[0]*dims[1] + ... in `data`.
 */
import { open, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { constants, gunzip, gunzipSync } from 'node:zlib';
import { AppError } from '../../../shared/errors.ts';
import { bestAffine, DATATYPES, parseNiftiHeader, spatialUnitMm, timeUnitS } from './nifti-header.ts';
import type { NiftiHeader } from './nifti-header.ts';
import { SAMPLE_BYTES, toVoxelArray, voxelCount } from './volume.ts';
import type { Volume } from './volume.ts';
import { fileError } from './file-errors.ts';

const gunzipAsync = promisify(gunzip);
/** Compressed bytes read for a header-only parse: a 540-byte header deflates to far less. */
const HEAD_READ_BYTES = 8192;

export function isNiftiPath(path: string): boolean {
  return /\.nii(\.gz)?$/i.test(path);
}

async function gunzipFile(path: string, bytes: Buffer): Promise<Buffer> {
  try {
    return await gunzipAsync(bytes);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const what = /unexpected end/i.test(msg) ? 'truncated gzip stream (unexpected end of file)' : `corrupt gzip stream (${msg})`;
    throw new AppError('malformed', `${path}: ${what}`);
  }
}

/** Reads and decompresses the whole file. */
async function niftiBytes(path: string): Promise<Buffer> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw fileError(path, err);
  }
  const gz = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  return gz ? gunzipFile(path, raw) : raw;
}

/** Reads only the header: for .nii.gz, inflates just the first few KiB of the stream. */
export async function readNiftiHeader(path: string): Promise<NiftiHeader> {
  let head: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(HEAD_READ_BYTES);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fileError(path, err);
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // Z_SYNC_FLUSH returns what the partial stream holds instead of failing at its (artificial) end.
      head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (err) {
      throw new AppError('malformed', `${path}: corrupt gzip stream (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return parseNiftiHeader(head, path);
}

export async function readNifti(path: string): Promise<Volume> {
  const bytes = await niftiBytes(path);
  const h = parseNiftiHeader(bytes, path);
  const t = DATATYPES[h.datatypeCode];
  const voxels = voxelCount(h.dims);
  const count = voxels * t.components;
  const start = h.voxOffset;
  const have = Math.max(0, bytes.length - start);
  const need = count * SAMPLE_BYTES[t.sample];
  if (have < need) {
    throw new AppError('malformed', `${path}: image data truncated: shape [${h.dims.join(', ')}] of ${t.name} needs ${need} bytes after vox_offset ${start}, file has ${have}`);
  }
  const data = toVoxelArray(bytes.subarray(start), t.sample, count, h.bigEndian, path);
  const slopeOk = Number.isFinite(h.sclSlope) && h.sclSlope !== 0;
  const tUnit = timeUnitS(h.xyztUnits);
  return {
    path,
    format: 'nifti',
    dims: h.dims,
    components: t.components,
    dataType: t.name,
    data,
    spacing: h.dims.map((_, k) => h.pixdim[k + 1]),
    spatialUnitMm: spatialUnitMm(h.xyztUnits),
    timeStepS: h.dims.length >= 4 && tUnit !== null && h.pixdim[4] > 0 ? h.pixdim[4] * tUnit : null,
    affine: bestAffine(h),
    // nibabel: a zero or non-finite slope means "no scaling".
    slope: slopeOk ? h.sclSlope : 1,
    intercept: slopeOk && Number.isFinite(h.sclInter) ? h.sclInter : 0,
    info: { niftiVersion: h.version, byteOrder: h.bigEndian ? 'big' : 'little', qformCode: h.qformCode, sformCode: h.sformCode, datatypeCode: h.datatypeCode },
  };
}
