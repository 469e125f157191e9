import { describe, expect, it } from 'vitest';
import { renderLabels } from './render-labels.ts';

const colours = [
  { value: 1, rgb: [200, 0, 0] as [number, number, number], visible: true },
  { value: 2, rgb: [0, 200, 0] as [number, number, number], visible: true },
];

describe('renderLabels', () => {
  // 5 x 4: a 3x3 block of 1 with a 2 at its right edge.
  const labels = Uint8Array.from([
    0, 0, 0, 0, 0,
    0, 1, 1, 1, 2,
    0, 1, 1, 1, 2,
    0, 1, 1, 1, 0,
  ]);
  const at = (px: Uint8ClampedArray, r: number, c: number) => Array.from(px.subarray((r * 5 + c) * 4, (r * 5 + c) * 4 + 4));

  it('fills each visible label in its colour at the opacity; background stays transparent', () => {
    const px = renderLabels(labels, 4, 5, colours, 0.5, 'filled');
    expect(at(px, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(at(px, 2, 2)).toEqual([200, 0, 0, 128]);
    expect(at(px, 1, 4)).toEqual([0, 200, 0, 128]);
  });

  it('draws outlines only: interior pixels of a label are left out', () => {
    const px = renderLabels(labels, 4, 5, colours, 0.5, 'outline');
    expect(at(px, 2, 2)[3]).toBe(0); // interior of label 1
    expect(at(px, 1, 1)).toEqual([200, 0, 0, 160]);
    expect(at(px, 3, 2)[3]).toBeGreaterThan(0); // image border counts as an edge
  });

  it('hides a hidden label', () => {
    const px = renderLabels(labels, 4, 5, [colours[0], { ...colours[1], visible: false }], 1, 'filled');
    expect(at(px, 1, 4)).toEqual([0, 0, 0, 0]);
    expect(at(px, 1, 1)).toEqual([200, 0, 0, 255]);
  });
});
