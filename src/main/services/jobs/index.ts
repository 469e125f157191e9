/** Jobs: long-running work with progress, cancellation and a result (see job-registry.ts). */
export { JobRegistry } from './job-registry.ts';
export type { JobContext, JobRegistryOptions } from './job-registry.ts';
