/**
 * Types of dataset export that cross doors: the manifest row every layout carries, progress events, and the
 * summary of a finished run. Pure data (no node/electron/DOM), so the CLI's JSON lines, a later contract
 * method and the export dialog share one shape.
 */

/** The layouts an export can write. `camus` and `echonet` come from the layout writers (issue 6). */
export const EXPORT_LAYOUTS = ['dicom', 'png', 'camus', 'echonet'] as const;
export type ExportLayoutName = (typeof EXPORT_LAYOUTS)[number];

export type ExportSplit = 'train' | 'val' | 'test';

/**
 * One row of manifest.csv / one entry of manifest.json's `items`. Empty strings in the CSV stand for null.
 * Nothing here identifies a person: ids are keyed pseudonyms, ages above 89 are written as 90.
 */
export interface ManifestRow {
  item_id: string;
  kind: 'real' | 'synthetic';
  /** Keyed pseudonym of the study the item comes from (or, for a stand-alone synthetic item, its own id). */
  source_id: string;
  /** Keyed pseudonym of the patient: everything derived from one patient shares it (and its split). */
  patient_id: string;
  view: string | null;
  split: ExportSplit;
  frames: number;
  width: number;
  height: number;
  fps: number;
  ed_frame: number | null;
  es_frame: number | null;
  ef_requested: number | null;
  ef_measured: number | null;
  quality: string | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  /** What made a synthetic item (`phantom`, `diffusion`); null for real items. */
  generator: string | null;
  model_pack_id: string | null;
  model_pack_sha256: string | null;
  prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  scheduler: string | null;
  steps: number | null;
  guidance: number | null;
  control_scale: number | null;
  /** The label map that conditioned a synthetic item (a pseudonymous reference), or the source of a real item's labels. */
  label_map: string | null;
  /** Files of this item, relative to the export root, `;`-separated in the CSV. */
  files: string[];
  /** ISO 8601 UTC; SOURCE_DATE_EPOCH fixes it for reproducible builds. */
  created_at: string;
  software_version: string;
}

/** The manifest columns, in CSV order. */
export const MANIFEST_COLUMNS: readonly (keyof ManifestRow)[] = [
  'item_id', 'kind', 'source_id', 'patient_id', 'view', 'split', 'frames', 'width', 'height', 'fps',
  'ed_frame', 'es_frame', 'ef_requested', 'ef_measured', 'quality', 'sex', 'age',
  'generator', 'model_pack_id', 'model_pack_sha256', 'prompt', 'negative_prompt', 'seed', 'scheduler', 'steps',
  'guidance', 'control_scale', 'label_map', 'files', 'created_at', 'software_version',
];

/** Progress of a running export, one event per finished item (and at start and end). */
export interface ExportProgress {
  type: 'start' | 'item' | 'skip' | 'done';
  /** Items of this run (this shard) finished, including those a resume found already written. */
  done: number;
  total: number;
  /** The item just finished or skipped. */
  itemId?: string;
  /** Seconds since the run started, and the estimate of what remains (null until one item was written). */
  elapsedS: number;
  etaS: number | null;
  /** Rate over the items written in this run (skipped ones excluded). */
  itemsPerMin: number | null;
}

export interface ExportSummary {
  out: string;
  layout: ExportLayoutName;
  shard: { index: number; count: number };
  /** Items in the whole plan, in this shard, written now, and found complete from an earlier run. */
  planned: number;
  inShard: number;
  written: number;
  resumed: number;
  /** True when the index files (manifests, split lists) were written: an unsharded run, or `merge`. */
  indexed: boolean;
  seconds: number;
}

/** What an output folder holds, for the export dialog's Start / Resume choice. */
export interface ExportFolderState {
  path: string;
  /**
   * free: missing or empty; partial: this export, interrupted (resume continues it); complete: this export,
   * finished; other: another export (a different recipe, sources or pseudonym key); occupied: files that are
   * not an export; forbidden: inside (or around) a source or catalog dataset folder.
   */
  state: 'free' | 'partial' | 'complete' | 'other' | 'occupied' | 'forbidden';
  /** Items already written (all shards' journals) and in the export's plan; null when not an export. */
  done: number | null;
  total: number | null;
  /** Why, in words (e.g. which dataset folder it is inside). */
  message: string;
}

/** What a recipe would export, worked out without writing anything (the dialog shows it before Start). */
export interface ExportPreview {
  /** Source studies found (real ones, and synthetic ones: generated results or synthetic datasets). */
  sources: { real: number; synthetic: number };
  /** Sources that cannot be read (each would stop the export unless skipped). */
  unreadable: Array<{ path: string; message: string }>;
  /** Items of the plan: real studies, synthetic variants to generate, synthetic studies taken as they are. */
  items: { total: number; real: number; variants: number; synthetic: number };
  patients: number;
  splits: { train: number; val: number; test: number };
  /** Items the layout cannot hold, by reason (the export refuses them, or leaves them out when asked). */
  misfits: Array<{ reason: string; count: number; examples: string[] }>;
  warnings: string[];
  folder: ExportFolderState;
}
