/**
 * Grey-scale stored values: each container is shifted down by HighBit+1-BitsStored (normally 0), masked to
 * BitsStored bits and sign-extended when PixelRepresentation is 1, in the smallest typed array that holds the
 * range. Bits above BitsStored may carry overlays or garbage (PS3.5 8.1.1), so masking is required, not cosmetic.
 */
import type { PixelModule } from './pixel-module.ts';
import type { SampleArray } from './samples.ts';

export type GreyArray = Uint8Array | Uint16Array | Uint32Array | Int16Array | Int32Array | Float32Array;

export interface GreyValues {
  pixels: GreyArray;
  minPixel: number;
  maxPixel: number;
}

function outputArray(bitsAllocated: number, bitsStored: number, signed: boolean, n: number): Uint8Array | Uint16Array | Uint32Array | Int16Array | Int32Array {
  if (!signed) {
    if (bitsStored <= 8) return new Uint8Array(n);
    if (bitsStored <= 16) return new Uint16Array(n);
    return new Uint32Array(n);
  }
  // Signed 8-bit has no slot in the display types; Int16 holds it exactly.
  if (bitsStored <= 16 && bitsAllocated <= 16) return new Int16Array(n);
  return new Int32Array(n);
}

export function toStoredValues(raw: SampleArray, pm: Pick<PixelModule, 'bitsAllocated' | 'bitsStored' | 'highBit' | 'pixelRepresentation'>): GreyValues {
  const n = raw.length;
  if (raw instanceof Float32Array) return { pixels: raw, ...minMax(raw) };
  const bitsStored = Math.min(pm.bitsStored, pm.bitsAllocated);
  const signed = pm.pixelRepresentation === 1;
  const out = outputArray(pm.bitsAllocated, bitsStored, signed, n);
  // Bit operations in JS are 32-bit signed; bitsStored 32 needs the unsigned/signed coercions below.
  const shift = Math.max(0, pm.highBit + 1 - bitsStored);
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  const range = 2 ** bitsStored;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    let v = ((raw[i] >>> shift) & mask) >>> 0;
    if (signed && v >= signBit) v -= range;
    out[i] = v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { pixels: out, minPixel: n ? lo : 0, maxPixel: n ? hi : 0 };
}

export function minMax(a: ArrayLike<number>): { minPixel: number; maxPixel: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return a.length ? { minPixel: lo, maxPixel: hi } : { minPixel: 0, maxPixel: 0 };
}
