/**
 * DICOM RLE Lossless (PS3.5 Annex G) decoder. A frame is a 64-byte header (segment count, then 15 segment
 * offsets) followed by PackBits-compressed segments: one segment per byte plane of each sample, most significant
 * byte first. We re-assemble the planes into native little-endian, sample-interleaved bytes (the layout of
 * uncompressed Explicit VR Little Endian with PlanarConfiguration 0), so the native path can take it from there.
 */
import { AppError } from '../../../../shared/errors.ts';

export interface RleFrameLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
}

const HEADER_BYTES = 64;

function readUint32LE(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/**
 * Decodes one PackBits segment into `out`, writing byte i of the plane at out[start + i * stride]. Returns the
 * number of plane bytes produced. Stops at the end of the input or when the plane is full (a trailing pad byte or a
 * run that overshoots is ignored, as GDCM and pydicom do).
 */
function unpackSegment(src: Uint8Array, from: number, to: number, out: Uint8Array, start: number, stride: number, planeLength: number): number {
  let i = from;
  let n = 0;
  while (i < to && n < planeLength) {
    const header = src[i++];
    if (header < 128) {
      // Literal run of header+1 bytes.
      const count = Math.min(header + 1, to - i, planeLength - n);
      for (let k = 0; k < count; k++) out[start + (n + k) * stride] = src[i + k];
      i += header + 1;
      n += count;
    } else if (header > 128) {
      // Replicate run: the next byte repeated 257-header times.
      if (i >= to) break;
      const value = src[i++];
      const count = Math.min(257 - header, planeLength - n);
      for (let k = 0; k < count; k++) out[start + (n + k) * stride] = value;
      n += count;
    }
    // header === 128 is a no-op by definition.
  }
  return n;
}

/** Decodes one RLE frame to little-endian interleaved bytes (rows*columns*samples*bitsAllocated/8). */
export function decodeRleFrame(frame: Uint8Array, layout: RleFrameLayout): Uint8Array {
  const { rows, columns, samplesPerPixel, bitsAllocated } = layout;
  if (bitsAllocated % 8 !== 0) throw new AppError('unsupported', `RLE with BitsAllocated ${bitsAllocated}`);
  const bytesPerSample = bitsAllocated / 8;
  const expectedSegments = samplesPerPixel * bytesPerSample;
  if (frame.length < HEADER_BYTES) throw new AppError('decode-failed', `RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const segments = readUint32LE(frame, 0);
  if (segments !== expectedSegments) {
    throw new AppError('decode-failed', `RLE header lists ${segments} segments; ${samplesPerPixel} sample(s) of ${bitsAllocated} bits need ${expectedSegments}`);
  }
  const offsets: number[] = [];
  for (let s = 0; s < segments; s++) offsets.push(readUint32LE(frame, 4 + 4 * s));
  for (let s = 0; s < segments; s++) {
    const o = offsets[s];
    if (o < HEADER_BYTES || o >= frame.length || (s > 0 && o <= offsets[s - 1])) {
      throw new AppError('decode-failed', `RLE segment ${s + 1} offset ${o} is outside the ${frame.length}-byte frame or out of order`);
    }
  }
  const pixels = rows * columns;
  const bytesPerPixel = samplesPerPixel * bytesPerSample;
  const out = new Uint8Array(pixels * bytesPerPixel);
  for (let s = 0; s < segments; s++) {
    const sample = Math.floor(s / bytesPerSample);
    const msbIndex = s % bytesPerSample; // 0 = most significant byte
    const byteInSample = bytesPerSample - 1 - msbIndex; // little-endian position
    const start = sample * bytesPerSample + byteInSample;
    const end = s + 1 < segments ? offsets[s + 1] : frame.length;
    const produced = unpackSegment(frame, offsets[s], end, out, start, bytesPerPixel, pixels);
    if (produced < pixels) {
      throw new AppError('decode-failed', `RLE segment ${s + 1} of ${segments} decodes to ${produced} bytes, expected ${pixels} (truncated or corrupt)`);
    }
  }
  return out;
}
