/**
 * What every door (the app, `serve`, the CLI) plugs into an export besides the recipe: generated-results
 * folders as sources, the study catalog (its studies as a source, its dataset folders as places an export never
 * writes into), the user's label drafts, and the generators (the phantom; model packs on an engine).
 */
import type { Catalog } from '../datasets/catalog/index.ts';
import type { DiffusionEngine } from './diffusion-generator.ts';
import { exportGenerators } from './export-generators.ts';
import type { ExportOptions } from './runner.ts';
import { catalogSources } from './sources/catalog-source.ts';
import type { DraftReader } from './sources/label-drafts.ts';
import { resultSources } from './sources/results-source.ts';

export interface ExportDoor {
  /** The study catalog of the data folder; opened when a recipe or the output guard needs it. */
  catalog?: () => Catalog;
  /** The label drafts of the data folder. */
  drafts?: DraftReader;
  /** The engine model packs run on; without it, diffusion recipes are refused with a message. */
  engine?: () => DiffusionEngine;
}

export type DoorOptions = Pick<ExportOptions, 'resolvers' | 'catalogSources' | 'drafts' | 'protectedRoots' | 'createGenerator'>;

export function doorOptions(door: ExportDoor, baseDir: string): DoorOptions {
  const catalog = door.catalog;
  return {
    resolvers: [resultSources],
    catalogSources: catalog ? (spec) => catalogSources(catalog(), spec) : undefined,
    drafts: door.drafts,
    protectedRoots: catalog ? () => catalogRoots(catalog) : undefined,
    createGenerator: exportGenerators(door.engine ?? null, baseDir),
  };
}

/** The dataset folders the catalog knows: never written into. */
export function catalogRoots(catalog: () => Catalog): string[] {
  return catalog().store.datasets().map((d) => d.root);
}
