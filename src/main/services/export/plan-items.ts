/**
 * Plan entries become export items: a real study as it is (its labels, with the user's drafts over them),
 * a generated result as the synthetic item it already is, or a new synthetic variant from the generator.
 * Every item is built from an allow-list of fields, so nothing of a source's identity can reach a layout.
 */
import type { Recipe } from '../../../shared/export-recipe.ts';
import type { SyntheticGenerator, SyntheticRequest } from './generator.ts';
import type { ExportItem } from './item.ts';
import type { PlanEntry } from './plan.ts';
import type { LoadedStudy, SourceStudy } from './sources/source-study.ts';

export function realItem(entry: PlanEntry, s: SourceStudy, l: LoadedStudy): ExportItem {
  return {
    id: entry.id, kind: 'real', sourceId: entry.sourceId, patientId: entry.patientId, view: s.view,
    width: l.width, height: l.height, channels: l.channels, frames: l.frames, labels: l.labels, labelSet: l.labelSet,
    labelSource: l.labelSource, burnedInAnnotation: s.burnedInAnnotation, lossyHistory: l.lossyHistory, pixelSpacingMm: l.pixelSpacingMm,
    pixelSpacingRowColMm: l.pixelSpacingRowColMm ?? (l.pixelSpacingMm ? [l.pixelSpacingMm, l.pixelSpacingMm] : null), fps: l.fps,
    edFrame: l.edFrame, esFrame: l.esFrame, efRequested: null, efMeasured: s.ef, edvMl: s.edv ?? null, esvMl: s.esv ?? null,
    sequence: l.frames.length > 1 ? 'cine' : 'stills', quality: s.quality, sex: s.sex, age: s.age,
    split: entry.split, generation: null,
  };
}

/**
 * A study that is synthetic already (a generated result; a study of a synthetic dataset) as the synthetic
 * item it is, with the provenance it records: it keeps its pixels and labels, and is never called real.
 */
export function madeItem(entry: PlanEntry, s: SourceStudy, l: LoadedStudy): ExportItem {
  const made = s.made!;
  return {
    ...realItem(entry, s, l),
    // The label map column says which maps these are: the dataset's (its ground truth) when it records none.
    kind: 'synthetic', labelSource: null, burnedInAnnotation: 'NO', generation: { ...made.provenance, labelMap: made.provenance.labelMap ?? l.labelSource },
    ...(made.still ? { edFrame: made.phase === 'ED' ? 0 : null, esFrame: made.phase === 'ES' ? 0 : null, efMeasured: null, edvMl: null, esvMl: null, sequence: 'stills' as const } : {}),
  };
}

export async function syntheticItem(entry: PlanEntry, generator: SyntheticGenerator, recipe: Recipe, signal?: AbortSignal): Promise<ExportItem> {
  const plan = entry.synthetic!;
  const s = entry.source;
  let source: SyntheticRequest['source'] = null;
  if (s && generator.conditionsOnSource) {
    const study = await s.load();
    source = { study, labelRef: study.labelSource ? `${entry.sourceId} (${study.labelSource})` : entry.sourceId };
  }
  const g = recipe.synthetic!.generator;
  const settings = g.kind === 'diffusion'
    ? { scheduler: g.scheduler ?? null, steps: g.steps ?? null, guidance: g.guidance ?? null, controlScale: g.controlScale ?? null }
    : { scheduler: null, steps: null, guidance: null, controlScale: null };
  const r = await generator.generate({
    itemId: entry.id, seed: plan.seed, view: plan.view, efPercent: plan.efPercent, quality: plan.quality, output: plan.output, phase: plan.phase,
    width: plan.width, height: plan.height, fps: plan.fps, frames: plan.frames, fields: plan.fields, prompt: plan.prompt,
    negativePrompt: plan.negativePrompt, source, settings,
  }, signal);
  return {
    id: entry.id, kind: 'synthetic', sourceId: entry.sourceId, patientId: entry.patientId, view: plan.view,
    width: r.width, height: r.height, channels: r.channels ?? 1, frames: r.frames, labels: r.labels, labelSet: r.labelSet, labelSource: null,
    burnedInAnnotation: 'NO', lossyHistory: false, pixelSpacingMm: r.pixelSpacingMm,
    pixelSpacingRowColMm: r.pixelSpacingRowColMm ?? (r.pixelSpacingMm ? [r.pixelSpacingMm, r.pixelSpacingMm] : null), fps: r.fps, edFrame: r.edFrame, esFrame: r.esFrame,
    efRequested: plan.efPercent, efMeasured: r.efMeasured, edvMl: r.edvMl, esvMl: r.esvMl, sequence: r.sequence, quality: plan.quality,
    sex: s ? s.sex : r.sex, age: s ? s.age : r.age, split: entry.split, generation: r.provenance,
  };
}
