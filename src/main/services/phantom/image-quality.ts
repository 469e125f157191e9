/**
 * Image-quality presets, named as CAMUS grades its images. Each knob is a physical cause of a worse image:
 * electronic noise (seen at depth, where time-gain compensation amplifies it), blood that is not black
 * (haze from side lobes), near-field clutter and reverberation at the apex, dropout of walls the beam grazes,
 * a wider point-spread function and less dynamic range. The defaults are tuned by eye against CAMUS and
 * checked by a test that contrast-to-noise between cavity and myocardium falls from Good to Poor.
 */
export type ImageQuality = 'Good' | 'Medium' | 'Poor';

export interface QualityPreset {
  /** Electronic noise, dB relative to the echo of a unit reflector at the probe. */
  noiseDb: number;
  /** Amplitude echogenicities per tissue (1 = pericardium). */
  bloodEcho: number;
  myocardiumEcho: number;
  tissueEcho: number;
  /** Stationary clutter at the probe (amplitude, falls off over ~2 cm) and haze filling the whole image. */
  nearClutter: number;
  haze: number;
  /** Depth of lateral-wall dropout, 0 (none) to 1 (complete). */
  dropout: number;
  /** Scales the point-spread function. */
  psfScale: number;
  /** Peak error of the time-gain compensation curve, dB. */
  tgcErrorDb: number;
  /** Displayed dynamic range, dB. */
  dynamicRangeDb: number;
}

export const QUALITY_PRESETS: Readonly<Record<ImageQuality, QualityPreset>> = {
  Good: { noiseDb: -68, bloodEcho: 0.008, myocardiumEcho: 0.3, tissueEcho: 0.06, nearClutter: 0.05, haze: 0.005, dropout: 0, psfScale: 1, tgcErrorDb: 1, dynamicRangeDb: 55 },
  Medium: { noiseDb: -61, bloodEcho: 0.016, myocardiumEcho: 0.24, tissueEcho: 0.06, nearClutter: 0.12, haze: 0.012, dropout: 0.55, psfScale: 1.25, tgcErrorDb: 2.5, dynamicRangeDb: 52 },
  Poor: { noiseDb: -55, bloodEcho: 0.03, myocardiumEcho: 0.19, tissueEcho: 0.06, nearClutter: 0.22, haze: 0.03, dropout: 0.85, psfScale: 1.5, tgcErrorDb: 4, dynamicRangeDb: 48 },
};

export const IMAGE_QUALITIES: readonly ImageQuality[] = ['Good', 'Medium', 'Poor'];
