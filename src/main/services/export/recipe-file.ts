/**
 * Recipes as files: read with every problem named (file, field, message), written atomically and pretty, so
 * a researcher can keep one beside their training code and diff it.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { Recipe, RecipeInput } from '../../../shared/export-recipe.ts';
import { recipeIssue, recipeSchema } from '../../../shared/export-recipe.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

export function parseRecipe(value: unknown, where: string): Recipe {
  const r = recipeSchema.safeParse(value);
  if (!r.success) throw new AppError('invalid-argument', `${where}: ${recipeIssue(r.error)}`);
  return r.data;
}

export function loadRecipe(path: string): Recipe {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(code === 'ENOENT' ? 'not-found' : 'unreadable', `${path}: cannot read the recipe (${code === 'ENOENT' ? 'no such file' : (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError('malformed', `${path}: not JSON (${(err as Error).message})`);
  }
  return parseRecipe(json, path);
}

/** Writes the recipe with its defaults filled in, so the file says everything the export did. */
export function saveRecipe(path: string, recipe: Recipe | RecipeInput): void {
  const full = parseRecipe(recipe, path);
  writeFileAtomic(path, `${JSON.stringify(full, null, 2)}\n`);
}
