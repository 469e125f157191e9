/**
 * Brush rasterisation against brute-force references: a pixel is painted exactly when its centre lies within
 * the tip swept along the stroke, however far apart the pointer samples are (no gaps on fast strokes).
 */
import { describe, expect, it } from 'vitest';
import { paintPolyline, paintSegment, snapToGrid, type Point } from '../../../src/shared/labels/brush.ts';
import { components8, draw, rng, session } from './helpers.ts';

function distToSegment(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / l2));
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

/** Chebyshev distance from a point to a segment: max(|dx|,|dy|) is convex in t, so a ternary search finds it. */
function chebToSegment(px: number, py: number, a: Point, b: Point): number {
  const f = (t: number) => Math.max(Math.abs(px - (a.x + t * (b.x - a.x))), Math.abs(py - (a.y + t * (b.y - a.y))));
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 100; k++) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (f(m1) <= f(m2)) hi = m2;
    else lo = m1;
  }
  return f((lo + hi) / 2);
}

function reference(w: number, h: number, pts: Point[], size: number, tip: 'round' | 'square'): Uint8Array {
  const out = new Uint8Array(w * h);
  const r = size / 2;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      let best = Infinity;
      for (let k = 0; k < Math.max(1, pts.length - 1); k++) {
        const a = pts[k];
        const b = pts[Math.min(k + 1, pts.length - 1)];
        best = Math.min(best, tip === 'round' ? distToSegment(cx, cy, a, b) : chebToSegment(cx, cy, a, b));
      }
      if (best <= r + 1e-9) out[y * w + x] = 1;
    }
  return out;
}

describe('brush', () => {
  it('is exactly `size` pixels across, centred on the pixel (odd) or the corner (even) under the pointer', () => {
    const counts: Record<string, number> = {};
    for (const tip of ['round', 'square'] as const)
      for (const size of [1, 2, 3, 4, 5, 8]) {
        const { s, data } = session(20, 20);
        const c = snapToGrid({ x: 10.3, y: 9.8 }, size);
        paintSegment(s, c, c, { size, tip }, 1);
        counts[`${tip}${size}`] = data.reduce((n, v) => n + v, 0);
        const rows = draw(data, 20).filter((r) => r.includes('1'));
        expect(rows.length).toBe(size);
        expect(Math.max(...rows.map((r) => r.split('').filter((ch) => ch === '1').length))).toBe(size);
      }
    expect(counts).toEqual({ round1: 1, round2: 4, round3: 9, round4: 12, round5: 21, round8: 52, square1: 1, square2: 4, square3: 9, square4: 16, square5: 25, square8: 64 });
    // A 3-pixel dab is centred on the pixel under the pointer.
    const { s, data } = session(7, 7);
    const c = snapToGrid({ x: 3.9, y: 3.1 }, 3);
    paintSegment(s, c, c, { size: 3, tip: 'round' }, 2);
    expect(draw(data, 7)).toEqual(['.......', '.......', '..222..', '..222..', '..222..', '.......', '.......']);
  });

  it('joins far-apart samples of a fast stroke with no gaps: every pixel within the swept tip, and no other', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 24; trial++) {
      const w = 64;
      const h = 48;
      const size = [1, 2, 3, 6, 11][trial % 5];
      const tip = trial % 2 ? 'square' : 'round';
      // Five samples scattered over the image: segments up to ~70 px long between pointer events.
      const pts = Array.from({ length: 5 }, () => snapToGrid({ x: rand() * w, y: rand() * h }, size));
      const { s, data } = session(w, h);
      paintPolyline(s, pts, { size, tip }, 1);
      expect(draw(data, w)).toEqual(draw(reference(w, h, pts, size, tip), w));
      expect(components8(data, w, 1)).toBe(1);
    }
  });

  it('a one-pixel stroke between two samples 40 px apart is one 8-connected line', () => {
    const { s, data } = session(50, 50);
    paintSegment(s, snapToGrid({ x: 2, y: 3 }, 1), snapToGrid({ x: 45, y: 30 }, 1), { size: 1, tip: 'round' }, 1);
    expect(components8(data, 50, 1)).toBe(1);
    // One pixel per column along its shallow run: no thick clumps either.
    for (let x = 2; x <= 45; x++) {
      const inColumn = Array.from({ length: 50 }, (_, y) => data[y * 50 + x]).filter(Boolean).length;
      expect(inColumn).toBeGreaterThanOrEqual(1);
      expect(inColumn).toBeLessThanOrEqual(2);
    }
  });

  it('never overwrites a locked label and clips at the image edge', () => {
    const locked = new Uint8Array(256);
    locked[2] = 1;
    const data = new Uint8Array(100);
    data.fill(2, 40, 60); // rows 4 and 5 hold label 2
    const { s } = session(10, 10, data, locked);
    paintSegment(s, { x: 0.5, y: 0.5 }, { x: 9.5, y: 9.5 }, { size: 5, tip: 'square' }, 1);
    expect(data.subarray(40, 60).every((v) => v === 2)).toBe(true);
    expect(data[0]).toBe(1);
    expect(data[99]).toBe(1);
  });
});
