/**
 * The services factory: everything the doors need, built once per process. Plain Node (no electron), so
 * Electron main, `serve` and the CLI construct the same thing.
 */
import { join } from 'node:path';
import { packageVersion } from '../paths.ts';
import { DicomLibrary } from './dicom/index.ts';
import { InferenceService } from './inference/index.ts';
import { JobsService } from './jobs/index.ts';

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
  jobs: JobsService;
  inference: InferenceService;
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
  return {
    dicom,
    jobs,
    inference: new InferenceService({ resourcesDir: opts.resourcesDir, dataDir: opts.dataDir, version, jobs, dicom }),
    info: { name: APP_NAME, version, defaultStudyPath: defaultStudyPath(opts.resourcesDir), dataDir: opts.dataDir },
  };
}
