/**
 * B-mode echo frames from label maps, built the way a scanner forms them:
 *
 *   1. scatterers: random points with complex Gaussian amplitudes, fixed in the tissue (they move with it
 *      through the phantom's motion field, so speckle is temporally coherent), weighted by the echogenicity
 *      of the tissue they are in and attenuated with depth;
 *   2. beamforming: splatted onto a polar (range x angle) grid and convolved with a separable point-spread
 *      function, short axially and wider laterally, growing with depth; electronic noise joins here;
 *   3. time-gain compensation (imperfect), stationary near-field clutter and haze, wall dropout;
 *   4. envelope |IQ| (Rayleigh in homogeneous tissue: fully developed speckle), log compression;
 *   5. scan conversion to the Cartesian sector image (0 outside the sector).
 */
import type { ImageQuality, QualityPreset } from './image-quality.ts';
import { QUALITY_PRESETS } from './image-quality.ts';
import { echoMap } from './echo-map.ts';
import type { MotionField } from './phantom-sequence.ts';
import { createPrng, streamSeed } from './prng.ts';
import type { ImageGeometry } from './sector.ts';

export interface BmodeScene {
  geometry: ImageGeometry;
  /** Carries scatterers with the tissue; without it the scatterers stay still. */
  motion?: MotionField;
}

export interface BmodeOptions {
  quality: ImageQuality;
  seed: string | number;
  /** Overrides of the preset's knobs (tests use this to isolate one effect). */
  overrides?: Partial<QualityPreset>;
}

/** The polar beam grid: cell (i, j) is at range i * drMm and angle thetaStart + j * dTheta. */
export interface PolarGrid {
  nr: number;
  nt: number;
  drMm: number;
  dTheta: number;
  thetaStart: number;
}

export interface BmodeFrame {
  /** 8-bit grey, row-major, the label maps' size. */
  image: Uint8Array;
  /** Envelope after TGC, before log compression, on the polar grid (row = range). */
  envelope: Float32Array;
}

export interface BmodeRenderer {
  polar: PolarGrid;
  render(frame: number, labels: Uint8Array): BmodeFrame;
}

const WAVELENGTH_MM = 0.55; // ~2.8 MHz, a typical adult cardiac probe
const ATTENUATION_DB_PER_MM = 0.2; // round trip, ~0.4 dB/cm/MHz
const PAD = 4;
/** Grey map exponent: darkens the mid-tones as scanners' default grey maps do. */
const GREY_GAMMA = 1.8;

interface RowKernel {
  half: number;
  w: Float32Array;
}

