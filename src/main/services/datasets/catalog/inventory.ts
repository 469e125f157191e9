/**
 * The input files of an import with their size and mtime: what a re-import compares against the catalog to
 * decide whether anything changed (nothing: no file is read at all) and which probes it may reuse.
 * `coverScope` is the folder whose studies this import fully re-examines: a study inside it that the import
 * no longer finds is marked unavailable; studies outside it (other CAMUS patients) are left alone.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CAMUS_PATIENT_DIR } from '../detect-layout.ts';
import type { DetectedLayout } from '../detect-layout.ts';
import { mapPool } from '../pool.ts';
import { within } from './catalog-store.ts';

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export interface Inventory {
  files: Map<string, FileStat>;
  coverScope: string;
}

const LOOSE_FILE = /\.(nii|nii\.gz|mhd|mha|raw|zraw)$/i;
const MAX_DEPTH = 32;

async function list(dir: string): Promise<Array<{ name: string; dir: boolean; file: boolean }>> {
  try {
    return (await readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, dir: e.isDirectory(), file: e.isFile() }));
  } catch {
    return [];
  }
}

async function filesIn(dir: string, match: (name: string) => boolean = () => true): Promise<string[]> {
  return (await list(dir)).filter((e) => e.file && match(e.name)).map((e) => join(dir, e.name));
}

async function walk(dir: string, out: string[], depth: number): Promise<void> {
  if (depth > MAX_DEPTH) return;
  for (const e of await list(dir)) {
    const p = join(dir, e.name);
    if (e.dir) await walk(p, out, depth + 1);
    else if (e.file && LOOSE_FILE.test(e.name)) out.push(p);
  }
}

async function patientDirs(parent: string, scope: string): Promise<string[]> {
  return (await list(parent)).filter((e) => e.dir && CAMUS_PATIENT_DIR.test(e.name)).map((e) => join(parent, e.name)).filter((d) => within(d, scope) || within(scope, d));
}

export async function takeInventory(d: DetectedLayout): Promise<Inventory> {
  const paths: string[] = [];
  let coverScope = d.scope;
  switch (d.layout) {
    case 'echonet-dynamic':
      // FileList.csv lists every video, so an EchoNet import always covers the whole dataset.
      coverScope = d.root;
      paths.push(...(await filesIn(d.root, (n) => n === 'FileList.csv' || n === 'VolumeTracings.csv')));
      paths.push(...(await filesIn(join(d.root, 'Videos'), (n) => /\.avi$/i.test(n))));
      break;
    case 'camus-nifti':
    case 'camus-legacy': {
      const parents = d.layout === 'camus-nifti' ? [join(d.root, 'database_nifti')] : [join(d.root, 'training'), join(d.root, 'testing')];
      if (d.layout === 'camus-nifti') paths.push(...(await filesIn(join(d.root, 'database_split'), (n) => n.endsWith('.txt'))));
      for (const parent of parents) {
        for (const dir of await patientDirs(parent, d.scope)) {
          if (within(d.scope, dir)) coverScope = dir; // picked a folder inside one patient: that patient
          paths.push(...(await filesIn(dir)));
        }
      }
      break;
    }
    case 'loose':
      await walk(d.scope, paths, 0);
      break;
  }
  // The provenance manifest (provenance.ts) decides real vs synthetic: a change to it is a change.
  paths.push(...(await filesIn(d.root, (n) => n === 'manifest.json')));
  const stats = await mapPool(paths, 16, async (p) => {
    try {
      const st = await stat(p);
      return { size: st.size, mtimeMs: st.mtimeMs };
    } catch {
      return null; // vanished between listing and stat: the importer reports it
    }
  });
  const files = new Map<string, FileStat>();
  paths.forEach((p, i) => {
    const s = stats[i];
    if (s) files.set(p, s);
  });
  return { files, coverScope };
}
