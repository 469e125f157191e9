/**
 * Augmentation recipes: what to export, and how many synthetic variants of what. A recipe is a JSON file a
 * researcher keeps beside their training code and reruns (`cardiosynth export --recipe FILE`); the export
 * dialog will edit the same object. Pure zod, so the CLI, a contract method and the UI validate it alike.
 *
 * {
 *   "format": "cardiosynth-recipe/1",
 *   "name": "camus-x4",
 *   "layout": "png",
 *   "sources": ["../CAMUS/database_nifti"],          // relative to the recipe file
 *   "includeReal": true,
 *   "synthetic": {
 *     "generator": { "kind": "phantom" },
 *     "variantsPerStudy": 4,
 *     "seed": { "strategy": "derived", "base": 1234 },
 *     "variations": { "quality": ["Good", "Poor"], "efBand": ["EF <40", "EF 55-70"], "pick": "cycle" },
 *     "output": "cine"
 *   },
 *   "ratio": { "real": 1, "synthetic": 2 },
 *   "split": { "train": 0.8, "val": 0.1, "test": 0.1, "keepSourceSplit": true, "method": "hash", "seed": "v1" }
 * }
 */
import { z } from 'zod';
import { catalogFilterSchema, studyId } from './contract/catalog.ts';
import { EXPORT_LAYOUTS } from './export-types.ts';

export const RECIPE_FORMAT = 'cardiosynth-recipe/1';

/** The prompt vocabulary of docs/model-pack.md, which the phantom generator also honours. */
export const EF_BANDS = ['EF <40', 'EF 40-54', 'EF 55-70', 'EF >70'] as const;
export const QUALITIES = ['Good', 'Medium', 'Poor'] as const;
export const PHASES = ['ED', 'ES'] as const;
export const SYNTHETIC_VIEWS = ['2CH', '4CH'] as const;

const name = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, space, dot, dash or underscore');
const seedInt = z.number().int().min(0).max(0xffffffff);

export const generatorSpec = z.discriminatedUnion('kind', [
  /** Parametric phantom hearts with B-mode physics: label maps and images, no model needed. */
  z.object({ kind: z.literal('phantom') }).strict(),
  /** A model pack through the inference engine (issue 5): `pack` is a pack folder or an installed pack id. */
  z.object({
    kind: z.literal('diffusion'),
    pack: z.string().min(1).max(4096),
    scheduler: z.string().min(1).max(40).optional(),
    steps: z.number().int().min(1).max(1000).optional(),
    guidance: z.number().min(0).max(50).optional(),
    controlScale: z.number().min(0).max(5).optional(),
  }).strict(),
]);

export const syntheticSpec = z.object({
  generator: generatorSpec,
  /** K: synthetic variants made from each selected study (the ratio may use fewer). */
  variantsPerStudy: z.number().int().min(0).max(1000).default(1),
  seed: z.object({
    /**
     * derived: a hash of (base, study, variant): a study's variants keep their seeds when the selection changes;
     * sequential: base, base+1, ... in plan order; per-variant: base + k for variant k of every study (the same
     * noise across studies, for controlled comparisons).
     */
    strategy: z.enum(['derived', 'sequential', 'per-variant']).default('derived'),
    base: seedInt.default(0),
  }).strict().default({ strategy: 'derived', base: 0 }),
  /** Prompt variations: each variant takes one combination of the listed values (quality x phase x EF band). */
  variations: z.object({
    quality: z.array(z.enum(QUALITIES)).max(3).default([]),
    /** ED or ES: only for `output: "still"` (a cine covers both). */
    phase: z.array(z.enum(PHASES)).max(2).default([]),
    efBand: z.array(z.enum(EF_BANDS)).max(4).default([]),
    /** cycle: variant k takes combination k mod N (every combination equally often); random: seeded draw. */
    pick: z.enum(['cycle', 'random']).default('cycle'),
  }).strict().default({ quality: [], phase: [], efBand: [], pick: 'cycle' }),
  /**
   * cine: a whole beat; still: one frame at the phase asked for; ed-es: an ED and an ES still per variant
   * (what a still-image model pack makes for cine layouts: CAMUS keeps them as its _ED/_ES images).
   */
  output: z.enum(['cine', 'still', 'ed-es']).default('cine'),
  width: z.number().int().min(32).max(1024).default(256),
  height: z.number().int().min(32).max(1024).default(256),
  /** Frame rate of synthetic cines; default the source study's, else 30. */
  fps: z.number().min(1).max(200).optional(),
  /** Frames per synthetic cine; default one heartbeat at the frame rate. */
  frames: z.number().int().min(2).max(500).optional(),
  negativePrompt: z.string().max(1000).default(''),
  /** Synthetic patients with no source study (generators that need none, i.e. the phantom): N patients x views. */
  standalone: z.object({
    patients: z.number().int().min(1).max(100_000),
    views: z.array(z.enum(SYNTHETIC_VIEWS)).min(1).max(2).default(['2CH', '4CH']),
  }).strict().optional(),
}).strict().superRefine((s, ctx) => {
  if (s.variations.phase.length > 0 && s.output !== 'still') {
    ctx.addIssue({ code: 'custom', path: ['variations', 'phase'], message: 'phase variations need "output": "still" (a cine holds both phases)' });
  }
});

