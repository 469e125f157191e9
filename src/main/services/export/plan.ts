/**
 * The plan: a recipe applied to its source studies, as an ordered list of items with everything decided
 * (ids, splits, seeds, prompts, which real studies and how many variants). It is a pure function of the
 * recipe, the studies and the pseudonym key, so every shard of a job and every resume computes the same plan,
 * and its fingerprint tells a resume whether anything changed since the interrupted run.
 *
 * Counts: K variants per study are available; with a real:synthetic ratio r:s the export keeps
 *   real = min(R, floor(K*R * r/s)) and synthetic = min(K*R, round(real * s/r)),
 * so the proportion holds as closely as the pool allows. Which real studies stay, and which studies get one
 * variant more when the division is uneven, is a seeded draw.
 *
 * Splits are per patient: a patient's real studies and every variant derived from them share one split.
 */
import { createHash } from 'node:crypto';
import type { ExportSplit } from '../../../shared/export-types.ts';
import type { Recipe, SyntheticSpec } from '../../../shared/export-recipe.ts';
import { AppError } from '../../../shared/errors.ts';
import type { PromptFields, Quality } from './generator.ts';
import { composePrompt, EF_BAND_RANGES, efBandOf } from './generator.ts';
import type { Pseudonymizer } from './pseudonym.ts';
import type { SourceStudy } from './sources/source-study.ts';

export interface SyntheticPlan {
  /** Variant number within its study (0-based); for stand-alone items, 0. */
  variant: number;
  seed: number;
  view: '2CH' | '4CH';
  quality: Quality;
  output: SyntheticSpec['output'];
  phase: 'ED' | 'ES' | null;
  efPercent: number;
  fields: PromptFields;
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  fps: number;
  frames?: number;
}

export interface PlanEntry {
  index: number;
  id: string;
  kind: 'real' | 'synthetic';
  patientId: string;
  /** 1-based order of the patient's first appearance: layouts that number patients (CAMUS) use it. */
  patientOrdinal: number;
  sourceId: string;
  split: ExportSplit;
  /** The study read (real) or derived from (synthetic variants); null for stand-alone synthetic items. */
  source: SourceStudy | null;
  synthetic: SyntheticPlan | null;
}

export interface ExportPlan {
  entries: PlanEntry[];
  /** Keyed hash of everything that decides the output (not of local paths): equal plans, equal exports. */
  fingerprint: string;
}

const QUALITIES: readonly Quality[] = ['Good', 'Medium', 'Poor'];

function u32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** Uniform in [0, 1) from a keyed digest (52 bits). */
function unit(hex: string): number {
  return parseInt(hex.slice(0, 13), 16) / 2 ** 52;
}

function splitOf(u: number, s: Recipe['split']): ExportSplit {
  if (u < s.train) return 'train';
  if (u < s.train + s.val) return 'val';
  return 'test';
}

interface PatientGroup {
  key: string;
  id: string;
  ordinal: number;
  studies: SourceStudy[];
  split: ExportSplit | null;
}

function assignSplits(groups: PatientGroup[], recipe: Recipe, p: Pseudonymizer): Map<string, ExportSplit> {
  const s = recipe.split;
  const out = new Map<string, ExportSplit>();
  const free: Array<{ g: PatientGroup; u: number }> = [];
  for (const g of groups) {
    if (s.keepSourceSplit && g.split) out.set(g.key, g.split);
    else free.push({ g, u: unit(p.digest('split', `${s.seed}\u0000${g.key}`)) });
  }
  if (s.method === 'hash') {
    for (const { g, u } of free) out.set(g.key, splitOf(u, s));
  } else {
    free.sort((a, b) => a.u - b.u || a.g.id.localeCompare(b.g.id));
    const nTrain = Math.round(free.length * s.train);
    const nVal = Math.round(free.length * s.val);
    free.forEach(({ g }, i) => out.set(g.key, i < nTrain ? 'train' : i < nTrain + nVal ? 'val' : 'test'));
  }
  return out;
}

interface VariationCombo {
  quality: Quality | null;
  phase: 'ED' | 'ES' | null;
  efBand: string | null;
}

function combos(spec: SyntheticSpec): VariationCombo[] {
  const v = spec.variations;
  const qs: Array<Quality | null> = v.quality.length ? v.quality : [null];
  const ps: Array<'ED' | 'ES' | null> = v.phase.length ? v.phase : [null];
  const es: Array<string | null> = v.efBand.length ? v.efBand : [null];
  const out: VariationCombo[] = [];
  for (const quality of qs) for (const phase of ps) for (const efBand of es) out.push({ quality, phase, efBand });
  return out;
}

