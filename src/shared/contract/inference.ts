/**
 * Model packs, generation and the results gallery (see ../contract.ts for how the parts are joined).
 * Generation is a job: `generate.start` queues it and returns at once; follow it with `jobs.watch`.
 */
import { z } from 'zod';
import type {
  EngineStatus,
  GenerateRequest,
  LabelMapPreview,
  PackListing,
  ResultComparison,
  ResultImage,
  ResultSummary,
} from '../inference-types.ts';
import { PROVIDER_NAMES, SCHEDULER_NAMES } from '../inference-types.ts';
import type { JobInfo } from '../job-types.ts';
import { studyId } from './catalog.ts';
import { imageKeySchema } from './labels.ts';

const path = z.string().min(1).max(4096);
const resultId = z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/, 'a result id');
/** `id@version`, a bare pack id, or a pack folder. */
const packRef = z.string().min(1).max(4096);

const frameIndex = z.number().int().min(0).max(100_000);

export const conditioningSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path, frame: z.number().int().min(0).max(100_000).optional(), encoding: z.enum(['auto', 'index', 'grey', 'colour']).optional() }).strict(),
  z
    .object({
      kind: z.literal('inline'),
      width: z.number().int().min(1).max(4096),
      height: z.number().int().min(1).max(4096),
      /** Label values row by row, base64 (width*height bytes). */
      data: z.string().max(23_000_000),
      name: z.string().max(200).optional(),
    })
    .strict(),
  /** The saved label draft of an image, frame `frame` (the editor saves before generating). */
  z.object({ kind: z.literal('draft'), key: imageKeySchema, frame: frameIndex }).strict(),
  /** A catalog study's ground-truth label map on frame `frame`. */
  z.object({ kind: z.literal('ground-truth'), study: studyId, frame: frameIndex }).strict(),
]);

export const frameSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('instance'), instanceId: z.string().min(1).max(128), frame: z.number().int().min(0).max(100_000) }).strict(),
  z.object({ kind: z.literal('file'), path, frame: z.number().int().min(0).max(100_000).optional() }).strict(),
  /** Frame `frame` of a catalog study, as `catalog.frame` gives it. */
  z.object({ kind: z.literal('study'), study: studyId, frame: frameIndex }).strict(),
]);

export const generateRequestSchema = z
  .object({
    pack: packRef,
    prompt: z.string().max(4000),
    negative: z.string().max(4000),
    conditioning: conditioningSchema,
    init: frameSourceSchema.optional(),
    strength: z.number().gt(0).max(1).optional(),
    source: frameSourceSchema.optional(),
    scheduler: z.enum(SCHEDULER_NAMES),
    steps: z.number().int().min(1).max(1000),
    guidance: z.number().min(0).max(50),
    controlScale: z.number().min(0).max(5),
    controlStart: z.number().min(0).max(1),
    controlEnd: z.number().min(0).max(1),
    seedMode: z.enum(['fixed', 'increment', 'random']),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    count: z.number().int().min(1).max(1000),
    provider: z.enum(['auto', ...PROVIDER_NAMES]),
  })
  .strict()
  .refine((r) => r.controlStart < r.controlEnd, { message: 'controlStart must be below controlEnd', path: ['controlStart'] });

// The schema and the shared type describe the same thing (checked both ways at compile time).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _requestMatches: Same<z.infer<typeof generateRequestSchema>, GenerateRequest> = true;

export const inferenceMethods = {
  /** Packs found in resources/packs, <dataDir>/packs and added folders, each validated; broken ones as problems. */
  'packs.list': { args: z.object({}).strict() },
  /** Adds a folder (a pack, or a folder of packs) to the places packs are looked for, and lists again. */
  'packs.addFolder': { args: z.object({ path }).strict() },
  /** Forgets an added folder (nothing is deleted) and lists again. */
  'packs.removeFolder': { args: z.object({ path }).strict() },
  /** Execution providers available, the one in use and why others were skipped, loaded packs, restarts. */
  'inference.status': { args: z.object({}).strict() },
  /** Releases every loaded pack's sessions now (they reload on the next generation). */
  'inference.release': { args: z.object({}).strict() },
  /** Reads a label map as a generation with `pack` would, at the pack's resolution, for the preview. */
  'conditioning.preview': { args: z.object({ pack: packRef, conditioning: conditioningSchema }).strict() },
  /** Checks the request and reads its inputs (errors come back at once), then queues a generation job. */
  'generate.start': { args: z.object({ request: generateRequestSchema }).strict() },
  /** Generated images in the gallery, newest first, each with its full provenance record. */
  'results.list': { args: z.object({}).strict() },
  /** A result's pixels and the label map it was conditioned on, at the pack's resolution. */
  'results.image': { args: z.object({ id: resultId }).strict() },
  /** A result resampled to its source frame's size, with the source as displayed and the labels, for side by side. */
  'results.compare': { args: z.object({ id: resultId }).strict() },
  /** Marks a result kept (or not). */
  'results.keep': { args: z.object({ id: resultId, kept: z.boolean() }).strict() },
  /** Deletes a result's image, sidecar and label map. */
  'results.discard': { args: z.object({ id: resultId }).strict() },
} as const;

export interface InferenceResults {
  'packs.list': PackListing;
  'packs.addFolder': PackListing;
  'packs.removeFolder': PackListing;
  'inference.status': EngineStatus;
  'inference.release': EngineStatus;
  'conditioning.preview': LabelMapPreview;
  'generate.start': JobInfo;
  'results.list': ResultSummary[];
  'results.image': ResultImage;
  'results.compare': ResultComparison;
  'results.keep': ResultSummary;
  'results.discard': { id: string };
}
