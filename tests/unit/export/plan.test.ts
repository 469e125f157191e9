/**
 * Recipes and plans: what a researcher writes in a recipe decides exactly which items an export holds, their
 * splits (per patient), seeds and prompts; shards partition the plan; the fingerprint notices changes.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecipeInput } from '../../../src/shared/export-recipe.ts';
import { buildPlan, loadRecipe, parseRecipe, Pseudonymizer, saveRecipe, shardEntries } from '../../../src/main/services/export/index.ts';
import type { SourceStudy } from '../../../src/main/services/export/index.ts';
import { tempDir } from './helpers.ts';

const key = Buffer.alloc(32, 7);
const p = new Pseudonymizer(key);

/** Plan inputs only: a plan never loads pixels, so `load` must not be called. */
function study(k: string, patient: string, over: Partial<SourceStudy> = {}): SourceStudy {
  return {
    key: k, patientKey: patient, root: '/data', origin: `/data/${k}`, view: '4CH', split: null, ef: 60, quality: 'Good', sex: 'F', age: 50, fps: 40,
    burnedInAnnotation: null, labelSet: null,
    load: () => Promise.reject(new Error('a plan must not load pixels')),
    ...over,
  };
}

const base = (over: Partial<RecipeInput> = {}): RecipeInput => ({ format: 'cardiosynth-recipe/1', name: 't', layout: 'png', sources: ['x'], ...over });
const plan = (r: RecipeInput, studies: SourceStudy[], pz = p) => buildPlan(parseRecipe(r, 'test'), studies, pz);

const tmp = tempDir('plan');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('recipe files', () => {
  it('fills defaults, round-trips through a file, and names the bad field', () => {
    const path = join(tmp, 'r.json');
    saveRecipe(path, base({ synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 3 } }));
    const r = loadRecipe(path);
    expect(r.synthetic?.seed).toEqual({ strategy: 'derived', base: 0 });
    expect(r.split).toMatchObject({ train: 0.8, val: 0.1, test: 0.1, method: 'hash', keepSourceSplit: true });
    expect(JSON.parse(readFileSync(path, 'utf8')).synthetic.variantsPerStudy).toBe(3);

    const bad: Array<[unknown, RegExp]> = [
      [{ ...base(), format: 'x' }, /format/],
      [base({ layout: 'nrrd' as never }), /layout/],
      [base({ split: { train: 0.5, val: 0.1, test: 0.1 } }), /train \+ val \+ test must be 1/],
      [base({ synthetic: { generator: { kind: 'phantom' }, variations: { phase: ['ED'] } } }), /synthetic\.variations\.phase: .*still/],
      [base({ sources: [] }), /sources/],
      [base({ ratio: { real: 0, synthetic: 0 } }), /ratio/],
      [{ ...base(), extra: 1 }, /extra|Unrecognized/i],
    ];
    for (const [value, message] of bad) expect(() => parseRecipe(value, 'r.json'), JSON.stringify(value)).toThrow(message);
    writeFileSync(path, '{ nope');
    expect(() => loadRecipe(path)).toThrow(/r\.json: not JSON/);
    expect(() => loadRecipe(join(tmp, 'missing.json'))).toThrow(/missing\.json: cannot read the recipe \(no such file\)/);
  });
});

