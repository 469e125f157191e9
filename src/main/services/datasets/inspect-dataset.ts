/**
 * `inspect` for dataset formats: each path (a file or a folder) becomes items with the dataset fields where
 * known (patient, view, edFrame/esFrame 0-based, ef, imageQuality, sex, age, split, label values). A CAMUS
 * file is reported with its patient view's fields; an AVI inside an EchoNet tree with its FileList row and
 * tracings; other NIfTI/MetaImage files as plain `nifti`/`metaimage`. Folders are imported and listed.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { CardiacView, DatasetInspectItem, DatasetInspectResult, DatasetItemError, StudyRecord } from '../../../shared/dataset-types.ts';
import { toErrorData } from '../../../shared/errors.ts';
import { importCamus } from './camus-importer.ts';
import { detectLayout } from './detect-layout.ts';
import { importEchonet } from './echonet-importer.ts';
import { importDataset } from './import-dataset.ts';
import { labelValuesOf, readVolume } from './label-values.ts';
import { looseStudy } from './loose-importer.ts';
import { fromVolume } from './sequence.ts';

const CAMUS_FILE = /^(patient\d+)_(2CH|4CH)_(ED|ES|half_sequence|sequence)(_gt)?\.(nii\.gz|nii|mhd|mha)$/;

export function inspectItem(study: StudyRecord, path?: string): DatasetInspectItem {
  return {
    path: path ?? study.sequencePath ?? study.sources[0]?.path ?? '',
    format: study.format,
    frames: study.frames,
    rows: study.rows,
    columns: study.columns,
    frameRateHz: study.frameRateHz,
    frameRateSource: study.frameRateSource,
    dataType: null,
    patient: study.patient,
    view: study.view,
    edFrame: study.edFrame,
    esFrame: study.esFrame,
    ef: study.ef,
    imageQuality: study.imageQuality,
    sex: study.sex,
    age: study.age,
    split: study.split,
    labels: study.labelValues,
    warnings: study.warnings.map((w) => w.message),
  };
}

/** The importer's problems that are not some study's warnings: the items that could not be read. */
function failuresOnly(errors: DatasetItemError[], studies: StudyRecord[]): DatasetItemError[] {
  const warned = new Set(studies.flatMap((s) => s.warnings.map((w) => `${w.path}\u0000${w.message}`)));
  return errors.filter((e) => !warned.has(`${e.path}\u0000${e.message}`));
}

async function inspectFile(path: string): Promise<{ items: DatasetInspectItem[]; errors: DatasetItemError[] }> {
  const name = basename(path);
  const detected = await detectLayout(dirname(path));
  const camus = CAMUS_FILE.exec(name);
  if (camus && (detected.layout === 'camus-nifti' || detected.layout === 'camus-legacy')) {
    const r = await importCamus({ ...detected, scope: dirname(path) }, { views: [camus[2] as CardiacView] });
    const study = r.studies[0];
    const own = r.errors.filter((e) => e.path === path);
    if (!study || own.some((e) => e.code !== 'malformed' || !r.studies.length)) {
      return { items: [], errors: own.length ? own : r.errors };
    }
    // This file's own shape and, for a label map, its own values; the rest from its patient view.
    const v = await readVolume(path);
    const seq = fromVolume(v, { thirdAxisIsTime: /sequence/.test(camus[3]), frameRateHz: study.frameRateHz ?? undefined, frameRateSource: study.frameRateSource ?? undefined }).summary;
    const item = inspectItem(study, path);
    Object.assign(item, { frames: seq.frames, rows: seq.rows, columns: seq.columns, frameRateHz: seq.frameRateHz, frameRateSource: seq.frameRateSource, dataType: v.dataType });
    if (camus[4]) item.labels = labelValuesOf(v);
    return { items: [item], errors: failuresOnly(r.errors, r.studies) };
  }
  if (/\.avi$/i.test(name) && detected.layout === 'echonet-dynamic') {
    const key = name.replace(/\.avi$/i, '');
    const r = await importEchonet(detected, { only: new Set([key]) });
    if (!r.studies.length && !r.errors.some((e) => e.path === path)) {
      r.errors.push({ path, code: 'not-found', message: `${path}: not listed in ${join(detected.root, 'FileList.csv')}` });
    }
    // Only this video's problems: its FileList row, its tracing rows, its file.
    const mine = r.errors.filter((e) => e.path === path || e.message.includes(`${key}.avi`) || e.message.includes(`(${key})`));
    return { items: r.studies.map((s) => ({ ...inspectItem(s, path), dataType: 'uint8' })), errors: failuresOnly(mine, r.studies) };
  }
  if (/\.avi$/i.test(name)) {
    return { items: [], errors: [{ path, code: 'unsupported', message: `${path}: an AVI outside an EchoNet-Dynamic tree (no FileList.csv above it); open it in the viewer instead` }] };
  }
  const s = await looseStudy(path);
  const v = s.sequencePath ? await readVolume(path) : null;
  return { items: [{ ...inspectItem(s, path), dataType: v?.dataType ?? null }], errors: [] };
}

export async function inspectDatasetPaths(paths: string[]): Promise<DatasetInspectResult> {
  const out: DatasetInspectResult = { studies: [], errors: [] };
  for (const raw of paths) {
    const path = resolve(raw);
    try {
      if ((await stat(path)).isDirectory()) {
        const r = await importDataset(path);
        out.studies.push(...r.studies.map((s) => inspectItem(s)));
        out.errors.push(...failuresOnly(r.errors, r.studies));
      } else {
        const r = await inspectFile(path);
        out.studies.push(...r.items);
        out.errors.push(...r.errors);
      }
    } catch (err) {
      const d = toErrorData(err);
      out.errors.push({ path, code: d.kind, message: d.message.includes(path) ? d.message : `${path}: ${d.message}` });
    }
  }
  return out;
}
