/**
 * A study an export reads from: what the plan needs to know about it up front (cheap: headers, cfg files,
 * CSVs), and `load()` for its pixels and label maps when its turn comes. The keys and paths here never reach
 * an export: the plan turns them into keyed pseudonyms.
 */
import type { FramePixels } from '../../../../shared/dicom-types.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { ExportSplit } from '../../../../shared/export-types.ts';
import { renderDisplay } from '../../dicom/display.ts';
import type { ImageKey } from '../../../../shared/labels/image-key.ts';
import type { GenerationProvenance, LabelSet } from '../item.ts';

export interface SourceStudy {
  /** Identity of the study inside its dataset (a SOP Instance UID, `camus:patient0001:2CH`, a content hash). */
  key: string;
  /** Identity of its patient (PatientID, the CAMUS patient folder...): all of a patient's items share a split. */
  patientKey: string;
  /** The dataset folder the study belongs to: exports refuse to write inside it. */
  root: string;
  /** Where it comes from, for error messages on this machine only. */
  origin: string;
  view: string | null;
  split: ExportSplit | null;
  ef: number | null;
  quality: string | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  fps: number | null;
  /** What the source says of text burned into its pixels (DICOM BurnedInAnnotation); null when it says nothing. */
  burnedInAnnotation: 'YES' | 'NO' | null;
  /** The labels its maps can hold, where known without reading pixels (CAMUS 0-3, EchoNet 0-1); null: no maps. */
  labelSet: LabelSet | null;
  /** ED and ES frames (0-based) where the dataset states them; layouts that need both check these up front. */
  edFrame?: number | null;
  esFrame?: number | null;
  /** LV volumes (mL) where the dataset states them (EchoNet FileList, CAMUS legacy cfg). */
  edv?: number | null;
  esv?: number | null;
  /** Frames in the source's sequence, where known without reading pixels. */
  frames?: number | null;
  /** The image the user's label drafts are keyed by (a catalog study id or a DICOM file's path), if any. */
  draftKey?: ImageKey | null;
  /** Set (by the runner) when a label draft of `draftKey` exists: its revision, and the frames it labels. */
  draftRevision?: number | null;
  /**
   * Set for a study that is itself synthetic (a generated result, a study of a dataset that declares itself
   * synthetic): it is exported as the synthetic item it is, with this provenance, never as a real one.
   */
  made?: MadeItem | null;
  load(): Promise<LoadedStudy>;
}

/** A synthetic study's own account of itself (a result's sidecar, a synthetic dataset's manifest). */
export interface MadeItem {
  provenance: GenerationProvenance;
  /** True for one generated still (a result); false for a study with its own sequence and phases. */
  still: boolean;
  /** The phase of a still (from its prompt), null when it names none. */
  phase: 'ED' | 'ES' | null;
}

export interface LoadedStudy {
  width: number;
  height: number;
  channels: 1 | 3;
  frames: Uint8Array[];
  labels: Map<number, Uint8Array>;
  labelSet: LabelSet | null;
  /** Which of the dataset's label maps these are (e.g. `CAMUS half_sequence_gt`), without paths. */
  labelSource: string | null;
  pixelSpacingMm: number | null;
  /** [dy, dx] in mm, square or not, where known. */
  pixelSpacingRowColMm?: [number, number] | null;
  /** The source was lossily compressed (JPEG, MJPEG...): DICOM exports must say so. */
  lossyHistory: boolean;
  fps: number;
  edFrame: number | null;
  esFrame: number | null;
}

export interface SourceError {
  path: string;
  kind: string;
  message: string;
}

export interface ResolvedSources {
  studies: SourceStudy[];
  /** Files or studies that could not be read: the export stops on them unless told to skip them. */
  errors: SourceError[];
  /** Problems that lost a field, not a study (a malformed cfg line, an unpaired label map). */
  warnings: SourceError[];
}

export const CAMUS_LABEL_SET: LabelSet = { names: { 0: 'background', 1: 'LV cavity', 2: 'myocardium', 3: 'left atrium' }, maxLabel: 3 };
export const LV_LABEL_SET: LabelSet = { names: { 0: 'background', 1: 'LV cavity' }, maxLabel: 1 };

/**
 * A frame as training data: 8-bit unsigned grey stored values pass through untouched (an echo's bytes are
 * its image); anything else goes through the display pipeline (rescale, default window, MONOCHROME1
 * inversion; colour stays RGB), which is what the researcher saw in the viewer.
 */
export function frameBytes(frame: FramePixels): { channels: 1 | 3; data: Uint8Array } {
  const px = frame.pixels;
  if (frame.kind === 'grey' && px instanceof Uint8Array && frame.rescaleSlope === 1 && frame.rescaleIntercept === 0 && !frame.invert) {
    return { channels: 1, data: px.slice(0, frame.rows * frame.columns) };
  }
  const shown = renderDisplay(frame);
  return { channels: shown.channels, data: shown.data.slice() };
}

/** A label map's values as bytes; values outside 0..255 are an error a label map should never have. */
export function labelBytes(frame: FramePixels, origin: string): Uint8Array {
  const n = frame.rows * frame.columns;
  const out = new Uint8Array(n);
  const px = frame.pixels;
  for (let i = 0; i < n; i++) {
    const v = px[i] * frame.rescaleSlope + frame.rescaleIntercept;
    if (!(v >= 0 && v <= 255) || !Number.isInteger(v)) throw new AppError('malformed', `${origin}: label value ${v} is not an integer in 0..255`);
    out[i] = v;
  }
  return out;
}
