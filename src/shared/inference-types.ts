/**
 * Types of the inference engine as every door sees them: model packs, execution providers, generation
 * requests, and the records kept with each synthetic image. Pure data (no typed arrays except where a result
 * carries pixels), so they cross IPC, the WebSocket and CLI JSON.
 */
import type { GroundTruthKind } from './contract/labels.ts';
import type { ImageKey } from './labels/image-key.ts';
import type { PackManifest } from './pack-manifest.ts';

export const SCHEDULER_NAMES = ['ddim', 'dpmpp2m', 'euler', 'ddpm'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

/** What the schedulers are called in diffusers, for provenance records and the UI. */
export const SCHEDULER_CLASS: Record<SchedulerName, string> = {
  ddim: 'DDIMScheduler',
  dpmpp2m: 'DPMSolverMultistepScheduler (dpmsolver++, order 2)',
  euler: 'EulerDiscreteScheduler',
  ddpm: 'DDPMScheduler',
};

/** Execution providers in the order `auto` tries them. */
export const PROVIDER_NAMES = ['cuda', 'webgpu', 'cpu'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
export type ProviderChoice = ProviderName | 'auto';

export type PackSource = 'embedded' | 'user-data' | 'added';

/** A pack as listings show it. */
export interface PackSummary {
  /** `id@version`: how requests and records name a pack. */
  key: string;
  id: string;
  version: string;
  name: string;
  description: string;
  license: string;
  modality: string | null;
  dir: string;
  source: PackSource;
  /** Bytes of every file the engine loads (external weight files included). */
  sizeBytes: number;
  /** SHA-256 over the manifest and every loaded file (docs/model-pack.md). */
  sha256: string;
  resolution: { width: number; height: number };
  channels: 1 | 3;
  conditioning: PackManifest['conditioning'];
  prompt: { fields: Record<string, string[]>; template: string; example: string; negativeDefault: string };
  defaults: { scheduler: SchedulerName; steps: number; guidance: number; controlScale: number };
  provenance: PackManifest['provenance'];
  /** True when the pack has a VAE encoder, so img2img (SDEdit from a real frame) works. */
  img2img: boolean;
  /** The scheduler the pack ships (scheduler_config.json `_class_name`). */
  schedulerClass: string;
}

/** A folder that looked like a pack but failed validation. */
export interface PackProblem {
  dir: string;
  source: PackSource;
  message: string;
}

export interface PackListing {
  packs: PackSummary[];
  problems: PackProblem[];
  /** Folders the user added (each a pack or a folder of packs), besides the embedded and data-folder ones. */
  folders: string[];
  /** Where packs are looked for, in order. */
  searched: string[];
  /** The pack used when none was chosen: the first embedded pack (the phantom default), else the first listed. */
  defaultKey: string | null;
}

/** One provider tried while loading a pack. */
export interface ProviderAttempt {
  provider: ProviderName;
  ok: boolean;
  /** Why it was skipped or failed (absent when it was used). */
  reason?: string;
}

export interface ProviderReport {
  requested: ProviderChoice;
  /** The provider the sessions run on. */
  active: ProviderName;
  attempts: ProviderAttempt[];
  /** CPU intra-op threads the sessions use. */
  threads: number;
}

export interface EngineStatus {
  /** Providers the onnxruntime-node binary has (bundled or installed). */
  available: { provider: ProviderName; installed: boolean; note: string }[];
  /** The outcome of the most recent pack load; null before the first. */
  last: ProviderReport | null;
  /** Packs whose sessions are loaded in the worker right now. */
  loaded: string[];
  /** How many times the worker was restarted after a crash. */
  restarts: number;
  onnxruntime: string;
}

/**
 * Where a label map comes from.
 * - file: an index PNG (values are labels; palette PNGs give their indices), a grey PNG in the ControlNet CAMUS
 *   encoding round(255*label/max_label), an RGB PNG in the pack's label colours, or NIfTI/MetaImage (frame N).
 * - inline: label values row by row, base64, width*height bytes.
 * - draft: the saved label draft of an image (a DICOM file or a catalog study), frame F (0-based), as
 *   `labels.get` returns it: "the current label map of study S, frame F". The editor saves before generating.
 * - ground-truth: a catalog study's ground truth on frame F (CAMUS `_gt`/`half_sequence_gt`, an EchoNet
 *   tracing rasterised as the LV cavity), as `catalog.labelMap` returns it.
 */
export type ConditioningSource =
  | { kind: 'file'; path: string; frame?: number; encoding?: LabelFileEncoding }
  | { kind: 'inline'; width: number; height: number; data: string; name?: string }
  | { kind: 'draft'; key: ImageKey; frame: number }
  | { kind: 'ground-truth'; study: string; frame: number };

export type LabelFileEncoding = 'auto' | 'index' | 'grey' | 'colour';

/** Where an init image (img2img) or a source frame comes from: an opened DICOM instance, a file, or a catalog
 * study's frame (0-based, as `catalog.frame` gives it). */
export type FrameSource =
  | { kind: 'instance'; instanceId: string; frame: number }
  | { kind: 'file'; path: string; frame?: number }
  | { kind: 'study'; study: string; frame: number };

export type SeedMode = 'fixed' | 'increment' | 'random';

export interface GenerateRequest {
  /** `id@version`, or a pack folder path. */
  pack: string;
  prompt: string;
  negative: string;
  conditioning: ConditioningSource;
  /** img2img: the frame to start from (SDEdit), with its strength in (0, 1]. */
  init?: FrameSource;
  strength?: number;
  /** The real frame the label map belongs to, shown beside the result; recorded in provenance. */
  source?: FrameSource;
  scheduler: SchedulerName;
  steps: number;
  guidance: number;
  controlScale: number;
  /** ControlNet window as fractions of the steps: the scale is zero before start and after end. */
  controlStart: number;
  controlEnd: number;
  seedMode: SeedMode;
  /** First seed (fixed and increment); ignored for random. */
  seed: number;
  count: number;
  provider: ProviderChoice;
}

/** How one label map was read, for provenance and the UI's preview. */
export interface LabelMapInfo {
  kind: ConditioningSource['kind'];
  /** The file read (a ground truth: the dataset file its map came from). */
  path?: string;
  frame?: number;
  name?: string;
  /** A draft: the image it labels. */
  key?: ImageKey;
  /** A ground truth: the catalog study. */
  study?: string;
  /** A draft: the draft revision that last wrote this frame, and the map's checksum (labelMapChecksum). */
  revision?: number;
  checksum?: string;
  /** A ground truth: which one (CAMUS `_gt`, labelled cine, EchoNet tracing). */
  groundTruth?: GroundTruthKind;
  /** SHA-256 of the file (or of the label bytes: inline, draft, ground truth). */
  sha256: string;
  encodingDetected: 'index' | 'grey' | 'colour' | 'nifti' | 'metaimage' | 'inline' | 'draft' | 'ground-truth';
  width: number;
  height: number;
  /** Label values present (after decoding). */
  values: number[];
}

/** Everything needed to reproduce one synthetic image; written as the JSON sidecar and as PNG tEXt. */
export interface ResultRecord {
  synthetic: true;
  notice: string;
  id: string;
  created: string;
  generator: { name: 'Cardiosynth'; version: string; onnxruntime: string };
  pack: { key: string; id: string; version: string; name: string; sha256: string; license: string };
  prompt: string;
  negative: string;
  seed: number;
  seedMode: SeedMode;
  index: number;
  count: number;
  scheduler: { name: SchedulerName; class: string; config: Record<string, unknown> };
  steps: number;
  guidance: number;
  controlScale: number;
  controlStart: number;
  controlEnd: number;
  strength: number | null;
  init: (FrameSource & { sha256?: string }) | null;
  source: FrameSource | null;
  labelMap: LabelMapInfo & { savedAs: string };
  resolution: { width: number; height: number };
  channels: 1 | 3;
  provider: ProviderReport;
  timings: { loadMs: number; textMs: number; denoiseMs: number; decodeMs: number; totalMs: number; msPerStep: number };
  tokens: { prompt: number; negative: number; truncated: boolean };
  files: { image: string; sidecar: string; labels: string };
}

/** A result in the gallery. */
export interface ResultSummary {
  id: string;
  created: string;
  kept: boolean;
  jobId: string | null;
  record: ResultRecord;
}

export interface ResultImage {
  id: string;
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
  /** The label map used, at the pack's resolution. */
  labels: Uint8Array;
}

/** A result resampled to its source frame's size, with the source as displayed and the labels at that size. */
export interface ResultComparison {
  id: string;
  width: number;
  height: number;
  /** RGBA, width*height*4: the source frame as the viewer displays it (null when the result has no source). */
  source: Uint8Array | null;
  sourceLabel: string;
  /** Height of a source pixel over its width (CAMUS: about 0.5), for showing both at the true aspect; 1 without a source. */
  pixelAspect: number;
  /** RGBA of the result at the source's size. */
  result: Uint8Array;
  /** Label values at the source's size. */
  labels: Uint8Array;
  palette: PackManifest['conditioning']['labels'];
}

/** A label map read for the conditioning preview, at its own size and at the pack's resolution. */
export interface LabelMapPreview {
  info: LabelMapInfo;
  packWidth: number;
  packHeight: number;
  /** Label values at the pack's resolution (nearest-neighbour), row by row. */
  labels: Uint8Array;
  /** Values present that the pack does not know (they condition as background). */
  unknownValues: number[];
}
