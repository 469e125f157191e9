/** The job methods: status (with long polling), list and cancel, for every kind of job. */
import type { HandlersFor } from '../../shared/contract.ts';
import type { JobResults } from '../../shared/contract/jobs.ts';
import type { Services } from '../services/index.ts';

export function jobHandlers(services: Services): HandlersFor<keyof JobResults> {
  const { jobs } = services;
  return {
    'jobs.get': ({ jobId, afterVersion, waitMs }) => (afterVersion === undefined ? jobs.get(jobId) : jobs.wait(jobId, afterVersion, waitMs ?? 0)),
    'jobs.list': () => jobs.list(),
    'jobs.cancel': ({ jobId }) => jobs.cancel(jobId),
  };
}
