/**
 * Types for research datasets (CAMUS, EchoNet-Dynamic) and loose NIfTI/MetaImage files. Pure data: they cross
 * IPC, WebSocket and CLI JSON, and a later catalog stores them. Frames are always 0-based here, whatever the
 * source file says (CAMUS cfg ED/ES are 1-based and are converted on import).
 */

/** What a dataset item is, as `inspect` reports it in `format`. */
export type DatasetFormat = 'camus' | 'echonet' | 'nifti' | 'metaimage';

/** The layout an importer recognised. */
export type DatasetLayout = 'camus-nifti' | 'camus-legacy' | 'echonet-dynamic' | 'loose';

/** How a sequence's pixels are stored on disk. */
export type SequenceFileFormat = 'nifti' | 'metaimage' | 'avi';

/**
 * Where a sequence's frame rate came from. `default` means nothing states one and DEFAULT_FRAME_RATE_HZ
 * (dicom-types.ts) is used; the UI shows it as a default.
 */
export type SequenceFrameRateSource =
  | 'camus-cfg' // Info_{2CH,4CH}.cfg FrameRate
  | 'echonet-filelist' // FileList.csv FPS
  | 'avi-header' // the AVI stream header (dwRate / dwScale)
  | 'nifti-pixdim' // NIfTI pixdim[4] with a time unit in xyzt_units
  | 'default'
  | 'single-frame';

export type CardiacView = '2CH' | '4CH' | 'A4C';
export type DatasetSplit = 'train' | 'val' | 'test';
export type ImageQuality = 'Good' | 'Medium' | 'Poor';

/** One problem with one item (a file, a cfg line, a CSV row). `code` is an ErrorKind. */
export interface DatasetItemError {
  path: string;
  code: string;
  message: string;
}

/**
 * A displayable frame sequence: 2-D frames over time (or over slices for a 3-D volume). `dims` is the array
 * shape as stored, fastest axis first (nibabel's `shape` for NIfTI, DimSize for MetaImage); frames are shown
 * with the fastest axis as columns (x, left to right) and the second as rows (y, top to bottom).
 */
export interface SequenceSummary {
  id: string;
  path: string;
  fileFormat: SequenceFileFormat;
  dims: number[];
  /** What the frame index walks along: `time` for cines, `slice` for a 3-D volume, `none` for one 2-D image. */
  frameAxis: 'time' | 'slice' | 'none';
  frames: number;
  rows: number;
  columns: number;
  kind: 'grey' | 'rgb';
  /** Stored data type, e.g. uint8, int16, float32, rgb24. */
  dataType: string;
  frameRateHz: number;
  frameRateSource: SequenceFrameRateSource;
  /** Spacing in mm between rows and between columns ([row, column], i.e. [dy, dx]); null when unknown. */
  pixelSpacingMm: [number, number] | null;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** Smallest and largest stored value over the whole sequence (0/255 for rgb). */
  minPixel: number;
  maxPixel: number;
}

/** A label map belonging to a study: which file, and which frames of the study's cine it labels. */
export interface LabelMapRef {
  /** `gt` a CAMUS label image (ED/ES), `sequence-gt` a labelled cine, `tracing` EchoNet polygons. */
  kind: 'gt' | 'sequence-gt' | 'tracing';
  path: string;
  /** 0-based frames of the study's cine this map labels; for a CAMUS ED/ES gt the ED/ES frame. */
  frames: number[];
  /** The phase it labels, where it is one phase. */
  phase?: 'ED' | 'ES';
}

/** One EchoNet traced frame: the long axis (first row) and 20 disc chords, in pixel units of the video. */
export interface TracedFrame {
  frame: number;
  /** [x1, y1, x2, y2] per row, in file order: long axis first. */
  lines: Array<[number, number, number, number]>;
  /** Pixels in the rasterised LV cavity mask. */
  maskArea: number;
}

/** One source file of a study and what it holds. */
export interface StudySource {
  role: 'sequence' | 'ED' | 'ES' | 'ED_gt' | 'ES_gt' | 'sequence_gt' | 'video' | 'image';
  path: string;
}

/** A normalised study: one patient view (CAMUS), one video (EchoNet) or one loose file. */
export interface StudyRecord {
  /** Stable within a dataset root, e.g. `camus:patient0001:2CH`, `echonet:0X1A0A263B22CCD966`. */
  id: string;
  dataset: DatasetLayout;
  format: DatasetFormat;
  patient: string | null;
  view: CardiacView | null;
  sources: StudySource[];
  /** The file the viewer plays (half_sequence, _sequence, the AVI, or the loose file). */
  sequencePath: string | null;
  frames: number | null;
  rows: number | null;
  columns: number | null;
  frameRateHz: number | null;
  frameRateSource: SequenceFrameRateSource | null;
  edFrame: number | null;
  esFrame: number | null;
  ef: number | null;
  edv: number | null;
  esv: number | null;
  imageQuality: ImageQuality | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  split: DatasetSplit | null;
  labels: LabelMapRef[];
  /** Label values present in the study's label maps (CAMUS: 0..3; EchoNet masks: 0 and 1). */
  labelValues: number[];
  tracings?: TracedFrame[];
  /** Problems that did not stop the import (a malformed cfg line, an incomplete tracing). */
  warnings: DatasetItemError[];
}

export interface DatasetImportResult {
  layout: DatasetLayout;
  root: string;
  studies: StudyRecord[];
  /** Items that could not be imported, and per-item problems (also copied into each study's warnings). */
  errors: DatasetItemError[];
}

/** The dataset fields `inspect` adds for these formats. */
export interface DatasetInspectItem {
  path: string;
  format: DatasetFormat;
  frames: number | null;
  rows: number | null;
  columns: number | null;
  frameRateHz: number | null;
  frameRateSource: SequenceFrameRateSource | null;
  dataType: string | null;
  patient: string | null;
  view: CardiacView | null;
  edFrame: number | null;
  esFrame: number | null;
  ef: number | null;
  imageQuality: ImageQuality | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  split: DatasetSplit | null;
  /** Label values present (sorted), [] when the item has no labels. */
  labels: number[];
  /** Problems that did not stop the item from being read (a malformed cfg line, an incomplete tracing). */
  warnings: string[];
}

export interface DatasetInspectResult {
  studies: DatasetInspectItem[];
  errors: DatasetItemError[];
}
