/**
 * DICOM RLE Lossless encoder (PS3.5 Annex G). Each frame becomes one fragment: a 64-byte header holding the
 * segment count and offsets, then one PackBits segment per byte plane. Rows are encoded separately, as G.3.1
 * asks, so a run never crosses a row boundary.
 */
import { AppError } from '../../../shared/errors.ts';

/** PackBits one row into `out`; returns the new write position. */
function packRow(src: Uint8Array, start: number, end: number, out: Uint8Array, pos: number): number {
  let i = start;
  while (i < end) {
    // A replicate run of 2+ equal bytes (up to 128).
    let run = 1;
    while (i + run < end && run < 128 && src[i + run] === src[i]) run++;
    if (run >= 2) {
      out[pos++] = (257 - run) & 0xff; // -(run - 1) as a signed byte
      out[pos++] = src[i];
      i += run;
      continue;
    }
    // A literal run: stop before the next pair of equal bytes so it can be replicated instead.
    let lit = 1;
    while (i + lit < end && lit < 128 && !(i + lit + 1 < end && src[i + lit] === src[i + lit + 1])) lit++;
    out[pos++] = lit - 1;
    out.set(src.subarray(i, i + lit), pos);
    pos += lit;
    i += lit;
  }
  return pos;
}

/**
 * Encodes one 8-bit single-sample frame (rows*columns bytes) as an RLE fragment of even length.
 * Only the 8-bit grey case is needed by the generator; other layouts are refused rather than half-done.
 */
export function encodeRleFrame8(pixels: Uint8Array, rows: number, columns: number): Uint8Array {
  if (pixels.length !== rows * columns) {
    throw new AppError('invalid-argument', `RLE encoder: frame has ${pixels.length} bytes, expected ${rows}x${columns}`);
  }
  // Worst case: a single literal (2 bytes) then a pair (2 bytes) repeated is 4 bytes per 3 pixels; 2 per pixel bounds it.
  const worst = 64 + rows * columns * 2 + 2;
  const out = new Uint8Array(worst);
  const view = new DataView(out.buffer);
  view.setUint32(0, 1, true); // one segment: 8 bits, one sample
  view.setUint32(4, 64, true); // it starts right after the header
  let pos = 64;
  for (let r = 0; r < rows; r++) pos = packRow(pixels, r * columns, (r + 1) * columns, out, pos);
  if (pos % 2 === 1) out[pos++] = 0; // fragments are even-length; decoders stop at rows*columns bytes
  return out.slice(0, pos);
}
