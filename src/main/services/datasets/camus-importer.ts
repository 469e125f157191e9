/**
 * CAMUS importers. 2023 NIfTI release:
 *   database_nifti/patientNNNN/Info_{2CH,4CH}.cfg
 *   database_nifti/patientNNNN/patientNNNN_{2CH,4CH}_{ED,ES}[_gt].nii.gz, ..._half_sequence[_gt].nii.gz
 *   database_split/subgroup_{training,validation,testing}.txt (one patient name per line)
 * Legacy MetaImage release: {training,testing}/patientNNNN/ with ..._{ED,ES}[_gt].mhd/.raw and
 * ..._sequence.mhd/.raw; cfg keys LVedv, LVesv, LVef; the folder gives the split.
 *
 * One study per patient view. A view is imported whole or not at all: if any of its image files cannot be
 * read (truncated .nii.gz, wrong DimSize, missing .raw), the view is reported and left out, so a catalog
 * never holds half a study. Problems that lose only a field (a malformed cfg line) are warnings.
 */
import { access, readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { DEFAULT_FRAME_RATE_HZ } from '../../../shared/dicom-types.ts';
import type { CardiacView, DatasetImportResult, DatasetItemError, DatasetSplit, LabelMapRef, StudyRecord, StudySource } from '../../../shared/dataset-types.ts';
import { toErrorData } from '../../../shared/errors.ts';
import { readCamusCfg } from './camus-cfg.ts';
import type { CamusCfg } from './camus-cfg.ts';
import { CAMUS_PATIENT_DIR } from './detect-layout.ts';
import type { DetectedLayout } from './detect-layout.ts';
import { labelValuesOf, mergeValues, readVolume } from './label-values.ts';
import { contextTools } from './import-context.ts';
import type { ImportContext, Prober } from './import-context.ts';
import { mapPool } from './pool.ts';
import { readMetaImage } from './metaimage-reader.ts';
import { readNiftiHeader } from './nifti-reader.ts';

export interface CamusImportOptions {
  /** Read every image fully: validates data length and finds label values. Off: headers only (NIfTI). */
  deep?: boolean;
  concurrency?: number;
  /** Only these views (inspect of a single file). */
  views?: CardiacView[];
  ctx?: ImportContext;
}

const VIEWS: CardiacView[] = ['2CH', '4CH'];
const SPLIT_FILES: Array<[string, DatasetSplit]> = [['subgroup_training.txt', 'train'], ['subgroup_validation.txt', 'val'], ['subgroup_testing.txt', 'test']];

const within = (a: string, b: string): boolean => a === b || a.startsWith(b + sep);

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

async function patientDirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && CAMUS_PATIENT_DIR.test(e.name)).map((e) => join(dir, e.name)).sort();
  } catch {
    return [];
  }
}

async function readSplits(root: string, errors: DatasetItemError[]): Promise<Map<string, DatasetSplit>> {
  const map = new Map<string, DatasetSplit>();
  for (const [file, split] of SPLIT_FILES) {
    const p = join(root, 'database_split', file);
    let text: string;
    try {
      text = await readFile(p, 'utf8');
    } catch {
      continue; // a release without split files: splits stay unknown
    }
    text.split(/\r?\n/).forEach((line, i) => {
      const name = line.trim();
      if (!name) return;
      if (!CAMUS_PATIENT_DIR.test(name)) {
        errors.push({ path: p, code: 'malformed', message: `${p}: line ${i + 1}: "${name.slice(0, 40)}" is not a patient name (patientNNNN)` });
        return;
      }
      const before = map.get(name);
      if (before && before !== split) errors.push({ path: p, code: 'malformed', message: `${p}: ${name} is also listed in the ${before} split; keeping ${before}` });
      else map.set(name, split);
    });
  }
  return map;
}

interface ViewFiles {
  sequence: string;
  sequenceGt: string | null;
  ED: string;
  ES: string;
  ED_gt: string;
  ES_gt: string;
}

