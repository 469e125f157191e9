/**
 * The Image Pixel module attributes that decoding needs, read once from a dicom-parser DataSet, plus the transfer
 * syntax families the pixel decoder dispatches on.
 */
import type { DataSet } from 'dicom-parser';
import { AppError } from '../../../../shared/errors.ts';

export interface PixelModule {
  transferSyntaxUid: string;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  frames: number;
}

export const TS = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless57: '1.2.840.10008.1.2.4.57',
  jpegLosslessSV1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  j2kLossless: '1.2.840.10008.1.2.4.90',
  j2k: '1.2.840.10008.1.2.4.91',
  rle: '1.2.840.10008.1.2.5',
} as const;

/** Syntaxes whose Pixel Data is stored natively (not encapsulated). */
export const NATIVE_SYNTAXES: ReadonlySet<string> = new Set([TS.implicitLittle, TS.explicitLittle, TS.deflated, TS.explicitBig]);

/** Every syntax decodeFrame knows; anything else is reported as 'unsupported' with its UID. */
export const SUPPORTED_SYNTAXES: ReadonlySet<string> = new Set(Object.values(TS));

/** Pixel Data, Float Pixel Data, Double Float Pixel Data: the first present wins. */
export const PIXEL_DATA_TAGS = ['x7fe00010', 'x7fe00008', 'x7fe00009'] as const;

/**
 * The transfer syntax of a data set. Files without a File Meta header carry none, so we infer it from how
 * dicom-parser read the body: big-endian parser means explicit big endian; otherwise implicit little endian is the
 * only syntax a meta-less file may legally use (explicit little endian files without meta parse identically for
 * pixel purposes, because native little endian pixel bytes do not depend on VR explicitness).
 */
export function transferSyntaxOf(ds: DataSet, override?: string): string {
  if (override) return override.trim();
  const fromMeta = ds.string('x00020010');
  if (fromMeta) return fromMeta.replace(/\0/g, '').trim();
  const pixel = ds.elements.x7fe00010;
  if (pixel?.encapsulatedPixelData) {
    throw new AppError('unsupported', 'encapsulated Pixel Data but no Transfer Syntax UID (0002,0010) to say how it is compressed');
  }
  return isBigEndianDataSet(ds) ? TS.explicitBig : TS.implicitLittle;
}

/** True when dicom-parser read the body with its big-endian parser (it reads 0x0102 from the bytes [1, 2]). */
export function isBigEndianDataSet(ds: DataSet): boolean {
  return ds.byteArrayParser.readUint16(new Uint8Array([1, 2]), 0) === 0x0102;
}

function requiredUint16(ds: DataSet, tag: string, name: string): number {
  const v = ds.uint16(tag);
  if (v === undefined) throw new AppError('malformed', `${name} (${tag.slice(1, 5)},${tag.slice(5)}) is missing`);
  return v;
}

/** Reads the pixel description; throws 'no-pixel-data' when the object has no pixel data element. */
export function readPixelModule(ds: DataSet, transferSyntaxUid?: string): PixelModule {
  if (!PIXEL_DATA_TAGS.some((t) => ds.elements[t])) {
    throw new AppError('no-pixel-data', 'the data set has no Pixel Data (7FE0,0010)');
  }
  const rows = requiredUint16(ds, 'x00280010', 'Rows');
  const columns = requiredUint16(ds, 'x00280011', 'Columns');
  const isFloat = !ds.elements.x7fe00010 && !!(ds.elements.x7fe00008 || ds.elements.x7fe00009);
  const bitsAllocated = isFloat ? (ds.elements.x7fe00009 ? 64 : 32) : requiredUint16(ds, 'x00280100', 'BitsAllocated');
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const samplesPerPixel = ds.uint16('x00280002') ?? 1;
  const photometric = (ds.string('x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).trim().toUpperCase();
  const framesText = ds.string('x00280008');
  // NumberOfFrames is IS; some writers put junk in it (pydicom's badVR.dcm has "1A"). parseInt reads the leading
  // digits, which is what every tolerant reader does.
  const frames = framesText ? parseInt(framesText, 10) : 1;
  const module: PixelModule = {
    transferSyntaxUid: transferSyntaxOf(ds, transferSyntaxUid),
    rows,
    columns,
    samplesPerPixel,
    photometric,
    bitsAllocated,
    bitsStored,
    highBit: ds.uint16('x00280102') ?? bitsStored - 1,
    pixelRepresentation: ds.uint16('x00280103') ?? 0,
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    frames: Number.isFinite(frames) && frames > 0 ? frames : 1,
  };
  if (rows === 0 || columns === 0) throw new AppError('malformed', `image size is ${rows}x${columns}`);
  if (![1, 3, 4].includes(samplesPerPixel)) throw new AppError('unsupported', `SamplesPerPixel ${samplesPerPixel}`);
  if (samplesPerPixel === 4) throw new AppError('unsupported', `photometric interpretation ${photometric} with 4 samples per pixel (retired ARGB/CMYK)`);
  if (![1, 8, 16, 32, 64].includes(bitsAllocated)) throw new AppError('unsupported', `BitsAllocated ${bitsAllocated}`);
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw new AppError('malformed', `BitsStored ${bitsStored} with BitsAllocated ${bitsAllocated}`);
  return module;
}
