/**
 * Reads the header markers of a JPEG codestream (up to the first scan) without decoding it: frame size, sample
 * precision and coding process; and rewrites a stream's colour markers so libjpeg leaves colour samples as coded.
 */
import { AppError } from '../../../../shared/errors.ts';

export interface JpegStreamInfo {
  width: number;
  height: number;
  precision: number;
  components: number;
  componentIds: number[];
  process: 'baseline' | 'extended' | 'progressive' | 'lossless' | 'other';
}

export function jpegStreamInfo(b: Uint8Array): JpegStreamInfo {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw new AppError('decode-failed', 'JPEG frame does not start with an SOI marker');
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) throw new AppError('decode-failed', `JPEG header: expected a marker at byte ${at}`);
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = (b[at + 2] << 8) | b[at + 3];
    const body = at + 4;
    if (length < 2 || at + 2 + length > b.length) throw new AppError('decode-failed', `JPEG header: marker FF${marker.toString(16).toUpperCase()} segment runs past the data`);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const precision = b[body];
      const height = (b[body + 1] << 8) | b[body + 2];
      const width = (b[body + 3] << 8) | b[body + 4];
      const components = b[body + 5];
      const componentIds: number[] = [];
      for (let c = 0; c < components; c++) componentIds.push(b[body + 6 + c * 3]);
      const process = marker === 0xc0 ? 'baseline' : marker === 0xc1 ? 'extended' : marker === 0xc2 ? 'progressive' : marker === 0xc3 ? 'lossless' : 'other';
      return { width, height, precision, components, componentIds, process };
    }
    at += 2 + length;
  }
  throw new AppError('decode-failed', 'JPEG frame has no SOF (start of frame) marker');
}

function isJfif(b: Uint8Array, body: number, length: number): boolean {
  return length >= 7 && b[body] === 0x4a && b[body + 1] === 0x46 && b[body + 2] === 0x49 && b[body + 3] === 0x46 && b[body + 4] === 0;
}

function isAdobe(b: Uint8Array, body: number, length: number): boolean {
  return length >= 14 && b[body] === 0x41 && b[body + 1] === 0x64 && b[body + 2] === 0x6f && b[body + 3] === 0x62 && b[body + 4] === 0x65;
}

/** APP14 "Adobe" segment with transform 0: libjpeg then takes 3 components as RGB and does no colour conversion. */
const ADOBE_NO_TRANSFORM = new Uint8Array([0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);

/**
 * DICOM, not the JPEG stream, says what the colour samples are: PhotometricInterpretation RGB means the JPEG
 * components are R, G, B, and YBR_FULL(_422) means they are Y, Cb, Cr, whatever JFIF/Adobe markers or component
 * ids suggest (GDCM and dcmtk work the same way). libjpeg instead guesses from those markers and converts YCbCr to
 * RGB on its own, so it would convert mislabelled streams, or leave YCbCr in streams it takes for RGB. We therefore
 * drop any JFIF/Adobe segment and put in an Adobe segment with transform 0, so libjpeg hands back the components
 * as coded (upsampled), and the caller converts YCbCr exactly once, by the DICOM rule.
 */
export function withoutColourTransform(b: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [b.subarray(0, 2), ADOBE_NO_TRANSFORM];
  let at = 2;
  let copiedFrom = 2;
  while (at + 4 <= b.length && b[at] === 0xff) {
    const marker = b[at + 1];
    if (marker === 0xda) break; // start of scan: the rest is copied unchanged
    const length = (b[at + 2] << 8) | b[at + 3];
    if (length < 2) break;
    const drop = (marker === 0xe0 && isJfif(b, at + 4, length)) || (marker === 0xee && isAdobe(b, at + 4, length));
    if (drop) {
      kept.push(b.subarray(copiedFrom, at));
      copiedFrom = at + 2 + length;
    }
    at += 2 + length;
  }
  kept.push(b.subarray(copiedFrom));
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let o = 0;
  for (const k of kept) {
    out.set(k, o);
    o += k.length;
  }
  return out;
}
