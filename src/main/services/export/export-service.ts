/**
 * Export for the app and `serve`: an export runs as a job on the shared jobs service (queue `export`, one at
 * a time), reporting items done, rate and ETA as job progress; cancelling the job stops it between items (what
 * is written stays whole and journaled) and starting it again with `resume` continues it. A preview works out
 * the plan and what the output folder holds without writing, and recipes are saved and loaded as files.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { Recipe, RecipeSource } from '../../../shared/export-recipe.ts';
import type { ExportFolderState, ExportPreview, ExportProgress, ExportSummary } from '../../../shared/export-types.ts';
import type { JobInfo } from '../../../shared/job-types.ts';
import type { Catalog } from '../datasets/catalog/index.ts';
import type { InferenceService } from '../inference/index.ts';
import type { JobsService } from '../jobs/index.ts';
import type { LabelService } from '../labels/index.ts';
import { catalogRoots, doorOptions } from './export-doors.ts';
import { sharedEngine } from './export-generators.ts';
import { folderState, previewExport } from './export-preview.ts';
import { loadRecipe, parseRecipe, saveRecipe } from './recipe-file.ts';
import type { ExportOptions } from './runner.ts';
import { runExport } from './runner.ts';

export const EXPORT_JOB_KIND = 'export';

export interface ExportServiceOptions {
  jobs: JobsService;
  dataDir: string;
  version: string;
  catalog: () => Catalog;
  labels: LabelService;
  inference: InferenceService;
}

export interface ExportRequest {
  recipe: Recipe;
  out: string;
  /** Where relative source paths of the recipe are taken from (the folder of the recipe file it was loaded from). */
  baseDir?: string;
  resume?: boolean;
  skipUnfit?: boolean;
  skipUnreadable?: boolean;
}

/** Facts a job carries for the dialog: where it writes, and its latest rate and estimate. */
export interface ExportJobDetail {
  out: string;
  layout: string;
  recipe: string;
  resume: boolean;
  etaS: number | null;
  itemsPerMin: number | null;
  warnings: string[];
}

function checkPaths(req: ExportRequest, outOptional = false): { out: string; baseDir: string } {
  if (outOptional && !req.out) {
    const relative = req.recipe.sources.filter((s): s is string => typeof s === 'string' && !isAbsolute(s));
    if (relative.length && !req.baseDir) throw new AppError('invalid-argument', `source "${relative[0]}" is a relative path; give absolute paths, or load the recipe from its file`);
    return { out: '', baseDir: req.baseDir ? resolve(req.baseDir) : '/' };
  }
  if (!isAbsolute(req.out)) throw new AppError('invalid-argument', `the output folder must be an absolute path, not "${req.out}"`);
  const relative = req.recipe.sources.filter((s): s is string => typeof s === 'string' && !isAbsolute(s));
  if (relative.length && !req.baseDir) throw new AppError('invalid-argument', `source "${relative[0]}" is a relative path; give absolute paths, or load the recipe from its file`);
  return { out: resolve(req.out), baseDir: req.baseDir ? resolve(req.baseDir) : dirname(resolve(req.out)) };
}

function progressMessage(p: ExportProgress): string {
  const rate = p.itemsPerMin === null ? '' : ` · ${p.itemsPerMin.toFixed(p.itemsPerMin < 10 ? 1 : 0)} items/min`;
  const eta = p.etaS === null ? '' : p.type === 'done' ? '' : ` · about ${Math.max(1, Math.round(p.etaS))} s left`;
  return `${p.done} of ${p.total} items${rate}${eta}`;
}

export class ExportService {
  private readonly opts: ExportServiceOptions;

  constructor(opts: ExportServiceOptions) {
    this.opts = opts;
  }

  private options(req: ExportRequest, extra: Partial<ExportOptions> = {}, outOptional = false): ExportOptions {
    const { out, baseDir } = checkPaths(req, outOptional);
    const door = doorOptions({ catalog: this.opts.catalog, drafts: this.opts.labels, engine: () => sharedEngine(this.opts.inference) }, baseDir);
    return {
      ...door,
      recipe: req.recipe, baseDir, out, resume: req.resume, skipUnfit: req.skipUnfit, skipUnreadable: req.skipUnreadable,
      dataDir: this.opts.dataDir, softwareVersion: this.opts.version, ...extra,
    };
  }

  /** The plan's counts, what the layout cannot hold, and what the output folder holds (when given); writes nothing. */
  preview(req: ExportRequest): Promise<ExportPreview> {
    return previewExport(this.options(req, {}, true), catalogRoots(this.opts.catalog));
  }

  /** What a folder holds (an export to resume, a finished one, something else). */
  folder(out: string): ExportFolderState {
    if (!isAbsolute(out)) throw new AppError('invalid-argument', `the output folder must be an absolute path, not "${out}"`);
    return folderState(out, null, catalogRoots(this.opts.catalog).map((path) => ({ path, what: 'the catalog dataset folder' })));
  }

  /** Queues the export as a job; its result is the ExportSummary. Bad paths fail here, at once. */
  start(req: ExportRequest): JobInfo {
    const base = this.options(req);
    const detail: ExportJobDetail = { out: base.out, layout: req.recipe.layout, recipe: req.recipe.name, resume: !!req.resume, etaS: null, itemsPerMin: null, warnings: [] };
    return this.opts.jobs.submit({
      kind: EXPORT_JOB_KIND,
      queue: EXPORT_JOB_KIND,
      title: `${req.resume ? 'Resume export' : 'Export'} ${req.recipe.name} (${req.recipe.layout}) to ${base.out}`,
      detail: { ...detail },
      run: async (ctx): Promise<ExportSummary> => {
        ctx.progress({ fraction: 0, message: 'Reading the sources and planning' });
        return runExport({
          ...base,
          signal: ctx.signal,
          onProgress: (p) => {
            ctx.progress({ fraction: p.total ? p.done / p.total : 0, done: p.done, total: p.total, message: progressMessage(p) });
            ctx.detail({ etaS: p.etaS, itemsPerMin: p.itemsPerMin });
          },
          onWarning: (m) => {
            detail.warnings = [...detail.warnings, m].slice(-50);
            ctx.detail({ warnings: detail.warnings });
          },
        });
      },
    });
  }

  loadRecipe(path: string): { recipe: Recipe; baseDir: string } {
    if (!isAbsolute(path)) throw new AppError('invalid-argument', `give the recipe file's absolute path, not "${path}"`);
    return { recipe: loadRecipe(path), baseDir: dirname(path) };
  }

  /** Saves a recipe (defaults filled in) to a file; refuses to replace a file that is not a recipe. */
  saveRecipe(path: string, recipe: Recipe): { path: string } {
    if (!isAbsolute(path)) throw new AppError('invalid-argument', `give an absolute path for the recipe file, not "${path}"`);
    if (!/\.json$/i.test(path)) throw new AppError('invalid-argument', `${path}: a recipe is saved as a .json file`);
    try {
      loadRecipe(path);
    } catch (err) {
      const kind = (err as AppError).kind;
      if (kind !== 'not-found') throw new AppError('conflict', `${path}: exists and is not a recipe; choose another name`);
    }
    saveRecipe(path, parseRecipe(recipe, path));
    return { path };
  }
}

export type { RecipeSource };
