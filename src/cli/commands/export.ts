/**
 * `cardiosynth export`: datasets out of the workstation, from a recipe or straight from a path, sharded for
 * array jobs, resumable after a kill, and `export merge` to join shards.
 */
import { basename, dirname, resolve } from 'node:path';
import { toErrorData } from '../../shared/errors.ts';
import type { ErrorData } from '../../shared/errors.ts';
import { EXPORT_LAYOUTS } from '../../shared/export-types.ts';
import type { ExportLayoutName, ExportSummary } from '../../shared/export-types.ts';
import { RECIPE_FORMAT } from '../../shared/export-recipe.ts';
import type { Recipe } from '../../shared/export-recipe.ts';
import { paths, packageVersion, userDataDir } from '../../main/paths.ts';
import { Catalog } from '../../main/services/datasets/catalog/index.ts';
import { doorOptions, LAYOUT_DESCRIPTIONS, layoutAvailability, loadRecipe, mergeExports, ownEngine, parseRecipe, runExport, safeFileName, saveRecipe } from '../../main/services/export/index.ts';
import { LabelService } from '../../main/services/labels/index.ts';
import { PROVIDER_NAMES, type ProviderChoice } from '../../shared/inference-types.ts';
import type { RecipeSource } from '../../shared/export-recipe.ts';
import { createProgress } from '../progress.ts';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, UsageError, err, out, parse, type Command } from '../usage.ts';

const HELP = `Usage:
  cardiosynth export --recipe FILE --out DIR [--shard I/K] [--resume] [options]
  cardiosynth export --from PATH [--from PATH...] --layout LAYOUT --out DIR [--resume] [options]
  cardiosynth export merge DIR... [--out DIR] [--json]

Writes a dataset that training code reads as is: real studies, synthetic variants, or a mix, with a
manifest.csv and manifest.json saying what each item is and how a synthetic one was made. Nothing
identifying leaves: patients and studies get keyed pseudonyms (the key is in the user data folder; share it
with --pseudonym-key for jobs on other machines), DICOM files are new data sets with new UIDs.

  --recipe FILE       an augmentation recipe (JSON, format "${RECIPE_FORMAT}"): sources, layout, K synthetic
                      variants per study, seeds, prompt variations, real:synthetic ratio, splits
  --from PATH         a study, a DICOM folder, a CAMUS or EchoNet-Dynamic folder, NIfTI/MetaImage files, a
                      folder of generated results (PNG + JSON sidecar + labels PNG, as \`generate\` and the
                      gallery write them) or one sidecar, or catalog:STUDY_ID (a study of the catalog)
                      (repeatable); exports the studies as they are
  --layout LAYOUT     with --from: ${EXPORT_LAYOUTS.join(' | ')}
  --save-recipe FILE  with --from: also write the recipe used, to edit and rerun with --recipe
  --out DIR           the export folder: new or empty, never inside a source dataset
  --shard I/K         write only shard I of K (1-based): items I, I+K, I+2K... of the plan. Shards may share
                      one folder or use one each; the last shard to finish in a shared folder (or
                      \`export merge\`) writes the manifests
  --resume            continue an interrupted export in DIR: whole items are kept, the rest is written
  --verify            with --resume: re-hash every file already written (default: check sizes)
  --skip-unreadable   export what can be read and list the sources that cannot (default: stop, write nothing)
  --skip-unfit        leave out (and list) the items the layout cannot hold, e.g. 2CH views for EchoNet
                      (default: stop before writing anything, saying which items and why)
  --pseudonym-key F   the key file for pseudonyms (default: the user data folder's; CARDIOSYNTH_PSEUDONYM_KEY)
  --provider P        for model-pack recipes: cpu, webgpu or cuda to force one (default: try cuda, webgpu, cpu)
  --json              JSON-lines progress on stdout even on a terminal (the default when stdout is not one)
  -h, --help          show this help

Layouts:
${EXPORT_LAYOUTS.map((l) => `  ${l.padEnd(8)} ${LAYOUT_DESCRIPTIONS[l]}${layoutAvailability(l).available ? '' : ' (not in this build yet)'}`).join('\n')}

Progress: a bar with items/min and ETA on stderr when it is a terminal; otherwise one JSON object per line on
stdout ({"type":"start"|"item"|"done",...}), ending with {"type":"summary",...} or {"type":"error",...}.
SOURCE_DATE_EPOCH fixes the creation times written, for byte-identical reruns.

Exit status: 0 done; 1 a write failed (disk full, permission denied: the message names the file) or a bug;
2 bad usage or input (unreadable source, a recipe error, an output folder that is not free); 130 cancelled.
`;

