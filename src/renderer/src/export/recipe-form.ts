/**
 * The export dialog's form and the recipe it stands for (src/shared/export-recipe.ts), both ways. Pure, so the
 * mapping is unit-tested without a browser. The recipe is built whole (every field the schema would default is
 * written out), so the dialog never imports zod: main validates it (export.preview answers with the field and
 * the problem).
 */
import type { CatalogFilter } from '../../../shared/catalog-types.ts';
import type { Recipe, RecipeSource } from '../../../shared/export-recipe.ts';
import type { ExportLayoutName } from '../../../shared/export-types.ts';
import type { SchedulerName } from '../../../shared/inference-types.ts';

export type Quality = 'Good' | 'Medium' | 'Poor';
export type Phase = 'ED' | 'ES';
export const QUALITY_CHOICES: readonly Quality[] = ['Good', 'Medium', 'Poor'];
export const PHASE_CHOICES: readonly Phase[] = ['ED', 'ES'];
export const EF_BAND_CHOICES = ['EF <40', 'EF 40-54', 'EF 55-70', 'EF >70'] as const;
export const LAYOUT_CHOICES: ReadonlyArray<{ value: ExportLayoutName; label: string }> = [
  { value: 'camus', label: 'CAMUS 2023 (NIfTI, Info cfg, database_split)' },
  { value: 'echonet', label: 'EchoNet-Dynamic (AVI 112×112, FileList, VolumeTracings)' },
  { value: 'dicom', label: 'DICOM (US Multi-frame / Secondary Capture)' },
  { value: 'png', label: 'PNG image + mask pairs' },
];

/** What the export takes: the catalog browser's current filter, studies ticked here, kept results, or a loaded recipe's own sources. */
export type What = 'filter' | 'selected' | 'results' | 'recipe';

export interface ExportForm {
  name: string;
  what: What;
  selected: string[];
  /** The sources of a loaded recipe, kept as they were when `what` is 'recipe'. */
  recipeSources: RecipeSource[];
  /** The folder the loaded recipe came from (its relative paths are relative to it). */
  baseDir: string | null;
  layout: ExportLayoutName;
  out: string;
  includeSources: boolean;
  generator: 'none' | 'phantom' | 'pack';
  pack: string;
  scheduler: SchedulerName | '';
  steps: number | null;
  guidance: number | null;
  controlScale: number | null;
  variants: number;
  output: 'cine' | 'still' | 'ed-es';
  qualities: Quality[];
  phases: Phase[];
  efBands: string[];
  pick: 'cycle' | 'random';
  seedStrategy: 'derived' | 'sequential' | 'per-variant';
  seedBase: number;
  useRatio: boolean;
  ratioReal: number;
  ratioSynthetic: number;
  train: number;
  val: number;
  test: number;
  keepSourceSplit: boolean;
  splitMethod: 'hash' | 'exact';
  skipUnfit: boolean;
  /** Recipe fields the dialog does not edit, carried over from a loaded recipe. */
  rest: Pick<Recipe, 'allowBurnedInAnnotation' | 'png' | 'description'> & { width: number; height: number; fps?: number; frames?: number; negativePrompt: string; splitSeed: string; standalone?: NonNullable<Recipe['synthetic']>['standalone'] };
}

export const DEFAULT_FORM: ExportForm = {
  name: 'augmented',
  what: 'filter',
  selected: [],
  recipeSources: [],
  baseDir: null,
  layout: 'camus',
  out: '',
  includeSources: true,
  generator: 'pack',
  pack: '',
  scheduler: '',
  steps: null,
  guidance: null,
  controlScale: null,
  variants: 2,
  output: 'ed-es',
  qualities: [],
  phases: [],
  efBands: [],
  pick: 'cycle',
  seedStrategy: 'derived',
  seedBase: 0,
  useRatio: false,
  ratioReal: 1,
  ratioSynthetic: 2,
  train: 0.8,
  val: 0.1,
  test: 0.1,
  keepSourceSplit: true,
  splitMethod: 'hash',
  skipUnfit: false,
  rest: { allowBurnedInAnnotation: false, png: { frames: 'labelled' }, width: 256, height: 256, negativePrompt: '', splitSeed: '' },
};

export interface FormContext {
  /** The catalog browser's filter now. */
  filter: CatalogFilter;
  /** Sidecar paths of the gallery's kept results. */
  keptSidecars: string[];
}

