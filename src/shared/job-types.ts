/**
 * Long-running work (dataset imports, generation, export) runs as jobs: started by one request, followed by
 * long-polling `jobs.watch` (every job) or `jobs.get` with `afterVersion` (one job), cancellable at any time.
 * Pure data for every door.
 */
import type { ErrorData } from './errors.ts';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const isFinished = (s: JobState): boolean => s === 'succeeded' || s === 'failed' || s === 'cancelled';

export interface JobProgress {
  /** 0..1 over the whole job. */
  fraction: number;
  /** What is happening now, for people ("image 2 of 4, step 13 of 25"). */
  message: string;
  /** Item (e.g. image) being worked on, 1-based, and how many there are. */
  item?: number;
  items?: number;
  /** Step within the item, 1-based, and how many there are. */
  step?: number;
  steps?: number;
  /** Work items finished and in all (e.g. files read by an import); total null when not yet known. */
  done?: number;
  total?: number | null;
}

export interface JobInfo {
  id: string;
  /** What kind of work: 'generate', later 'export', 'import'. */
  kind: string;
  title: string;
  state: JobState;
  /** Position among queued jobs of its queue (0 = next); null unless queued. */
  queuePosition: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: JobProgress;
  /** Ids of what the job has produced so far (result ids for generation), in order. */
  outputs: string[];
  /** Job-specific facts for the UI (e.g. the provider report of a generation). */
  detail: Record<string, unknown>;
  /** What the job returned once `succeeded` (its type depends on `kind`, e.g. an import summary); else null. */
  result: unknown;
  /** Why it failed or was cancelled. */
  error: ErrorData | null;
  /** Bumped on every change; `jobs.watch` returns jobs whose version is above `since`. */
  version: number;
}

export interface JobChanges {
  /** The highest version so far: pass it as `since` to the next watch. */
  version: number;
  /** Jobs changed since `since` (all jobs when since is 0), newest first. */
  jobs: JobInfo[];
  /** Ids of jobs forgotten since `since` (finished jobs beyond the retention limit). */
  removed: string[];
}
