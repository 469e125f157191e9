/**
 * The in-memory form of a NIfTI or MetaImage file: the voxel array exactly as stored (after byte swapping and
 * decompression, before scaling), its shape with the fastest axis first, and its geometry.
 */
import { AppError } from '../../../shared/errors.ts';

export type VoxelArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface Volume {
  path: string;
  format: 'nifti' | 'metaimage';
  /** Array shape, fastest-varying axis first: nibabel's `shape` for NIfTI, DimSize for MetaImage. */
  dims: number[];
  /** Samples per voxel: 1, or 3 for RGB24 / MetaImage ElementNumberOfChannels 3 (interleaved per voxel). */
  components: number;
  /** Stored type: uint8, int8, uint16, int16, uint32, int32, int64, uint64, float32, float64, rgb24, rgba32. */
  dataType: string;
  /** Stored values; 64-bit integers are widened to Float64Array (exact up to 2^53). */
  data: VoxelArray;
  /** Spacing per axis in the file's units (NIfTI pixdim[1..], MetaImage ElementSpacing). */
  spacing: number[];
  /** Spatial unit factor to mm (NIfTI xyzt_units; MetaImage is mm by convention). null: unknown unit. */
  spatialUnitMm: number | null;
  /** Seconds between samples along axis 4 (NIfTI pixdim[4] with a time unit), else null. */
  timeStepS: number | null;
  /** Voxel (i, j, k) -> world mm, row-major 4x4. */
  affine: number[][];
  /** Real value = stored * slope + intercept. */
  slope: number;
  intercept: number;
  /** Format-specific facts worth showing (NIfTI version, qform/sform codes, byte order...). */
  info: Record<string, string | number>;
}

/** Byte size of one sample for each stored type name. */
export const SAMPLE_BYTES: Record<string, number> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, int64: 8, uint64: 8, float32: 4, float64: 8,
};

/**
 * Copies `bytes` into a fresh aligned typed array of `type`, swapping bytes when the file is big endian
 * (this host is little endian, as every platform Electron ships on).
 */
export function toVoxelArray(bytes: Uint8Array, type: string, count: number, bigEndian: boolean, path: string): VoxelArray {
  const size = SAMPLE_BYTES[type];
  if (!size) throw new AppError('unsupported', `${path}: data type ${type} is not supported`);
  const need = size * count;
  if (bytes.length < need) {
    throw new AppError('malformed', `${path}: pixel data holds ${bytes.length} bytes but the header describes ${count} samples of ${type} (${need} bytes)`);
  }
  const buf = new Uint8Array(need);
  buf.set(bytes.subarray(0, need));
  if (bigEndian && size > 1) {
    for (let o = 0; o < need; o += size) buf.subarray(o, o + size).reverse();
  }
  const ab = buf.buffer;
  switch (type) {
    case 'uint8': return buf;
    case 'int8': return new Int8Array(ab);
    case 'uint16': return new Uint16Array(ab);
    case 'int16': return new Int16Array(ab);
    case 'uint32': return new Uint32Array(ab);
    case 'int32': return new Int32Array(ab);
    case 'float32': return new Float32Array(ab);
    case 'float64': return new Float64Array(ab);
    case 'int64': return Float64Array.from(new BigInt64Array(ab), (v) => Number(v));
    case 'uint64': return Float64Array.from(new BigUint64Array(ab), (v) => Number(v));
  }
  throw new AppError('unsupported', `${path}: data type ${type} is not supported`);
}

export function voxelCount(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Smallest and largest value; NaN in float data is skipped (comparisons with NaN are false). */
export function valueRange(data: VoxelArray, start = 0, end = data.length): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = start; i < end; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Number.POSITIVE_INFINITY) return { min: 0, max: 0 };
  return { min, max };
}

/** Sorted distinct values of an integer label array (bounded: label maps hold a few values). */
export function distinctValues(data: VoxelArray, limit = 256): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i++) {
    seen.add(data[i]);
    if (seen.size > limit) break;
  }
  return [...seen].sort((a, b) => a - b);
}
