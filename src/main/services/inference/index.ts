/** The inference engine: model packs, schedulers, the pipeline in a worker thread, generation jobs, results. */
export { InferenceService, seedsFor } from './inference-service.ts';
export type { InferenceOptions, GenerateOptions } from './inference-service.ts';
export { loadPack } from './packs/load-pack.ts';
export type { LoadedPack } from './packs/load-pack.ts';
export { PackRegistry } from './packs/pack-registry.ts';
export { SYNTHETIC_NOTICE } from './results/result-files.ts';
export { studySources } from './conditioning/study-sources.ts';
export type { StudySources } from './conditioning/study-sources.ts';
