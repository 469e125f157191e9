/**
 * Writes single-file NIfTI-1 images (.nii, or gzip-compressed .nii.gz by the name), little endian, with the
 * geometry set so that nibabel, ITK-SNAP and 3D Slicer agree: the affine goes into the sform (code 2,
 * aligned) and, as a rotation + scaling, into the qform (code 1, scanner), as nibabel's `Nifti1Image` does
 * for an affine it is given. The array order is NIfTI's: the first dimension varies fastest, so `dims` is
 * nibabel's `shape`. The file appears complete or not at all (atomic rename).
 */
import { gzipSync } from 'node:zlib';
import { AppError } from '../../../shared/errors.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { VoxelArray } from './volume.ts';

const TYPE_CODES: Record<string, { code: number; bitpix: number }> = {
  uint8: { code: 2, bitpix: 8 },
  int16: { code: 4, bitpix: 16 },
  int32: { code: 8, bitpix: 32 },
  float32: { code: 16, bitpix: 32 },
  float64: { code: 64, bitpix: 64 },
  int8: { code: 256, bitpix: 8 },
  uint16: { code: 512, bitpix: 16 },
  uint32: { code: 768, bitpix: 32 },
};

function typeName(data: VoxelArray): string {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

export interface NiftiImage {
  /** Shape, fastest axis first (1 to 7 dimensions). */
  dims: number[];
  /** The voxels in NIfTI order; the typed array's type is the stored type. */
  data: VoxelArray;
  /** Voxel (i, j, k) -> world mm, 4x4 row-major (rows 0-2 used). Default: diag(spacing). */
  affine?: number[][];
  /** Spacing per axis (pixdim[1..]); spatial axes default to the affine's column norms, others to 1. */
  spacing?: number[];
  /** Seconds per step along axis 4 when it is time (sets the time unit to seconds). */
  timeStepS?: number;
  /** descrip (80 bytes at most, ASCII). */
  description?: string;
  /** intent_name (16 bytes at most), e.g. 'labels'. */
  intentName?: string;
  /** Real value = stored * slope + intercept; the default leaves the values unscaled (slope 0 = none). */
  slope?: number;
  intercept?: number;
}

const norm3 = (a: number, b: number, c: number): number => Math.hypot(a, b, c);

/**
 * The qform parameters of an affine (NIfTI's mat44_to_quatern): the rotation after removing each column's
 * scale, a qfac of -1 for a left-handed frame, and the quaternion (b, c, d) with a >= 0.
 */
export function quaternOf(affine: number[][]): { quatern: [number, number, number]; qfac: 1 | -1; pixdim: [number, number, number] } {
  const col = (j: number) => [affine[0][j], affine[1][j], affine[2][j]];
  const sx = norm3(...(col(0) as [number, number, number])) || 1;
  const sy = norm3(...(col(1) as [number, number, number])) || 1;
  const sz = norm3(...(col(2) as [number, number, number])) || 1;
  const r = [col(0).map((v) => v / sx), col(1).map((v) => v / sy), col(2).map((v) => v / sz)]; // columns
  // R[i][j] = r[j][i]
  const R = [0, 1, 2].map((i) => [0, 1, 2].map((j) => r[j][i]));
  const det =
    R[0][0] * (R[1][1] * R[2][2] - R[1][2] * R[2][1]) -
    R[0][1] * (R[1][0] * R[2][2] - R[1][2] * R[2][0]) +
    R[0][2] * (R[1][0] * R[2][1] - R[1][1] * R[2][0]);
  let qfac: 1 | -1 = 1;
  if (det < 0) {
    qfac = -1;
    for (let i = 0; i < 3; i++) R[i][2] = -R[i][2];
  }
  let a = R[0][0] + R[1][1] + R[2][2] + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (R[2][1] - R[1][2])) / a;
    c = (0.25 * (R[0][2] - R[2][0])) / a;
    d = (0.25 * (R[1][0] - R[0][1])) / a;
  } else {
    const xd = 1 + R[0][0] - (R[1][1] + R[2][2]);
    const yd = 1 + R[1][1] - (R[0][0] + R[2][2]);
    const zd = 1 + R[2][2] - (R[0][0] + R[1][1]);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd); c = (0.25 * (R[0][1] + R[1][0])) / b; d = (0.25 * (R[0][2] + R[2][0])) / b; a = (0.25 * (R[2][1] - R[1][2])) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd); b = (0.25 * (R[0][1] + R[1][0])) / c; d = (0.25 * (R[1][2] + R[2][1])) / c; a = (0.25 * (R[0][2] - R[2][0])) / c;
    } else {
      d = 0.5 * Math.sqrt(zd); b = (0.25 * (R[0][2] + R[2][0])) / d; c = (0.25 * (R[1][2] + R[2][1])) / d; a = (0.25 * (R[1][0] - R[0][1])) / d;
    }
    if (a < 0) { b = -b; c = -c; d = -d; }
  }
  return { quatern: [b, c, d], qfac, pixdim: [sx, sy, sz] };
}

