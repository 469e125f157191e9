/** The jobs service: list, get, cancel, and the long-poll change feed. */
import type { HandlersFor } from '../../shared/contract.ts';
import type { JobResults } from '../../shared/contract/jobs.ts';
import type { Services } from '../services/index.ts';

export function jobHandlers(services: Services): HandlersFor<keyof JobResults> {
  const { jobs } = services;
  return {
    'jobs.list': () => jobs.list(),
    'jobs.get': ({ id, afterVersion, waitMs }) => (afterVersion === undefined ? jobs.get(id) : jobs.waitForChange(id, afterVersion, waitMs ?? 0)),
    'jobs.cancel': ({ id }) => jobs.cancel(id),
    'jobs.watch': ({ since, timeoutMs }) => jobs.watch(since, timeoutMs),
  };
}
