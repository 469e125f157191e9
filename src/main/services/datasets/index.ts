/** Dataset services: readers (NIfTI, MetaImage, AVI), the frame-sequence view of them, importers, inspect. */
export { readNifti, readNiftiHeader, isNiftiPath } from './nifti-reader.ts';
export { readMetaImage, isMetaImagePath } from './metaimage-reader.ts';
export { readAviInfo } from './avi-header.ts';
export type { AviInfo } from './avi-header.ts';
export { decodeGreyFrames, resolveFfmpeg } from './ffmpeg.ts';
export { openSequence, fromVolume, isSequencePath, sequenceId } from './sequence.ts';
export type { FrameSequence, OpenSequenceOptions } from './sequence.ts';
export type { Volume, VoxelArray } from './volume.ts';
export { detectLayout } from './detect-layout.ts';
export type { DetectedLayout } from './detect-layout.ts';
export { importDataset } from './import-dataset.ts';
export { importCamus } from './camus-importer.ts';
export { importEchonet } from './echonet-importer.ts';
export { importLoose } from './loose-importer.ts';
export { parseCamusCfg } from './camus-cfg.ts';
export { tracingMask } from './echonet-tracings.ts';
export { inspectDatasetPaths } from './inspect-dataset.ts';
