/**
 * Finds which dataset a folder belongs to, from the dataset root or any folder inside it, by walking up
 * towards the file-system root and looking for each layout's markers:
 *   CAMUS 2023     a folder holding `database_nifti/` (or `database_nifti` itself)
 *   CAMUS legacy   a folder holding `training/` or `testing/` with `patientNNNN/` folders inside
 *   EchoNet        a folder holding `FileList.csv`
 * Anything else is a folder of loose files. `scope` is the picked folder: importers limit themselves to it
 * where that makes sense (one CAMUS patient), and read shared files (splits, CSVs) from `root`.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { DatasetLayout } from '../../../shared/dataset-types.ts';

export interface DetectedLayout {
  layout: DatasetLayout;
  root: string;
  scope: string;
}

const MAX_UP = 8;
export const CAMUS_PATIENT_DIR = /^patient\d+$/;

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function holdsPatients(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => CAMUS_PATIENT_DIR.test(n));
  } catch {
    return false;
  }
}

export async function detectLayout(picked: string): Promise<DetectedLayout> {
  const scope = resolve(picked);
  let cur = scope;
  for (let i = 0; i <= MAX_UP; i++) {
    if (await isDir(join(cur, 'database_nifti'))) return { layout: 'camus-nifti', root: cur, scope };
    if (basename(cur) === 'database_nifti') return { layout: 'camus-nifti', root: dirname(cur), scope };
    if (await isFile(join(cur, 'FileList.csv'))) return { layout: 'echonet-dynamic', root: cur, scope };
    if ((await holdsPatients(join(cur, 'training'))) || (await holdsPatients(join(cur, 'testing')))) return { layout: 'camus-legacy', root: cur, scope };
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return { layout: 'loose', root: scope, scope };
}