const BAD_INPUT_KINDS = new Set(['invalid-argument', 'not-found', 'unreadable', 'not-dicom', 'malformed', 'unsupported', 'conflict', 'decode-failed', 'invalid-pack']);

function exitFor(e: ErrorData): number {
  if (e.kind === 'cancelled') return 130;
  return BAD_INPUT_KINDS.has(e.kind) ? EXIT_BAD_INPUT : EXIT_FAILED;
}

function parseShard(value: string | undefined): { index: number; count: number } {
  if (value === undefined) return { index: 1, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 100_000) {
    throw new UsageError(`--shard must be I/K with 1 <= I <= K (e.g. 2/8), not "${value}".`);
  }
  return { index: Number(m[1]), count: Number(m[2]) };
}

function describe(s: ExportSummary): string {
  const shard = s.shard.count > 1 ? ` (shard ${s.shard.index}/${s.shard.count})` : '';
  const lines = [`export${shard}: ${s.written} item(s) written, ${s.resumed} already there, ${s.inShard} in this run, ${s.planned} in the export; ${s.seconds.toFixed(1)} s`];
  lines.push(s.indexed ? `${s.out}: complete, with manifest.csv and manifest.json` : `${s.out}: this shard is done; the manifests are written when every shard has finished (or run \`cardiosynth export merge\`)`);
  return `${lines.join('\n')}\n`;
}

