/**
 * Phantom hearts: seeded parametric apical 2CH/4CH label-map cines with a requested EF (phantom-sequence),
 * their clinical measurement (lv-measure) and B-mode echo rendering from label maps (bmode-renderer).
 */
export { PHANTOM_LABELS, PHANTOM_PALETTE, labelsOfView } from './palette.ts';
export type { PhantomLabel, PhantomView } from './palette.ts';
export { drawPatient } from './patient.ts';
export type { PatientParams } from './patient.ts';
export { fitPatientToSector, generatePhantom, patientDepthMm, rasterizeHeart, solveShortening } from './phantom-sequence.ts';
export type { MotionField, PhantomOptions, PhantomSequence } from './phantom-sequence.ts';
export { HeartView } from './heart-geometry.ts';
export { contractionAt, cyclePhases, framesPerBeat, systoleSeconds } from './cardiac-cycle.ts';
export { imageGeometry, insideSector, sectorMask } from './sector.ts';
export type { ImageGeometry, SectorGeometry } from './sector.ts';
export {
  DISC_COUNT,
  areaLengthVolumeMl,
  biplaneVolumeMl,
  discVolumeMl,
  ejectionFractionPercent,
  measureEfBiplane,
  measureEfSinglePlane,
  traceLv,
} from './lv-measure.ts';
export type { LvTrace, SinglePlaneMethod, ViewPair } from './lv-measure.ts';
export { createBmodeRenderer } from './bmode-renderer.ts';
export type { BmodeFrame, BmodeOptions, BmodeRenderer, BmodeScene, PolarGrid } from './bmode-renderer.ts';
export { IMAGE_QUALITIES, QUALITY_PRESETS } from './image-quality.ts';
export type { ImageQuality, QualityPreset } from './image-quality.ts';
export { createPrng, hashString, streamSeed } from './prng.ts';
export type { Prng } from './prng.ts';
export { patientName, planPhantomDataset, renderPhantomStudy } from './phantom-dataset.ts';
export type { PhantomDatasetOptions, PhantomLayout, PhantomStudyPlan } from './phantom-dataset.ts';