function padWidth(n: number): number {
  return Math.max(2, String(Math.max(0, n - 1)).length);
}

/** One synthetic item's settings from its seed, its variation and (for variants) its source study. */
function syntheticPlan(spec: SyntheticSpec, variant: number, seed: number, combo: VariationCombo, source: SourceStudy | null, fixedView: '2CH' | '4CH' | null): SyntheticPlan {
  const view: '2CH' | '4CH' = fixedView
    ?? (source?.view === '2CH' ? '2CH' : source?.view === '4CH' || source?.view === 'A4C' ? '4CH' : u32(`${seed}\u0000view`) % 2 === 0 ? '2CH' : '4CH');
  const sourceQuality = QUALITIES.find((q) => q === source?.quality) ?? null;
  const quality = combo.quality ?? sourceQuality ?? 'Good';
  const phase = spec.output === 'still' ? (combo.phase ?? 'ED') : null;
  let efPercent: number;
  if (combo.efBand) {
    const [lo, hi] = EF_BAND_RANGES[combo.efBand];
    efPercent = Math.round((lo + (u32(`${seed}\u0000ef`) / 2 ** 32) * (hi - lo)) * 10) / 10;
  } else if (source?.ef != null && Number.isFinite(source.ef)) {
    efPercent = Math.round(source.ef * 10) / 10;
  } else {
    efPercent = Math.round((55 + (u32(`${seed}\u0000ef`) / 2 ** 32) * 15) * 10) / 10;
  }
  const fields: PromptFields = { view, phase, quality, sex: source?.sex ?? null, age: source?.age ?? null, efBand: combo.efBand ?? efBandOf(efPercent) };
  return {
    variant, seed, view, quality, output: spec.output, phase, efPercent, fields,
    prompt: composePrompt(fields),
    negativePrompt: spec.negativePrompt,
    width: spec.width,
    height: spec.height,
    fps: spec.fps ?? source?.fps ?? 30,
    frames: spec.output === 'cine' ? spec.frames : undefined,
  };
}

/**
 * `generatorFingerprint` says what made synthetic items besides the recipe (a pack's sha256 and the settings it
 * filled in): part of the fingerprint, so a resume with another pack refuses. Studies that are themselves
 * synthetic (`made`) are exported as the synthetic items they are: generated results always, a synthetic
 * dataset's studies when the recipe includes its sources (`includeReal`); the ratio chooses among the real
 * ones only. Variants are made from every study.
 */
