/**
 * Raw samples of one frame, before display conversion: unsigned containers of BitsAllocated bits (or floats),
 * with colour samples either interleaved (R G B R G B ...) or planar (R... G... B...).
 */
import { AppError } from '../../../../shared/errors.ts';

export type SampleArray = Uint8Array | Uint16Array | Uint32Array | Int16Array | Int32Array | Float32Array;

export interface Samples {
  data: SampleArray;
  samplesPerPixel: number;
  planar: boolean;
}

/** Reads `count` little- or big-endian unsigned integers of `bytes` (1, 2 or 4) bytes each from `src` at `at`. */
export function readUnsigned(src: Uint8Array, at: number, count: number, bytes: 1 | 2 | 4, bigEndian: boolean): Uint8Array | Uint16Array | Uint32Array {
  if (at + count * bytes > src.length) {
    throw new AppError('malformed', `Pixel Data is too short: need ${count * bytes} bytes at offset ${at}, have ${Math.max(0, src.length - at)}`);
  }
  if (bytes === 1) return src.slice(at, at + count);
  if (bytes === 2) {
    const out = new Uint16Array(count);
    if (bigEndian) for (let i = 0, p = at; i < count; i++, p += 2) out[i] = (src[p] << 8) | src[p + 1];
    else for (let i = 0, p = at; i < count; i++, p += 2) out[i] = src[p] | (src[p + 1] << 8);
    return out;
  }
  const out = new Uint32Array(count);
  if (bigEndian) for (let i = 0, p = at; i < count; i++, p += 4) out[i] = ((src[p] << 24) | (src[p + 1] << 16) | (src[p + 2] << 8) | src[p + 3]) >>> 0;
  else for (let i = 0, p = at; i < count; i++, p += 4) out[i] = (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
  return out;
}

/**
 * Unpacks 1-bit samples: pixel k of the frame is bit (firstBit + k) counting from the least significant bit of
 * byte 0 (PS3.5 D.2). Frames of 1-bit data need not start on a byte boundary.
 */
export function unpackBits(src: Uint8Array, firstBit: number, count: number): Uint8Array {
  const lastByte = Math.ceil((firstBit + count) / 8);
  if (lastByte > src.length) throw new AppError('malformed', `Pixel Data is too short for ${count} 1-bit pixels at bit ${firstBit}: have ${src.length} bytes`);
  const out = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const bit = firstBit + k;
    out[k] = (src[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

/** Swaps each pair of bytes: 8-bit (or 1-bit) data held in an OW element of a big-endian data set is word-swapped. */
export function swapWords(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i + 1 < src.length; i += 2) {
    out[i] = src[i + 1];
    out[i + 1] = src[i];
  }
  if (src.length % 2) out[src.length - 1] = src[src.length - 1];
  return out;
}

/** Planar (R... G... B...) to interleaved (R G B ...), for any sample array type. */
export function interleave<T extends SampleArray>(planar: T, pixels: number, samplesPerPixel: number): T {
  const out = new (planar.constructor as new (n: number) => T)(pixels * samplesPerPixel);
  for (let s = 0; s < samplesPerPixel; s++) {
    const base = s * pixels;
    for (let i = 0; i < pixels; i++) out[i * samplesPerPixel + s] = planar[base + i];
  }
  return out;
}
