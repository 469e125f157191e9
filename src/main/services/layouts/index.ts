/** Dataset layout writers (CAMUS 2023 NIfTI, EchoNet-Dynamic) over generic layout items. */
export { checkLayoutItem, formatNumber } from './layout-item.ts';
export type { LayoutItem, LayoutQuality, LayoutSplit, LayoutView } from './layout-item.ts';
export { CAMUS_PATIENT_NAME, camusSplitFiles, createCamusWriter } from './camus-writer.ts';
export type { CamusWriterOptions, DatasetWriter } from './camus-writer.ts';
export { ECHONET_FILELIST_HEADER, ECHONET_SIZE, ECHONET_TRACINGS_HEADER, createEchonetWriter, echonetFileListRow, echonetTracingRows, writeMjpegAvi } from './echonet-writer.ts';
export type { EchonetWriterOptions } from './echonet-writer.ts';
export { TRACING_CHORDS, scaleTracingLines, volumeTracingLines } from './volume-tracings.ts';
export type { TracingLine, TracingOptions } from './volume-tracings.ts';
