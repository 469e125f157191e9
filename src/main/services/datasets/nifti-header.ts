/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) header parsing, either byte order, and the voxel-to-world affine
 * chosen as nibabel does: the sform when sform_code > 0, else the qform when qform_code > 0. When both codes
 * are 0 we use NIfTI "method 1" (a diagonal of pixdim, no offset), as the standard says; nibabel instead
 * returns an Analyze-style centred, x-flipped affine there.
 */
import { AppError } from '../../../shared/errors.ts';

export interface NiftiHeader {
  version: 1 | 2;
  bigEndian: boolean;
  headerSize: number;
  /** dim[1..dim[0]]: the array shape, fastest axis first. */
  dims: number[];
  datatypeCode: number;
  /** Our name for the datatype (see DATATYPES). */
  dataType: string;
  bitpix: number;
  /** pixdim[0..7]; pixdim[0] is qfac. */
  pixdim: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  xyztUnits: number;
  qformCode: number;
  sformCode: number;
  quatern: [number, number, number];
  qoffset: [number, number, number];
  srow: [number[], number[], number[]];
  description: string;
}

/** NIfTI datatype codes we read, with the sample type and samples per voxel. */
export const DATATYPES: Record<number, { name: string; sample: string; components: number }> = {
  2: { name: 'uint8', sample: 'uint8', components: 1 },
  4: { name: 'int16', sample: 'int16', components: 1 },
  8: { name: 'int32', sample: 'int32', components: 1 },
  16: { name: 'float32', sample: 'float32', components: 1 },
  64: { name: 'float64', sample: 'float64', components: 1 },
  128: { name: 'rgb24', sample: 'uint8', components: 3 },
  256: { name: 'int8', sample: 'int8', components: 1 },
  512: { name: 'uint16', sample: 'uint16', components: 1 },
  768: { name: 'uint32', sample: 'uint32', components: 1 },
  1024: { name: 'int64', sample: 'int64', components: 1 },
  1280: { name: 'uint64', sample: 'uint64', components: 1 },
  2304: { name: 'rgba32', sample: 'uint8', components: 4 },
};
const UNSUPPORTED_TYPES: Record<number, string> = { 32: 'complex64', 1536: 'float128', 1792: 'complex128', 2048: 'complex256' };

/** Bytes needed to parse a header of either version. */
export const NIFTI_HEADER_BYTES = 540;

function cString(b: Uint8Array, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const end = s.indexOf(0);
  return Buffer.from(end >= 0 ? s.subarray(0, end) : s).toString('latin1');
}