describe('plan', () => {
  const studies = [
    study('a1', 'pa', { view: '2CH' }), study('a2', 'pa', { view: '4CH' }),
    study('b1', 'pb'), study('c1', 'pc', { ef: 30 }), study('d1', 'pd', { split: 'test' }), study('d2', 'pd'),
  ];

  it('makes K variants per study and keeps every item of a patient in that patient\'s split', () => {
    const pl = plan(base({ synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 3 } }), studies);
    expect(pl.entries.filter((e) => e.kind === 'real')).toHaveLength(6);
    expect(pl.entries.filter((e) => e.kind === 'synthetic')).toHaveLength(18);
    const byPatient = new Map<string, Set<string>>();
    for (const e of pl.entries) {
      if (!byPatient.has(e.patientId)) byPatient.set(e.patientId, new Set());
      byPatient.get(e.patientId)!.add(e.split);
    }
    expect(byPatient.size).toBe(4);
    for (const splits of byPatient.values()) expect(splits.size).toBe(1);
    // The split a dataset states is kept, for the patient's other studies and every variant too.
    expect(pl.entries.filter((e) => e.patientId === p.patient('pd')).every((e) => e.split === 'test')).toBe(true);
    // Variants inherit their source's view, and say it in the prompt.
    const a1 = pl.entries.filter((e) => e.source?.key === 'a1' && e.kind === 'synthetic');
    expect(a1.every((e) => e.synthetic!.view === '2CH' && e.synthetic!.prompt.startsWith('apical 2CH echo'))).toBe(true);
    expect(pl.entries.map((e) => e.index)).toEqual(pl.entries.map((_, i) => i));
    expect(new Set(pl.entries.map((e) => e.id)).size).toBe(pl.entries.length);
    // No id, and nothing the plan writes, contains a source key or patient key.
    const text = JSON.stringify(pl.entries.map((e) => ({ ...e, source: null })));
    expect(text).not.toMatch(/"(a1|a2|b1|c1|d1|d2|pa|pb|pc|pd)"|\/data/);
  });

  it('holds the real:synthetic ratio within the pool', () => {
    const count = (r: RecipeInput) => {
      const es = plan(r, studies).entries;
      return [es.filter((e) => e.kind === 'real').length, es.filter((e) => e.kind === 'synthetic').length];
    };
    const syn = (k: number) => ({ generator: { kind: 'phantom' as const }, variantsPerStudy: k });
    expect(count(base({ synthetic: syn(4), ratio: { real: 1, synthetic: 2 } }))).toEqual([6, 12]);
    expect(count(base({ synthetic: syn(4), ratio: { real: 4, synthetic: 1 } }))).toEqual([6, 2]); // 6 real allow only 1.5 -> 2 synthetic
    expect(count(base({ synthetic: syn(1), ratio: { real: 1, synthetic: 3 } }))).toEqual([2, 6]); // the pool of 6 variants caps it
    expect(count(base({ synthetic: syn(2), ratio: { real: 0, synthetic: 1 } }))).toEqual([0, 12]);
    expect(count(base({ synthetic: syn(2), ratio: { real: 1, synthetic: 0 } }))).toEqual([6, 0]);
    expect(count(base({ synthetic: syn(2), includeReal: false }))).toEqual([0, 12]);
    // Uneven division: some studies get one variant more, none more than K.
    const es = plan(base({ synthetic: syn(3), ratio: { real: 6, synthetic: 8 } }), studies).entries;
    const perStudy = [...new Set(es.map((e) => e.source!.key))].map((k) => es.filter((e) => e.kind === 'synthetic' && e.source!.key === k).length);
    expect(perStudy.reduce((a, b) => a + b)).toBe(8);
    expect(Math.max(...perStudy) - Math.min(...perStudy)).toBeLessThanOrEqual(1);
  });

  it('splits by hash stably (adding patients moves nobody) or exactly', () => {
    const many = Array.from({ length: 200 }, (_, i) => study(`s${i}`, `patient${i}`));
    const r = base({ split: { train: 0.7, val: 0.15, test: 0.15, keepSourceSplit: true } });
    const first = plan(r, many.slice(0, 150)).entries;
    const more = plan(r, many).entries;
    for (const e of first) expect(more.find((m) => m.id === e.id)!.split).toBe(e.split);
    const counts = (es: typeof first) => ['train', 'val', 'test'].map((s) => es.filter((e) => e.split === s).length);
    const [tr] = counts(more);
    expect(tr).toBeGreaterThan(110); // ~140 expected for a fair hash
    expect(tr).toBeLessThan(170);
    const exact = plan(base({ split: { train: 0.7, val: 0.15, test: 0.15, method: 'exact' } }), many).entries;
    expect(counts(exact)).toEqual([140, 30, 30]);
    // The split seed reshuffles.
    const other = plan(base({ split: { train: 0.7, val: 0.15, test: 0.15, seed: 'v2' } }), many).entries;
    expect(other.some((e, i) => e.split !== more[i].split)).toBe(true);
  });

  it('derives seeds by strategy and cycles prompt variations', () => {
    const syn = (strategy: 'derived' | 'sequential' | 'per-variant') => base({
      synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 4, seed: { strategy, base: 100 }, variations: { quality: ['Good', 'Poor'], efBand: ['EF <40', 'EF >70'] } },
    });
    const seeds = (s: 'derived' | 'sequential' | 'per-variant', list = studies) => plan(syn(s), list).entries.filter((e) => e.synthetic).map((e) => e.synthetic!.seed);
    expect(seeds('sequential')).toEqual(Array.from({ length: 24 }, (_, i) => 100 + i));
    expect(seeds('per-variant')).toEqual(Array.from({ length: 24 }, (_, i) => 100 + (i % 4)));
    const d = seeds('derived');
    expect(new Set(d).size).toBe(24);
    // Derived seeds follow the study, not its position: dropping a study keeps the others' seeds.
    const entriesAll = plan(syn('derived'), studies).entries.filter((e) => e.synthetic && e.source!.key !== 'a1');
    const entriesFewer = plan(syn('derived'), studies.filter((s) => s.key !== 'a1')).entries.filter((e) => e.synthetic);
    expect(entriesFewer.map((e) => e.synthetic!.seed)).toEqual(entriesAll.map((e) => e.synthetic!.seed));

    const es = plan(syn('derived'), studies).entries.filter((e) => e.source?.key === 'c1' && e.synthetic);
    expect(es.map((e) => [e.synthetic!.quality, e.synthetic!.fields.efBand])).toEqual([['Good', 'EF <40'], ['Good', 'EF >70'], ['Poor', 'EF <40'], ['Poor', 'EF >70']]);
    for (const e of es) {
      const ef = e.synthetic!.efPercent;
      expect(e.synthetic!.fields.efBand === 'EF <40' ? ef < 40 : ef > 70).toBe(true);
      expect(e.synthetic!.prompt).toContain(`${e.synthetic!.quality.toLowerCase()} quality`);
      expect(e.synthetic!.prompt).toContain('female, age 40-59');
    }
    // Without a band, a variant takes its source's EF.
    const plain = plan(base({ synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 1 } }), studies).entries.find((e) => e.source?.key === 'c1' && e.synthetic)!;
    expect(plain.synthetic!.efPercent).toBe(30);
    // Stills take the phase variations.
    const stills = plan(base({ synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 2, output: 'still', variations: { phase: ['ED', 'ES'] } } }), studies).entries.filter((e) => e.synthetic);
    expect(stills.map((e) => e.synthetic!.phase).slice(0, 4)).toEqual(['ED', 'ES', 'ED', 'ES']);
    expect(stills[1].synthetic!.prompt).toMatch(/echo, ES, /);
  });

  it('makes stand-alone phantom patients whose views share one heart', () => {
    const es = plan(base({ sources: [], synthetic: { generator: { kind: 'phantom' }, standalone: { patients: 5, views: ['2CH', '4CH'] } } }), []).entries;
    expect(es).toHaveLength(10);
    for (let i = 0; i < 10; i += 2) {
      expect(es[i].patientId).toBe(es[i + 1].patientId);
      expect(es[i].synthetic!.seed).toBe(es[i + 1].synthetic!.seed);
      expect([es[i].synthetic!.view, es[i + 1].synthetic!.view]).toEqual(['2CH', '4CH']);
      expect(es[i].split).toBe(es[i + 1].split);
    }
  });

  it('shards partition the plan deterministically, balanced', () => {
    const es = plan(base({ synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 3 } }), studies).entries;
    const parts = [1, 2, 3, 4, 5].map((i) => shardEntries(es, i, 5).map((e) => e.index));
    expect(parts.flat().sort((a, b) => a - b)).toEqual(es.map((e) => e.index));
    expect(Math.max(...parts.map((x) => x.length)) - Math.min(...parts.map((x) => x.length))).toBeLessThanOrEqual(1);
    expect(shardEntries(es, 2, 5).map((e) => e.index)).toEqual(parts[1]);
    expect(() => shardEntries(es, 0, 3)).toThrow(/shard 0\/3/);
    expect(() => shardEntries(es, 4, 3)).toThrow(/shard 4\/3/);
  });

  it('fingerprints what decides the output, not where the sources sit', () => {
    const r = base({ synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 2 } });
    const f = plan(r, studies).fingerprint;
    expect(plan({ ...r, sources: ['elsewhere'] }, studies.map((s) => ({ ...s, origin: `/moved/${s.key}`, root: '/moved' }))).fingerprint).toBe(f);
    expect(plan({ ...r, synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 3 } }, studies).fingerprint).not.toBe(f);
    expect(plan(r, studies.slice(1)).fingerprint).not.toBe(f);
    expect(plan(r, studies, new Pseudonymizer(Buffer.alloc(32, 8))).fingerprint).not.toBe(f);
    expect(existsSync(tmp)).toBe(true);
  });
});
