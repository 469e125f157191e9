/**
 * The contract's method names and IPC channels, without zod. The sandboxed preload imports this file: a
 * sandboxed preload may require only 'electron', and electron-vite leaves npm dependencies external, so
 * anything the preload imports must be dependency-free. The type-only import below is erased at build time;
 * it exists so the compiler refuses a METHOD_NAMES that drifts from the contract.
 */
import type { contract } from './contract.ts';

export const METHOD_NAMES = [
  'app.info',
  'studies.open',
  'studies.openDefault',
  'studies.list',
  'dialog.pickPaths',
  'instance.frame',
  'instance.tags',
  'instance.thumbnail',
  'labels.draft',
  'labels.get',
  'labels.put',
  'labels.list',
  'labels.discard',
  'labels.import',
  'labels.export',
  'labels.packPalette',
  'catalog.import',
  'catalog.query',
  'catalog.facets',
  'catalog.datasets',
  'catalog.datasetIssues',
  'catalog.removeDataset',
  'catalog.study',
  'catalog.open',
  'catalog.frame',
  'catalog.labelMap',
  'catalog.tracings',
  'catalog.thumbnail',
  'packs.list',
  'packs.addFolder',
  'packs.removeFolder',
  'inference.status',
  'inference.release',
  'conditioning.preview',
  'generate.start',
  'results.list',
  'results.image',
  'results.compare',
  'results.keep',
  'results.discard',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'jobs.watch',
  'start.plan',
  'start.addDemo',
  'export.start',
  'export.preview',
  'export.folder',
  'export.loadRecipe',
  'export.saveRecipe',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

/** Every IPC channel starts with this, so main and preload can refuse anything else. */
export const CHANNEL_PREFIX = 'cardiosynth:';

/** The IPC channel for a method. */
export const channelOf = (m: MethodName): string => `${CHANNEL_PREFIX}${m}`;

// Compile-time proof that METHOD_NAMES lists exactly the contract's methods (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _methodNamesMatchContract: Same<MethodName, keyof typeof contract> = true;
