/**
 * Decodes one frame of a DICOM image to display-ready values: grey stored values (masked, sign-extended) or 8-bit
 * interleaved RGB (after palette lookup or YCbCr conversion). Pipeline, in order:
 *   1. readPixelModule             what the pixels are
 *   2. frameSamples                raw samples of the frame (native bytes, RLE, or a codec)
 *   3. toStoredValues / colour     display conversion
 */
import type { DataSet } from 'dicom-parser';
import { AppError } from '../../../../shared/errors.ts';
import { readPixelModule, isBigEndianDataSet, SUPPORTED_SYNTAXES, type PixelModule } from './pixel-module.ts';
import { frameSamples } from './frame-samples.ts';
import { toStoredValues, type GreyArray } from './stored-values.ts';
import { toRgb8, ybrFullToRgbInPlace } from './colour.ts';
import { readPaletteLut, applyPalette } from './palette.ts';
import { interleave } from './samples.ts';

export interface DecodedFrame {
  rows: number;
  columns: number;
  kind: 'grey' | 'rgb';
  /** grey: one stored value per pixel; rgb: Uint8Array of rows*columns*3, interleaved. Uint32Array only for
   * unsigned 32-bit stored values (e.g. RT dose), which no smaller signed type can hold. */
  pixels: GreyArray;
  minPixel: number;
  maxPixel: number;
}

export interface DecodeOptions {
  /** PALETTE COLOR: return the grey indexes instead of looking them up (for windowing or label maps). */
  paletteAsIndices?: boolean;
  /** Transfer syntax to use when the data set has no File Meta header (0002,0010). */
  transferSyntaxUid?: string;
}

const YBR_TO_CONVERT = new Set(['YBR_FULL', 'YBR_FULL_422']);
/** Colour spaces a codec has already turned into RGB (JPEG 2000 reverses RCT/ICT itself). */
const RGB_LIKE = new Set(['RGB', 'YBR_RCT', 'YBR_ICT']);

export async function decodeFrame(ds: DataSet, frameIndex: number, options: DecodeOptions = {}): Promise<DecodedFrame> {
  const pm = readPixelModule(ds, options.transferSyntaxUid);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= pm.frames) {
    throw new AppError('not-found', `frame ${frameIndex} does not exist; the image has ${pm.frames} frame(s) (0-based index)`);
  }
  if (!SUPPORTED_SYNTAXES.has(pm.transferSyntaxUid)) {
    throw new AppError('unsupported', `transfer syntax ${pm.transferSyntaxUid} is not supported for pixel decoding`);
  }
  const samples = await frameSamples(ds, pm, frameIndex);
  const { rows, columns } = pm;
  const pixels = rows * columns;

  if (pm.samplesPerPixel === 1) {
    const grey = toStoredValues(samples.data.length > pixels ? samples.data.subarray(0, pixels) : samples.data, pm);
    if (grey.pixels.length < pixels) throw new AppError('decode-failed', `frame decoded to ${grey.pixels.length} pixels, expected ${pixels}`);
    if (pm.photometric === 'PALETTE COLOR' && !options.paletteAsIndices) {
      const lut = readPaletteLut(ds, pm.pixelRepresentation, isBigEndianDataSet(ds));
      return { rows, columns, kind: 'rgb', pixels: applyPalette(grey.pixels, lut), minPixel: 0, maxPixel: 255 };
    }
    if (pm.photometric !== 'MONOCHROME1' && pm.photometric !== 'MONOCHROME2' && pm.photometric !== 'PALETTE COLOR') {
      throw new AppError('unsupported', `photometric interpretation ${pm.photometric} with 1 sample per pixel`);
    }
    return { rows, columns, kind: 'grey', ...grey };
  }

  const interleaved = samples.planar ? interleave(samples.data, pixels, 3) : samples.data;
  const rgb = toRgb8(interleaved, pixels, samples.data instanceof Uint8Array ? 8 : pm.bitsStored);
  if (YBR_TO_CONVERT.has(pm.photometric)) {
    // Codecs hand back colour samples as coded (see withoutColourTransform), so YCbCr is converted here, once.
    // Samples are always a fresh buffer owned by this call, so converting in place is safe.
    ybrFullToRgbInPlace(rgb);
  } else if (!RGB_LIKE.has(pm.photometric)) {
    throw new AppError('unsupported', `photometric interpretation ${pm.photometric} (only RGB, YBR_FULL, YBR_FULL_422, YBR_RCT, YBR_ICT colour)`);
  }
  return { rows, columns, kind: 'rgb', pixels: rgb, minPixel: 0, maxPixel: 255 };
}

export type { PixelModule };
