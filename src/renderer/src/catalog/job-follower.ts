/**
 * Follows a job (see shared/job-types.ts) outside React by long-polling `jobs.get`: each call returns as soon
 * as the job changes, or after a few seconds with no change. Its store outlives the panel that started the
 * job, so switching tabs mid-import and coming back still shows the progress and then the result.
 */
import type { JobInfo } from '../../../shared/job-types.ts';
import { getApi } from '../api/get-api.ts';
import { Store } from '../viewport/store.ts';

const WAIT_MS = 5000;

export class JobFollower {
  readonly store = new Store<{ job: JobInfo | null }>({ job: null });
  private following: string | null = null;
  private readonly finished = new Set<(job: JobInfo) => void>();

  /** Calls `fn` when a followed job ends (succeeded, failed or cancelled); returns the remover. */
  onFinished(fn: (job: JobInfo) => void): () => void {
    this.finished.add(fn);
    return () => this.finished.delete(fn);
  }

  /** Follows a job that was just started (its first status), replacing any earlier one. */
  follow(first: JobInfo): void {
    const id = first.id;
    this.following = id;
    this.store.set({ job: first });
    void (async () => {
      let s = first;
      while ((s.state === 'running' || s.state === 'queued') && this.following === id) {
        try {
          s = await getApi()['jobs.get']({ id, afterVersion: s.version, waitMs: WAIT_MS });
        } catch (err) {
          s = { ...s, state: 'failed', error: { kind: 'internal', message: `lost track of the job: ${err instanceof Error ? err.message : String(err)}` } };
        }
        if (this.following === id) this.store.set({ job: s });
      }
      if (this.following === id) for (const fn of this.finished) fn(s);
    })();
  }

  cancel(): void {
    const job = this.store.get().job;
    if (job?.state === 'running' || job?.state === 'queued') void getApi()['jobs.cancel']({ id: job.id }).catch(() => undefined);
  }

  /** Forgets a finished job (hides its result). */
  clear(): void {
    const state = this.store.get().job?.state;
    if (state === 'running' || state === 'queued') return;
    this.following = null;
    this.store.set({ job: null });
  }
}
