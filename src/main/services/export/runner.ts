/**
 * Runs an export: recipe -> sources -> plan -> this shard's items, one at a time, each written whole and then
 * journaled; at the end the index files are derived from the journals. Stops cleanly on the first write
 * error (disk full, permission denied: the message names the file and the cause), on cancel, or on an item
 * that cannot be read; what was journaled stays valid and `resume` continues from it.
 */
import { resolve } from 'node:path';
import { AppError, toErrorData } from '../../../shared/errors.ts';
import type { ExportLayoutName, ExportProgress, ExportSummary } from '../../../shared/export-types.ts';
import type { GeneratorSpec, Recipe } from '../../../shared/export-recipe.ts';
import type { ExportIo } from './export-io.ts';
import { ioError, ItemWriter, nodeIo, writeWhole } from './export-io.ts';
import type { SyntheticGenerator } from './generator.ts';
import type { ExportItem, LabelSet } from './item.ts';
import { checkItem } from './item.ts';
import type { JournalRecord, PlanFile } from './journal.ts';
import { journalName, listJournals, PLAN_FORMAT, readJournal, readPlanFile, recordIntact, stagingName, trimJournal } from './journal.ts';
import { createLayout, layoutFits, layoutIndexFiles } from './layout.ts';
import type { ExportLayout } from './layout.ts';
import { manifestCsv, manifestJson, manifestRow } from './manifest.ts';
import { checkOutputLocation, isFreshOutput, stateDir } from './output-guard.ts';
import { createPhantomGenerator } from './phantom-generator.ts';
import type { ExportPlan, PlanEntry } from './plan.ts';
import { buildPlan, keepEntries, shardEntries } from './plan.ts';
import { madeItem, realItem, syntheticItem } from './plan-items.ts';
import { defaultKeyPath, loadOrCreateKey, Pseudonymizer } from './pseudonym.ts';
import type { DraftReader } from './sources/label-drafts.ts';
import { withDrafts } from './sources/label-drafts.ts';
import type { SourceResolver } from './sources/resolve-sources.ts';
import { resolveSources } from './sources/resolve-sources.ts';
import type { ResolvedSources } from './sources/source-study.ts';
import type { CatalogSourceSpec } from '../../../shared/export-recipe.ts';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { acquireShardLock } from './shard-lock.ts';

export interface ExportOptions {
  recipe: Recipe;
  /** Relative `recipe.sources` resolve against this folder (the recipe file's). */
  baseDir: string;
  out: string;
  /** 1-based shard index of `count`; default 1 of 1. */
  shard?: { index: number; count: number };
  /** Continue an interrupted export in `out` (same recipe, sources and key). */
  resume?: boolean;
  /** On resume, re-hash every journaled file (default: check presence and size). */
  verify?: boolean;
  /** Export what can be read and list the rest, instead of stopping on the first unreadable source. */
  skipUnreadable?: boolean;
  /** Leave out (and list) the items the layout cannot hold, instead of refusing the export. */
  skipUnfit?: boolean;
  /** The user data folder; the pseudonym key lives in it unless `pseudonymKeyPath` says otherwise. */
  dataDir: string;
  pseudonymKeyPath?: string;
  softwareVersion: string;
  /** Dataset roots the catalog knows (issue 3): the export refuses to write inside them as inside sources. */
  protectedRoots?: () => Promise<string[]> | string[];
  /** Extra source kinds for paths (folders of generated results). */
  resolvers?: SourceResolver[];
  /** Resolves `{"catalog": ...}` sources (the study catalog); without it such a source is an error. */
  catalogSources?: (spec: CatalogSourceSpec['catalog']) => Promise<ResolvedSources>;
  /** The user's label drafts: their maps replace the sources' on the frames they label. */
  drafts?: DraftReader;
  /** Makes the generator a recipe asks for; the default knows the phantom. The diffusion engine plugs in here. */
  createGenerator?: (spec: GeneratorSpec, softwareVersion: string) => SyntheticGenerator | Promise<SyntheticGenerator>;
  io?: ExportIo;
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  onWarning?: (message: string) => void;
  /** Creation time of an item; default now, or SOURCE_DATE_EPOCH when set (reproducible exports). */
  createdAt?: () => string;
}

