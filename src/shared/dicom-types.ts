/** Types describing opened studies and decoded frames. Pure data: they cross IPC, WebSocket and CLI JSON. */

/** Where the cine frame rate came from. `default` means the file states none and {@link DEFAULT_FRAME_RATE_HZ} is used. */
export type FrameRateSource =
  | 'FrameTime'
  | 'FrameTimeVector'
  | 'CineRate'
  | 'RecommendedDisplayFrameRate'
  | 'default'
  | 'single-frame';

/** Used when a multi-frame file states no timing. Echo is typically acquired at 30-80 Hz; 30 is the conservative
 * display rate used by common viewers, and the UI marks it as a default. Never 1 fps. */
export const DEFAULT_FRAME_RATE_HZ = 30;

export interface WindowPreset {
  center: number;
  width: number;
  /** WindowCenterWidthExplanation, or a name we gave it ("Full range"). */
  name: string;
}

/** One DICOM file (one SOP instance) as the viewer and `inspect` see it. */
export interface InstanceSummary {
  /** Stable id within this library: derived from the absolute path. */
  id: string;
  path: string;
  format: 'dicom';
  modality: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  frames: number;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometric: string;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  /** Display rate in Hz; for a FrameTimeVector, the mean rate. */
  frameRateHz: number;
  frameRateSource: FrameRateSource;
  /** Per-frame display durations in ms where the file gives a FrameTimeVector, else absent. */
  frameTimesMs?: number[];
  rescaleSlope: number;
  rescaleIntercept: number;
  windows: WindowPreset[];
  instanceNumber: number | null;
  seriesNumber: number | null;
  seriesDescription: string;
  studyDescription: string;
  studyDate: string;
  patientName: string;
  patientId: string;
  manufacturer: string;
}

export interface SeriesNode {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  description: string;
  modality: string;
  instances: InstanceSummary[];
}

export interface StudyNode {
  studyInstanceUid: string;
  description: string;
  date: string;
  patientName: string;
  patientId: string;
  series: SeriesNode[];
}

/** A file that could not be read; `code` is an ErrorKind. */
export interface LoadError {
  path: string;
  code: string;
  message: string;
}

export interface OpenResult {
  studies: StudyNode[];
  errors: LoadError[];
}

/**
 * A decoded frame, ready to display. Grey frames carry stored values (after planar/endianness handling, before
 * the modality LUT) so the viewer can window them; colour frames are RGB after palette/YBR conversion.
 */
export interface FramePixels {
  instanceId: string;
  frame: number;
  rows: number;
  columns: number;
  kind: 'grey' | 'rgb';
  /** grey: one stored value per pixel (Uint8Array, Uint16Array, Int16Array, Int32Array or Float32Array);
   * rgb: Uint8Array of rows*columns*3. */
  pixels: Uint8Array | Uint16Array | Int16Array | Int32Array | Float32Array;
  /** Smallest and largest stored value in this frame (grey) or 0/255 (rgb). */
  minPixel: number;
  maxPixel: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** The default VOI window in modality units (after rescale). */
  windowCenter: number;
  windowWidth: number;
  /** MONOCHROME1: higher values display darker. */
  invert: boolean;
  /** Physical size of a pixel in mm, [between rows, between columns], where known and not square: the viewer
   * shows the frame with that aspect ratio (CAMUS pixels are typically 0.154 mm high and 0.308 mm wide). */
  pixelSpacingMm?: [number, number];
}

/** One row of the tag panel. Sequences appear as a row followed by their items' rows at depth + 1. */
export interface TagRow {
  tag: string; // "(0028,0010)"
  name: string;
  vr: string;
  value: string;
  depth: number;
}

export interface Thumbnail {
  width: number;
  height: number;
  /** RGBA, width*height*4 bytes. */
  rgba: Uint8Array;
}