function viewFiles(dir: string, patient: string, view: CardiacView, legacy: boolean): ViewFiles {
  const base = join(dir, `${patient}_${view}`);
  const ext = legacy ? '.mhd' : '.nii.gz';
  return {
    sequence: `${base}_${legacy ? 'sequence' : 'half_sequence'}${ext}`,
    sequenceGt: legacy ? null : `${base}_half_sequence_gt${ext}`,
    ED: `${base}_ED${ext}`, ES: `${base}_ES${ext}`, ED_gt: `${base}_ED_gt${ext}`, ES_gt: `${base}_ES_gt${ext}`,
  };
}

async function dimsOf(path: string, deep: boolean): Promise<{ dims: number[]; labels: number[] | null }> {
  if (deep) {
    const v = await readVolume(path);
    return { dims: v.dims, labels: /_gt\.(nii\.gz|nii|mhd|mha)$/i.test(path) ? labelValuesOf(v) : null };
  }
  if (/\.(mhd|mha)$/i.test(path)) return { dims: (await readMetaImage(path)).dims, labels: null };
  return { dims: (await readNiftiHeader(path)).dims, labels: null };
}

async function importView(dir: string, patient: string, view: CardiacView, legacy: boolean, split: DatasetSplit | null, deep: boolean, probe: Prober): Promise<{ study: StudyRecord | null; errors: DatasetItemError[] }> {
  const files = viewFiles(dir, patient, view, legacy);
  const cfgPath = join(dir, `Info_${view}.cfg`);
  const candidates: Array<[StudySource['role'], string | null]> = [
    ['sequence', files.sequence], ['sequence_gt', files.sequenceGt], ['ED', files.ED], ['ES', files.ES], ['ED_gt', files.ED_gt], ['ES_gt', files.ES_gt],
  ];
  const present: StudySource[] = [];
  for (const [role, p] of candidates) if (p && (await exists(p))) present.push({ role, path: p });
  const hasCfg = await exists(cfgPath);
  if (present.length === 0 && !hasCfg) return { study: null, errors: [] };
  const warnings: DatasetItemError[] = [];
  const fatal: DatasetItemError[] = [];
  let cfg: CamusCfg | null = null;
  if (hasCfg) {
    try {
      const r = await probe(cfgPath, 'camus-cfg', () => readCamusCfg(cfgPath));
      cfg = r.cfg;
      warnings.push(...r.errors);
    } catch (err) {
      const d = toErrorData(err);
      warnings.push({ path: cfgPath, code: d.kind, message: d.message });
    }
  } else {
    warnings.push({ path: cfgPath, code: 'not-found', message: `${cfgPath}: missing: ED/ES, EF and clinical fields of ${patient} ${view} are unknown` });
  }
  if (present.length === 0) {
    fatal.push({ path: dir, code: 'not-found', message: `${dir}: ${patient} ${view} has ${cfgPath} but no image files (expected ${files.sequence})` });
    return { study: null, errors: [...warnings, ...fatal] };
  }
  const dims = new Map<string, number[]>();
  let labelValues: number[] = [];
  for (const s of present) {
    try {
      const r = await probe(s.path, deep ? 'camus-volume-deep' : 'camus-volume-head', () => dimsOf(s.path, deep));
      dims.set(s.role, r.dims);
      if (r.labels) labelValues = mergeValues(labelValues, r.labels);
    } catch (err) {
      const d = toErrorData(err);
      fatal.push({ path: s.path, code: d.kind, message: d.message.includes(s.path) ? d.message : `${s.path}: ${d.message}` });
    }
  }
  if (fatal.length) {
    fatal.push({ path: dir, code: 'malformed', message: `${dir}: ${patient} ${view} not imported: ${fatal.length} of its files cannot be read` });
    return { study: null, errors: [...warnings, ...fatal] };
  }
  const seqDims = dims.get('sequence');
  if (!seqDims) warnings.push({ path: files.sequence, code: 'not-found', message: `${files.sequence}: missing: ${patient} ${view} has no cine` });
  const frames = seqDims ? (seqDims[2] ?? 1) : null;
  const shape = seqDims ?? dims.get('ED') ?? dims.get('ES') ?? [...dims.values()][0];
  const gtDims = dims.get('sequence_gt');
  if (seqDims && gtDims && gtDims.join('x') !== seqDims.join('x')) {
    warnings.push({ path: files.sequenceGt ?? '', code: 'malformed', message: `${files.sequenceGt}: shape [${gtDims.join(', ')}] differs from the sequence's [${seqDims.join(', ')}]` });
  }
  if (cfg?.nbFrame != null && frames !== null && cfg.nbFrame !== frames) {
    warnings.push({ path: cfgPath, code: 'malformed', message: `${cfgPath}: NbFrame = ${cfg.nbFrame} but ${files.sequence} has ${frames} frames` });
  }
  const ed = cfg?.ed != null ? cfg.ed - 1 : null;
  const es = cfg?.es != null ? cfg.es - 1 : null;
  const labels: LabelMapRef[] = [];
  for (const s of present) {
    if (s.role === 'ED_gt' && ed !== null) labels.push({ kind: 'gt', path: s.path, frames: [ed], phase: 'ED' });
    else if (s.role === 'ES_gt' && es !== null) labels.push({ kind: 'gt', path: s.path, frames: [es], phase: 'ES' });
    else if (s.role === 'ED_gt' || s.role === 'ES_gt') labels.push({ kind: 'gt', path: s.path, frames: [], phase: s.role === 'ED_gt' ? 'ED' : 'ES' });
    else if (s.role === 'sequence_gt') labels.push({ kind: 'sequence-gt', path: s.path, frames: Array.from({ length: gtDims?.[2] ?? 1 }, (_, i) => i) });
  }
  const hasRate = cfg?.frameRate != null;
  const study: StudyRecord = {
    id: `${legacy ? 'camus-legacy' : 'camus'}:${patient}:${view}`,
    dataset: legacy ? 'camus-legacy' : 'camus-nifti',
    format: 'camus',
    patient,
    view,
    sources: present,
    sequencePath: seqDims ? files.sequence : null,
    frames,
    rows: shape[1] ?? 1,
    columns: shape[0],
    frameRateHz: hasRate ? cfg!.frameRate : frames && frames > 1 ? DEFAULT_FRAME_RATE_HZ : null,
    frameRateSource: hasRate ? 'camus-cfg' : frames && frames > 1 ? 'default' : frames === 1 ? 'single-frame' : null,
    edFrame: ed,
    esFrame: es,
    ef: cfg?.ef ?? null,
    edv: cfg?.edv ?? null,
    esv: cfg?.esv ?? null,
    imageQuality: cfg?.imageQuality ?? null,
    sex: cfg?.sex ?? null,
    age: cfg?.age ?? null,
    split,
    labels,
    labelValues,
    warnings,
  };
  return { study, errors: warnings };
}

