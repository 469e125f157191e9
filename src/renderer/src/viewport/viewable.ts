/**
 * What the viewer shows: a DICOM instance (instance.frame) or a catalog study (catalog.frame), described the
 * same way so cine timing, prefetching, windowing and the overlays do not care which. Frames of a catalog
 * study are "study S, frame F" as every feature names them.
 */
import type { StudyView } from '../../../shared/catalog-types.ts';
import type { InstanceSummary, WindowPreset } from '../../../shared/dicom-types.ts';

export type ViewableSource = 'dicom' | 'catalog';

export interface Viewable {
  source: ViewableSource;
  /** Instance id (DICOM) or study id (catalog). */
  id: string;
  frames: number;
  rows: number;
  columns: number;
  frameRateHz: number;
  /** Where the rate came from (DICOM: FrameTime, ...; catalog: camus-cfg, avi-header, ...; or default). */
  frameRateSource: string;
  frameTimesMs?: number[];
  windows: WindowPreset[];
  /** Bytes a decoded frame takes (sizes the prefetch window). */
  frameBytes: number;
  /** Lines for the viewport's top-left corner. */
  caption: string[];
  edFrame: number | null;
  esFrame: number | null;
  /** Frames with a ground-truth label map, and with EchoNet tracing lines. */
  labelledFrames: number[];
  tracedFrames: number[];
  instance?: InstanceSummary;
  study?: StudyView;
}

/** The source-qualified key image ids are built from. */
export function frameKey(v: Pick<Viewable, 'source' | 'id'>): string {
  return `${v.source}/${encodeURIComponent(v.id)}`;
}

export function fromInstance(i: InstanceSummary): Viewable {
  const px = i.rows * i.columns;
  return {
    source: 'dicom',
    id: i.id,
    frames: i.frames,
    rows: i.rows,
    columns: i.columns,
    frameRateHz: i.frameRateHz,
    frameRateSource: i.frameRateSource,
    frameTimesMs: i.frameTimesMs,
    windows: i.windows,
    frameBytes: i.samplesPerPixel === 3 || i.photometric.startsWith('PALETTE') ? px * 11 : px * Math.max(1, i.bitsAllocated / 8),
    caption: [i.patientName || 'anonymous', `${i.modality} ${i.columns}×${i.rows}`, i.photometric],
    edFrame: null,
    esFrame: null,
    labelledFrames: [],
    tracedFrames: [],
    instance: i,
  };
}

const DATASET_NAMES: Record<string, string> = { 'camus-nifti': 'CAMUS', 'camus-legacy': 'CAMUS (legacy)', 'echonet-dynamic': 'EchoNet-Dynamic', loose: 'File' };

export function fromStudyView(v: StudyView): Viewable {
  const s = v.study;
  const who = [s.patient, s.view].filter(Boolean).join(' · ') || s.title;
  const clinical = [s.ef !== null ? `EF ${s.ef}%` : null, s.imageQuality, s.split].filter(Boolean).join(' · ');
  return {
    source: 'catalog',
    id: s.id,
    frames: v.frames,
    rows: v.rows,
    columns: v.columns,
    frameRateHz: v.frameRateHz,
    frameRateSource: v.frameRateSource,
    windows: [{ name: 'Sequence range', center: v.windowCenter, width: v.windowWidth }],
    frameBytes: v.rows * v.columns * (v.kind === 'rgb' ? 11 : 4),
    caption: [who, `${DATASET_NAMES[s.dataset] ?? s.dataset} ${v.columns}×${v.rows}${s.provenance === 'synthetic' ? ' · SYNTHETIC' : ''}`, ...(clinical ? [clinical] : [])],
    edFrame: v.edFrame,
    esFrame: v.esFrame,
    labelledFrames: v.labelledFrames,
    tracedFrames: v.tracedFrames,
    study: v,
  };
}