export function defaultCreatedAt(env: NodeJS.ProcessEnv = process.env): () => string {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) {
    const fixed = new Date(Number(epoch) * 1000).toISOString();
    return () => fixed;
  }
  return () => new Date().toISOString();
}

/** The phantom only: diffusion needs the inference engine, which the doors pass in (export-generators.ts). */
export function defaultGenerator(spec: GeneratorSpec, softwareVersion: string): SyntheticGenerator {
  if (spec.kind === 'phantom') return createPhantomGenerator(softwareVersion);
  throw new AppError('unsupported', `generator "diffusion" (pack ${spec.pack}) needs the inference engine, which this caller did not provide`);
}

function mergeLabelNames(sets: Array<LabelSet | null>): { maxLabel: number | null; names: Record<string, string> } {
  let maxLabel: number | null = null;
  const names: Record<string, string> = {};
  for (const s of sets) {
    if (!s) continue;
    maxLabel = Math.max(maxLabel ?? 0, s.maxLabel);
    for (const [v, n] of Object.entries(s.names)) names[v] ??= n;
  }
  return { maxLabel, names };
}

function sourceErrorSummary(errors: Array<{ message: string }>): string {
  const shown = errors.slice(0, 10).map((e) => `  ${e.message}`);
  if (errors.length > 10) shown.push(`  (${errors.length - 10} more)`);
  return shown.join('\n');
}

/** Writes the manifests and the layout's index files from every journal in `out`. */
export function writeIndex(out: string, plan: PlanFile, records: JournalRecord[], softwareVersion: string, io: ExportIo, staging: string): void {
  const files = [
    { path: 'manifest.csv', data: manifestCsv(records.map((r) => r.row)) },
    { path: 'manifest.json', data: manifestJson(records, { plan, softwareVersion }) },
    ...layoutIndexFiles(plan.layout, plan, records),
  ];
  for (const f of files) writeWhole(io, staging, join(out, f.path), f.data);
}

/**
 * The recipe's sources as studies (drafts read over their labels, burned-in annotation refused unless
 * allowed); what cannot be read is in `errors`, for the caller to stop on or skip.
 */
export async function collectSources(opts: ExportOptions, warn: (m: string) => void): Promise<{ resolved: ResolvedSources; sourcePaths: string[] }> {
  const recipe = opts.recipe;
  const sourcePaths = recipe.sources.filter((x): x is string => typeof x === 'string').map((p) => resolve(opts.baseDir, p));
  const resolved = await resolveSources(sourcePaths, { resolvers: opts.resolvers });
  for (const spec of recipe.sources) {
    if (typeof spec === 'string') continue;
    if (!opts.catalogSources) throw new AppError('unsupported', 'this recipe takes studies from the study catalog ("catalog" source), which only the app and the command line on the same data folder can read');
    const c = await opts.catalogSources(spec.catalog);
    resolved.studies.push(...c.studies);
    resolved.errors.push(...c.errors);
    resolved.warnings.push(...c.warnings);
  }
  if (opts.drafts) resolved.studies = withDrafts(resolved.studies, opts.drafts);
  for (const w of resolved.warnings) warn(w.message);
  if (!recipe.allowBurnedInAnnotation && recipe.includeReal) {
    const burned = resolved.studies.filter((s) => s.burnedInAnnotation === 'YES');
    for (const s of burned) {
      resolved.errors.push({ path: s.origin, kind: 'unsupported', message: `${s.origin}: its header says text is burned into the pixels (BurnedInAnnotation YES), which may identify the patient; set "allowBurnedInAnnotation": true in a recipe once the images are checked` });
    }
    resolved.studies = resolved.studies.filter((s) => s.burnedInAnnotation !== 'YES');
  }
  return { resolved, sourcePaths };
}

