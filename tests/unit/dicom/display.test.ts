/** renderDisplay against hand-computed values of the PS3.3 C.11.2.1.2.1 linear VOI function. */
import { describe, expect, it } from 'vitest';
import type { FramePixels } from '../../../src/shared/dicom-types.ts';
import { linearVoi, renderDisplay, thumbnail } from '../../../src/main/services/dicom/display.ts';

function grey(pixels: FramePixels['pixels'], extra: Partial<FramePixels> = {}): FramePixels {
  let min = Infinity;
  let max = -Infinity;
  for (const v of pixels) { min = Math.min(min, v); max = Math.max(max, v); }
  return { instanceId: 't', frame: 0, rows: 1, columns: pixels.length, kind: 'grey', pixels, minPixel: min, maxPixel: max,
    rescaleSlope: 1, rescaleIntercept: 0, windowCenter: 128, windowWidth: 256, invert: false, ...extra };
}

describe('linear VOI (PS3.3 C.11.2.1.2.1)', () => {
  it('matches hand-computed values for c=40, w=400', () => {
    // lower edge c-0.5-(w-1)/2 = -160, upper edge c-0.5+(w-1)/2 = 239
    expect(linearVoi(-160, 40, 400)).toBe(0); // x <= lower -> 0
    expect(linearVoi(-159, 40, 400)).toBe(1); // ((-159-39.5)/399+0.5)*255 = 0.639 -> 1
    expect(linearVoi(39.5, 40, 400)).toBe(128); // (0+0.5)*255 = 127.5 -> 128 (halves up)
    expect(linearVoi(100, 40, 400)).toBe(166); // ((60.5)/399+0.5)*255 = 166.16 -> 166
    expect(linearVoi(239, 40, 400)).toBe(255); // (199.5/399+0.5)*255 = 255
    expect(linearVoi(240, 40, 400)).toBe(255);
  });

  it('is the identity for 8-bit data with c=128, w=256', () => {
    for (let x = 0; x < 256; x++) expect(linearVoi(x, 128, 256)).toBe(x);
  });

  it('thresholds at c-0.5 when w=1', () => {
    expect([linearVoi(99, 100, 1), linearVoi(99.5, 100, 1), linearVoi(100, 100, 1)]).toEqual([0, 0, 255]);
  });
});

describe('renderDisplay', () => {
  it('applies rescale before the window (modality values)', () => {
    // stored 0..4 with slope 2, intercept -1000 -> -1000,-998,-996,-994,-992; c=-996, w=5
    // edges: -996-0.5-2 = -998.5 and -996-0.5+2 = -994.5
    const f = grey(new Int16Array([0, 1, 2, 3, 4]), { rescaleSlope: 2, rescaleIntercept: -1000 });
    const out = renderDisplay(f, { center: -996, width: 5 });
    // -998: ((-998+996.5)/4+0.5)*255 = 31.875 -> 32; -996: (0.5/4+0.5)*255 = 159.375 -> 159
    expect([...out.data]).toEqual([0, 32, 159, 255, 255]);
    expect(out.channels).toBe(1);
  });

  it('inverts MONOCHROME1 and uses the frame default window', () => {
    const f = grey(new Uint8Array([0, 64, 255]), { invert: true });
    expect([...renderDisplay(f).data]).toEqual([255, 191, 0]);
  });

  it('gives the same values through its lookup table as the formula, for 16-bit data', () => {
    const px = new Uint16Array(5000).map((_, i) => (i * 13) % 4096);
    const f = grey(px, { windowCenter: 1000, windowWidth: 700 });
    const out = renderDisplay(f);
    for (let i = 0; i < px.length; i++) expect(out.data[i]).toBe(linearVoi(px[i], 1000, 700));
  });

  it('passes RGB through', () => {
    const rgb = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const out = renderDisplay({ ...grey(new Uint8Array(2)), kind: 'rgb', pixels: rgb, columns: 2 });
    expect([out.channels, ...out.data]).toEqual([3, 1, 2, 3, 4, 5, 6]);
  });
});

describe('thumbnail', () => {
  it('keeps the aspect ratio and area-averages', () => {
    // 4x2 image: left half 0, right half 200 -> 2x1 thumbnail [0, 200]; 3 wide -> middle pixel mixes halves.
    const px = new Uint8Array([0, 0, 200, 200, 0, 0, 200, 200]);
    const f = { ...grey(px), rows: 2, columns: 4 };
    const t = thumbnail(f, 2);
    expect([t.width, t.height]).toEqual([2, 1]);
    expect([...t.rgba]).toEqual([0, 0, 0, 255, 200, 200, 200, 255]);
    const t3 = thumbnail(f, 3);
    expect([t3.width, t3.height]).toEqual([3, 2]);
    expect(t3.rgba[4]).toBe(100); // middle output covers source [4/3, 8/3): 2/3 of a 0 pixel and 2/3 of a 200 pixel
  });
});
