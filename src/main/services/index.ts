/**
 * The services factory: everything the doors need, built once per process. Plain Node (no electron), so
 * Electron main, `serve` and the CLI construct the same thing.
 */
import { join } from 'node:path';
import { packageVersion } from '../paths.ts';
import { Catalog } from './datasets/catalog/index.ts';
import { DicomLibrary } from './dicom/index.ts';
import { FirstStart } from './first-start/index.ts';
import { InferenceService, studySources } from './inference/index.ts';
import { JobsService } from './jobs/index.ts';
import { LabelService } from './labels/index.ts';
import { ExportService } from './export/export-service.ts';

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
  /** Long-running work: imports, generation, export. */
  jobs: JobsService;
  /** The study catalog in <dataDir>/catalog.sqlite, opened on first use. */
  readonly catalog: Catalog;
  /** Model packs, the inference engine process, generation and its results. */
  inference: InferenceService;
  /** The first start: imports the embedded demo dataset at start, says what to open when nothing is. */
  firstStart: FirstStart;
  /** Dataset export as jobs (queue 'export'), previews, recipe files. */
  exports: ExportService;
  info: { name: string; version: string; defaultStudyPath: string; dataDir: string };
}

export const APP_NAME = 'Cardiosynth';

export function defaultStudyPath(resourcesDir: string): string {
  return join(resourcesDir, 'default-study');
}

export function createServices(opts: ServicesOptions): Services {
  const version = opts.version ?? packageVersion();
  const dicom = new DicomLibrary();
  const jobs = new JobsService();
  let catalog: Catalog | null = null;
  const openCatalog = (): Catalog => (catalog ??= new Catalog(opts.dataDir));
  // Drafts of catalog studies take their grid and ground truth from the catalog; generation resolves
  // "the label map of image I, frame F" through the drafts and the catalog (study-sources.ts).
  const labels = new LabelService(opts.dataDir, { catalog: openCatalog });
  const inference = new InferenceService({ resourcesDir: opts.resourcesDir, dataDir: opts.dataDir, version, jobs, dicom, studies: studySources(labels, openCatalog) });
  return {
    dicom,
    labels,
    jobs,
    get catalog(): Catalog {
      return openCatalog();
    },
    inference,
    firstStart: new FirstStart({ resourcesDir: opts.resourcesDir, dataDir: opts.dataDir, jobs, catalog: openCatalog }),
    exports: new ExportService({ jobs, dataDir: opts.dataDir, version, catalog: openCatalog, labels, inference }),
    info: { name: APP_NAME, version, defaultStudyPath: defaultStudyPath(opts.resourcesDir), dataDir: opts.dataDir },
  };
}
