/** The run-length + base64 map encoding that label maps travel and rest in, and the grey-level encoding. */
import { describe, expect, it } from 'vitest';
import { greyDecodeTable, greyTable } from '../../../src/shared/labels/grey-encoding.ts';
import { decodeMapText, decodeRuns, encodeMapText, encodeRuns, fromBase64, toBase64 } from '../../../src/shared/labels/map-codec.ts';
import { rng } from './helpers.ts';

describe('map codec', () => {
  it('round-trips random noise, long runs and empty maps bit-exactly, and base64 matches Node', () => {
    const rand = rng(5);
    const cases = [
      new Uint8Array(0),
      new Uint8Array(1024 * 1024),
      Uint8Array.from({ length: 10007 }, () => Math.floor(rand() * 256)),
      Uint8Array.from({ length: 300_000 }, (_, i) => Math.floor(i / 40_000) % 4),
    ];
    for (const data of cases) {
      const text = encodeMapText(data);
      expect(text).toBe(Buffer.from(encodeRuns(data)).toString('base64'));
      expect(decodeMapText(text, data.length)).toEqual(data);
    }
    expect(encodeRuns(new Uint8Array(1024 * 1024)).length).toBe(4); // value + a 3-byte varint
    for (let n = 0; n < 7; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => i * 37);
      expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    }
  });

  it('refuses encodings that do not describe exactly the expected pixels', () => {
    const runs = encodeRuns(new Uint8Array(100).fill(2));
    expect(() => decodeRuns(runs, 99)).toThrow(/more than 99 pixels/);
    expect(() => decodeRuns(runs, 101)).toThrow(/describes 100 pixels, expected 101/);
    expect(() => decodeRuns(runs.subarray(0, 1), 100)).toThrow(/truncated/);
    expect(() => fromBase64('abc')).toThrow(/multiple of 4/);
    expect(() => fromBase64('ab!=')).toThrow(/invalid base64/);
  });
});

describe('grey encoding', () => {
  it('is round(255 * label / max_label): CAMUS 0..3 -> 0, 85, 170, 255, and decodes only those levels', () => {
    expect([...greyTable(3)]).toEqual([0, 85, 170, 255]);
    expect([...greyTable(5)]).toEqual([0, 51, 102, 153, 204, 255]);
    const dec = greyDecodeTable(3);
    expect([dec[0], dec[85], dec[170], dec[255], dec[84], dec[1]]).toEqual([0, 1, 2, 3, -1, -1]);
    expect(() => greyTable(0)).toThrow();
  });
});
