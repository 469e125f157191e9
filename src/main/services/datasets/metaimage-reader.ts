/**
 * Reads MetaImage files: .mhd headers with an external data file, and .mha with the data inline
 * (ElementDataFile = LOCAL) or external. Supports MET_UCHAR/CHAR/USHORT/SHORT/UINT/INT/FLOAT/DOUBLE (and the
 * 64-bit integer types), BinaryDataByteOrderMSB / ElementByteOrderMSB, CompressedData (zlib) and
 * ElementNumberOfChannels. The array keeps DimSize order: the first axis varies fastest, like NIfTI.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { unzip } from 'node:zlib';
import { AppError } from '../../../shared/errors.ts';
import { fileError } from './file-errors.ts';
import { SAMPLE_BYTES, toVoxelArray, voxelCount } from './volume.ts';
import type { Volume } from './volume.ts';

const unzipAsync = promisify(unzip);

const ELEMENT_TYPES: Record<string, string> = {
  MET_UCHAR: 'uint8', MET_CHAR: 'int8', MET_USHORT: 'uint16', MET_SHORT: 'int16', MET_UINT: 'uint32', MET_INT: 'int32',
  MET_ULONG_LONG: 'uint64', MET_LONG_LONG: 'int64', MET_FLOAT: 'float32', MET_DOUBLE: 'float64',
};

export function isMetaImagePath(path: string): boolean {
  return /\.(mhd|mha)$/i.test(path);
}

export interface MetaImageHeader {
  fields: Map<string, string>;
  dims: number[];
  elementType: string;
  sampleType: string;
  components: number;
  bigEndian: boolean;
  compressed: boolean;
  compressedSize: number | null;
  spacing: number[];
  offset: number[];
  /** TransformMatrix as written: NDims rows, row i = direction of array axis i (ITK's convention). */
  transform: number[][];
  dataFile: string;
  headerSize: number;
  /** Byte offset of inline data (LOCAL) in the header file. */
  localDataOffset: number;
}

/** The byte size of a header: MetaImage headers are short text; anything longer than this has no end line. */
const MAX_HEADER_BYTES = 64 * 1024;

function numbers(path: string, key: string, value: string | undefined, n: number, fallback: number): number[] {
  if (value === undefined) return Array.from({ length: n }, () => fallback);
  const v = value.trim().split(/\s+/).map(Number);
  if (v.length < n || v.some((x) => !Number.isFinite(x))) throw new AppError('malformed', `${path}: ${key} = ${value} is not ${n} numbers`);
  return v.slice(0, n);
}

const isTrue = (v: string | undefined): boolean => /^(true|1)$/i.test((v ?? '').trim());

export function parseMetaImageHeader(bytes: Uint8Array, path: string): MetaImageHeader {
  const fields = new Map<string, string>();
  let pos = 0;
  let localDataOffset = -1;
  const limit = Math.min(bytes.length, MAX_HEADER_BYTES);
  while (pos < limit) {
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0 || end > limit) end = limit;
    const line = Buffer.from(bytes.subarray(pos, end)).toString('latin1').replace(/\r$/, '');
    pos = end + 1;
    const eq = line.indexOf('=');
    if (eq < 0) {
      if (line.trim() === '') continue;
      throw new AppError('malformed', `${path}: header line "${line.slice(0, 60)}" is not "Key = Value"`);
    }
    const key = line.slice(0, eq).trim();
    fields.set(key, line.slice(eq + 1).trim());
    // ElementDataFile is always the last header field; inline data starts right after its line.
    if (key === 'ElementDataFile') {
      localDataOffset = pos;
      break;
    }
  }
  if (localDataOffset < 0) throw new AppError('malformed', `${path}: MetaImage header has no ElementDataFile line`);
  const nd = Number(fields.get('NDims'));
  if (!Number.isInteger(nd) || nd < 1 || nd > 8) throw new AppError('malformed', `${path}: NDims = ${fields.get('NDims') ?? '(missing)'} is not an integer from 1 to 8`);
  const dimSize = fields.get('DimSize');
  if (dimSize === undefined) throw new AppError('malformed', `${path}: MetaImage header has no DimSize`);
  const dims = numbers(path, 'DimSize', dimSize, nd, 0);
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new AppError('malformed', `${path}: DimSize = ${dimSize} must be positive integers`);
  const elementType = fields.get('ElementType') ?? '';
  const sampleType = ELEMENT_TYPES[elementType];
  if (!sampleType) {
    throw new AppError('unsupported', `${path}: ElementType ${elementType || '(missing)'} is not supported (supported: ${Object.keys(ELEMENT_TYPES).join(', ')})`);
  }
  const components = Number(fields.get('ElementNumberOfChannels') ?? '1');
  if (!Number.isInteger(components) || components < 1) throw new AppError('malformed', `${path}: ElementNumberOfChannels = ${fields.get('ElementNumberOfChannels')} is not a positive integer`);
  const msb = fields.get('BinaryDataByteOrderMSB') ?? fields.get('ElementByteOrderMSB');
  const tm = numbers(path, 'TransformMatrix', fields.get('TransformMatrix'), nd * nd, NaN);
  const transform = Array.from({ length: nd }, (_, i) => Array.from({ length: nd }, (_, j) => (Number.isNaN(tm[i * nd + j]) ? (i === j ? 1 : 0) : tm[i * nd + j])));
  const compressedSize = fields.has('CompressedDataSize') ? Number(fields.get('CompressedDataSize')) : null;
  return {
    fields,
    dims,
    elementType,
    sampleType,
    components,
    bigEndian: isTrue(msb),
    compressed: isTrue(fields.get('CompressedData')),
    compressedSize: compressedSize !== null && Number.isFinite(compressedSize) ? compressedSize : null,
    spacing: numbers(path, 'ElementSpacing', fields.get('ElementSpacing') ?? fields.get('ElementSize'), nd, 1),
    offset: numbers(path, 'Offset', fields.get('Offset') ?? fields.get('Position') ?? fields.get('Origin'), nd, 0),
    transform,
    dataFile: fields.get('ElementDataFile') ?? '',
    headerSize: Number(fields.get('HeaderSize') ?? '0'),
    localDataOffset,
  };
}