/** Entries the layout cannot hold, each with why (empty when all fit or the layout takes anything). */
export function planMisfits(plan: ExportPlan, layoutName: ExportLayoutName): Map<number, string> {
  const fits = layoutFits(layoutName);
  const why = new Map<number, string>();
  if (!fits) return why;
  for (const e of plan.entries) {
    const r = fits(e);
    if (r) why.set(e.index, r);
  }
  return why;
}

export async function runExport(opts: ExportOptions): Promise<ExportSummary> {
  const started = Date.now();
  const recipe = opts.recipe;
  const warn = opts.onWarning ?? (() => undefined);

  // 1. Sources: paths (relative to the recipe's folder) and catalog selections.
  const { resolved, sourcePaths } = await collectSources(opts, warn);
  if (resolved.errors.length > 0) {
    if (!opts.skipUnreadable) {
      throw new AppError(resolved.errors[0].kind === 'not-found' ? 'not-found' : 'unreadable',
        `${resolved.errors.length} source(s) cannot be read; nothing was written:\n${sourceErrorSummary(resolved.errors)}\nFix them, or pass --skip-unreadable to export the rest.`);
    }
    for (const e of resolved.errors) warn(`skipped: ${e.message}`);
  }

  // 2. The generator (a model pack is checked here, before anything is written), the plan and this shard's part.
  const pseudonyms = new Pseudonymizer(loadOrCreateKey(opts.pseudonymKeyPath ?? defaultKeyPath(opts.dataDir)));
  const wantsVariants = !!recipe.synthetic && (recipe.synthetic.variantsPerStudy > 0 || !!recipe.synthetic.standalone);
  const generator = wantsVariants ? await (opts.createGenerator ?? defaultGenerator)(recipe.synthetic!.generator, opts.softwareVersion) : null;
  try {
    if (generator && !generator.makesCines && recipe.synthetic!.output === 'cine') {
      throw new AppError('invalid-argument', `${generator.id} makes still images, not cines (a still-image model pack: one frame per image). Set synthetic.output to "ed-es" (an ED and an ES still per variant, each conditioned on that phase's label map: CAMUS keeps them as its _ED and _ES images) or "still" (one phase); EchoNet-Dynamic videos need a cine generator such as the phantom`);
    }
    const whole = buildPlan(recipe, resolved.studies, pseudonyms, generator?.fingerprint ?? '');
    const plan = fitPlan(whole, recipe.layout, pseudonyms, opts.skipUnfit ?? false, warn);
    if (plan.entries.length === 0) {
      throw new AppError('invalid-argument', `nothing to export: ${resolved.studies.length} source studies found${recipe.synthetic ? '' : ' and no synthetic variants asked for'}`);
    }
    return await runPlan(opts, plan, resolved, sourcePaths, generator, pseudonyms, started);
  } finally {
    await generator?.close?.();
  }
}

/** The layout's verdict on every entry: refuses the export with the reasons, or leaves the misfits out. */
export function fitPlan(plan: ExportPlan, layoutName: ExportLayoutName, p: Pseudonymizer, skip: boolean, warn: (m: string) => void): ExportPlan {
  const why = planMisfits(plan, layoutName);
  if (why.size === 0) return plan;
  const byReason = new Map<string, PlanEntry[]>();
  for (const e of plan.entries) if (why.has(e.index)) byReason.set(why.get(e.index)!, [...(byReason.get(why.get(e.index)!) ?? []), e]);
  const lines = [...byReason].map(([reason, es]) => {
    const names = es.slice(0, 3).map((e) => (e.source ? `${e.id} (${e.source.origin})` : e.id));
    return `  ${es.length} item(s): ${reason}; e.g. ${names.join(', ')}${es.length > 3 ? ', ...' : ''}`;
  });
  const summary = `${why.size} of the ${plan.entries.length} planned items cannot go into the ${layoutName} layout:\n${lines.join('\n')}`;
  if (!skip) throw new AppError('invalid-argument', `${summary}\nNothing was written. Choose another layout, change the recipe, or pass --skip-unfit to export the ${plan.entries.length - why.size} that fit.`);
  warn(`${summary}\nThey are left out (--skip-unfit).`);
  return keepEntries(plan, (e) => !why.has(e.index), p);
}

