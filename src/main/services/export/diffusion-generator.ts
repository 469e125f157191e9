/**
 * The diffusion generator: synthetic variants from a model pack (docs/model-pack.md) through the inference
 * engine process (services/inference/), behind the recipe runner's SyntheticGenerator seam.
 *
 * Each variant is conditioned on its source study's label maps: the ground truth at the phase asked for, or
 * the user's label draft where there is one (the runner reads drafts over the ground truth); a stand-alone
 * variant (no source) is conditioned on a seeded phantom heart's label maps. The prompt is the recipe's
 * variation (view, phase, quality, sex, age, EF band) written in the pack's own template and vocabulary
 * (`prompt.fields`); words the pack does not list are left out rather than sent as unknown tokens.
 *
 * Today's packs are still-image models (`frames: 1`): they make stills, one phase each. For a cine layout the
 * honest offer is an ED and an ES still per variant (`output: "ed-es"`), each conditioned on that phase's label
 * map with the variant's seed; the runner refuses `output: "cine"` for such a pack instead of stringing
 * independent stills into a fake cine. Outputs are at the pack's resolution; the label maps exported with them
 * are the ones that conditioned them (resampled, nearest, to that resolution).
 *
 * Provenance per item: pack id@version and sha256, the prompt(s), negative prompt, seed, scheduler, steps,
 * guidance, control scale, which label maps were used; the item's EF is measured on those maps (method of
 * discs), beside the EF the recipe asked for.
 */
import { AppError } from '../../../shared/errors.ts';
import type { GeneratorSpec } from '../../../shared/export-recipe.ts';
import type { ProviderChoice, SchedulerName } from '../../../shared/inference-types.ts';
import { SCHEDULER_NAMES } from '../../../shared/inference-types.ts';
import { resizeNearest } from '../inference/images/resample.ts';
import type { LoadedPack } from '../inference/packs/load-pack.ts';
import type { GenerateHooks } from '../inference/worker/engine-host.ts';
import type { GenerateTask, WorkerImage } from '../inference/worker/protocol.ts';
import { generatePhantom, PHANTOM_LABELS } from '../phantom/index.ts';
import type { PromptFields, SyntheticGenerator, SyntheticRequest, SyntheticResult } from './generator.ts';
import type { LabelSet } from './item.ts';
import { measureLv } from './lv-volumes.ts';

/** What the generator needs of the inference service: packs, the engine, and how to run it. */
export interface DiffusionEngine {
  resolvePack(ref: string): Promise<LoadedPack>;
  generate(task: GenerateTask, hooks: GenerateHooks): Promise<WorkerImage>;
  threads: number;
  provider?: ProviderChoice;
  /** Called by the generator's close (the CLI stops its own engine; the app's is shared and stays). */
  close?(): Promise<void>;
}

type DiffusionSpec = Extract<GeneratorSpec, { kind: 'diffusion' }>;

const AGE_BANDS: Array<[number, string]> = [[40, 'age 20-39'], [60, 'age 40-59'], [80, 'age 60-79'], [Infinity, 'age 80+']];

/** The words of one variation, for the pack's template placeholders. */
function promptWords(f: PromptFields, phase: 'ED' | 'ES'): Record<string, string | null> {
  return {
    view: f.view,
    phase,
    quality: f.quality.toLowerCase(),
    sex: f.sex === 'F' ? 'female' : f.sex === 'M' ? 'male' : null,
    age: f.age === null ? null : AGE_BANDS.find(([below]) => f.age! < below)![1],
    ef: f.efBand,
  };
}

/**
 * The prompt in the pack's template: each comma-separated part whose placeholders all have a value the pack
 * lists (case-insensitively; the pack's spelling is used) is kept, the others are dropped.
 */
export function packPrompt(template: string, vocabulary: Record<string, string[]>, words: Record<string, string | null>): string {
  const parts = template.split(',').map((p) => p.trim()).filter(Boolean);
  const kept: string[] = [];
  for (const part of parts) {
    let ok = true;
    const text = part.replace(/\{(\w+)\}/g, (_, name: string) => {
      const w = words[name];
      const known = w === null || w === undefined ? undefined : (vocabulary[name] ?? []).find((v) => v.toLowerCase() === w.toLowerCase());
      if (!known) ok = false;
      return known ?? '';
    });
    if (ok) kept.push(text);
  }
  return kept.join(', ');
}

