/**
 * The services factory: everything the doors need, built once per process. Plain Node (no electron), so
 * Electron main, `serve` and the CLI construct the same thing.
 */
import { join } from 'node:path';
import { packageVersion } from '../paths.ts';
import { Catalog } from './datasets/catalog/index.ts';
import { DicomLibrary } from './dicom/index.ts';
import { LabelService } from './labels/index.ts';
import { JobRegistry } from './jobs/index.ts';

export interface ServicesOptions {
  /** The resources/ folder: the embedded default study lives in resources/default-study. */
  resourcesDir: string;
  /** The user's data folder (paths.ts userDataDir()): catalog, drafts, results. Created on first use. */
  dataDir: string;
  /** The app's version: Electron's app.getVersion(); package.json's when absent. */
  version?: string;
}

export interface Services {
  dicom: DicomLibrary;
  /** Label-map drafts (catalog.sqlite, component 'labels') and label files. */
  labels: LabelService;
  /** Long-running work (imports; later generation and export). */
  jobs: JobRegistry;
  /** The study catalog in <dataDir>/catalog.sqlite, opened on first use. */
  readonly catalog: Catalog;
  info: { name: string; version: string; defaultStudyPath: string; dataDir: string };
}

export const APP_NAME = 'Cardiosynth';

export function defaultStudyPath(resourcesDir: string): string {
  return join(resourcesDir, 'default-study');
}

export function createServices(opts: ServicesOptions): Services {
  let catalog: Catalog | null = null;
  return {
    dicom: new DicomLibrary(),
    labels: new LabelService(opts.dataDir),
    jobs: new JobRegistry(),
    get catalog(): Catalog {
      catalog ??= new Catalog(opts.dataDir);
      return catalog;
    },
    info: { name: APP_NAME, version: opts.version ?? packageVersion(), defaultStudyPath: defaultStudyPath(opts.resourcesDir), dataDir: opts.dataDir },
  };
}
