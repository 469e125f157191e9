/**
 * Follows a job (see shared/job-types.ts) by long-polling `jobs.get`: each call returns as soon as the job
 * changes, or after a few seconds with no change, so progress shows promptly without a busy loop.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobStatus } from '../../../shared/job-types.ts';
import { getApi } from '../api/get-api.ts';

const WAIT_MS = 5000;

export interface JobFollower {
  job: JobStatus | null;
  /** Follows a job that was just started (its first status). */
  follow: (first: JobStatus) => void;
  cancel: () => void;
  /** Forgets a finished job (hides its summary). */
  clear: () => void;
}

export function useJob(onFinished?: (job: JobStatus) => void): JobFollower {
  const [job, setJob] = useState<JobStatus | null>(null);
  const following = useRef<string | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  const follow = useCallback((first: JobStatus) => {
    following.current = first.id;
    setJob(first);
    void (async () => {
      let s = first;
      while (s.state === 'running' && following.current === first.id) {
        try {
          s = await getApi()['jobs.get']({ jobId: first.id, afterVersion: s.version, waitMs: WAIT_MS });
        } catch (err) {
          s = { ...s, state: 'failed', error: { kind: 'internal', message: `lost track of the job: ${err instanceof Error ? err.message : String(err)}` } };
        }
        if (following.current === first.id) setJob(s);
      }
      if (following.current === first.id) finished.current?.(s);
    })();
  }, []);

  const cancel = useCallback(() => {
    const id = following.current;
    if (id) void getApi()['jobs.cancel']({ jobId: id }).catch(() => undefined);
  }, []);

  const clear = useCallback(() => {
    following.current = null;
    setJob(null);
  }, []);

  useEffect(() => () => void (following.current = null), []);
  return { job, follow, cancel, clear };
}