export const splitSpec = z.object({
  train: z.number().min(0).max(1).default(0.8),
  val: z.number().min(0).max(1).default(0.1),
  test: z.number().min(0).max(1).default(0.1),
  /** Keep the split a dataset states for its patients (CAMUS database_split, EchoNet Split). */
  keepSourceSplit: z.boolean().default(true),
  /**
   * hash: each patient's split follows from its pseudonym alone, so adding patients later never moves one
   * (no leakage between dataset versions); exact: the fractions hold exactly over this selection.
   */
  method: z.enum(['hash', 'exact']).default('hash'),
  seed: z.string().max(100).default(''),
}).strict().refine((s) => Math.abs(s.train + s.val + s.test - 1) < 1e-6, { message: 'train + val + test must be 1' });

/**
 * Studies of the workstation's catalog (issue 3) as a source: those a browser filter matches when the export
 * starts, and/or listed study ids. Only the app and the CLI on the same data folder can resolve them.
 */
export const catalogSourceSpec = z.object({
  catalog: z.object({
    filter: catalogFilterSchema.optional(),
    studies: z.array(studyId).max(100_000).optional(),
  }).strict().refine((c) => c.filter !== undefined || (c.studies?.length ?? 0) > 0, { message: 'give a filter or study ids' }),
}).strict();

export type CatalogSourceSpec = z.infer<typeof catalogSourceSpec>;
export type RecipeSource = string | CatalogSourceSpec;

export const recipeSchema = z.object({
  format: z.literal(RECIPE_FORMAT),
  name,
  description: z.string().max(2000).optional(),
  layout: z.enum(EXPORT_LAYOUTS),
  /**
   * Studies, dataset folders, folders of files or of generated results (the Generate tab's PNG + JSON
   * sidecars), relative to the recipe file; or `{"catalog": {"filter": {...}, "studies": [...]}}`.
   */
  sources: z.array(z.union([z.string().min(1).max(4096), catalogSourceSpec])).max(10_000).default([]),
  /** Put the real studies themselves in the export (subject to `ratio`). */
  includeReal: z.boolean().default(true),
  /**
   * Real DICOM images whose header says their pixels carry burned-in annotation (text such as names or dates
   * drawn into the image) are refused unless this is true: the export cannot remove what is in the pixels.
   */
  allowBurnedInAnnotation: z.boolean().default(false),
  synthetic: syntheticSpec.optional(),
  /** real:synthetic proportion of the export; the counts stay within K variants per study and the real pool. */
  ratio: z.object({ real: z.number().min(0).max(1000), synthetic: z.number().min(0).max(1000) }).strict()
    .refine((r) => r.real + r.synthetic > 0, { message: 'real and synthetic cannot both be 0' }).optional(),
  split: splitSpec.default({ train: 0.8, val: 0.1, test: 0.1, keepSourceSplit: true, method: 'hash', seed: '' }),
  /** PNG layout: which frames become image/mask pairs. */
  png: z.object({
    frames: z.enum(['labelled', 'all', 'ed-es']).default('labelled'),
    /** The label value shown as grey 255 in grey masks; default the largest label any item can hold. */
    maxLabel: z.number().int().min(1).max(255).optional(),
  }).strict().default({ frames: 'labelled' }),
}).strict().superRefine((r, ctx) => {
  if (r.sources.length === 0 && !r.synthetic?.standalone) {
    ctx.addIssue({ code: 'custom', path: ['sources'], message: 'give sources, or synthetic.standalone patients' });
  }
});

export type Recipe = z.infer<typeof recipeSchema>;
export type RecipeInput = z.input<typeof recipeSchema>;
export type SyntheticSpec = z.infer<typeof syntheticSpec>;
export type GeneratorSpec = z.infer<typeof generatorSpec>;

/** The first problem of a failed parse, as `field.path: message`. */
export function recipeIssue(error: z.ZodError): string {
  const i = error.issues[0];
  const where = i.path.length > 0 ? i.path.join('.') : '(recipe)';
  return `${where}: ${i.message}`;
}
