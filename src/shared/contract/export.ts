/**
 * Dataset export (see ../contract.ts for how the parts are joined). An export is a job: `export.start` queues
 * it and returns at once; follow it with `jobs.get` / `jobs.watch` (progress: items done, rate, ETA in the
 * job's `detail`), cancel it with `jobs.cancel` (whole items stay written and journaled), and continue it with
 * `export.start` and `resume: true`. Its result is an ExportSummary.
 */
import { z } from 'zod';
import type { Recipe } from '../export-recipe.ts';
import { recipeSchema } from '../export-recipe.ts';
import type { ExportFolderState, ExportPreview } from '../export-types.ts';
import type { JobInfo } from '../job-types.ts';
import { filePath } from './studies.ts';

const request = z.object({
  /** The recipe (cardiosynth-recipe/1): sources, layout, synthetic variants, ratio, splits. */
  recipe: recipeSchema,
  /** The output folder: new, empty, or this export's own (to resume); never inside a dataset folder. */
  out: filePath,
  /** Where the recipe's relative source paths are taken from (the folder of the file it was loaded from). */
  baseDir: filePath.optional(),
  /** Continue the export already in `out` (after a cancel, a crash or a full disk). */
  resume: z.boolean().optional(),
  /** Leave out (and list) items the layout cannot hold, instead of refusing the export. */
  skipUnfit: z.boolean().optional(),
  /** Export what can be read and list the sources that cannot, instead of stopping. */
  skipUnreadable: z.boolean().optional(),
}).strict();

export const exportMethods = {
  /** Checks the request (paths, the recipe, a model pack) and queues the export as a job (kind `export`). */
  'export.start': { args: request },
  /** What the recipe would export (counts, splits, items the layout cannot hold) and what `out` holds. */
  'export.preview': { args: request.omit({ resume: true, skipUnreadable: true }).extend({ out: filePath.optional() }) },
  /** What a folder holds: free, an export to resume, a finished one, something else. */
  'export.folder': { args: z.object({ out: filePath }).strict() },
  /** Reads a recipe file (every problem named: file, field, message). */
  'export.loadRecipe': { args: z.object({ path: filePath }).strict() },
  /** Writes a recipe file (.json, defaults filled in), atomically; never over a file that is not a recipe. */
  'export.saveRecipe': { args: z.object({ path: filePath, recipe: recipeSchema }).strict() },
} as const;

export interface ExportResults {
  'export.start': JobInfo;
  'export.preview': ExportPreview;
  'export.folder': ExportFolderState;
  'export.loadRecipe': { recipe: Recipe; baseDir: string };
  'export.saveRecipe': { path: string };
}
