/**
 * Binds each contract method to the services: one set of handlers serves every door. Each domain's handlers
 * live in their own file under handlers/; this file joins them.
 */
import type { ApiHandlers, Door } from '../shared/contract.ts';
import { labelHandlers } from './handlers/labels.ts';
import { catalogHandlers } from './handlers/catalog.ts';
import { studyHandlers } from './handlers/studies.ts';
import { inferenceHandlers } from './handlers/inference.ts';
import { jobHandlers } from './handlers/jobs.ts';
import { startHandlers } from './handlers/start.ts';
import { exportHandlers } from './handlers/export.ts';
import type { Services } from './services/index.ts';

export function createHandlers(services: Services, door: Door): ApiHandlers {
  return {
    ...studyHandlers(services, door),
    ...labelHandlers(services),
    ...jobHandlers(services),
    ...catalogHandlers(services),
    ...inferenceHandlers(services),
    ...startHandlers(services),
    ...exportHandlers(services),
  };
}
