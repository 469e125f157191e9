/**
 * Loose NIfTI (.nii, .nii.gz) and MetaImage (.mhd, .mha) files in a folder (recursive; .raw data files are
 * read through their headers). Each readable file is one study; a 3-D file's third axis is taken as slices
 * unless a 4-D file states time. Files named like label maps (_gt, seg, label, mask) report their values.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { DatasetImportResult, DatasetItemError, StudyRecord } from '../../../shared/dataset-types.ts';
import { toErrorData } from '../../../shared/errors.ts';
import { labelValuesOf, readVolume } from './label-values.ts';
import { isMetaImagePath } from './metaimage-reader.ts';
import { isNiftiPath } from './nifti-reader.ts';
import { contextTools } from './import-context.ts';
import type { ImportContext } from './import-context.ts';
import { mapPool } from './pool.ts';
import { fromVolume } from './sequence.ts';

const LABEL_NAME = /(_gt\b|_gt\.|seg|label|mask)/i;
const MAX_FILES = 100_000;

async function collect(dir: string, out: string[], errors: DatasetItemError[], depth: number): Promise<void> {
  if (depth > 32 || out.length >= MAX_FILES) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const d = toErrorData(err);
    errors.push({ path: dir, code: 'unreadable', message: `${dir}: cannot list folder (${d.message})` });
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await collect(p, out, errors, depth + 1);
    else if (e.isFile() && (isNiftiPath(p) || isMetaImagePath(p))) out.push(p);
  }
}

/** A loose file's study id: its format and a hash of its absolute path (stable while the file stays put). */
export function looseStudyId(format: 'nifti' | 'metaimage', path: string): string {
  return `${format}:${createHash('sha256').update(resolve(path)).digest('hex').slice(0, 16)}`;
}

export async function looseStudy(path: string): Promise<StudyRecord> {
  const v = await readVolume(path);
  const seq = fromVolume(v).summary;
  const isLabel = LABEL_NAME.test(basename(path));
  return {
    id: looseStudyId(v.format, path),
    dataset: 'loose',
    format: v.format,
    patient: null,
    view: null,
    sources: [{ role: 'image', path }],
    sequencePath: path,
    frames: seq.frames,
    rows: seq.rows,
    columns: seq.columns,
    frameRateHz: seq.frameRateHz,
    frameRateSource: seq.frameRateSource,
    edFrame: null, esFrame: null, ef: null, edv: null, esv: null, imageQuality: null, sex: null, age: null, split: null,
    labels: isLabel ? [{ kind: 'sequence-gt', path, frames: Array.from({ length: seq.frames }, (_, i) => i) }] : [],
    labelValues: isLabel ? labelValuesOf(v) : [],
    warnings: [],
  };
}

export async function importLoose(paths: string[], root: string, ctx?: ImportContext): Promise<DatasetImportResult> {
  const tools = contextTools(ctx);
  const errors: DatasetItemError[] = [];
  const files: string[] = [];
  for (const p of paths) {
    try {
      if ((await stat(p)).isDirectory()) await collect(p, files, errors, 0);
      else files.push(p);
    } catch (err) {
      const d = toErrorData(err);
      errors.push({ path: p, code: 'not-found', message: `${p}: cannot be read (${d.message})` });
    }
  }
  let done = 0;
  const results = await mapPool(files, 4, async (p) => {
    tools.checkpoint();
    let study: StudyRecord | null = null;
    const own: DatasetItemError[] = [];
    try {
      study = await tools.probe(p, 'loose-study', () => looseStudy(p));
    } catch (err) {
      const d = toErrorData(err);
      own.push({ path: p, code: d.kind, message: d.message.includes(p) ? d.message : `${p}: ${d.message}` });
    }
    errors.push(...own);
    tools.onItem({ study, errors: own });
    tools.progress(++done, files.length, basename(p));
    return study;
  });
  return { layout: 'loose', root, studies: results.filter((s): s is StudyRecord => s !== null), errors };
}