/** Parses the header at the start of `buf` (a .nii file, decompressed). */
export function parseNiftiHeader(buf: Uint8Array, path: string): NiftiHeader {
  if (buf.length < 348) throw new AppError('malformed', `${path}: too short for a NIfTI header (${buf.length} bytes, need 348)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const leSize = dv.getInt32(0, true);
  const beSize = dv.getInt32(0, false);
  let version: 1 | 2;
  let le: boolean;
  if (leSize === 348 || beSize === 348) {
    version = 1;
    le = leSize === 348;
  } else if (leSize === 540 || beSize === 540) {
    version = 2;
    le = leSize === 540;
  } else {
    throw new AppError('malformed', `${path}: not a NIfTI file: sizeof_hdr is ${leSize}, expected 348 (NIfTI-1) or 540 (NIfTI-2)`);
  }
  if (version === 2 && buf.length < 540) throw new AppError('malformed', `${path}: NIfTI-2 header truncated (${buf.length} of 540 bytes)`);
  const i16 = (o: number): number => dv.getInt16(o, le);
  const i32 = (o: number): number => dv.getInt32(o, le);
  const i64 = (o: number): number => Number(dv.getBigInt64(o, le));
  const f32 = (o: number): number => dv.getFloat32(o, le);
  const f64 = (o: number): number => dv.getFloat64(o, le);
  const magic = version === 1 ? cString(buf, 344, 4) : cString(buf, 4, 8);
  if (magic === 'ni1' || magic === 'ni2') {
    throw new AppError('unsupported', `${path}: is a NIfTI header/image pair (.hdr/.img, magic '${magic}'); only single-file .nii/.nii.gz is read`);
  }
  if (magic !== (version === 1 ? 'n+1' : 'n+2')) throw new AppError('malformed', `${path}: bad NIfTI-${version} magic '${magic}'`);

  let h: NiftiHeader;
  if (version === 1) {
    const dim = Array.from({ length: 8 }, (_, k) => i16(40 + 2 * k));
    h = {
      version, bigEndian: !le, headerSize: 348,
      dims: dimsOf(dim, path),
      datatypeCode: i16(70), dataType: '', bitpix: i16(72),
      pixdim: Array.from({ length: 8 }, (_, k) => f32(76 + 4 * k)),
      voxOffset: f32(108), sclSlope: f32(112), sclInter: f32(116), xyztUnits: buf[123],
      qformCode: i16(252), sformCode: i16(254),
      quatern: [f32(256), f32(260), f32(264)], qoffset: [f32(268), f32(272), f32(276)],
      srow: [0, 1, 2].map((r) => Array.from({ length: 4 }, (_, c) => f32(280 + 16 * r + 4 * c))) as NiftiHeader['srow'],
      description: cString(buf, 148, 80),
    };
  } else {
    const dim = Array.from({ length: 8 }, (_, k) => i64(16 + 8 * k));
    h = {
      version, bigEndian: !le, headerSize: 540,
      dims: dimsOf(dim, path),
      datatypeCode: i16(12), dataType: '', bitpix: i16(14),
      pixdim: Array.from({ length: 8 }, (_, k) => f64(104 + 8 * k)),
      voxOffset: i64(168), sclSlope: f64(176), sclInter: f64(184), xyztUnits: i32(500),
      qformCode: i32(344), sformCode: i32(348),
      quatern: [f64(352), f64(360), f64(368)], qoffset: [f64(376), f64(384), f64(392)],
      srow: [0, 1, 2].map((r) => Array.from({ length: 4 }, (_, c) => f64(400 + 32 * r + 8 * c))) as NiftiHeader['srow'],
      description: cString(buf, 240, 80),
    };
  }
  const t = DATATYPES[h.datatypeCode];
  if (!t) {
    const known = UNSUPPORTED_TYPES[h.datatypeCode];
    throw new AppError('unsupported', `${path}: NIfTI datatype ${h.datatypeCode}${known ? ` (${known})` : ''} is not supported`);
  }
  h.dataType = t.name;
  if (h.voxOffset < h.headerSize) throw new AppError('malformed', `${path}: vox_offset ${h.voxOffset} lies inside the ${h.headerSize}-byte header`);
  return h;
}

function dimsOf(dim: number[], path: string): number[] {
  const n = dim[0];
  if (!(n >= 1 && n <= 7)) throw new AppError('malformed', `${path}: dim[0] is ${n}; a NIfTI image has 1 to 7 dimensions`);
  const dims = dim.slice(1, n + 1);
  if (dims.some((d) => !(d >= 1))) throw new AppError('malformed', `${path}: dimension sizes [${dims.join(', ')}] must all be >= 1`);
  return dims;
}

/** Spatial unit to mm, from xyzt_units bits 0-2 (0 unknown -> null, read as mm by callers that need one). */
export function spatialUnitMm(xyztUnits: number): number | null {
  switch (xyztUnits & 7) {
    case 1: return 1000; // metre
    case 2: return 1; // mm
    case 3: return 0.001; // micron
  }
  return null;
}

/** Time unit to seconds, from xyzt_units bits 3-5 (null when no time unit is set). */
export function timeUnitS(xyztUnits: number): number | null {
  switch (xyztUnits & 0x38) {
    case 8: return 1;
    case 16: return 1e-3;
    case 24: return 1e-6;
  }
  return null;
}

/** The qform affine (NIfTI method 2), computed in float64 from the stored values as nibabel does. */
export function qformAffine(h: NiftiHeader): number[][] {
  const [b, c, d] = h.quatern;
  const w2 = 1 - (b * b + c * c + d * d);
  const a = w2 > 0 ? Math.sqrt(w2) : 0;
  const R = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const qfac = h.pixdim[0] < 0 ? -1 : 1;
  const z = [h.pixdim[1] || 1, h.pixdim[2] || 1, (h.pixdim[3] || 1) * qfac];
  return [
    [R[0][0] * z[0], R[0][1] * z[1], R[0][2] * z[2], h.qoffset[0]],
    [R[1][0] * z[0], R[1][1] * z[1], R[1][2] * z[2], h.qoffset[1]],
    [R[2][0] * z[0], R[2][1] * z[1], R[2][2] * z[2], h.qoffset[2]],
    [0, 0, 0, 1],
  ];
}

export function bestAffine(h: NiftiHeader): number[][] {
  if (h.sformCode > 0) return [h.srow[0].slice(), h.srow[1].slice(), h.srow[2].slice(), [0, 0, 0, 1]];
  if (h.qformCode > 0) return qformAffine(h);
  const p = (k: number): number => (h.dims.length >= k ? h.pixdim[k] || 1 : 1);
  return [[p(1), 0, 0, 0], [0, p(2), 0, 0], [0, 0, p(3), 0], [0, 0, 0, 1]];
}