/** The sources the form names. */
export function formSources(f: ExportForm, ctx: FormContext): RecipeSource[] {
  switch (f.what) {
    case 'filter':
      return [{ catalog: { filter: ctx.filter } }];
    case 'selected':
      return f.selected.length ? [{ catalog: { studies: f.selected } }] : [];
    case 'results':
      return ctx.keptSidecars;
    case 'recipe':
      return f.recipeSources;
  }
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9 ._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 100) || 'export';

/** The recipe the form stands for. */
export function formToRecipe(f: ExportForm, ctx: FormContext): Recipe {
  const wantsSynthetic = f.generator !== 'none' && (f.variants > 0 || !!f.rest.standalone);
  const generator: NonNullable<Recipe['synthetic']>['generator'] = f.generator === 'pack'
    ? {
      kind: 'diffusion', pack: f.pack,
      ...(f.scheduler ? { scheduler: f.scheduler } : {}),
      ...(f.steps !== null ? { steps: f.steps } : {}),
      ...(f.guidance !== null ? { guidance: f.guidance } : {}),
      ...(f.controlScale !== null ? { controlScale: f.controlScale } : {}),
    }
    : { kind: 'phantom' };
  return {
    format: 'cardiosynth-recipe/1',
    name: safeName(f.name),
    ...(f.rest.description ? { description: f.rest.description } : {}),
    layout: f.layout,
    sources: formSources(f, ctx),
    includeReal: f.includeSources,
    allowBurnedInAnnotation: f.rest.allowBurnedInAnnotation,
    ...(wantsSynthetic ? {
      synthetic: {
        generator,
        variantsPerStudy: f.variants,
        seed: { strategy: f.seedStrategy, base: f.seedBase },
        variations: { quality: f.qualities, phase: f.output === 'still' ? f.phases : [], efBand: f.efBands as Array<(typeof EF_BAND_CHOICES)[number]>, pick: f.pick },
        output: f.output,
        width: f.rest.width,
        height: f.rest.height,
        ...(f.rest.fps !== undefined ? { fps: f.rest.fps } : {}),
        ...(f.rest.frames !== undefined ? { frames: f.rest.frames } : {}),
        negativePrompt: f.rest.negativePrompt,
        ...(f.rest.standalone ? { standalone: f.rest.standalone } : {}),
      },
    } : {}),
    ...(f.useRatio ? { ratio: { real: f.ratioReal, synthetic: f.ratioSynthetic } } : {}),
    split: { train: f.train, val: f.val, test: f.test, keepSourceSplit: f.keepSourceSplit, method: f.splitMethod, seed: f.rest.splitSeed },
    png: f.rest.png,
  };
}

/** The form for a recipe loaded from a file (its sources kept as they are). */
export function recipeToForm(r: Recipe, baseDir: string, previous: ExportForm): ExportForm {
  const s = r.synthetic;
  const g = s?.generator;
  return {
    ...previous,
    name: r.name,
    what: 'recipe',
    recipeSources: r.sources,
    baseDir,
    layout: r.layout,
    includeSources: r.includeReal,
    generator: !s ? 'none' : g!.kind === 'diffusion' ? 'pack' : 'phantom',
    pack: g?.kind === 'diffusion' ? g.pack : previous.pack,
    scheduler: g?.kind === 'diffusion' ? ((g.scheduler as SchedulerName | undefined) ?? '') : '',
    steps: g?.kind === 'diffusion' ? (g.steps ?? null) : null,
    guidance: g?.kind === 'diffusion' ? (g.guidance ?? null) : null,
    controlScale: g?.kind === 'diffusion' ? (g.controlScale ?? null) : null,
    variants: s?.variantsPerStudy ?? 0,
    output: s?.output ?? previous.output,
    qualities: s ? [...s.variations.quality] : [],
    phases: s ? [...s.variations.phase] : [],
    efBands: s ? [...s.variations.efBand] : [],
    pick: s?.variations.pick ?? 'cycle',
    seedStrategy: s?.seed.strategy ?? 'derived',
    seedBase: s?.seed.base ?? 0,
    useRatio: !!r.ratio,
    ratioReal: r.ratio?.real ?? previous.ratioReal,
    ratioSynthetic: r.ratio?.synthetic ?? previous.ratioSynthetic,
    train: r.split.train,
    val: r.split.val,
    test: r.split.test,
    keepSourceSplit: r.split.keepSourceSplit,
    splitMethod: r.split.method,
    rest: {
      allowBurnedInAnnotation: r.allowBurnedInAnnotation, png: r.png, description: r.description,
      width: s?.width ?? 256, height: s?.height ?? 256, fps: s?.fps, frames: s?.frames, negativePrompt: s?.negativePrompt ?? '',
      splitSeed: r.split.seed, standalone: s?.standalone,
    },
  };
}
