/**
 * The UI's view of jobs: one long-poll loop on `jobs.watch` per page, feeding a store that components
 * subscribe to. Each answer carries the jobs changed since the last version; the loop asks again at once.
 * A dropped connection is retried after a pause (the serve door reconnects by itself).
 */
import type { JobInfo } from '../../../shared/job-types.ts';
import { getApi } from '../api/get-api.ts';
import { Store } from '../viewport/store.ts';

export interface JobsState {
  /** Newest first. */
  jobs: JobInfo[];
  version: number;
  connected: boolean;
}

export const jobsStore = new Store<JobsState>({ jobs: [], version: 0, connected: false });

let running = false;

function merge(current: JobInfo[], changed: JobInfo[], removed: string[]): JobInfo[] {
  const byId = new Map(current.map((j) => [j.id, j]));
  for (const j of changed) byId.set(j.id, j);
  for (const id of removed) byId.delete(id);
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Starts the loop once per page; later calls do nothing. */
export function startJobsFeed(): void {
  if (running) return;
  running = true;
  void (async () => {
    let since = 0;
    for (;;) {
      try {
        const c = await getApi()['jobs.watch']({ since, timeoutMs: 25_000 });
        // A server restarted under us answers with a lower version: start over from its full list.
        const restarted = c.version < since;
        since = c.version;
        const s = jobsStore.get();
        jobsStore.set({ jobs: restarted ? c.jobs : merge(s.jobs, c.jobs, c.removed), version: c.version, connected: true });
      } catch {
        jobsStore.set({ connected: false });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
}
