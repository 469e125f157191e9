/**
 * The API contract: written once, used by every door. Electron IPC (main + preload), the loopback `serve`
 * WebSocket and the CLI all derive their method lists, argument validation and result types from here.
 *
 * The methods live in one file per domain under contract/ (studies.ts, ...); this file joins them.
 * Adding a method: add its schema and result type to its domain file (a new domain: spread its methods into
 * `contract` and intersect `ApiResults` with its results), its name to channels.ts, and its handler under
 * src/main/handlers/. The preload, the WebSocket client and the type of `window.api` follow by themselves.
 */
import type { z } from 'zod';
import { labelMethods, type LabelResults } from './contract/labels.ts';
import { catalogMethods, type CatalogResults } from './contract/catalog.ts';
import { studyMethods, type StudyResults } from './contract/studies.ts';
import { inferenceMethods, type InferenceResults } from './contract/inference.ts';
import { jobMethods, type JobResults } from './contract/jobs.ts';
import { startMethods, type StartResults } from './contract/start.ts';
import { exportMethods, type ExportResults } from './contract/export.ts';

export type { AppInfo, Door } from './contract/studies.ts';

export const contract = {
  ...studyMethods,
  ...labelMethods,
  ...jobMethods,
  ...catalogMethods,
  ...inferenceMethods,
  ...startMethods,
  ...exportMethods,
} as const;

/** Each method's result type, by method name. */
export type ApiResults = StudyResults & LabelResults & JobResults & CatalogResults & InferenceResults & StartResults & ExportResults;

export type Method = keyof typeof contract;
export const METHODS = Object.keys(contract) as Method[];
export type ApiArgs<M extends Method> = z.infer<(typeof contract)[M]['args']>;

/** What the renderer sees as `window.api`, whichever door it is behind. */
export type Api = { [M in Method]: (args: ApiArgs<M>) => Promise<ApiResults[M]> };

/** What main implements once; every door calls these. */
export type ApiHandlers = { [M in Method]: (args: ApiArgs<M>) => ApiResults[M] | Promise<ApiResults[M]> };

/** Handlers for a subset of the methods (one domain's file under src/main/handlers/). */
export type HandlersFor<K extends Method> = Pick<ApiHandlers, K>;

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** The IPC channel for a method (defined zod-free in channels.ts so the sandboxed preload can import it). */
export { channelOf, CHANNEL_PREFIX, METHOD_NAMES } from './channels.ts';
