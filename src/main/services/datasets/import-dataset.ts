/** Imports whatever dataset a picked folder belongs to (see detect-layout.ts for how it is recognised). */
import type { DatasetImportResult } from '../../../shared/dataset-types.ts';
import { AppError } from '../../../shared/errors.ts';
import { importCamus } from './camus-importer.ts';
import type { CamusImportOptions } from './camus-importer.ts';
import { detectLayout } from './detect-layout.ts';
import { importEchonet } from './echonet-importer.ts';
import { importLoose } from './loose-importer.ts';
import { stat } from 'node:fs/promises';

export interface ImportDatasetOptions {
  camus?: CamusImportOptions;
}

export async function importDataset(dir: string, options: ImportDatasetOptions = {}): Promise<DatasetImportResult> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch {
    throw new AppError('not-found', `${dir}: folder not found`);
  }
  if (!isDir) throw new AppError('invalid-argument', `${dir}: is a file; import takes a folder (the dataset root or a folder inside it)`);
  const detected = await detectLayout(dir);
  switch (detected.layout) {
    case 'camus-nifti':
    case 'camus-legacy':
      return importCamus(detected, options.camus);
    case 'echonet-dynamic':
      return importEchonet(detected);
    case 'loose':
      return importLoose([dir], dir);
  }
}
