/** Flood fill, lasso fill, fill holes, smoothing, clear and copy, on small pictures and brute-force references. */
import { describe, expect, it } from 'vitest';
import { paintPolyline, snapToGrid } from '../../../src/shared/labels/brush.ts';
import { floodFill } from '../../../src/shared/labels/flood-fill.ts';
import { clearLabel, copyMap } from '../../../src/shared/labels/frame-ops.ts';
import { fillPolygon } from '../../../src/shared/labels/lasso.ts';
import { fillHoles, smoothLabel } from '../../../src/shared/labels/morphology.ts';
import { draw, picture, rng, session } from './helpers.ts';

/** Even-odd point-in-polygon by ray casting (the classic W. R. Franklin test). */
function inside(px: number, py: number, poly: { x: number; y: number }[]): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const a = poly[i];
    const b = poly[j];
    if (a.y > py !== b.y > py && px < ((b.x - a.x) * (py - a.y)) / (b.y - a.y) + a.x) c = !c;
  }
  return c;
}

describe('flood fill', () => {
  it('fills the inside of a closed brush outline and nothing outside it', () => {
    const w = 40;
    const { s, data } = session(w, 40);
    const ring = Array.from({ length: 24 }, (_, k) => snapToGrid({ x: 20 + 12 * Math.cos((k / 24) * 2 * Math.PI), y: 20 + 9 * Math.sin((k / 24) * 2 * Math.PI) }, 1));
    paintPolyline(s, ring, { size: 1, tip: 'round' }, 1, true);
    s.commit();
    const outline = data.slice();
    const { s: s2 } = session(w, 40, data);
    const n = floodFill(s2, 20, 20, 1);
    expect(n).toBeGreaterThan(250);
    for (let y = 0; y < 40; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const wasOutline = outline[i] === 1;
        const inEllipse = ((x + 0.5 - 20.5) / 11) ** 2 + ((y + 0.5 - 20.5) / 8) ** 2 < 0.8;
        if (inEllipse) expect(data[i], `(${x},${y}) inside`).toBe(1);
        if (x < 6 || x > 34 || y < 9 || y > 31) expect(data[i], `(${x},${y}) outside`).toBe(0);
        if (!wasOutline && data[i] === 1) expect(inEllipse || Math.abs(((x + 0.5 - 20.5) / 12) ** 2 + ((y + 0.5 - 20.5) / 9) ** 2) < 1.05).toBe(true);
      }
    // The delta holds exactly the filled pixels.
    const d = s2.commit()!;
    expect(d.count).toBe(n);
  });

  it('does not leak through a diagonal (8-connected) line, and stops at locked labels', () => {
    const p = picture(['...1', '..1.', '.1..', '1...']);
    const { s, data } = session(p.width, p.height, p.data);
    floodFill(s, 0, 0, 2);
    expect(draw(data, 4)).toEqual(['2221', '221.', '21..', '1...']);
    const locked = new Uint8Array(256);
    locked[3] = 1;
    const q = picture(['3333', '3..3', '3333']);
    const { s: s2, data: d2 } = session(q.width, q.height, q.data, locked);
    expect(floodFill(s2, 0, 0, 1)).toBe(0); // seed on a locked label
    expect(floodFill(s2, 1, 1, 1)).toBe(2);
    expect(draw(d2, 4)).toEqual(['3333', '3113', '3333']);
  });

  it('fills a whole empty 1024 x 1024 map with one span per row', () => {
    const { s, data } = session(1024, 1024);
    expect(floodFill(s, 500, 500, 3)).toBe(1024 * 1024);
    expect(data.every((v) => v === 3)).toBe(true);
    const d = s.commit()!;
    expect(d.count).toBe(1024 * 1024);
    expect(d.spans.length).toBe(2); // one run of consecutive indices
  });
});

describe('lasso', () => {
  it('fills pixel centres inside a concave polygon (even-odd) plus the outline it passes through', () => {
    const rand = rng(3);
    for (let trial = 0; trial < 10; trial++) {
      const w = 50;
      const h = 40;
      const poly = Array.from({ length: 9 }, (_, k) => {
        const a = (k / 9) * 2 * Math.PI;
        const r = 6 + rand() * 14;
        return { x: 25 + r * Math.cos(a), y: 20 + r * Math.sin(a) * 0.9 };
      });
      const { s, data } = session(w, h);
      fillPolygon(s, poly, 1);
      const { s: so, data: outline } = session(w, h);
      paintPolyline(so, poly.map((p) => ({ x: Math.floor(p.x) + 0.5, y: Math.floor(p.y) + 0.5 })), { size: 1, tip: 'round' }, 1, true);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const expected = inside(x + 0.5, y + 0.5, poly) || outline[y * w + x] === 1 ? 1 : 0;
          expect(data[y * w + x], `trial ${trial} (${x},${y})`).toBe(expected);
        }
    }
  });
});

describe('fill holes and smoothing on the current label', () => {
  it('fills background holes enclosed by the label only', () => {
    const p = picture([
      '........',
      '.2222...',
      '.2..2.1.',
      '.2222...',
      '.111....',
      '.1.11...',
      '.1.21...',
      '.1111...',
    ]);
    const { s, data } = session(p.width, p.height, p.data);
    expect(fillHoles(s, 2)).toBe(2);
    expect(draw(data, 8)).toEqual([
      '........',
      '.2222...',
      '.2222.1.',
      '.2222...',
      '.111....',
      '.1.11...',
      '.1.21...',
      '.1111...',
    ]);
    const { s: s1, data: d1 } = session(p.width, p.height, data);
    expect(fillHoles(s1, 1)).toBe(0); // the hole in label 1 touches a 2: not a hole of 1 alone
    expect(d1[5 * 8 + 2]).toBe(0);
  });

  it('removes a one-pixel spur and fills a notch; a pixel leaving the LV joins the myocardium around it, not background', () => {
    const p = picture([
      '..........',
      '.1111111..',
      '.11111111.',
      '.111.111..',
      '.1111111..',
      '..........',
    ]);
    const { s, data } = session(p.width, p.height, p.data);
    smoothLabel(s, 1, 1);
    expect(data[3 * 10 + 4]).toBe(1); // notch filled
    expect(data[2 * 10 + 8]).toBe(0); // spur gone
    const q = picture([
      '22222',
      '22222',
      '22122',
      '22222',
      '22222',
    ]);
    const { s: s2, data: d2 } = session(5, 5, q.data);
    smoothLabel(s2, 1, 1);
    expect(d2[12]).toBe(2);
  });
});

describe('clear and copy', () => {
  it('clears one label, and copies a map keeping the pixels of locked labels', () => {
    const p = picture(['1122', '1133']);
    const { s, data } = session(4, 2, p.data);
    expect(clearLabel(s, 1)).toBe(4);
    expect(draw(data, 4)).toEqual(['..22', '..33']);
    const locked = new Uint8Array(256);
    locked[3] = 1;
    const target = picture(['3...', '....']);
    const { s: s2, data: d2 } = session(4, 2, target.data, locked);
    copyMap(s2, picture(['1111', '2233']).data);
    expect(draw(d2, 4)).toEqual(['3111', '2233']);
  });
});
