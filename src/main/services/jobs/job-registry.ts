/**
 * The session's jobs: long-running work started by a domain service (a catalog import; later generation and
 * export) that reports progress, can be cancelled, and ends with a result or an error. One registry per
 * process, shared by every door. Callers follow a job by long-polling `wait(id, afterVersion)`, which
 * resolves on the job's next change, so the UI sees progress promptly without a busy poll.
 *
 * Cancellation is cooperative: `cancel` aborts the job's AbortSignal and the work stops at its next
 * checkpoint (`ctx.checkpoint()` throws a 'cancelled' AppError), keeping whatever it had committed.
 */
import { randomUUID } from 'node:crypto';
import { AppError, toErrorData } from '../../../shared/errors.ts';
import type { JobProgress, JobStatus } from '../../../shared/job-types.ts';

export interface JobContext {
  readonly signal: AbortSignal;
  /** Reports progress; cheap to call often (listeners are woken at most every `notifyMs`). */
  progress(done: number, total: number | null, message: string): void;
  /** Throws AppError('cancelled') once the job was cancelled. */
  checkpoint(): void;
}

interface Entry {
  status: JobStatus;
  controller: AbortController;
  waiters: Set<() => void>;
  lastNotify: number;
  pendingNotify: ReturnType<typeof setTimeout> | null;
}

export interface JobRegistryOptions {
  /** Finished jobs kept for `get`/`list`; older ones are forgotten. */
  keepFinished?: number;
  /** Least time between wake-ups for progress-only changes. */
  notifyMs?: number;
}

export class JobRegistry {
  private readonly jobs = new Map<string, Entry>();
  private readonly keepFinished: number;
  private readonly notifyMs: number;

  constructor(opts: JobRegistryOptions = {}) {
    this.keepFinished = opts.keepFinished ?? 50;
    this.notifyMs = opts.notifyMs ?? 100;
  }

  /** Starts `run` now and returns its first status. `run`'s result becomes the job's `result`. */
  start<R>(kind: string, title: string, run: (ctx: JobContext) => Promise<R>): JobStatus {
    const id = `job-${randomUUID()}`;
    const entry: Entry = {
      status: { id, kind, title, state: 'running', progress: { done: 0, total: null, message: 'Starting' }, startedAt: new Date().toISOString(), finishedAt: null, version: 1, result: null, error: null },
      controller: new AbortController(),
      waiters: new Set(),
      lastNotify: 0,
      pendingNotify: null,
    };
    this.jobs.set(id, entry);
    const ctx: JobContext = {
      signal: entry.controller.signal,
      progress: (done, total, message) => this.progress(entry, { done, total, message }),
      checkpoint: () => {
        if (entry.controller.signal.aborted) throw new AppError('cancelled', `${title}: cancelled`);
      },
    };
    // Run after returning, so a synchronous throw inside `run` still ends as a failed job, not a thrown call.
    void Promise.resolve()
      .then(() => run(ctx))
      .then(
        (result) => this.finish(entry, entry.controller.signal.aborted ? 'cancelled' : 'done', result, entry.controller.signal.aborted ? { kind: 'cancelled', message: `${title}: cancelled` } : null),
        (err: unknown) => {
          const e = toErrorData(err);
          this.finish(entry, e.kind === 'cancelled' ? 'cancelled' : 'failed', null, e);
        },
      );
    return this.snapshot(entry);
  }

  get(id: string): JobStatus {
    return this.snapshot(this.entry(id));
  }

  list(): JobStatus[] {
    return [...this.jobs.values()].map((e) => this.snapshot(e)).reverse();
  }

  /** Resolves with the job's status once its version is above `afterVersion`, or after `waitMs`. */
  async wait(id: string, afterVersion: number, waitMs: number): Promise<JobStatus> {
    const entry = this.entry(id);
    if (entry.status.version > afterVersion || waitMs <= 0) return this.snapshot(entry);
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        entry.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      entry.waiters.add(done);
    });
    return this.snapshot(entry);
  }

  cancel(id: string): JobStatus {
    const entry = this.entry(id);
    if (entry.status.state === 'running' && !entry.controller.signal.aborted) {
      entry.controller.abort();
      this.bump(entry, { progress: { ...entry.status.progress, message: 'Cancelling' } }, true);
    }
    return this.snapshot(entry);
  }

  /** Resolves when the job has finished (for the CLI and tests). */
  async settled(id: string): Promise<JobStatus> {
    let s = this.get(id);
    while (s.state === 'running') s = await this.wait(id, s.version, 60_000);
    return s;
  }

  private entry(id: string): Entry {
    const e = this.jobs.get(id);
    if (!e) throw new AppError('not-found', `no job has id ${id} (jobs are kept for this session only)`);
    return e;
  }

  private snapshot(e: Entry): JobStatus {
    return { ...e.status, progress: { ...e.status.progress } };
  }

  private progress(entry: Entry, progress: JobProgress): void {
    if (entry.status.state !== 'running') return;
    this.bump(entry, { progress }, false);
  }

  private finish(entry: Entry, state: JobStatus['state'], result: unknown, error: JobStatus['error']): void {
    this.bump(entry, { state, result, error, finishedAt: new Date().toISOString() }, true);
    this.prune();
  }

  private bump(entry: Entry, patch: Partial<JobStatus>, urgent: boolean): void {
    entry.status = { ...entry.status, ...patch, version: entry.status.version + 1 };
    const now = Date.now();
    if (urgent || now - entry.lastNotify >= this.notifyMs) {
      if (entry.pendingNotify) clearTimeout(entry.pendingNotify);
      entry.pendingNotify = null;
      entry.lastNotify = now;
      for (const w of [...entry.waiters]) w();
    } else if (!entry.pendingNotify) {
      // A burst of progress: wake waiters once at the end of the interval with the latest state.
      entry.pendingNotify = setTimeout(() => {
        entry.pendingNotify = null;
        entry.lastNotify = Date.now();
        for (const w of [...entry.waiters]) w();
      }, this.notifyMs - (now - entry.lastNotify));
    }
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((e) => e.status.state !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(e.status.id);
  }
}
