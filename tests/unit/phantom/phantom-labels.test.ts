import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/errors.ts';
import {
  PHANTOM_LABELS,
  cyclePhases,
  generatePhantom,
  insideSector,
  labelsOfView,
  measureEfBiplane,
  measureEfSinglePlane,
  traceLv,
} from '../../../src/main/services/phantom/index.ts';
import type { PhantomView } from '../../../src/main/services/phantom/index.ts';

const VIEWS: PhantomView[] = ['2CH', '4CH'];
const L = PHANTOM_LABELS;

/** 4-connected components of the pixels where `pred` holds. */
function components(m: Uint8Array, w: number, h: number, pred: (l: number) => boolean): number {
  const seen = new Uint8Array(m.length);
  let n = 0;
  const stack: number[] = [];
  for (let k0 = 0; k0 < m.length; k0++) {
    if (seen[k0] || !pred(m[k0])) continue;
    n++;
    seen[k0] = 1;
    stack.push(k0);
    while (stack.length) {
      const k = stack.pop()!;
      const i = k % w;
      const nb = [i > 0 ? k - 1 : -1, i < w - 1 ? k + 1 : -1, k >= w ? k - w : -1, k + w < m.length ? k + w : -1];
      for (const q of nb) {
        if (q >= 0 && !seen[q] && pred(m[q])) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
  }
  return n;
}

describe('phantom label maps', () => {
  const size = 112;
  for (const view of VIEWS) {
    for (const seed of [1, 2, 3, 4]) {
      it(`${view} seed ${seed}: palette only, one cavity without holes, myocardium enclosing it except at the mitral plane`, () => {
        const s = generatePhantom({ seed, view, efPercent: 55, width: size, height: size, frames: 12 });
        const allowed = new Set<number>(labelsOfView(view));
        for (const f of [s.edFrame, s.esFrame, 11]) {
          const m = s.labels[f];
          expect(m.length).toBe(size * size);
          const present = new Set(m);
          for (const v of present) expect(allowed.has(v)).toBe(true);
          for (const v of labelsOfView(view)) expect(present.has(v)).toBe(true);
          expect(components(m, size, size, (l) => l === L.lvCavity)).toBe(1);
          // No holes: everything that is not cavity connects to everything else that is not cavity.
          expect(components(m, size, size, (l) => l !== L.lvCavity)).toBe(1);
          expect(components(m, size, size, (l) => l === L.myocardium)).toBe(1);
          expect(components(m, size, size, (l) => l === L.leftAtrium)).toBe(1);
          let boundary = 0;
          let toAtrium = 0;
          for (let k = 0; k < m.length; k++) {
            if (m[k] !== L.lvCavity) continue;
            const i = k % size;
            const nb = [m[k - 1], m[k + 1], m[k - size], m[k + size]];
            expect(i > 0 && i < size - 1 && k >= size && k + size < m.length).toBe(true);
            // The cavity touches only myocardium, except the left atrium across the mitral plane.
            for (const l of nb) expect([L.lvCavity, L.myocardium, L.leftAtrium]).toContain(l);
            if (nb.some((l) => l !== L.lvCavity)) boundary++;
            if (nb.includes(L.leftAtrium)) toAtrium++;
          }
          expect(toAtrium).toBeGreaterThan(3);
          expect(toAtrium / boundary).toBeLessThan(0.3);
          // The mitral plane is a short straight segment: its cavity pixels span little along the long axis.
          const t = traceLv(m, size, size);
          const ux = (t.apex.x - t.annulusMid.x) / t.lengthPx;
          const uy = (t.apex.y - t.annulusMid.y) / t.lengthPx;
          for (let k = 0; k < m.length; k++) {
            if (m[k] !== L.lvCavity) continue;
            const nb = [m[k - 1], m[k + 1], m[k - size], m[k + size]];
            if (!nb.includes(L.leftAtrium)) continue;
            const along = ((k % size) + 0.5 - t.annulusMid.x) * ux + (Math.floor(k / size) + 0.5 - t.annulusMid.y) * uy;
            expect(Math.abs(along)).toBeLessThan(2.5);
          }
          if (view === '4CH') {
            expect(components(m, size, size, (l) => l === L.rightVentricle)).toBe(1);
            // The atria never touch: an interatrial septum separates them.
            for (let k = 0; k < m.length; k++) {
              if (m[k] !== L.rightAtrium) continue;
              expect([m[k - 1], m[k + 1], m[k - size], m[k + size]]).not.toContain(L.leftAtrium);
            }
          }
        }
      });
    }
  }

  it('is zero outside the sector', () => {
    for (const view of VIEWS) {
      const s = generatePhantom({ seed: 9, view, efPercent: 40, width: 128, height: 96, frames: 12 });
      const { sector } = s.geometry;
      for (const m of s.labels) {
        for (let k = 0; k < m.length; k++) {
          if (!insideSector(sector, (k % 128) + 0.5, Math.floor(k / 128) + 0.5)) expect(m[k]).toBe(0);
        }
      }
    }
  });

  it('gives identical bytes for the same seed and different maps for another seed', () => {
    const a = generatePhantom({ seed: 'same', view: '4CH', efPercent: 50, width: 112, height: 112, frames: 14 });
    const b = generatePhantom({ seed: 'same', view: '4CH', efPercent: 50, width: 112, height: 112, frames: 14 });
    const c = generatePhantom({ seed: 'other', view: '4CH', efPercent: 50, width: 112, height: 112, frames: 14 });
    expect(a.labels.map((m) => Buffer.from(m).toString('base64'))).toEqual(b.labels.map((m) => Buffer.from(m).toString('base64')));
    expect(a.patient).toEqual(b.patient);
    expect(Buffer.from(a.labels[0]).equals(Buffer.from(c.labels[0]))).toBe(false);
  });

  it('shares one patient between the views of a seed', () => {
    const a = generatePhantom({ seed: 77, view: '2CH', efPercent: 50, width: 112, height: 112, frames: 12 });
    const b = generatePhantom({ seed: 77, view: '4CH', efPercent: 50, width: 112, height: 112, frames: 12 });
    expect(a.patient).toEqual(b.patient);
    expect(a.geometry).toEqual(b.geometry);
  });

  it('thickens the wall and brings the base towards the apex at end-systole', () => {
    const s = generatePhantom({ seed: 3, view: '2CH', efPercent: 60, width: 256, height: 256, frames: 12 });
    const count = (m: Uint8Array, l: number): number => m.reduce((n, v) => n + (v === l ? 1 : 0), 0);
    const ed = traceLv(s.labels[s.edFrame], 256, 256);
    const es = traceLv(s.labels[s.esFrame], 256, 256);
    expect(es.lengthPx).toBeLessThan(ed.lengthPx * 0.93);
    expect(Math.abs(es.apex.y - ed.apex.y)).toBeLessThan(2);
    expect(es.annulusMid.y).toBeLessThan(ed.annulusMid.y - 4);
    // Myocardial area grows (in-plane thickening) while the cavity shrinks.
    expect(count(s.labels[s.esFrame], L.myocardium)).toBeGreaterThan(count(s.labels[s.edFrame], L.myocardium) * 1.1);
  });
});

describe('phantom EF', () => {
  const efs = [30, 45, 60, 70];
  for (const view of VIEWS) {
    it(`${view}: area-length and disc EF within 3 points of the request, 10 seeds x EF ${efs.join('/')}`, () => {
      const worst = { al: 0, discs: 0 };
      for (let seed = 100; seed < 110; seed++) {
        for (const ef of efs) {
          const s = generatePhantom({ seed, view, efPercent: ef, width: 112, height: 112, frames: 11 });
          const ed = s.labels[s.edFrame];
          const es = s.labels[s.esFrame];
          const al = measureEfSinglePlane(ed, es, 112, 112, 'area-length');
          const discs = measureEfSinglePlane(ed, es, 112, 112, 'discs');
          worst.al = Math.max(worst.al, Math.abs(al - ef));
          worst.discs = Math.max(worst.discs, Math.abs(discs - ef));
        }
      }
      expect(worst.al).toBeLessThan(3);
      expect(worst.discs).toBeLessThan(3);
    });
  }

  it('biplane discs EF of both views of one heart is within 3 points, at 112 and 256 pixels', () => {
    for (const size of [112, 256]) {
      for (let seed = 200; seed < (size === 112 ? 210 : 203); seed++) {
        for (const ef of efs) {
          const pair = VIEWS.map((view) => {
            const s = generatePhantom({ seed, view, efPercent: ef, width: size, height: size, frames: 11 });
            return { ed: s.labels[s.edFrame], es: s.labels[s.esFrame], width: size, height: size, pixelSpacingMm: s.geometry.pixelSpacingMm };
          });
          expect(Math.abs(measureEfBiplane(pair[0], pair[1]) - ef)).toBeLessThan(3);
        }
      }
    }
  });

  it('gives plausible adult volumes', () => {
    const s = generatePhantom({ seed: 5, view: '4CH', efPercent: 60, width: 256, height: 256, frames: 11 });
    const t = traceLv(s.labels[0], 256, 256);
    const mm = t.lengthPx * s.geometry.pixelSpacingMm;
    expect(mm).toBeGreaterThan(60);
    expect(mm).toBeLessThan(110);
  });

  it('refuses a map without cavity or without mitral plane', () => {
    const m = new Uint8Array(64 * 64);
    expect(() => traceLv(m, 64, 64)).toThrow(AppError);
    m[100] = L.lvCavity;
    expect(() => traceLv(m, 64, 64)).toThrow(/mitral plane/);
  });
});

describe('cardiac cycle', () => {
  it('starts at ED, peaks once at ES and returns to ED after one beat', () => {
    const c = cyclePhases(31, 30, 60);
    expect(c.contraction[0]).toBe(0);
    expect(c.contraction[c.esFrame]).toBe(1);
    expect(c.esFrame).toBe(10); // 0.33 s of systole at 60 bpm
    expect(c.contraction[30]).toBeCloseTo(0, 6);
    for (let i = 1; i <= c.esFrame; i++) expect(c.contraction[i]).toBeGreaterThan(c.contraction[i - 1]);
    expect(c.timesMs[3]).toBeCloseTo(100, 6);
  });

  it('follows heart rate and frame rate', () => {
    const fast = cyclePhases(40, 50, 120);
    // The end-systolic frame is the sample nearest the end of systole (0.33 s x sqrt(RR)).
    expect(Math.abs(fast.timesMs[fast.esFrame] - 330 * Math.sqrt(0.5))).toBeLessThanOrEqual(20);
    const s = generatePhantom({ seed: 1, view: '2CH', efPercent: 50, heartRateBpm: 90, frameRateHz: 25, width: 112, height: 112 });
    expect(s.labels.length).toBe(Math.round((25 * 60) / 90) + 1);
  });

  it('refuses a sequence that ends before end-systole, and bad arguments', () => {
    expect(() => cyclePhases(4, 30, 60)).toThrow(/end-systole/);
    expect(() => generatePhantom({ seed: 1, view: '3CH' as PhantomView, efPercent: 50 })).toThrow(/2CH or 4CH/);
    expect(() => generatePhantom({ seed: 1, view: '2CH', efPercent: 95 })).toThrow(AppError);
    expect(() => generatePhantom({ seed: 1, view: '2CH', efPercent: 50, width: 8, height: 8 })).toThrow(/image size/);
  });
});