export async function importCamus(detected: DetectedLayout, options: CamusImportOptions = {}): Promise<DatasetImportResult> {
  const legacy = detected.layout === 'camus-legacy';
  const deep = options.deep ?? true;
  const errors: DatasetItemError[] = [];
  const dirs: Array<{ dir: string; split: DatasetSplit | null }> = [];
  let splits = new Map<string, DatasetSplit>();
  if (legacy) {
    for (const [sub, split] of [['training', 'train'], ['testing', 'test']] as const) {
      for (const dir of await patientDirs(join(detected.root, sub))) dirs.push({ dir, split });
    }
  } else {
    splits = await readSplits(detected.root, errors);
    for (const dir of await patientDirs(join(detected.root, 'database_nifti'))) dirs.push({ dir, split: null });
  }
  const chosen = dirs.filter((d) => within(d.dir, detected.scope) || within(detected.scope, d.dir));
  const views = options.views ?? VIEWS;
  const tools = contextTools(options.ctx);
  let done = 0;
  const results = await mapPool(chosen, options.concurrency ?? 4, async ({ dir, split }) => {
    tools.checkpoint();
    const patient = dir.slice(dir.lastIndexOf(sep) + 1);
    const out = [];
    for (const view of views) out.push(await importView(dir, patient, view, legacy, legacy ? split : (splits.get(patient) ?? null), deep, tools.probe));
    for (const r of out) tools.onItem(r);
    tools.progress(++done, chosen.length, patient);
    return out;
  });
  const studies: StudyRecord[] = [];
  for (const r of results.flat()) {
    if (r.study) studies.push(r.study);
    errors.push(...r.errors);
  }
  return { layout: detected.layout, root: detected.root, studies, errors };
}
