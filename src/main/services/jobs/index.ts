/** Long-running work as jobs: queues, states, progress, cancel and a change feed (see jobs-service.ts). */
export { JobsService } from './jobs-service.ts';
export type { JobContext, JobSpec, JobsOptions } from './jobs-service.ts';
