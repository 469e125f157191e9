import { describe, expect, it } from 'vitest';
import {
  IMAGE_QUALITIES,
  PHANTOM_LABELS,
  createBmodeRenderer,
  generatePhantom,
  imageGeometry,
  insideSector,
  sectorMask,
} from '../../../src/main/services/phantom/index.ts';
import { chamferDistance } from '../../../src/main/services/phantom/echo-map.ts';

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]): number => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
};

describe('B-mode rendering', () => {
  it('has fully developed speckle: envelope mean/std near 1.91 (Rayleigh) in homogeneous tissue', () => {
    const g = imageGeometry(256, 256, 150, 70);
    const labels = sectorMask(g).map((v) => (v ? PHANTOM_LABELS.myocardium : 0));
    for (const seed of ['a', 'b']) {
      const r = createBmodeRenderer({ geometry: g }, { quality: 'Good', seed });
      const { envelope } = r.render(0, labels);
      const { nr, nt, drMm } = r.polar;
      const values: number[] = [];
      // Each range row is divided by its mean: TGC's deliberate small error is a gain, not speckle.
      for (let i = Math.round(60 / drMm); i < Math.round(100 / drMm); i++) {
        const row: number[] = [];
        for (let j = Math.round(nt * 0.3); j < Math.round(nt * 0.7); j++) row.push(envelope[i * nt + j]);
        const m = mean(row);
        for (const v of row) values.push(v / m);
      }
      expect(nr).toBeGreaterThan(100);
      const snr = mean(values) / std(values);
      console.info(`speckle envelope SNR (seed ${seed}): ${snr.toFixed(3)}`);
      expect(snr).toBeGreaterThan(1.8);
      expect(snr).toBeLessThan(2.02);
    }
  });

  it('is zero outside the sector and fills the sector, at 112, 256 and non-square sizes', () => {
    for (const [w, h] of [
      [112, 112],
      [256, 256],
      [320, 240],
    ]) {
      const s = generatePhantom({ seed: 4, view: '4CH', efPercent: 50, width: w, height: h, frames: 11 });
      const r = createBmodeRenderer({ geometry: s.geometry, motion: s.motion }, { quality: 'Medium', seed: 4 });
      const { image } = r.render(s.esFrame, s.labels[s.esFrame]);
      expect(image.length).toBe(w * h);
      let inside = 0;
      let lit = 0;
      for (let k = 0; k < image.length; k++) {
        if (!insideSector(s.geometry.sector, (k % w) + 0.5, Math.floor(k / w) + 0.5)) expect(image[k]).toBe(0);
        else {
          inside++;
          if (image[k] > 0) lit++;
        }
      }
      expect(inside).toBeGreaterThan(0.4 * w * h);
      expect(lit / inside).toBeGreaterThan(0.9);
    }
  });

  it('shows a dark cavity and a brighter wall, with contrast-to-noise falling from Good to Medium to Poor', () => {
    for (const view of ['2CH', '4CH'] as const) {
      for (const seed of [11, 12, 13]) {
        const s = generatePhantom({ seed, view, efPercent: 55, width: 112, height: 112, frames: 11 });
        const labels = s.labels[0];
        const cnr = IMAGE_QUALITIES.map((quality) => {
          const { image } = createBmodeRenderer({ geometry: s.geometry }, { quality, seed }).render(0, labels);
          const cav: number[] = [];
          const myo: number[] = [];
          image.forEach((v, k) => {
            if (labels[k] === PHANTOM_LABELS.lvCavity) cav.push(v);
            else if (labels[k] === PHANTOM_LABELS.myocardium) myo.push(v);
          });
          expect(mean(myo)).toBeGreaterThan(mean(cav) + 20);
          return (mean(myo) - mean(cav)) / Math.sqrt(std(myo) ** 2 + std(cav) ** 2);
        });
        expect(cnr[0]).toBeGreaterThan(cnr[1]);
        expect(cnr[1]).toBeGreaterThan(cnr[2]);
      }
    }
  });

  it('gives identical bytes for the same seed, other speckle for another seed', () => {
    const s = generatePhantom({ seed: 8, view: '2CH', efPercent: 45, width: 112, height: 112, frames: 11 });
    const render = (seed: string): Uint8Array => createBmodeRenderer({ geometry: s.geometry, motion: s.motion }, { quality: 'Poor', seed }).render(3, s.labels[3]).image;
    expect(Buffer.from(render('x')).equals(Buffer.from(render('x')))).toBe(true);
    expect(Buffer.from(render('x')).equals(Buffer.from(render('y')))).toBe(false);
  });

  it('keeps speckle coherent across frames: scatterers move with the tissue rather than being redrawn', () => {
    const s = generatePhantom({ seed: 21, view: '4CH', efPercent: 55, width: 112, height: 112, frameRateHz: 50, frames: 20 });
    const corr = (a: Uint8Array, b: Uint8Array, where: (k: number) => boolean): number => {
      const xa: number[] = [];
      const xb: number[] = [];
      for (let k = 0; k < a.length; k++) {
        if (where(k)) {
          xa.push(a[k]);
          xb.push(b[k]);
        }
      }
      const ma = mean(xa);
      const mb = mean(xb);
      let sab = 0;
      for (let i = 0; i < xa.length; i++) sab += (xa[i] - ma) * (xb[i] - mb);
      return sab / (xa.length * std(xa) * std(xb));
    };
    const r = createBmodeRenderer({ geometry: s.geometry, motion: s.motion }, { quality: 'Good', seed: 1 });
    const f1 = r.render(1, s.labels[1]).image;
    const f2 = r.render(2, s.labels[2]).image;
    const other = createBmodeRenderer({ geometry: s.geometry, motion: s.motion }, { quality: 'Good', seed: 2 }).render(2, s.labels[2]).image;
    // Surrounding tissue (label 0 inside the sector, more than 8 mm from the heart so the pericardium and fat
    // around it, which every seed draws alike, stay out): speckle persists from frame to frame.
    const mask = sectorMask(s.geometry);
    const near = chamferDistance(s.labels[1], s.geometry.width, s.geometry.height, (l) => l !== 0);
    const farPx = 8 / s.geometry.pixelSpacingMm;
    const tissue = (k: number): boolean => mask[k] === 1 && s.labels[1][k] === 0 && s.labels[2][k] === 0 && near[k] > farPx;
    expect(corr(f1, f2, tissue)).toBeGreaterThan(0.6);
    expect(Math.abs(corr(f2, other, tissue))).toBeLessThan(0.45);
  });
});
