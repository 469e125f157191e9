/** Public API of the DICOM service. */
export { DicomLibrary, inspectPaths, groupInstances } from './library.ts';
export type { LibraryLimits } from './library.ts';
export { readDicomFile, parseDicomBytes, MAX_DICOM_FILE_BYTES } from './parse-file.ts';
export type { ParsedFile, ReadOptions } from './parse-file.ts';
export { expandPaths, looksLikeDicom, dicomdirReferences } from './scan.ts';
export type { ScanResult } from './scan.ts';
export { summarizeInstance, instanceIdFor, fullRangeWindow } from './summarize.ts';
export { frameTiming } from './timing.ts';
export type { FrameTiming } from './timing.ts';
export { tagRows, tagName, formatTag } from './tags.ts';
export { renderDisplay, thumbnail, linearVoi } from './display.ts';
export type { DisplayImage, VoiWindow } from './display.ts';
export { sniffDicom, sniffRaw } from './sniff.ts';
