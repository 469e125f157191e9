/** Validation of label palettes at the contract boundary (kept apart from palette.ts so the renderer bundle
 * has no zod: zod probes `new Function`, which the CSP refuses). */
import { z } from 'zod';

export const labelDefSchema = z
  .object({
    value: z.number().int().min(0).max(255),
    name: z.string().min(1).max(64),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb'),
  })
  .strict();

/** A palette: unique values, background (0) included. */
export const paletteSchema = z
  .array(labelDefSchema)
  .min(1)
  .max(256)
  .refine((p) => new Set(p.map((l) => l.value)).size === p.length, 'label values must be unique')
  .refine((p) => p.some((l) => l.value === 0), 'the palette must include 0 (background)');
