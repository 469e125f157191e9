/**
 * Jobs: long-running work (imports today; generation and export later) started by a domain's method, which
 * returns the job's status at once. The UI follows a job by calling `jobs.get` with the last `version` it saw
 * and a `waitMs`: the call returns as soon as the job changes (a long poll), or after waitMs with no change.
 */
import { z } from 'zod';
import type { JobStatus } from '../job-types.ts';

export const jobId = z.string().min(1).max(64);

export const jobMethods = {
  /** A job's status. With `afterVersion`, waits up to `waitMs` (at most 10 s) for a newer version first. */
  'jobs.get': { args: z.object({ jobId, afterVersion: z.number().int().min(0).optional(), waitMs: z.number().int().min(0).max(10_000).optional() }).strict() },
  /** Jobs of this session, newest first (finished ones are kept for a while). */
  'jobs.list': { args: z.object({}).strict() },
  /** Asks a running job to stop; it ends `cancelled` at its next checkpoint, keeping what it had committed. */
  'jobs.cancel': { args: z.object({ jobId }).strict() },
} as const;

export interface JobResults {
  'jobs.get': JobStatus;
  'jobs.list': JobStatus[];
  'jobs.cancel': JobStatus;
}