async function runPlan(opts: ExportOptions, plan: ExportPlan, resolved: ResolvedSources, sourcePaths: string[], generator: SyntheticGenerator | null, pseudonyms: Pseudonymizer, started: number): Promise<ExportSummary> {
  const io = opts.io ?? nodeIo;
  const recipe = opts.recipe;
  const shard = opts.shard ?? { index: 1, count: 1 };
  const out = resolve(opts.out);
  const createdAt = opts.createdAt ?? defaultCreatedAt();
  const warn = opts.onWarning ?? (() => undefined);
  const mine = shardEntries(plan.entries, shard.index, shard.count);
  const needsGenerator = plan.entries.some((e) => e.kind === 'synthetic' && e.synthetic);

  // 3. Where it goes: never into a source, and not over something else.
  // The folders the user named count too, even where nothing in them could be read.
  const named = sourcePaths.map((p) => (existsSync(p) && !statSync(p).isDirectory() ? dirname(p) : p));
  const roots = [...new Set([...resolved.studies.map((s) => s.root), ...named])].map((path) => ({ path, what: 'the source dataset folder' }));
  for (const path of (await opts.protectedRoots?.()) ?? []) roots.push({ path, what: 'the catalog dataset folder' });
  checkOutputLocation(out, roots);

  const labels = mergeLabelNames([
    ...plan.entries.filter((e) => !e.synthetic).map((e) => e.source!.labelSet),
    needsGenerator ? generator!.labelSet : null,
  ]);
  const planFile: PlanFile = {
    format: PLAN_FORMAT, fingerprint: plan.fingerprint, layout: recipe.layout, recipeName: recipe.name, total: plan.entries.length,
    maxLabel: recipe.png.maxLabel ?? labels.maxLabel, labelNames: labels.names,
  };
  const layout: ExportLayout = createLayout(recipe.layout, { recipe, plan: planFile, entries: plan.entries, pseudonyms, softwareVersion: opts.softwareVersion });

  const state = stateDir(out);
  const journalPath = join(state, journalName(shard.index, shard.count));
  const staging = join(state, stagingName(shard.index, shard.count));
  const existing = readPlanFile(out);
  if (!existing) {
    if (!isFreshOutput(out)) throw new AppError('conflict', `${out}: is not empty and holds no Cardiosynth export; choose an empty or new folder`);
    if (opts.resume) throw new AppError('not-found', `${out}: holds no export to resume; run without --resume to start one`);
  } else {
    if (existing.fingerprint !== plan.fingerprint) {
      throw new AppError('conflict', `${out}: holds a different export (${existing.recipeName}, ${existing.total} items); the recipe, its sources or the pseudonym key changed since. Choose another folder${opts.resume ? '' : ', or remove it'}.`);
    }
    const mineStarted = listJournals(out).some((j) => j.index === shard.index && j.count === shard.count);
    if (mineStarted && !opts.resume) {
      throw new AppError('conflict', `${out}: already holds this export${shard.count > 1 ? ` (shard ${shard.index}/${shard.count})` : ''}; pass --resume to continue or check it`);
    }
  }

  // 4. Journal and staging, under this shard's lock.
  const done = new Map<number, JournalRecord>();
  const lock = acquireShardLock(state, shard, io);
  try {
    io.mkdir(state);
    io.remove(staging); // what a killed run left half-written
    io.mkdir(staging);
    if (!existing) writeWhole(io, staging, join(state, 'plan.json'), `${JSON.stringify(planFile, null, 2)}\n`);
  } catch (err) {
    lock.release();
    throw ioError(state, err);
  }
  const mineIndexes = new Set(mine.map((e) => e.index));
  if (opts.resume) {
    try {
      const j = readJournal(journalPath);
      if (j.goodLength < j.size) trimJournal(journalPath, j.goodLength);
      const kept: JournalRecord[] = [];
      for (const r of j.records) {
        if (mineIndexes.has(r.index) && recordIntact(out, r, opts.verify ?? false)) kept.push(r);
        else warn(`item ${r.id}: its files changed or are missing; writing it again`);
      }
      if (kept.length !== j.records.length) writeWhole(io, staging, journalPath, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
      for (const r of kept) done.set(r.index, r);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  // 5. The items.
  let indexed = false;
  const total = mine.length;
  let finished = done.size;
  let written = 0;
  let firstWriteAt: number | null = null;
  const progress = (type: ExportProgress['type'], itemId?: string): void => {
    const elapsedS = (Date.now() - started) / 1000;
    const rate = written > 0 && firstWriteAt !== null ? written / ((Date.now() - firstWriteAt) / 60000 || 1e-9) : null;
    const per = written > 0 && firstWriteAt !== null ? (Date.now() - firstWriteAt) / 1000 / written : null;
    opts.onProgress?.({ type, done: finished, total, itemId, elapsedS, etaS: per === null ? null : per * (total - finished), itemsPerMin: rate });
  };
  progress('start');
  const cleanup = async (): Promise<void> => {
    try {
      io.remove(staging);
    } catch {
      // a leftover staging folder is removed by the next run
    }
    lock.release();
  };
  const cancelled = (): AppError => new AppError('cancelled', `export cancelled after ${finished} of ${total} items; resuming it (--resume) continues from there`);
  try {
    for (const entry of mine) {
      if (done.has(entry.index)) continue;
      if (opts.signal?.aborted) throw cancelled();
      firstWriteAt ??= Date.now();
      let item: ExportItem;
      try {
        item = entry.kind === 'real' ? realItem(entry, entry.source!, await entry.source!.load())
          : entry.synthetic ? await syntheticItem(entry, generator!, recipe, opts.signal)
            : madeItem(entry, entry.source!, await entry.source!.load());
        checkItem(item);
        item = layout.adapt?.(item) ?? item;
        layout.check(item);
      } catch (err) {
        if (opts.signal?.aborted) throw cancelled(); // the generator stopped mid-item: nothing of it was written
        const d = toErrorData(err);
        const origin = entry.source ? ` (from ${entry.source.origin})` : '';
        throw new AppError(d.kind === 'internal' ? 'decode-failed' : d.kind, `item ${entry.id}${origin}: ${d.message}`);
      }
      const writer = new ItemWriter(out, staging, io);
      try {
        const layoutData = await layout.writeItem(item, entry, writer);
        const row = { ...manifestRow(item, writer.files, createdAt(), opts.softwareVersion), ...layout.manifestPatch?.(item) };
        const record: JournalRecord = { v: 1, index: entry.index, id: entry.id, files: writer.files, row, layout: layoutData ?? null };
        const journalSize = existsSync(journalPath) ? statSync(journalPath).size : 0;
        try {
          io.appendFile(journalPath, `${JSON.stringify(record)}\n`);
        } catch (err) {
          // A full disk can cut the line short: take it back, so the journal holds whole lines only.
          try {
            if (existsSync(journalPath)) trimJournal(journalPath, journalSize);
          } catch {
            // a resume ignores a cut line anyway
          }
          throw ioError(journalPath, err);
        }
        done.set(entry.index, record);
      } catch (err) {
        writer.rollback();
        throw err;
      }
      finished++;
      written++;
      progress('item', entry.id);
    }

    // 6. Index files, once every shard of the export has finished (the last shard to finish writes them).
    const journals = listJournals(out).filter((j) => j.count === shard.count);
    const records = journals.map((j) => readJournal(j.path).records);
    const complete = journals.length === shard.count && journals.every((j, i) => records[i].length === shardEntries(plan.entries, j.index, j.count).length);
    if (complete) writeIndex(out, planFile, records.flat().sort((a, b) => a.index - b.index), opts.softwareVersion, io, staging);
    indexed = complete;
  } finally {
    await cleanup();
  }
  progress('done');
  return {
    out, layout: recipe.layout, shard, planned: plan.entries.length, inShard: total, written, resumed: total - written,
    indexed, seconds: (Date.now() - started) / 1000,
  };
}
