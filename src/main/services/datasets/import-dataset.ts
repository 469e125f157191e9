/** Imports whatever dataset a picked folder belongs to (see detect-layout.ts for how it is recognised). */
import type { DatasetImportResult } from '../../../shared/dataset-types.ts';
import { AppError } from '../../../shared/errors.ts';
import { importCamus } from './camus-importer.ts';
import type { CamusImportOptions } from './camus-importer.ts';
import { detectLayout } from './detect-layout.ts';
import type { DetectedLayout } from './detect-layout.ts';
import type { ImportContext } from './import-context.ts';
import { importEchonet } from './echonet-importer.ts';
import { importLoose } from './loose-importer.ts';
import { stat } from 'node:fs/promises';

export interface ImportDatasetOptions {
  camus?: CamusImportOptions;
  ctx?: ImportContext;
  /** The layout, when the caller already detected it. */
  detected?: DetectedLayout;
}

/** The folder a user picked, checked: it must exist and be a folder. */
export async function checkImportFolder(dir: string): Promise<void> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new AppError('not-found', `${dir}: folder not found`);
  }
  if (!isDir) throw new AppError('invalid-argument', `${dir}: is a file; import takes a folder (the dataset root or a folder inside it)`);
}

export async function importDataset(dir: string, options: ImportDatasetOptions = {}): Promise<DatasetImportResult> {
  await checkImportFolder(dir);
  const detected = options.detected ?? (await detectLayout(dir));
  switch (detected.layout) {
    case 'camus-nifti':
    case 'camus-legacy':
      return importCamus(detected, { ...options.camus, ctx: options.ctx });
    case 'echonet-dynamic':
      return importEchonet(detected, { ctx: options.ctx });
    case 'loose':
      return importLoose([detected.scope], detected.scope, options.ctx);
  }
}
