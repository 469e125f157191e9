import { describe, expect, it } from 'vitest';
import { encodeRleFrame8 } from '../../../src/main/services/default-study/rle-encode.ts';
import { createPrng } from '../../../src/main/services/phantom/prng.ts';

/** PackBits decoder straight from PS3.5 G.3.2, independent of the encoder under test. */
function decodeFragment(frag: Uint8Array, expected: number): Uint8Array {
  const view = new DataView(frag.buffer, frag.byteOffset, frag.byteLength);
  expect(view.getUint32(0, true)).toBe(1);
  const start = view.getUint32(4, true);
  const out = new Uint8Array(expected);
  let o = 0;
  let i = start;
  while (o < expected && i < frag.length) {
    const n = frag[i] > 127 ? frag[i] - 256 : frag[i];
    i++;
    if (n >= 0) {
      out.set(frag.subarray(i, i + n + 1), o);
      o += n + 1;
      i += n + 1;
    } else if (n !== -128) {
      out.fill(frag[i], o, o + 1 - n);
      o += 1 - n;
      i++;
    }
  }
  expect(o).toBe(expected);
  return out;
}

describe('RLE Lossless encoder', () => {
  const cases: Record<string, (i: number) => number> = {
    'long replicate runs (over 128)': () => 7,
    'all literals (no two equal neighbours)': (i) => i % 251,
    'alternating pairs and singles': (i) => (i % 3 === 0 ? 1 : i % 7),
    'random bytes': (() => {
      const rng = createPrng(42);
      const data = Array.from({ length: 300 * 257 }, () => Math.floor(rng.next() * 4));
      return (i: number) => data[i];
    })(),
  };
  for (const [name, fill] of Object.entries(cases)) {
    it(`round-trips ${name}`, () => {
      const rows = 300;
      const columns = 257;
      const px = Uint8Array.from({ length: rows * columns }, (_, i) => fill(i));
      const frag = encodeRleFrame8(px, rows, columns);
      expect(frag.length % 2).toBe(0);
      expect(decodeFragment(frag, rows * columns)).toEqual(px);
    });
  }

  it('never lets a run cross a row boundary', () => {
    // Two rows of one value: a cross-row encoder would emit one run of 8; per-row gives two runs of 4.
    const frag = encodeRleFrame8(new Uint8Array(8).fill(9), 2, 4);
    expect(Array.from(frag.subarray(64, 68))).toEqual([253, 9, 253, 9]);
  });

  it('refuses a frame of the wrong size', () => {
    expect(() => encodeRleFrame8(new Uint8Array(10), 3, 3)).toThrow(/expected 3x3/);
  });
});
