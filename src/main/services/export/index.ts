/**
 * Dataset export: items (real or synthetic) from sources and generators, written in a layout (DICOM, PNG
 * pairs; CAMUS and EchoNet with the issue-6 writers), with manifests, a journal for resume, and shards.
 */
export { runExport, defaultCreatedAt, defaultGenerator, writeIndex } from './runner.ts';
export type { ExportOptions } from './runner.ts';
export { mergeExports } from './merge.ts';
export type { MergeOptions, MergeSummary } from './merge.ts';
export { buildPlan, shardEntries } from './plan.ts';
export type { ExportPlan, PlanEntry, SyntheticPlan } from './plan.ts';
export { loadRecipe, saveRecipe, parseRecipe } from './recipe-file.ts';
export { createLayout, layoutAvailability, LAYOUT_DESCRIPTIONS } from './layout.ts';
export type { ExportLayout, LayoutContext } from './layout.ts';
export { createPhantomGenerator, PHANTOM_LABEL_SET } from './phantom-generator.ts';
export { composePrompt, efBandOf } from './generator.ts';
export type { PromptFields, SyntheticGenerator, SyntheticRequest, SyntheticResult } from './generator.ts';
export type { ExportItem, GenerationProvenance, LabelSet } from './item.ts';
export { Pseudonymizer, loadOrCreateKey, defaultKeyPath } from './pseudonym.ts';
export { resolveSources } from './sources/resolve-sources.ts';
export type { SourceResolver } from './sources/resolve-sources.ts';
export type { SourceStudy, LoadedStudy } from './sources/source-study.ts';
export { nodeIo, safeFileName } from './export-io.ts';
export type { ExportIo } from './export-io.ts';
export { STATE_DIR } from './journal.ts';
export { createDiffusionGenerator, packPrompt } from './diffusion-generator.ts';
export type { DiffusionEngine } from './diffusion-generator.ts';
export { exportGenerators, ownEngine, sharedEngine } from './export-generators.ts';
export { withDrafts } from './sources/label-drafts.ts';
export type { DraftReader } from './sources/label-drafts.ts';
export { keepEntries } from './plan.ts';
export { doorOptions, catalogRoots } from './export-doors.ts';
export type { ExportDoor, DoorOptions } from './export-doors.ts';
export { previewExport, folderState } from './export-preview.ts';
export { resultSources } from './sources/results-source.ts';
export { catalogSources } from './sources/catalog-source.ts';
