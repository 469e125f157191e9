import { describe, expect, it } from 'vitest';
import { recipeSchema } from '../../../shared/export-recipe.ts';
import { DEFAULT_FORM, formToRecipe, recipeToForm, type ExportForm } from './recipe-form.ts';

const ctx = { filter: { views: ['4CH' as const] }, keptSidecars: ['/data/results/a.json'] };

describe('the export dialog\'s recipe', () => {
  it('is a whole, valid recipe: the schema changes nothing in it', () => {
    for (const over of [{}, { generator: 'phantom' as const, output: 'cine' as const }, { generator: 'none' as const }, { what: 'results' as const, useRatio: true }, { output: 'still' as const, phases: ['ES' as const] }]) {
      const form: ExportForm = { ...DEFAULT_FORM, pack: 'phantom-echo-112@1.0.0', steps: 12, ...over };
      const r = formToRecipe(form, ctx);
      expect(recipeSchema.parse(r), JSON.stringify(over)).toEqual(r);
    }
  });

  it('names its sources: the catalog filter, ticked studies, kept results', () => {
    const f = (what: ExportForm['what']) => formToRecipe({ ...DEFAULT_FORM, what, selected: ['camus:patient0001:2CH'] }, ctx).sources;
    expect(f('filter')).toEqual([{ catalog: { filter: { views: ['4CH'] } } }]);
    expect(f('selected')).toEqual([{ catalog: { studies: ['camus:patient0001:2CH'] } }]);
    expect(f('results')).toEqual(['/data/results/a.json']);
  });

  it('round-trips through a recipe file: what it loads is what it saves', () => {
    const form: ExportForm = { ...DEFAULT_FORM, name: 'camus x4', pack: 'phantom-echo-112', guidance: 4.5, variants: 4, qualities: ['Good', 'Poor'], efBands: ['EF <40'], seedStrategy: 'per-variant', seedBase: 7, useRatio: true, ratioReal: 1, ratioSynthetic: 3, train: 0.7, val: 0.2, test: 0.1, splitMethod: 'exact' };
    const r = formToRecipe(form, ctx);
    const back = recipeToForm(r, '/recipes', DEFAULT_FORM);
    expect(formToRecipe(back, ctx)).toEqual(r);
    expect(back).toMatchObject({ what: 'recipe', baseDir: '/recipes', recipeSources: r.sources, guidance: 4.5, variants: 4 });
  });
});