export function buildPlan(recipe: Recipe, studies: SourceStudy[], p: Pseudonymizer, generatorFingerprint = ''): ExportPlan {
  const spec = recipe.synthetic;
  const realPool = studies.filter((s) => !s.made);
  const groups = new Map<string, PatientGroup>();
  for (const s of studies) {
    let g = groups.get(s.patientKey);
    if (!g) groups.set(s.patientKey, (g = { key: s.patientKey, id: p.patient(s.patientKey), ordinal: groups.size + 1, studies: [], split: null }));
    g.studies.push(s);
    g.split ??= s.split;
  }
  const ids = new Set<string>();
  for (const g of groups.values()) {
    if (ids.has(g.id)) throw new AppError('internal', `two patients share the pseudonym ${g.id}; use another pseudonym key`);
    ids.add(g.id);
  }

  // How many real studies and variants, and which.
  const R = recipe.includeReal ? realPool.length : 0;
  const K = spec?.variantsPerStudy ?? 0;
  const sMax = K * studies.length;
  let realN = R;
  let synN = sMax;
  if (recipe.ratio && R + sMax > 0) {
    const { real: r, synthetic: s } = recipe.ratio;
    if (s === 0) synN = 0;
    else if (r === 0) realN = 0;
    else {
      realN = Math.min(R, Math.floor((sMax * r) / s));
      synN = Math.min(sMax, Math.round((realN * s) / r));
    }
  }
  const rank = (tag: string, among: SourceStudy[]): Map<string, number> =>
    new Map([...among].map((s) => [s.key, p.digest(tag, `${recipe.split.seed}\u0000${s.key}`)] as const)
      .sort((a, b) => a[1].localeCompare(b[1])).map(([k], i) => [k, i]));
  const realRank = rank('ratio-real', realPool);
  const variantRank = rank('ratio-variants', studies);
  const perStudy = studies.length ? Math.floor(synN / studies.length) : 0;
  const extra = studies.length ? synN % studies.length : 0;

  const splits = assignSplits([...groups.values()], recipe, p);
  const entries: PlanEntry[] = [];
  const allCombos = spec ? combos(spec) : [];
  let seq = 0;
  const seedFor = (sourceId: string, k: number): number => {
    const base = spec!.seed.base;
    switch (spec!.seed.strategy) {
      case 'derived': return u32(`${base}\u0000${sourceId}\u0000${k}`);
      case 'sequential': return (base + seq++) >>> 0;
      case 'per-variant': return (base + k) >>> 0;
    }
  };
  const comboFor = (k: number, seed: number): VariationCombo =>
    spec!.variations.pick === 'cycle' ? allCombos[k % allCombos.length] : allCombos[u32(`${seed}\u0000combo`) % allCombos.length];

  const add = (e: Omit<PlanEntry, 'index'>): void => {
    entries.push({ ...e, index: entries.length });
  };
  for (const g of groups.values()) {
    const split = splits.get(g.key)!;
    for (const s of g.studies) {
      const sourceId = p.source(s.key);
      if (s.made) {
        // Generated results are what the user chose to export; a synthetic dataset's studies are sources like
        // real ones (kept when the recipe includes its sources), outside the real:synthetic ratio.
        if (s.made.still || recipe.includeReal) add({ id: sourceId, kind: 'synthetic', patientId: g.id, patientOrdinal: g.ordinal, sourceId, split, source: s, synthetic: null });
      } else if ((realRank.get(s.key) ?? 0) < realN) {
        add({ id: sourceId, kind: 'real', patientId: g.id, patientOrdinal: g.ordinal, sourceId, split, source: s, synthetic: null });
      }
      const count = spec ? perStudy + ((variantRank.get(s.key) ?? 0) < extra ? 1 : 0) : 0;
      const width = padWidth(K);
      for (let k = 0; k < count; k++) {
        const seed = seedFor(sourceId, k);
        const plan = syntheticPlan(spec!, k, seed, comboFor(k, seed), s, null);
        add({ id: `${sourceId}_syn${String(k).padStart(width, '0')}`, kind: 'synthetic', patientId: g.id, patientOrdinal: g.ordinal, sourceId, split, source: s, synthetic: plan });
      }
    }
  }

  // Stand-alone synthetic patients: one phantom heart per patient, seen in each view asked for.
  if (spec?.standalone) {
    const standalone: PatientGroup[] = [];
    for (let i = 0; i < spec.standalone.patients; i++) {
      const key = `standalone:${spec.seed.base}:${i}`;
      standalone.push({ key, id: p.patient(key), ordinal: groups.size + i + 1, studies: [], split: null });
    }
    const standaloneSplits = assignSplits(standalone, recipe, p);
    for (const [i, g] of standalone.entries()) {
      const seed = spec.seed.strategy === 'derived' ? u32(`${spec.seed.base}\u0000${g.key}`) : (spec.seed.base + i) >>> 0;
      for (const view of spec.standalone.views) {
        const sourceId = p.source(`${g.key}:${view}`);
        const plan = syntheticPlan(spec, 0, seed, comboFor(i, seed), null, view);
        add({ id: `${g.id}_${view}_syn`, kind: 'synthetic', patientId: g.id, patientOrdinal: g.ordinal, sourceId, split: standaloneSplits.get(g.key)!, source: null, synthetic: plan });
      }
    }
  }

  const { sources: _paths, ...settings } = recipe;
  const canonical = JSON.stringify({
    settings,
    generator: generatorFingerprint,
    // A label draft edited since (its revision) changes the labels exported and what conditions variants.
    entries: entries.map((e) => ({ ...e, source: e.source?.key ?? null, ...(e.source?.draftRevision ? { draft: e.source.draftRevision } : {}) })),
  });
  return { entries, fingerprint: p.digest('plan', canonical) };
}

/** The entries of shard `index` (1-based) of `count`: every count-th item, so shards stay balanced. */
export function shardEntries(entries: PlanEntry[], index: number, count: number): PlanEntry[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new AppError('invalid-argument', `shard ${index}/${count}: needs 1 <= I <= K`);
  }
  return entries.filter((e) => e.index % count === index - 1);
}

/**
 * The plan without the entries `keep` refuses (items a layout cannot hold, left out on request), renumbered.
 * Its fingerprint covers which were left out, so it differs from the whole plan's.
 */
export function keepEntries(plan: ExportPlan, keep: (e: PlanEntry) => boolean, p: Pseudonymizer): ExportPlan {
  const dropped = plan.entries.filter((e) => !keep(e)).map((e) => e.index);
  if (dropped.length === 0) return plan;
  const entries = plan.entries.filter(keep).map((e, index) => ({ ...e, index }));
  return { entries, fingerprint: p.digest('plan', `${plan.fingerprint}\u0000without\u0000${dropped.join(',')}`) };
}
