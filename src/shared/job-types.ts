/**
 * Long-running work (dataset imports today; generation and export later) runs as a job: a method starts it
 * and returns its status at once, and the UI follows it with `jobs.get`, long-polling on `version`. Pure
 * data: statuses cross IPC, the WebSocket and CLI JSON.
 */
import type { ErrorData } from './errors.ts';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  /** Items finished so far. */
  done: number;
  /** Items in all, when known. */
  total: number | null;
  /** What the job is doing now, for a person ("Reading Videos/0X1A...avi"). */
  message: string;
}

export interface JobStatus {
  id: string;
  /** What kind of job this is, e.g. `catalog.import`; tells the UI how to read `result`. */
  kind: string;
  /** A one-line description for lists ("Import /data/CAMUS"). */
  title: string;
  state: JobState;
  progress: JobProgress;
  startedAt: string;
  finishedAt: string | null;
  /** Counts up on every change; `jobs.get` with `afterVersion` waits for the next one. */
  version: number;
  /** The job's result once `state` is `done` (its type depends on `kind`); null before. */
  result: unknown;
  /** Why it failed (`failed`) or that it was cancelled (`cancelled`); null otherwise. */
  error: ErrorData | null;
}