async function readOrFail(path: string, what: string, headerPath: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const e = fileError(path, err);
    throw new AppError(e.kind, e.kind === 'not-found' ? `${headerPath}: ${what} ${path} is missing` : e.message);
  }
}

export async function readMetaImage(path: string): Promise<Volume> {
  const headerBytes = await readOrFail(path, 'header', path);
  const h = parseMetaImageHeader(headerBytes, path);
  let data: Uint8Array;
  let dataPath = path;
  if (h.dataFile === 'LOCAL') {
    data = headerBytes.subarray(h.localDataOffset);
  } else if (h.dataFile === 'LIST' || /%/.test(h.dataFile)) {
    throw new AppError('unsupported', `${path}: ElementDataFile = ${h.dataFile} (one file per slice) is not supported`);
  } else {
    dataPath = isAbsolute(h.dataFile) ? h.dataFile : join(dirname(path), h.dataFile);
    data = await readOrFail(dataPath, 'data file', path);
  }
  const count = voxelCount(h.dims) * h.components;
  const need = count * SAMPLE_BYTES[h.sampleType];
  if (h.compressed) {
    const size = h.compressedSize ?? data.length;
    try {
      data = await unzipAsync(data.subarray(0, size));
    } catch (err) {
      throw new AppError('malformed', `${dataPath}: CompressedData = True but the zlib stream is corrupt or truncated (${err instanceof Error ? err.message : String(err)})`);
    }
  } else if (h.headerSize === -1) {
    // HeaderSize = -1: the image is the last `need` bytes of the data file.
    data = data.subarray(Math.max(0, data.length - need));
  } else if (h.headerSize > 0) {
    data = data.subarray(h.headerSize);
  }
  if (data.length !== need) {
    const dimText = `DimSize = ${h.dims.join(' ')}`;
    const chan = h.components > 1 ? ` x ${h.components} channels` : '';
    const relation = data.length < need ? 'too little data' : 'more data than the header describes';
    throw new AppError('malformed', `${path}: ${dimText}${chan} of ${h.elementType} needs ${need} bytes but ${dataPath === path ? 'the inline data has' : `${dataPath} has`} ${data.length}: ${relation} (wrong DimSize or ElementType?)`);
  }
  const nd = h.dims.length;
  // Affine: column i = direction of axis i (TransformMatrix row i) scaled by its spacing; translation = Offset.
  const affine: number[][] = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => (r === c ? 1 : 0)));
  for (let i = 0; i < Math.min(nd, 3); i++) {
    for (let r = 0; r < Math.min(nd, 3); r++) affine[r][i] = h.transform[i][r] * h.spacing[i];
    affine[i][3] = h.offset[i];
  }
  return {
    path,
    format: 'metaimage',
    dims: h.dims,
    components: h.components,
    dataType: h.components === 3 && h.sampleType === 'uint8' ? 'rgb24' : h.sampleType,
    data: toVoxelArray(data, h.sampleType, count, h.bigEndian, dataPath),
    spacing: h.spacing,
    spatialUnitMm: 1,
    timeStepS: null,
    affine,
    slope: 1,
    intercept: 0,
    info: { elementType: h.elementType, byteOrder: h.bigEndian ? 'big' : 'little', compressed: h.compressed ? 'zlib' : 'none', dataFile: h.dataFile },
  };
}
