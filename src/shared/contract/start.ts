/**
 * First start: what the workstation shows when a session has nothing open. The embedded demo dataset (phantom
 * hearts in the CAMUS layout, synthetic) is imported into the user's catalog as a job at start; the viewer
 * opens one of its studies at ED with its ground truth, and the Generate tab is ready to generate from it.
 * See ../contract.ts for how the parts are joined.
 */
import { z } from 'zod';
import type { JobInfo } from '../job-types.ts';

export interface DemoDataset {
  /** Its folder (resources/phantom-camus): only read; the catalog references its files. */
  root: string;
  /**
   * ready: in the catalog. importing: its import job runs (follow `job`). removed: the user removed it from
   * the catalog, so it is not imported at start (remembered in the data folder). failed: the import failed
   * (`message`). missing: this installation has no demo dataset.
   */
  state: 'ready' | 'importing' | 'removed' | 'failed' | 'missing';
  /** Its catalog dataset, once imported. */
  datasetId: number | null;
  /** The import job this process started, if any (running, or how it ended). */
  job: JobInfo | null;
  message: string | null;
}

export interface StartPlan {
  demo: DemoDataset;
  /** The study to open first, at its end-diastolic frame: a 4CH study of good quality from the demo dataset,
   * or null while it is not ready (then the embedded DICOM default study is the fallback). */
  study: { id: string; phase: 'ED' } | null;
}

export const startMethods = {
  /** What to show on a start with nothing open; starts the demo dataset's import when it is due. */
  'start.plan': { args: z.object({}).strict() },
  /** Imports the demo dataset again after the user removed it (forgets the removal); follow the job. */
  'start.addDemo': { args: z.object({}).strict() },
} as const;

export interface StartResults {
  'start.plan': StartPlan;
  'start.addDemo': JobInfo;
}
