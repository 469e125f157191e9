/**
 * What a recipe would do, worked out as the export itself would (same sources, plan, layout checks and
 * fingerprint) but writing nothing: the dialog shows it before Start, and tells Start from Resume by what the
 * output folder holds.
 */
import { toErrorData } from '../../../shared/errors.ts';
import type { ExportFolderState, ExportPreview } from '../../../shared/export-types.ts';
import { allRecords, readPlanFile } from './journal.ts';
import { checkOutputLocation, isFreshOutput } from './output-guard.ts';
import { buildPlan, keepEntries } from './plan.ts';
import { defaultKeyPath, loadOrCreateKey, Pseudonymizer } from './pseudonym.ts';
import type { ExportOptions } from './runner.ts';
import { collectSources, defaultGenerator, planMisfits } from './runner.ts';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The state of `out` for an export whose plan has `fingerprint` (null: compare nothing). */
export function folderState(out: string, fingerprint: string | null, roots: Array<{ path: string; what: string }> = []): ExportFolderState {
  const path = resolve(out);
  try {
    checkOutputLocation(path, roots);
  } catch (err) {
    return { path, state: 'forbidden', done: null, total: null, message: toErrorData(err).message };
  }
  let plan;
  try {
    plan = readPlanFile(path);
  } catch (err) {
    return { path, state: 'other', done: null, total: null, message: toErrorData(err).message };
  }
  if (!plan) {
    return isFreshOutput(path)
      ? { path, state: 'free', done: null, total: null, message: existsSync(path) ? 'an empty folder' : 'a new folder' }
      : { path, state: 'occupied', done: null, total: null, message: `${path} holds other files and no Cardiosynth export; choose an empty or new folder` };
  }
  const done = allRecords(path).length;
  if (fingerprint !== null && plan.fingerprint !== fingerprint) {
    return { path, state: 'other', done, total: plan.total, message: `${path} holds another export (${plan.recipeName}, ${done} of ${plan.total} items); the recipe, its sources or the pseudonym key differ` };
  }
  const complete = done === plan.total && existsSync(join(path, 'manifest.json'));
  return complete
    ? { path, state: 'complete', done, total: plan.total, message: `this export is complete (${done} items)` }
    : { path, state: 'partial', done, total: plan.total, message: `this export was interrupted after ${done} of ${plan.total} items; Resume continues it` };
}

export async function previewExport(opts: ExportOptions, catalogRoots: string[] = []): Promise<ExportPreview> {
  const warnings: string[] = [];
  const recipe = opts.recipe;
  const { resolved, sourcePaths } = await collectSources(opts, (m) => warnings.push(m));
  const pseudonyms = new Pseudonymizer(loadOrCreateKey(opts.pseudonymKeyPath ?? defaultKeyPath(opts.dataDir)));
  const wantsVariants = !!recipe.synthetic && (recipe.synthetic.variantsPerStudy > 0 || !!recipe.synthetic.standalone);
  const generator = wantsVariants ? await (opts.createGenerator ?? defaultGenerator)(recipe.synthetic!.generator, opts.softwareVersion) : null;
  try {
    if (generator && !generator.makesCines && recipe.synthetic!.output === 'cine') {
      warnings.push(`${generator.id} makes still images, not cines: choose the "ED + ES stills" or "one still" output`);
    }
    const whole = buildPlan(recipe, resolved.studies, pseudonyms, generator?.fingerprint ?? '');
    const why = planMisfits(whole, recipe.layout);
    const plan = opts.skipUnfit ? keepEntries(whole, (e) => !why.has(e.index), pseudonyms) : whole;
    const grouped = new Map<string, string[]>();
    for (const e of whole.entries) {
      const r = why.get(e.index);
      if (r) grouped.set(r, [...(grouped.get(r) ?? []), e.id]);
    }
    const entries = opts.skipUnfit ? plan.entries : whole.entries;
    const count = (f: (e: (typeof entries)[number]) => boolean): number => entries.filter(f).length;
    const roots = [...new Set([...resolved.studies.map((s) => s.root), ...sourcePaths])].map((path) => ({ path, what: 'the source dataset folder' }));
    for (const path of catalogRoots) roots.push({ path, what: 'the catalog dataset folder' });
    return {
      sources: { real: resolved.studies.filter((s) => !s.made).length, synthetic: resolved.studies.filter((s) => s.made).length },
      unreadable: resolved.errors.map((e) => ({ path: e.path, message: e.message })),
      items: { total: entries.length, real: count((e) => e.kind === 'real'), variants: count((e) => e.synthetic !== null), synthetic: count((e) => e.kind === 'synthetic' && e.synthetic === null) },
      patients: new Set(entries.map((e) => e.patientId)).size,
      splits: { train: count((e) => e.split === 'train'), val: count((e) => e.split === 'val'), test: count((e) => e.split === 'test') },
      misfits: [...grouped].map(([reason, ids]) => ({ reason, count: ids.length, examples: ids.slice(0, 3) })),
      warnings,
      folder: opts.out ? folderState(opts.out, plan.fingerprint, roots) : { path: '', state: 'free', done: null, total: null, message: 'no folder chosen' },
    };
  } finally {
    await generator?.close?.();
  }
}