export function createBmodeRenderer(scene: BmodeScene, options: BmodeOptions): BmodeRenderer {
  const q: QualityPreset = { ...QUALITY_PRESETS[options.quality], ...options.overrides };
  const g = scene.geometry;
  const { width, height, pixelSpacingMm: sp } = g;
  const { apexX, apexY, radiusPx, halfAngleRad: phi } = g.sector;
  const depthMm = radiusPx * sp;

  // Polar grid fine enough for the output: 0.7 pixel in range, one pixel of arc at full depth.
  const drMm = Math.max(0.2, 0.7 * sp);
  const dTheta = sp / depthMm;
  const nr = Math.ceil(depthMm / drMm) + PAD + 1;
  const nt = Math.ceil((2 * phi) / dTheta) + 1 + 2 * PAD;
  const thetaStart = -phi - PAD * dTheta;
  const polar: PolarGrid = { nr, nt, drMm, dTheta, thetaStart };

  // Point-spread function: never finer than the grid can carry, so downsized outputs keep resolved speckle.
  const sigA = Math.max(0.35 * q.psfScale, 0.6 * drMm);
  const sigL = (r: number): number => Math.max((0.4 + 0.008 * r) * q.psfScale, 0.6 * sp);
  const axHalf = Math.ceil((3 * sigA) / drMm);
  const axW = new Float32Array(2 * axHalf + 1);
  for (let i = -axHalf; i <= axHalf; i++) axW[i + axHalf] = Math.exp(-((i * drMm) ** 2) / (2 * sigA * sigA));
  const rowKernels: RowKernel[] = [];
  const rowNorm = new Float32Array(nr);
  for (let i = 0; i < nr; i++) {
    const r = Math.max(i * drMm, drMm);
    const cell = r * dTheta;
    const sl = Math.min(sigL(r), 8 * cell);
    const half = Math.min(30, Math.ceil((3 * sl) / cell));
    const w = new Float32Array(2 * half + 1);
    for (let j = -half; j <= half; j++) w[j + half] = Math.exp(-((j * cell) ** 2) / (2 * sl * sl));
    rowKernels.push({ half, w });
    rowNorm[i] = sl;
  }

  // Scatterers, uniform over the sector (plus a margin) in the end-diastolic tissue.
  const rnd = createPrng(streamSeed(options.seed, `bmode-scatterers-${options.quality}`));
  const density = 6 / (2 * Math.PI * sigA * Math.max(sigL(25), 0.6 * sp)); // ~6 per resolution cell
  const rMax = depthMm + PAD * drMm;
  const tMax = phi + PAD * dTheta * 0.9;
  const count = Math.min(600_000, Math.round(density * tMax * rMax * rMax));
  const x0 = new Float32Array(count);
  const y0 = new Float32Array(count);
  const ar = new Float32Array(count);
  const ai = new Float32Array(count);
  const tex = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    const r = rMax * Math.sqrt(rnd.next());
    const t = (2 * rnd.next() - 1) * tMax;
    x0[k] = apexX + (r * Math.sin(t)) / sp;
    y0[k] = apexY + (r * Math.cos(t)) / sp;
    ar[k] = rnd.gaussian() * Math.SQRT1_2;
    ai[k] = rnd.gaussian() * Math.SQRT1_2;
  }
  // Coarse texture of the surrounding tissue (fat, fascia): a smooth random field frozen into the scatterers.
  const tg = 22;
  const texGrid = new Float32Array((tg + 1) * (tg + 1));
  for (let k = 0; k < texGrid.length; k++) texGrid[k] = Math.exp(0.75 * rnd.gaussian());
  for (let k = 0; k < count; k++) {
    const u = Math.min(tg - 1e-6, Math.max(0, (x0[k] / width) * tg));
    const v = Math.min(tg - 1e-6, Math.max(0, (y0[k] / height) * tg));
    const i = Math.floor(u);
    const j = Math.floor(v);
    const fu = u - i;
    const fv = v - j;
    const a = texGrid[j * (tg + 1) + i] * (1 - fu) + texGrid[j * (tg + 1) + i + 1] * fu;
    const b = texGrid[(j + 1) * (tg + 1) + i] * (1 - fu) + texGrid[(j + 1) * (tg + 1) + i + 1] * fu;
    tex[k] = a * (1 - fv) + b * fv;
  }

  // Per-range gains: attenuation on the way, imperfect TGC on the way back.
  const att = new Float32Array(nr);
  const tgc = new Float32Array(nr);
  const tgcPhase = rnd.range(0, 2 * Math.PI);
  for (let i = 0; i < nr; i++) {
    const r = i * drMm;
    att[i] = 10 ** ((-ATTENUATION_DB_PER_MM * r) / 20);
    const errDb = q.tgcErrorDb * Math.sin(tgcPhase + (2.5 * Math.PI * r) / depthMm);
    tgc[i] = 10 ** ((errDb + ATTENUATION_DB_PER_MM * r) / 20) / Math.sqrt(density * Math.PI * sigA * rowNorm[i]);
  }
  const noiseSigma = 10 ** (q.noiseDb / 20) * Math.SQRT1_2 * Math.sqrt(density * Math.PI * sigA * rowNorm[Math.floor(nr / 2)]);

  // Dropout: one or two angular bands (where lateral walls run along the beam) lose most of their echo.
  const gain = new Float32Array(nr * nt).fill(1);
  if (q.dropout > 0) {
    const bands = [
      { t: rnd.range(0.45, 0.85) * phi * (rnd.next() < 0.5 ? -1 : 1), w: rnd.range(0.06, 0.12), r0: rnd.range(0.25, 0.45), r1: rnd.range(0.6, 0.8) },
      { t: rnd.range(-0.5, 0.5) * phi, w: rnd.range(0.03, 0.07), r0: rnd.range(0.1, 0.3), r1: rnd.range(0.35, 0.55) },
    ];
    for (let i = 0; i < nr; i++) {
      const rf = (i * drMm) / depthMm;
      for (let j = 0; j < nt; j++) {
        const t = thetaStart + j * dTheta;
        let gv = 1;
        for (const b of bands) {
          const inR = Math.exp(-(((rf - (b.r0 + b.r1) / 2) / ((b.r1 - b.r0) / 2)) ** 4));
          gv *= 1 - q.dropout * inR * Math.exp(-(((t - b.t) / b.w) ** 2));
        }
        gain[i * nt + j] = gv;
      }
    }
  }

  // Lung: air beside the heart reflects nothing back beyond the pleura, so on one or both lateral edges of
  // an apical window the surrounding tissue fades to a dark, noisy wedge (applied to plain tissue only; the
  // heart is always in the acoustic window).
  const lung = new Float32Array(nr * nt).fill(1);
  for (const side of [-1, 1]) {
    if (rnd.next() < 0.25) continue;
    const edge = side * phi * rnd.range(0.45, 0.75);
    const soft = phi * rnd.range(0.08, 0.16);
    const r0 = rnd.range(0.12, 0.3) * depthMm;
    const r1 = rnd.range(0.55, 0.85) * depthMm;
    const depthOfShadow = rnd.range(0.75, 0.95);
    for (let i = 0; i < nr; i++) {
      const r = i * drMm;
      const inR = Math.min(1, Math.max(0, (r - r0) / 8)) * Math.min(1, Math.max(0, (r1 - r) / 15));
      for (let j = 0; j < nt; j++) {
        const t = thetaStart + j * dTheta;
        const inT = 1 / (1 + Math.exp(-((t - edge) * side) / (soft / 4)));
        lung[i * nt + j] *= 1 - depthOfShadow * inR * inT;
      }
    }
  }

  // Stationary clutter: two PSF-shaped random fields, slowly mixed over frames, strongest at the probe, with
  // reverberation bands at multiples of the chest-wall depth; plus haze everywhere.
  const revDepth = rnd.range(11, 17);
  const clutterProfile = new Float32Array(nr);
  for (let i = 0; i < nr; i++) {
    const r = i * drMm;
    let rev = 0;
    for (let m = 1; m <= 4; m++) rev += 0.45 * Math.exp(-m / 1.5) * Math.exp(-(((r - m * revDepth) / 2.5) ** 2));
    clutterProfile[i] = q.nearClutter * (Math.exp(-r / 18) + rev) + q.haze;
  }
  const cf1r = new Float32Array(nr * nt);
  const cf1i = new Float32Array(nr * nt);
  const cf2r = new Float32Array(nr * nt);
  const cf2i = new Float32Array(nr * nt);
  for (const f of [cf1r, cf1i, cf2r, cf2i]) {
    for (let k = 0; k < f.length; k++) f[k] = rnd.gaussian();
  }
  const tmpR = new Float32Array(nr * nt);
  const tmpI = new Float32Array(nr * nt);
  const convolve = (fr: Float32Array, fi: Float32Array): void => {
    // Axial, along each beam.
    for (let j = 0; j < nt; j++) {
      for (let i = 0; i < nr; i++) {
        let sr = 0;
        let si = 0;
        const a0 = Math.max(-axHalf, -i);
        const a1 = Math.min(axHalf, nr - 1 - i);
        for (let a = a0; a <= a1; a++) {
          const w = axW[a + axHalf];
          const k = (i + a) * nt + j;
          sr += w * fr[k];
          si += w * fi[k];
        }
        tmpR[i * nt + j] = sr;
        tmpI[i * nt + j] = si;
      }
    }
    // Lateral, along each range row, with that range's beam width.
    for (let i = 0; i < nr; i++) {
      const { half, w } = rowKernels[i];
      const row = i * nt;
      for (let j = 0; j < nt; j++) {
        let sr = 0;
        let si = 0;
        const b0 = Math.max(-half, -j);
        const b1 = Math.min(half, nt - 1 - j);
        for (let b = b0; b <= b1; b++) {
          const ww = w[b + half];
          sr += ww * tmpR[row + j + b];
          si += ww * tmpI[row + j + b];
        }
        fr[row + j] = sr;
        fi[row + j] = si;
      }
    }
  };
  convolve(cf1r, cf1i);
  convolve(cf2r, cf2i);
  for (let i = 0; i < nr; i++) {
    // Normalise the clutter fields to unit mean intensity, then shape them with depth.
    let e = 0;
    for (let j = 0; j < nt; j++) e += cf1r[i * nt + j] ** 2 + cf1i[i * nt + j] ** 2;
    const s = clutterProfile[i] / Math.sqrt(e / nt || 1);
    for (let j = 0; j < nt; j++) {
      const k = i * nt + j;
      cf1r[k] *= s;
      cf1i[k] *= s;
      cf2r[k] *= s;
      cf2i[k] *= s;
    }
  }

  // Scan conversion table: each output pixel's bilinear source on the polar grid (-1 outside the sector).
  const scIndex = new Int32Array(width * height).fill(-1);
  const scFr = new Float32Array(width * height);
  const scFt = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x + 0.5 - apexX) * sp;
      const dy = (y + 0.5 - apexY) * sp;
      if (dy <= 0) continue;
      const r = Math.hypot(dx, dy);
      const t = Math.atan2(dx, dy);
      if (r > depthMm || Math.abs(t) > phi) continue;
      const fr = r / drMm;
      const ft = (t - thetaStart) / dTheta;
      const i = Math.min(nr - 2, Math.floor(fr));
      const j = Math.min(nt - 2, Math.floor(ft));
      scIndex[y * width + x] = i * nt + j;
      scFr[y * width + x] = fr - i;
      scFt[y * width + x] = ft - j;
    }
  }

  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  const fieldR = new Float32Array(nr * nt);
  const fieldI = new Float32Array(nr * nt);
  const k4pi = (4 * Math.PI) / WAVELENGTH_MM;
  const grey = new Float32Array(nr * nt);

  const render = (frame: number, labels: Uint8Array): BmodeFrame => {
    const em = echoMap(labels, width, height, sp, q);
    if (scene.motion && frame !== 0) scene.motion(frame, x0, y0, xs, ys);
    else {
      xs.set(x0);
      ys.set(y0);
    }
    fieldR.fill(0);
    fieldI.fill(0);
    const frameRnd = createPrng(streamSeed(options.seed, `bmode-frame-${options.quality}-${frame}`));
    for (let k = 0; k < count; k++) {
      const px = xs[k];
      const py = ys[k];
      const ix = Math.min(width - 1, Math.max(0, Math.floor(px)));
      const iy = Math.min(height - 1, Math.max(0, Math.floor(py)));
      const p = iy * width + ix;
      let amp = em.echo[p];
      const dx = (px - apexX) * sp;
      const dy = (py - apexY) * sp;
      const r = Math.sqrt(dx * dx + dy * dy);
      const fr = r / drMm;
      const ft = (Math.atan2(dx, dy) - thetaStart) / dTheta;
      const i = Math.floor(fr);
      const j = Math.floor(ft);
      if (i < 0 || j < 0 || i >= nr - 1 || j >= nt - 1) continue;
      if (em.tissue[p]) amp *= tex[k] * lung[i * nt + j];
      // Round-trip phase: a scatterer's echo turns with its range, so a cell moving as a whole keeps its
      // speckle while its contents shuffle only where tissue deforms. Blood gets a fresh phase each frame.
      let ph = k4pi * r;
      if (em.blood[p]) ph += 2 * Math.PI * frameRnd.next();
      amp *= att[i];
      const c = Math.cos(ph);
      const s = Math.sin(ph);
      const vr = amp * (ar[k] * c - ai[k] * s);
      const vi = amp * (ar[k] * s + ai[k] * c);
      const a = fr - i;
      const b = ft - j;
      const k00 = i * nt + j;
      const w00 = (1 - a) * (1 - b);
      const w01 = (1 - a) * b;
      const w10 = a * (1 - b);
      const w11 = a * b;
      fieldR[k00] += w00 * vr;
      fieldI[k00] += w00 * vi;
      fieldR[k00 + 1] += w01 * vr;
      fieldI[k00 + 1] += w01 * vi;
      fieldR[k00 + nt] += w10 * vr;
      fieldI[k00 + nt] += w10 * vi;
      fieldR[k00 + nt + 1] += w11 * vr;
      fieldI[k00 + nt + 1] += w11 * vi;
    }
    for (let k = 0; k < fieldR.length; k++) {
      fieldR[k] += noiseSigma * frameRnd.gaussian();
      fieldI[k] += noiseSigma * frameRnd.gaussian();
    }
    convolve(fieldR, fieldI);
    const envelope = new Float32Array(nr * nt);
    const mc = Math.cos(0.21 * frame);
    const ms = Math.sin(0.21 * frame);
    // 0 dB is a unit reflector (pericardium); the top 3 dB are headroom for its speckle peaks.
    const db0 = 3 - q.dynamicRangeDb;
    for (let i = 0; i < nr; i++) {
      const gtc = tgc[i];
      for (let j = 0; j < nt; j++) {
        const k = i * nt + j;
        const re = fieldR[k] * gtc * gain[k] + mc * cf1r[k] + ms * cf2r[k];
        const im = fieldI[k] * gtc * gain[k] + mc * cf1i[k] + ms * cf2i[k];
        const e = Math.sqrt(re * re + im * im);
        envelope[k] = e;
        const db = 20 * Math.log10(e + 1e-9);
        const v = Math.min(1, Math.max(0, (db - db0) / q.dynamicRangeDb));
        grey[k] = 255 * v ** GREY_GAMMA;
      }
    }
    const image = new Uint8Array(width * height);
    for (let p = 0; p < image.length; p++) {
      const k = scIndex[p];
      if (k < 0) continue;
      const a = scFr[p];
      const b = scFt[p];
      const v = (1 - a) * ((1 - b) * grey[k] + b * grey[k + 1]) + a * ((1 - b) * grey[k + nt] + b * grey[k + nt + 1]);
      image[p] = Math.round(v);
    }
    return { image, envelope };
  };

  return { polar, render };
}
