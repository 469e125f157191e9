/**
 * The seam between recipes and whatever makes synthetic studies. The recipe runner asks a SyntheticGenerator
 * for one variant at a time with a fully resolved request (seed, structured prompt, the source study whose
 * label maps condition it); the generator answers with frames, label maps and its provenance.
 *
 * Two generators are meant to sit behind it:
 *   - phantom-generator.ts (here): parametric phantom hearts + B-mode physics. It honours view, EF, quality
 *     and phase exactly; it does not read the source's pixels (it draws its own heart).
 *   - the diffusion generator (issue 5's inference engine): a model pack run with the request's prompt, seed,
 *     scheduler, steps, guidance and control scale, conditioned on `source.labels` (or on the phantom's label
 *     maps for stand-alone items). It plugs in through `createGenerator` in recipe-runner.ts, keyed by the
 *     recipe's `generator.kind === 'diffusion'`, and must fill GenerationProvenance from the pack manifest
 *     (`id@version`, the pack's sha256).
 */
import type { ExportItem, GenerationProvenance, LabelSet } from './item.ts';
import type { LoadedStudy } from './sources/source-study.ts';

export type Quality = 'Good' | 'Medium' | 'Poor';

export interface SyntheticRequest {
  itemId: string;
  seed: number;
  /** 2CH / 4CH for the phantom; a diffusion pack takes its own vocabulary. */
  view: '2CH' | '4CH';
  efPercent: number;
  quality: Quality;
  /** cine: a heartbeat of frames; still: one frame at `phase`; ed-es: two stills, ED then ES (not a cine). */
  output: 'cine' | 'still' | 'ed-es';
  /** Still output: the phase to show; null for a cine or an ED + ES pair. */
  phase: 'ED' | 'ES' | null;
  width: number;
  height: number;
  fps: number;
  /** Frames of a cine; undefined: one heartbeat. */
  frames?: number;
  /** Structured prompt fields and the sentence composed from them. */
  fields: PromptFields;
  prompt: string;
  negativePrompt: string;
  /** The study this variant derives from and a pseudonymous name of its label map; null for stand-alone. */
  source: { study: LoadedStudy; labelRef: string | null } | null;
  settings: { scheduler: string | null; steps: number | null; guidance: number | null; controlScale: number | null };
}

export interface SyntheticResult {
  width: number;
  height: number;
  /** Grey (default) or RGB frames. */
  channels?: 1 | 3;
  frames: Uint8Array[];
  labels: Map<number, Uint8Array>;
  labelSet: LabelSet | null;
  pixelSpacingMm: number | null;
  /** [dy, dx] when the pixels are not square (a resampled CAMUS frame); default from pixelSpacingMm. */
  pixelSpacingRowColMm?: [number, number] | null;
  fps: number;
  edFrame: number | null;
  esFrame: number | null;
  efMeasured: number | null;
  edvMl: number | null;
  esvMl: number | null;
  /** `stills` when the frames are separate images (an ED + ES pair, one still), not a sequence in time. */
  sequence: 'cine' | 'stills';
  /** The synthetic patient's own sex and age where the generator draws them (stand-alone items). */
  sex: ExportItem['sex'];
  age: number | null;
  provenance: GenerationProvenance;
}

export interface SyntheticGenerator {
  /** `phantom`, `diffusion:<pack id>`. */
  readonly id: string;
  /** The labels its output label maps hold (fixes the export's grey mask encoding before anything runs). */
  readonly labelSet: LabelSet | null;
  /** True when it reads the source study (a diffusion pack conditions on its label maps); the runner then
   * loads the study and passes it in `request.source`. */
  readonly conditionsOnSource: boolean;
  /** False for a still-image model: it makes stills (one phase, or an ED + ES pair), never a cine. */
  readonly makesCines: boolean;
  /**
   * What decides its output besides the request (a pack's sha256 and the settings it fills in), so a plan made
   * with another pack or other defaults is a different export: a resume then refuses instead of mixing them.
   */
  readonly fingerprint: string;
  generate(request: SyntheticRequest, signal?: AbortSignal): Promise<SyntheticResult>;
  /** Releases sessions, workers. */
  close?(): Promise<void>;
}

/** Structured prompt fields in the vocabulary of docs/model-pack.md. */
export interface PromptFields {
  view: string;
  phase: 'ED' | 'ES' | null;
  quality: Quality;
  sex: 'M' | 'F' | null;
  age: number | null;
  efBand: string;
}

/** The EF band words of the pack vocabulary, and the range each stands for (used to draw a requested EF). */
export const EF_BAND_RANGES: Record<string, [number, number]> = {
  'EF <40': [20, 40],
  'EF 40-54': [40, 55],
  'EF 55-70': [55, 70],
  'EF >70': [70, 80],
};

export function efBandOf(ef: number): string {
  if (ef < 40) return 'EF <40';
  if (ef < 55) return 'EF 40-54';
  if (ef <= 70) return 'EF 55-70';
  return 'EF >70';
}

function ageBand(age: number): string {
  if (age < 40) return 'age 20-39';
  if (age < 60) return 'age 40-59';
  if (age < 80) return 'age 60-79';
  return 'age 80+';
}

/**
 * The default template of docs/model-pack.md: `apical {view} echo, {phase}, {quality} quality, {sex}, {age},
 * {ef}`, leaving out what is unknown. A diffusion pack composes with its own template and vocabulary.
 */
export function composePrompt(f: PromptFields): string {
  const parts = [`apical ${f.view} echo`];
  if (f.phase) parts.push(f.phase);
  parts.push(`${f.quality.toLowerCase()} quality`);
  if (f.sex) parts.push(f.sex === 'F' ? 'female' : 'male');
  if (f.age !== null) parts.push(ageBand(f.age));
  parts.push(f.efBand);
  return parts.join(', ');
}