async function runMerge(argv: string[]): Promise<number> {
  const { values, positionals } = parse({ args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' }, json: { type: 'boolean' } } });
  if (positionals.length === 0) throw new UsageError('give the export folders (shards) to merge.');
  const json = values.json || !process.stdout.isTTY;
  try {
    const r = mergeExports(positionals, { out: values.out, softwareVersion: packageVersion() });
    await out(json ? `${JSON.stringify({ type: 'summary', ...r })}\n` : `merged ${r.items} items into ${r.out} (${r.linked} files linked, ${r.copied} copied from other shard folders)\n`);
    return EXIT_OK;
  } catch (e) {
    const d = toErrorData(e);
    if (json) await out(`${JSON.stringify({ type: 'error', ...d })}\n`);
    err(`cardiosynth export merge: ${d.message}`);
    return exitFor(d);
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a dataset (DICOM, PNG pairs; CAMUS, EchoNet) from a recipe or a path; shards, resume, merge',
  help: HELP,
  async run(argv) {
    if (argv[0] === 'merge') return runMerge(argv.slice(1));
    const { values, positionals } = parse({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        recipe: { type: 'string' },
        from: { type: 'string', multiple: true },
        layout: { type: 'string' },
        'save-recipe': { type: 'string' },
        out: { type: 'string' },
        shard: { type: 'string' },
        resume: { type: 'boolean' },
        verify: { type: 'boolean' },
        'skip-unreadable': { type: 'boolean' },
        'skip-unfit': { type: 'boolean' },
        'pseudonym-key': { type: 'string' },
        provider: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (values.provider !== undefined && !['auto', ...PROVIDER_NAMES].includes(values.provider)) throw new UsageError(`--provider must be auto, ${PROVIDER_NAMES.join(', ')}, not "${values.provider}".`);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (did you mean --from ${positionals[0]}?)`);
    if (!values.out) throw new UsageError('--out DIR is required.');
    if (!values.recipe === !values.from) throw new UsageError('give either --recipe FILE or --from PATH.');
    const shard = parseShard(values.shard);
    const json = values.json || !process.stderr.isTTY || !process.stdout.isTTY;
    const progress = createProgress(!json);

    let recipe: Recipe;
    let baseDir: string;
    try {
      if (values.recipe) {
        if (values.layout) throw new UsageError('--layout goes with --from; a recipe names its layout.');
        if (values['save-recipe']) throw new UsageError('--save-recipe goes with --from.');
        recipe = loadRecipe(resolve(values.recipe));
        baseDir = dirname(resolve(values.recipe));
      } else {
        if (!values.layout) throw new UsageError(`--layout is required with --from (${EXPORT_LAYOUTS.join(', ')}).`);
        if (!(EXPORT_LAYOUTS as readonly string[]).includes(values.layout)) throw new UsageError(`--layout must be one of ${EXPORT_LAYOUTS.join(', ')}, not "${values.layout}".`);
        const studies = values.from!.filter((p) => p.startsWith('catalog:')).map((p) => p.slice('catalog:'.length));
        const sources: RecipeSource[] = values.from!.filter((p) => !p.startsWith('catalog:')).map((p) => resolve(p));
        if (studies.length) sources.push({ catalog: { studies } });
        const first = values.from![0].startsWith('catalog:') ? 'catalog' : basename(resolve(values.from![0]));
        recipe = parseRecipe({ format: RECIPE_FORMAT, name: safeFileName(`from-${first}`, 60), layout: values.layout as ExportLayoutName, sources }, '--from');
        baseDir = process.cwd();
        if (values['save-recipe']) saveRecipe(resolve(values['save-recipe']), recipe);
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const d = toErrorData(e);
      err(`cardiosynth export: ${d.message}`);
      return exitFor(d);
    }
    const availability = layoutAvailability(recipe.layout);
    if (!availability.available) {
      err(`cardiosynth export: layout "${recipe.layout}" is not available yet: ${availability.reason}.`);
      return EXIT_BAD_INPUT;
    }

    const abort = new AbortController();
    const onSignal = (): void => {
      if (abort.signal.aborted) process.exit(130); // a second Ctrl-C: leave now (whole items stay whole)
      err('\ncardiosynth export: stopping; whole items are kept (Ctrl-C again to leave at once)...');
      abort.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // The data folder's catalog (its studies as a source; its dataset folders are never written into), label
    // drafts, and an engine process of this command's own for model packs (stopped when the export ends).
    const dataDir = userDataDir();
    let catalog: Catalog | null = null;
    const openCatalog = (): Catalog => (catalog ??= new Catalog(dataDir));
    const labels = new LabelService(dataDir, { catalog: openCatalog });
    const door = doorOptions({
      catalog: openCatalog,
      drafts: labels,
      engine: () => ownEngine(paths.resources, dataDir, { provider: (values.provider ?? 'auto') as ProviderChoice }),
    }, baseDir);
    try {
      const summary = await runExport({
        ...door,
        recipe, baseDir, out: resolve(values.out), shard, resume: values.resume, verify: values.verify,
        skipUnreadable: values['skip-unreadable'], skipUnfit: values['skip-unfit'], dataDir,
        pseudonymKeyPath: values['pseudonym-key'] ? resolve(values['pseudonym-key']) : process.env.CARDIOSYNTH_PSEUDONYM_KEY || undefined,
        softwareVersion: packageVersion(), signal: abort.signal,
        onProgress: (p) => progress.update(p),
        onWarning: (m) => {
          progress.finish();
          err(`cardiosynth export: warning: ${m}`);
        },
      });
      progress.finish();
      await out(json ? `${JSON.stringify({ type: 'summary', ...summary })}\n` : describe(summary));
      return EXIT_OK;
    } catch (e) {
      progress.finish();
      const d = toErrorData(e);
      if (json) await out(`${JSON.stringify({ type: 'error', ...d })}\n`);
      const hint = d.kind === 'io' ? `\nWhole items written so far are kept; fix the cause and run the same command with --resume to continue.` : '';
      err(`cardiosynth export: ${d.message}${hint}`);
      return exitFor(d);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      labels.close();
      (catalog as Catalog | null)?.close();
    }
  },
};
