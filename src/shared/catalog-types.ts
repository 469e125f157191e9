/**
 * The study catalog as the contract shows it: rows of the study browser, one study in full, what the viewer
 * needs to play a catalog study, a frame's label map, and import summaries. Frames are 0-based everywhere.
 *
 * A study's `id` is stable: re-importing the same dataset (even from a new location) gives its studies the
 * same ids, so other features can refer to "study S, frame F" (label drafts, generation, export):
 *   camus:patient0001:2CH           CAMUS 2023 NIfTI release, one patient view
 *   camus-legacy:patient0001:2CH    CAMUS legacy MetaImage release
 *   echonet:0X1A0A263B22CCD966      EchoNet-Dynamic, one video (FileName)
 *   nifti:<16 hex> / metaimage:<16 hex>   a loose file (hash of its absolute path)
 */
import type {
  CardiacView,
  DatasetFormat,
  DatasetItemError,
  DatasetLayout,
  DatasetSplit,
  ImageQuality,
  LabelMapRef,
  SequenceFrameRateSource,
  StudySource,
} from './dataset-types.ts';

/** Whether a study's images were acquired from a patient or made by a program. */
export type Provenance = 'real' | 'synthetic';
export type CardiacPhase = 'ED' | 'ES';

/** One row of the study browser. */
export interface CatalogRow {
  id: string;
  datasetId: number;
  dataset: DatasetLayout;
  format: DatasetFormat;
  /** File name of the cine (or the first source), for the list. */
  title: string;
  patient: string | null;
  view: CardiacView | null;
  frames: number | null;
  rows: number | null;
  columns: number | null;
  frameRateHz: number | null;
  edFrame: number | null;
  esFrame: number | null;
  ef: number | null;
  imageQuality: ImageQuality | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  split: DatasetSplit | null;
  hasLabels: boolean;
  /** Label values present in the study's label maps, sorted. */
  labelValues: number[];
  provenance: Provenance;
  /** False when its files were gone or unreadable at the last import (the row is kept, see `problem`). */
  available: boolean;
}

/** One study in full. */
export interface CatalogStudy extends CatalogRow {
  datasetRoot: string;
  edv: number | null;
  esv: number | null;
  frameRateSource: SequenceFrameRateSource | null;
  /** The file the viewer plays; null when the study has only phase images (then frames = [ED, ES] images). */
  sequencePath: string | null;
  sources: StudySource[];
  labels: LabelMapRef[];
  /** EchoNet: the traced frames (0-based), in file order (ES then ED). */
  tracedFrames: number[];
  /** Problems that did not stop the import (a malformed cfg line, an incomplete tracing). */
  warnings: DatasetItemError[];
  /** Where it came from: the dataset release for real data; model pack, prompt, seed... for synthetic. */
  provenanceDetail: Record<string, unknown>;
  /** Why `available` is false. */
  problem: string | null;
  importedAt: string;
  updatedAt: string;
}

export type CatalogSortKey = 'id' | 'patient' | 'dataset' | 'view' | 'ef' | 'age' | 'frames' | 'frameRate' | 'imageQuality' | 'split';

/** Every field narrows the result; absent fields do not filter. */
export interface CatalogFilter {
  datasetIds?: number[];
  /** Free text: matched (case-insensitively, every word) against id, patient, file names, view, split, dataset. */
  text?: string;
  /** Substring of the patient name (CAMUS patientNNNN, EchoNet FileName). */
  patient?: string;
  views?: CardiacView[];
  /** Studies where this phase's frame is known. */
  phase?: CardiacPhase;
  efMin?: number;
  efMax?: number;
  imageQualities?: ImageQuality[];
  sex?: 'M' | 'F';
  ageMin?: number;
  ageMax?: number;
  splits?: DatasetSplit[];
  hasLabels?: boolean;
  provenance?: Provenance;
  /** Also list studies whose files were missing or unreadable at the last import. */
  includeUnavailable?: boolean;
}

export interface CatalogSort {
  key: CatalogSortKey;
  dir: 'asc' | 'desc';
}

export interface CatalogPage {
  /** Rows matching the filter, in all. */
  total: number;
  offset: number;
  rows: CatalogRow[];
}

export interface CatalogDataset {
  id: number;
  layout: DatasetLayout;
  root: string;
  /** A short name for lists: the root folder's name. */
  name: string;
  provenance: Provenance;
  studyCount: number;
  /** `importing` while an import runs, or when one was interrupted (re-import to finish it). */
  status: 'importing' | 'complete';
  importedAt: string | null;
  /** Per-item problems of the last import: errors (item left out) and warnings (item imported). */
  errorCount: number;
  warningCount: number;
}

/** What the filters can offer: the datasets, and the ranges present. */
export interface CatalogFacets {
  total: number;
  datasets: CatalogDataset[];
  views: CardiacView[];
  ef: { min: number; max: number } | null;
  age: { min: number; max: number } | null;
}

/** One per-item problem of an import, with whether the item was still imported. */
export interface CatalogIssue extends DatasetItemError {
  severity: 'error' | 'warning';
}

export interface CatalogImportSummary {
  /** The dataset's id in the catalog; 0 when the folder held nothing to import (no dataset was made). */
  datasetId: number;
  layout: DatasetLayout;
  root: string;
  /** The folder that was picked (the import is limited to it where the layout allows, e.g. one patient). */
  scope: string;
  /** Nothing changed since the last import: no file was read. */
  unchanged: boolean;
  studies: { total: number; added: number; updated: number; unchanged: number; unavailable: number };
  files: { seen: number; read: number; cached: number };
  errors: number;
  warnings: number;
  /** The first problems (all of them are in `catalog.datasetIssues`). */
  issues: CatalogIssue[];
  seconds: number;
}

/** What the viewer needs to play a catalog study. */
export interface StudyView {
  study: CatalogStudy;
  frames: number;
  rows: number;
  columns: number;
  kind: 'grey' | 'rgb';
  frameRateHz: number;
  frameRateSource: SequenceFrameRateSource;
  edFrame: number | null;
  esFrame: number | null;
  /** Spacing between rows and columns in mm ([dy, dx]); null when unknown. */
  pixelSpacingMm: [number, number] | null;
  /** Frames that have a ground-truth label map (CAMUS gt, rasterised EchoNet tracings). */
  labelledFrames: number[];
  /** Frames with EchoNet tracing lines. */
  tracedFrames: number[];
  /** The default window over the whole sequence, in stored units. */
  windowCenter: number;
  windowWidth: number;
}

/** A frame's label map: one value per pixel, rows x columns (0 background, 1 LV cavity, 2 myocardium, 3 LA). */
export interface LabelMapFrame {
  studyId: string;
  frame: number;
  rows: number;
  columns: number;
  labels: Uint8Array;
  /** Values present, sorted. */
  values: number[];
  /** `gt` a CAMUS ED/ES ground truth, `sequence-gt` a labelled CAMUS cine, `tracing` a rasterised EchoNet trace. */
  source: LabelMapRef['kind'];
  path: string;
  phase: CardiacPhase | null;
}

/** EchoNet tracing lines of one frame: the long axis first, then the 20 disc chords, in video pixels. */
export interface TracingFrameLines {
  frame: number;
  phase: CardiacPhase | null;
  lines: Array<[number, number, number, number]>;
}