/** Which frame of a source shows a phase: the one the dataset names, else (ED largest, ES smallest LV). */
function phaseFrame(study: NonNullable<SyntheticRequest['source']>['study'], phase: 'ED' | 'ES'): { frame: number; how: string } | null {
  const named = phase === 'ED' ? study.edFrame : study.esFrame;
  if (named !== null && study.labels.has(named)) return { frame: named, how: `${phase} frame ${named}` };
  const areas = [...study.labels].map(([f, l]) => ({ f, a: l.reduce((n, v) => n + (v === PHANTOM_LABELS.lvCavity ? 1 : 0), 0) })).filter((x) => x.a > 0);
  if (areas.length < 2) return null;
  areas.sort((a, b) => a.a - b.a || a.f - b.f);
  const pick = phase === 'ED' ? areas[areas.length - 1] : areas[0];
  return { frame: pick.f, how: `frame ${pick.f} (${phase === 'ED' ? 'largest' : 'smallest'} LV area: the dataset names no ${phase} frame)` };
}

export async function createDiffusionGenerator(spec: DiffusionSpec, engine: DiffusionEngine): Promise<SyntheticGenerator> {
  const pack = await engine.resolvePack(spec.pack);
  const m = pack.manifest;
  const s = pack.summary;
  const scheduler = (spec.scheduler ?? s.defaults.scheduler) as SchedulerName;
  if (!(SCHEDULER_NAMES as readonly string[]).includes(scheduler)) {
    throw new AppError('invalid-argument', `generator.scheduler "${scheduler}" is not one of ${SCHEDULER_NAMES.join(', ')}`);
  }
  const steps = spec.steps ?? s.defaults.steps;
  const guidance = spec.guidance ?? s.defaults.guidance;
  const controlScale = spec.controlScale ?? s.defaults.controlScale;
  const { width: W, height: H } = m.resolution;
  const known = new Set(m.conditioning.labels.map((l) => l.value));
  const background = m.conditioning.labels.find((l) => l.value === 0)?.value ?? m.conditioning.labels[0].value;
  const labelSet: LabelSet = {
    names: Object.fromEntries(m.conditioning.labels.map((l) => [l.value, l.name])),
    maxLabel: Math.max(...m.conditioning.labels.map((l) => l.value)),
  };
  /** A label map at the pack's resolution, values the pack does not know as its background. */
  const toPack = (labels: Uint8Array, w: number, h: number): Uint8Array => {
    const out = resizeNearest(labels, w, h, W, H);
    for (let i = 0; i < out.length; i++) if (!known.has(out[i])) out[i] = background;
    return out;
  };

  return {
    id: `diffusion:${s.key}`,
    labelSet,
    conditionsOnSource: true,
    makesCines: m.frames > 1,
    fingerprint: JSON.stringify({ pack: s.key, sha256: s.sha256, scheduler, steps, guidance, controlScale }),
    async generate(req: SyntheticRequest, signal?: AbortSignal): Promise<SyntheticResult> {
      if (req.output === 'cine') throw new AppError('invalid-argument', `${s.key} makes still images, not cines`);
      const phases: Array<'ED' | 'ES'> = req.output === 'ed-es' ? ['ED', 'ES'] : [req.phase ?? 'ED'];
      // 1. The label maps that condition each still, at the source's size and at the pack's.
      const maps: Array<{ own: Uint8Array; pack: Uint8Array; ref: string }> = [];
      let ownW: number;
      let ownH: number;
      let spacing: [number, number] | null;
      let sex: SyntheticResult['sex'] = null;
      let age: number | null = null;
      let edEs: [Uint8Array, Uint8Array] | null = null;
      let labelOrigin: string;
      if (req.source) {
        labelOrigin = req.source.labelRef ?? 'the source study';
        const st = req.source.study;
        ownW = st.width;
        ownH = st.height;
        spacing = st.pixelSpacingRowColMm ?? (st.pixelSpacingMm ? [st.pixelSpacingMm, st.pixelSpacingMm] : null);
        for (const phase of phases) {
          const f = phaseFrame(st, phase);
          if (!f) throw new AppError('invalid-argument', `its source has no label map for ${phase} (the diffusion pack is conditioned on label maps: draw one in the Labels tab, or choose labelled studies)`);
          const own = st.labels.get(f.frame)!;
          maps.push({ own, pack: toPack(own, ownW, ownH), ref: f.how });
        }
        const ed = phaseFrame(st, 'ED');
        const es = phaseFrame(st, 'ES');
        if (ed && es && ed.frame !== es.frame) edEs = [st.labels.get(ed.frame)!, st.labels.get(es.frame)!];
      } else {
        // Stand-alone: a phantom heart drawn from the seed with the requested EF, at the pack's resolution.
        const seq = generatePhantom({ seed: req.seed, view: req.view, efPercent: Math.min(85, Math.max(10, req.efPercent)), frameRateHz: req.fps, width: W, height: H });
        ownW = W;
        ownH = H;
        spacing = [seq.geometry.pixelSpacingMm, seq.geometry.pixelSpacingMm];
        sex = seq.patient.sex;
        age = seq.patient.ageYears;
        edEs = [seq.labels[seq.edFrame], seq.labels[seq.esFrame]];
        labelOrigin = `phantom heart (seed ${req.seed}, ${req.view}, EF ${req.efPercent.toFixed(1)}%)`;
        for (const phase of phases) {
          const own = phase === 'ED' ? edEs[0] : edEs[1];
          maps.push({ own, pack: toPack(own, W, H), ref: `${phase} frame ${phase === 'ED' ? seq.edFrame : seq.esFrame}` });
        }
      }
      // 2. One still per phase, same seed: the variant's noise, each phase's label map and words.
      const negative = req.negativePrompt || s.prompt.negativeDefault;
      const frames: Uint8Array[] = [];
      const prompts: string[] = [];
      let channels: 1 | 3 = 1;
      for (const [i, phase] of phases.entries()) {
        signal?.throwIfAborted();
        const prompt = s.prompt.template ? packPrompt(s.prompt.template, s.prompt.fields, promptWords(req.fields, phase)) : req.prompt;
        prompts.push(prompt);
        const image = await engine.generate(
          {
            pack,
            provider: engine.provider ?? 'auto',
            threads: engine.threads,
            input: { prompt, negative, seed: req.seed, steps, scheduler, guidance, controlScale, controlStart: 0, controlEnd: 1, labels: maps[i].pack, init: null },
          },
          { signal },
        );
        channels = image.channels;
        frames.push(image.pixels);
      }
      // 3. What it is: EF and volumes measured on the label maps that conditioned it.
      const lv = edEs ? measureLv(edEs[0], edEs[1], ownW, ownH, spacing) : null;
      const labels = new Map<number, Uint8Array>(maps.map((mp, i) => [i, mp.pack]));
      const packSpacing: [number, number] | null = spacing ? [(spacing[0] * ownH) / H, (spacing[1] * ownW) / W] : null;
      const square = packSpacing && Math.abs(packSpacing[0] - packSpacing[1]) < 1e-6 * packSpacing[0] ? packSpacing[0] : null;
      return {
        width: W,
        height: H,
        channels,
        frames,
        labels,
        labelSet,
        pixelSpacingMm: square,
        pixelSpacingRowColMm: packSpacing,
        fps: req.fps,
        edFrame: phases.indexOf('ED') >= 0 ? phases.indexOf('ED') : null,
        esFrame: phases.indexOf('ES') >= 0 ? phases.indexOf('ES') : null,
        efMeasured: lv?.efPercent ?? null,
        edvMl: lv?.edvMl ?? null,
        esvMl: lv?.esvMl ?? null,
        sequence: 'stills',
        sex,
        age,
        provenance: {
          generator: 'diffusion',
          packId: s.key,
          packSha256: s.sha256,
          prompt: phases.length === 1 ? prompts[0] : phases.map((p, i) => `${p}: ${prompts[i]}`).join(' | '),
          negativePrompt: negative,
          seed: req.seed,
          scheduler,
          steps,
          guidance,
          controlScale,
          labelMap: `${labelOrigin}: ${maps.map((mp) => mp.ref).join(', ')}`,
        },
      };
    },
    close: engine.close ? () => engine.close!() : undefined,
  };
}
