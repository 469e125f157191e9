/**
 * The schema of a model pack's manifest, `cardiosynth.json` (docs/model-pack.md). Pure zod: main validates
 * packs with it, and the renderer reads the same types from pack listings.
 */
import { z } from 'zod';

export const PACK_FORMAT = 'cardiosynth-pack/1';

const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#ff3b30"');
const positiveInt = z.number().int().positive();

export const packLabelSchema = z.object({
  value: z.number().int().min(0).max(255),
  name: z.string().min(1).max(80),
  color: hexColour,
});

export const conditioningSchema = z
  .object({
    kind: z.literal('label-map'),
    /** one-hot: channel k = (label == labels[k].value); grey: round(255*label/max_label)/255 repeated to K;
     * palette: the label's colour / 255 (K = 3). */
    encoding: z.enum(['one-hot', 'grey', 'palette']),
    channels: positiveInt.max(64),
    labels: z.array(packLabelSchema).min(2).max(256),
  })
  .superRefine((c, ctx) => {
    const values = c.labels.map((l) => l.value);
    if (new Set(values).size !== values.length) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'label values must be distinct' });
    if (c.encoding === 'palette' && c.channels !== 3) ctx.addIssue({ code: 'custom', path: ['channels'], message: 'palette encoding needs 3 channels' });
    if (c.encoding === 'one-hot' && c.channels > c.labels.length) {
      ctx.addIssue({ code: 'custom', path: ['channels'], message: `one-hot encoding has one channel per label: ${c.channels} channels but ${c.labels.length} labels` });
    }
    if (c.encoding === 'grey' && Math.max(...values) === 0) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'grey encoding needs a label value above 0' });
  });

export const packManifestSchema = z
  .object({
    format: z.literal(PACK_FORMAT),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-" (at most 64)'),
    name: z.string().min(1).max(120),
    version: z.string().min(1).max(40),
    description: z.string().max(4000).optional(),
    license: z.string().min(1).max(200),
    modality: z.enum(['echo', 'cmr']).optional(),
    resolution: z.object({ width: positiveInt.max(4096), height: positiveInt.max(4096) }),
    channels: z.union([z.literal(1), z.literal(3)]),
    frames: positiveInt.max(1024),
    latent: z.object({ channels: positiveInt.max(64), scale_factor: positiveInt.max(64), scaling_factor: z.number().positive() }),
    text: z.object({ max_length: positiveInt.max(1024), width: positiveInt.max(8192) }),
    conditioning: conditioningSchema,
    prompt: z
      .object({
        fields: z.record(z.string().min(1).max(40), z.array(z.string().min(1).max(80)).min(1).max(64)).optional(),
        template: z.string().max(1000).optional(),
        example: z.string().max(1000).optional(),
        negative_default: z.string().max(1000).optional(),
      })
      .optional(),
    defaults: z
      .object({
        scheduler: z.enum(['ddim', 'ddpm', 'euler', 'dpmpp2m']).optional(),
        steps: positiveInt.max(1000).optional(),
        guidance: z.number().min(0).max(50).optional(),
        control_scale: z.number().min(0).max(5).optional(),
      })
      .optional(),
    provenance: z
      .object({
        synthetic_training_data: z.boolean(),
        data: z.string().max(4000).optional(),
        command: z.string().max(4000).optional(),
        commit: z.string().max(200).optional(),
        seed: z.number().int().optional(),
        created: z.string().max(60).optional(),
        knows: z.string().max(4000).optional(),
      })
      .loose(),
    metrics: z.record(z.string(), z.unknown()).optional(),
  })
  .loose()
  .superRefine((m, ctx) => {
    const { width, height } = m.resolution;
    const f = m.latent.scale_factor;
    if (width % f !== 0 || height % f !== 0) {
      ctx.addIssue({ code: 'custom', path: ['resolution'], message: `${width}x${height} is not a multiple of latent.scale_factor ${f}` });
    }
    if (m.frames !== 1) ctx.addIssue({ code: 'custom', path: ['frames'], message: `cine packs (frames ${m.frames}) are not supported yet; this engine runs still-image packs (frames 1)` });
  });

export type PackManifest = z.infer<typeof packManifestSchema>;
export type PackLabel = z.infer<typeof packLabelSchema>;
export type PackConditioning = z.infer<typeof conditioningSchema>;

/** "field.path: message" for the first problem zod found, for "names the first bad field". */
export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return 'invalid';
  const path = i.path.length ? i.path.map(String).join('.') : '(top level)';
  return `${path}: ${i.message}`;
}

export { composePrompt } from './prompt-template.ts';