/** The bytes of a NIfTI-1 .nii file (uncompressed). */
export function encodeNifti(img: NiftiImage, path = 'image.nii'): Buffer {
  const { dims, data } = img;
  if (dims.length < 1 || dims.length > 7 || dims.some((d) => !Number.isInteger(d) || d < 1 || d > 32767)) {
    throw new AppError('invalid-argument', `${path}: NIfTI-1 dimensions must be 1 to 7 integers in 1..32767, got [${dims.join(', ')}]`);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new AppError('invalid-argument', `${path}: ${data.length} voxels given for shape [${dims.join(', ')}] (${count})`);
  const type = typeName(data);
  const t = TYPE_CODES[type];
  const spacing = img.spacing ?? [];
  const affine = img.affine ?? [
    [spacing[0] ?? 1, 0, 0, 0],
    [0, spacing[1] ?? 1, 0, 0],
    [0, 0, spacing[2] ?? 1, 0],
    [0, 0, 0, 1],
  ];
  const q = quaternOf(affine);

  const header = Buffer.alloc(352); // 348-byte header + 4-byte empty extension flag; vox_offset 352
  const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  dv.setInt32(0, 348, true);
  header[38] = 0x72; // regular = 'r', as nibabel writes
  dv.setInt16(40, dims.length, true);
  for (let k = 0; k < 7; k++) dv.setInt16(42 + 2 * k, dims[k] ?? 1, true);
  dv.setInt16(70, t.code, true);
  dv.setInt16(72, t.bitpix, true);
  const pix = [q.qfac, q.pixdim[0], q.pixdim[1], q.pixdim[2]];
  for (let k = 3; k < 7; k++) pix.push(spacing[k] ?? (k === 3 && img.timeStepS !== undefined ? img.timeStepS : 1));
  for (let k = 0; k < 8; k++) dv.setFloat32(76 + 4 * k, pix[k], true);
  dv.setFloat32(108, 352, true); // vox_offset
  dv.setFloat32(112, img.slope ?? 0, true);
  dv.setFloat32(116, img.intercept ?? 0, true);
  header[123] = 2 | (img.timeStepS !== undefined ? 8 : 0); // mm, and seconds when there is a time step
  header.write((img.description ?? '').slice(0, 79), 148, 'latin1');
  dv.setInt16(252, 1, true); // qform_code: scanner
  dv.setInt16(254, 2, true); // sform_code: aligned
  dv.setFloat32(256, q.quatern[0], true);
  dv.setFloat32(260, q.quatern[1], true);
  dv.setFloat32(264, q.quatern[2], true);
  dv.setFloat32(268, affine[0][3], true);
  dv.setFloat32(272, affine[1][3], true);
  dv.setFloat32(276, affine[2][3], true);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) dv.setFloat32(280 + 16 * r + 4 * c, affine[r][c], true);
  header.write((img.intentName ?? '').slice(0, 15), 328, 'latin1');
  header.write('n+1\0', 344, 'latin1');
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([header, body]);
}

/** Writes `img` to `path` (.nii, or .nii.gz compressed), atomically. */
export function writeNifti(path: string, img: NiftiImage): void {
  if (!/\.nii(\.gz)?$/i.test(path)) throw new AppError('invalid-argument', `${path}: a NIfTI file name ends in .nii or .nii.gz`);
  const bytes = encodeNifti(img, path);
  writeFileAtomic(path, /\.gz$/i.test(path) ? gzipSync(bytes, { level: 6 }) : bytes);
}
