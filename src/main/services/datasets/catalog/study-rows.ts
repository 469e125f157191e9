/**
 * Between a StudyRecord (what an importer produces), the `studies` row that stores it, and the CatalogRow /
 * CatalogStudy the contract returns.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { CatalogRow, CatalogStudy, Provenance } from '../../../../shared/catalog-types.ts';
import type { CardiacView, DatasetFormat, DatasetItemError, DatasetLayout, DatasetSplit, ImageQuality, LabelMapRef, SequenceFrameRateSource, StudyRecord, StudySource } from '../../../../shared/dataset-types.ts';

/** The columns of `studies` as node:sqlite returns them. */
export interface StudyDbRow {
  id: string;
  dataset_id: number;
  layout: string;
  format: string;
  title: string;
  patient: string | null;
  view: string | null;
  frames: number | null;
  rows: number | null;
  columns: number | null;
  frame_rate_hz: number | null;
  frame_rate_source: string | null;
  ed_frame: number | null;
  es_frame: number | null;
  ef: number | null;
  edv: number | null;
  esv: number | null;
  image_quality: string | null;
  sex: string | null;
  age: number | null;
  split: string | null;
  has_labels: number;
  label_values: string;
  provenance: string;
  provenance_json: string;
  sequence_path: string | null;
  warnings_json: string;
  available: number;
  problem: string | null;
  imported_at: string;
  updated_at: string;
}

/** The columns a list page needs (no JSON blobs beyond label values). */
export const ROW_COLUMNS =
  'id, dataset_id, layout, format, title, patient, view, frames, rows, columns, frame_rate_hz, ed_frame, es_frame, ef, image_quality, sex, age, split, has_labels, label_values, provenance, available';

export function studyTitle(s: StudyRecord): string {
  const p = s.sequencePath ?? s.sources[0]?.path ?? s.id;
  return basename(p);
}

/** Lower-case words the free-text search matches. */
export function searchText(s: StudyRecord, datasetName: string): string {
  const names = s.sources.map((x) => basename(x.path));
  return [s.id, s.patient, s.view, s.split, s.imageQuality, s.format, datasetName, ...names].filter(Boolean).join(' ').toLowerCase();
}

/** A digest of everything stored for a study: equal digests mean an unchanged study (nothing to write). */
export function recordHash(s: StudyRecord, provenance: Provenance, provenanceDetail: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify([s, provenance, provenanceDetail])).digest('hex').slice(0, 32);
}

const parse = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function toCatalogRow(r: Pick<StudyDbRow, 'id' | 'dataset_id' | 'layout' | 'format' | 'title' | 'patient' | 'view' | 'frames' | 'rows' | 'columns' | 'frame_rate_hz' | 'ed_frame' | 'es_frame' | 'ef' | 'image_quality' | 'sex' | 'age' | 'split' | 'has_labels' | 'label_values' | 'provenance' | 'available'>): CatalogRow {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    dataset: r.layout as DatasetLayout,
    format: r.format as DatasetFormat,
    title: r.title,
    patient: r.patient,
    view: r.view as CardiacView | null,
    frames: r.frames,
    rows: r.rows,
    columns: r.columns,
    frameRateHz: r.frame_rate_hz,
    edFrame: r.ed_frame,
    esFrame: r.es_frame,
    ef: r.ef,
    imageQuality: r.image_quality as ImageQuality | null,
    sex: r.sex as 'M' | 'F' | null,
    age: r.age,
    split: r.split as DatasetSplit | null,
    hasLabels: r.has_labels === 1,
    labelValues: parse<number[]>(r.label_values, []),
    provenance: r.provenance as Provenance,
    available: r.available === 1,
  };
}

export function toCatalogStudy(
  r: StudyDbRow,
  extra: { datasetRoot: string; sources: StudySource[]; labels: LabelMapRef[]; tracedFrames: number[] },
): CatalogStudy {
  return {
    ...toCatalogRow(r),
    datasetRoot: extra.datasetRoot,
    edv: r.edv,
    esv: r.esv,
    frameRateSource: r.frame_rate_source as SequenceFrameRateSource | null,
    sequencePath: r.sequence_path,
    sources: extra.sources,
    labels: extra.labels,
    tracedFrames: extra.tracedFrames,
    warnings: parse<DatasetItemError[]>(r.warnings_json, []),
    provenanceDetail: parse<Record<string, unknown>>(r.provenance_json, {}),
    problem: r.problem,
    importedAt: r.imported_at,
    updatedAt: r.updated_at,
  };
}
