/**
 * Jobs: long-running work (imports, generation, export) followed by long-polling `jobs.watch` (every job) or
 * `jobs.get` with `afterVersion` (one job). See ../contract.ts for how the parts are joined.
 */
import { z } from 'zod';
import type { JobChanges, JobInfo } from '../job-types.ts';

const jobId = z.string().uuid();

export const jobMethods = {
  /** Every job the process remembers (running, queued, and the most recent finished ones), newest first. */
  'jobs.list': { args: z.object({}).strict() },
  /** One job. With `afterVersion`, first waits up to `waitMs` (at most 30 s) for a version newer than it. */
  'jobs.get': { args: z.object({ id: jobId, afterVersion: z.number().int().min(0).optional(), waitMs: z.number().int().min(0).max(30_000).optional() }).strict() },
  /** Cancels a queued job at once, or a running one at its next step. Returns the job as it is now. */
  'jobs.cancel': { args: z.object({ id: jobId }).strict() },
  /**
   * Long-poll: answers as soon as any job changed after version `since` (0 for everything), or after
   * `timeoutMs` (at most 30 s) with no jobs. Pass the returned `version` as the next `since`.
   */
  'jobs.watch': { args: z.object({ since: z.number().int().min(0), timeoutMs: z.number().int().min(0).max(30_000) }).strict() },
} as const;

export interface JobResults {
  'jobs.list': JobInfo[];
  'jobs.get': JobInfo;
  'jobs.cancel': JobInfo;
  'jobs.watch': JobChanges;
}
