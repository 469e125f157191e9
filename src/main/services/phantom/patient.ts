/**
 * Patient-level variability, drawn once per seed and shared by both views of that patient (so a 2CH and a 4CH
 * of one seed are the same heart, as CAMUS pairs are). Ranges follow adult apical echo: LV long axis
 * 70-95 mm at end-diastole, ED wall 7-12 mm, sector 60-80 degrees, image depth 13-18 cm.
 */
import type { PhantomView } from './palette.ts';
import { createPrng, streamSeed } from './prng.ts';

export interface PatientParams {
  seed: string;
  sex: 'M' | 'F';
  ageYears: number;
  /** Overall size factor (1 = average adult); scales every length below. */
  size: number;
  /** ED LV long axis, apex (endocardium) to mitral annulus, mm. */
  lvLengthMm: number;
  /** ED LV cavity half-widths at the widest point, mm, on the image-left and image-right walls. */
  lvHalfWidthLeftMm: number;
  lvHalfWidthRightMm: number;
  /** Fraction of the long axis taken by the elliptical apical cap (the rest is a tapering cylinder). */
  apexCapFraction: number;
  /** How much the cavity narrows from its widest point to the annulus (0 = cylinder). */
  baseTaper: number;
  /** ED myocardial wall thickness, mm, and the apex's thickness as a fraction of it. */
  wallMm: number;
  apexWallFraction: number;
  /** Depth of the epicardial apex below the probe, mm. */
  apexDepthMm: number;
  /** Whole sector opening, degrees. */
  sectorDeg: number;
  /** Extra depth imaged below the deepest chamber, mm. */
  depthMarginMm: number;
  la: { lengthMm: number; halfWidthMm: number; tiltDeg: number };
  rv: { widthMm: number; apexFraction: number; tricuspidOffsetMm: number };
  ra: { lengthMm: number; halfWidthMm: number; tiltDeg: number };
  /** Per view: long-axis angle from the beam's vertical (degrees, + turns the base to image right), the
   *  lateral offset of the apex from the sector's centre line (mm), and a width factor for the view's plane. */
  views: Record<PhantomView, { axisDeg: number; apexOffsetMm: number; widthFactor: number }>;
}

/** Draws a patient from a seed; the same seed always gives the same patient. */
export function drawPatient(seed: string | number): PatientParams {
  const r = createPrng(streamSeed(seed, 'patient'));
  const sex = r.next() < 0.5 ? 'M' : 'F';
  const ageYears = Math.round(r.range(25, 85));
  const size = (sex === 'M' ? 1.03 : 0.95) * r.range(0.92, 1.08);
  const lvLengthMm = size * r.range(74, 90);
  const halfWidth = lvLengthMm * r.range(0.2, 0.245);
  const asym = r.range(0.9, 1.1);
  const wallMm = size * r.range(8, 11.5);
  return {
    seed: String(seed),
    sex,
    ageYears,
    size,
    lvLengthMm,
    lvHalfWidthLeftMm: halfWidth * asym,
    lvHalfWidthRightMm: halfWidth / asym,
    apexCapFraction: r.range(0.42, 0.62),
    baseTaper: r.range(0.02, 0.16),
    wallMm,
    apexWallFraction: r.range(0.65, 0.9),
    apexDepthMm: r.range(14, 30),
    sectorDeg: r.range(62, 78),
    depthMarginMm: r.range(5, 22),
    la: { lengthMm: size * r.range(38, 52), halfWidthMm: size * r.range(16, 22), tiltDeg: r.range(-12, 12) },
    rv: { widthMm: size * r.range(22, 30), apexFraction: r.range(0.22, 0.38), tricuspidOffsetMm: r.range(4, 9) },
    ra: { lengthMm: size * r.range(36, 48), halfWidthMm: size * r.range(15, 20), tiltDeg: r.range(-22, -6) },
    views: {
      '2CH': { axisDeg: r.range(-10, 10), apexOffsetMm: r.range(-6, 6), widthFactor: r.range(0.94, 1.06) },
      '4CH': { axisDeg: r.range(-4, 14), apexOffsetMm: r.range(4, 14), widthFactor: 1 },
    },
  };
}
