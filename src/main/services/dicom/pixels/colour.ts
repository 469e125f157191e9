/**
 * Colour samples to display RGB (8 bits per channel, interleaved).
 *
 * - Samples wider than 8 bits (e.g. 16-bit RGB) are scaled for display by keeping their top 8 stored bits
 *   (value >> (BitsStored - 8)); the viewer shows 8-bit colour, so the low bits cannot be seen anyway.
 * - YBR_FULL / YBR_FULL_422 use the full-range JFIF equations of PS3.3 C.7.6.3.1.2, computed exactly as pydicom's
 *   convert_color_space does (float32 maths, round half up, clamp), so the reference check can be exact.
 */
import { AppError } from '../../../../shared/errors.ts';
import type { SampleArray } from './samples.ts';

/** Interleaved samples of any width to 8-bit interleaved RGB. */
export function toRgb8(data: SampleArray, pixels: number, bitsStored: number): Uint8Array {
  const n = pixels * 3;
  if (data.length < n) throw new AppError('decode-failed', `colour frame has ${data.length} samples, expected ${n}`);
  if (data instanceof Uint8Array) return data.length === n ? data : data.slice(0, n);
  const out = new Uint8Array(n);
  const shift = Math.max(0, bitsStored - 8);
  for (let i = 0; i < n; i++) out[i] = Math.min(255, Math.max(0, Number(data[i]) / 2 ** shift)) | 0;
  return out;
}

const f = Math.fround;
const CB_G = f((-0.114 * 1.772) / 0.587);
const CR_G = f((-0.299 * 1.402) / 0.587);
const CB_B = f(1.772);
const CR_R = f(1.402);

function clampRound(x: number): number {
  const r = Math.floor(f(x + 0.5));
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** YCbCr (full range) to RGB in place on an interleaved 8-bit buffer. */
export function ybrFullToRgbInPlace(buf: Uint8Array): Uint8Array {
  for (let i = 0; i + 2 < buf.length; i += 3) {
    const y = buf[i];
    const cb = buf[i + 1] - 128;
    const cr = buf[i + 2] - 128;
    // Same operation order as numpy's float32 matmul of [y, cb, cr] by the conversion matrix.
    const r = f(f(y) + f(cr * CR_R));
    const g = f(f(y + f(cb * CB_G)) + f(cr * CR_G));
    const b = f(f(y) + f(cb * CB_B));
    buf[i] = clampRound(r);
    buf[i + 1] = clampRound(g);
    buf[i + 2] = clampRound(b);
  }
  return buf;
}

/**
 * Uncompressed YBR_FULL_422 (PS3.3 C.7.6.3.1.2): each pair of horizontally adjacent pixels is stored as
 * Y1 Y2 Cb Cr, so a frame has 2 bytes per pixel. Expands to Y Cb Cr per pixel (chroma repeated), 8-bit only.
 */
export function expandYbr422(src: Uint8Array, rows: number, columns: number): Uint8Array {
  if (columns % 2) throw new AppError('malformed', `YBR_FULL_422 needs an even number of columns, got ${columns}`);
  const pixels = rows * columns;
  if (src.length < pixels * 2) throw new AppError('malformed', `YBR_FULL_422 frame has ${src.length} bytes, expected ${pixels * 2}`);
  const out = new Uint8Array(pixels * 3);
  for (let p = 0, s = 0; p < pixels; p += 2, s += 4) {
    const cb = src[s + 2];
    const cr = src[s + 3];
    const o = p * 3;
    out[o] = src[s];
    out[o + 1] = cb;
    out[o + 2] = cr;
    out[o + 3] = src[s + 1];
    out[o + 4] = cb;
    out[o + 5] = cr;
  }
  return out;
}
