/**
 * Real or synthetic: imported datasets are real unless their root holds a `manifest.json` (or the phantom's
 * `cardiosynth-dataset.json`) saying otherwise, which is how datasets the project writes (phantom hearts,
 * exports with synthetic items) mark themselves:
 *   { "synthetic": true, ...anything describing how it was made... }            the whole dataset
 *   { "items": [ { "id" | "patient" | "fileName": "...", "synthetic": true, ... } ] }   per item
 * (`"provenance": "synthetic"` is read like `"synthetic": true`). The manifest's fields are kept as the
 * study's provenance detail. A manifest that cannot be parsed is reported and the data taken as real.
 * Without a manifest.json, the note the project's own layout writers leave at the root
 * (`cardiosynth-dataset.json`: `cardiosynth phantom` output, the embedded demo dataset) is read the same way,
 * less its per-study list, so a phantom dataset imports as synthetic.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Provenance } from '../../../../shared/catalog-types.ts';
import type { DatasetItemError, DatasetLayout, StudyRecord } from '../../../../shared/dataset-types.ts';

export interface StudyProvenance {
  kind: Provenance;
  /** The dataset's detail with the item's under `item`: what a study reports. */
  detail: Record<string, unknown>;
  /** The item's own manifest entry, or null: what a study row stores (the dataset row holds the rest). */
  item: Record<string, unknown> | null;
}

export interface DatasetProvenance {
  kind: Provenance;
  detail: Record<string, unknown>;
  forStudy(s: StudyRecord): StudyProvenance;
  error: DatasetItemError | null;
}

const RELEASES: Record<DatasetLayout, string> = {
  'camus-nifti': 'CAMUS (2023 NIfTI release)',
  'camus-legacy': 'CAMUS (MetaImage release)',
  'echonet-dynamic': 'EchoNet-Dynamic',
  loose: 'loose files',
};

/** The note `cardiosynth phantom` (camus-writer, echonet-writer) writes at a dataset's root. */
const WRITER_NOTE = 'cardiosynth-dataset.json';

const isSynthetic = (o: Record<string, unknown>): boolean => o.synthetic === true || o.provenance === 'synthetic';

export async function readDatasetProvenance(root: string, layout: DatasetLayout): Promise<DatasetProvenance> {
  const base = { source: RELEASES[layout], root };
  const real: DatasetProvenance = { kind: 'real', detail: base, forStudy: () => ({ kind: 'real', detail: base, item: null }), error: null };
  // manifest.json (exports, other tools); else the note `cardiosynth phantom` leaves (cardiosynth-dataset.json).
  let path = join(root, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    path = join(root, WRITER_NOTE);
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return real;
    }
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (err) {
    return { ...real, error: { path, code: 'malformed', message: `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)}); the dataset is taken as real` } };
  }
  if (!m || typeof m !== 'object' || Array.isArray(m)) return { ...real, error: { path, code: 'malformed', message: `${path}: not a JSON object; the dataset is taken as real` } };
  const manifest = m as Record<string, unknown>;
  const { items, ...all } = manifest;
  // The writer's note lists every study it wrote: not provenance a study needs to carry.
  const { studies: _studies, ...noteTop } = all;
  const top = path.endsWith(WRITER_NOTE) ? noteTop : all;
  const whole = isSynthetic(manifest);
  const kind: Provenance = whole ? 'synthetic' : 'real';
  const detail = { ...base, manifest: path, ...top };
  const byKey = new Map<string, Record<string, unknown>>();
  if (Array.isArray(items)) {
    for (const it of items) {
      if (!it || typeof it !== 'object') continue;
      const o = it as Record<string, unknown>;
      for (const k of ['id', 'studyId', 'patient', 'fileName']) if (typeof o[k] === 'string') byKey.set(o[k] as string, o);
    }
  }
  return {
    kind,
    detail,
    error: null,
    forStudy(s) {
      const item = byKey.get(s.id) ?? (s.patient ? byKey.get(s.patient) : undefined);
      if (!item) return { kind, detail, item: null };
      return { kind: whole || isSynthetic(item) ? 'synthetic' : 'real', detail: { ...detail, item }, item };
    },
  };
}
