/**
 * The label-map methods of the contract (see ../contract.ts for how the parts are joined). Label maps are
 * keyed by the image they label (ImageKey) and a 0-based frame. The renderer edits them locally (at pointer
 * rate) and autosaves drafts here; generation fetches "the current label map of image I, frame F" with
 * `labels.get`; files go in and out with `labels.import` / `labels.export`.
 *
 * Maps travel TO main as `map` text (base64 of run-length encoded pixels, src/shared/labels/map-codec.ts)
 * because the serve door's requests are JSON; maps come BACK as raw Uint8Array pixels.
 */
import { z } from 'zod';
import type { ImageKey } from '../labels/image-key.ts';
import type { LabelDef } from '../labels/palette.ts';
import { MAX_MAP_TEXT } from '../labels/map-codec.ts';
import { paletteSchema } from '../labels/palette-schema.ts';
import { studyId } from './catalog.ts';
import { filePath } from './studies.ts';

export const imageKeySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dicom-file'), path: filePath }).strict(),
  z.object({ kind: z.literal('catalog-study'), study: studyId }).strict(),
]);

const frameIndex = z.number().int().min(0).max(100_000);
const side = z.number().int().min(1).max(4096);
export { MAX_MAP_TEXT };

export const LABEL_FILE_FORMATS = ['nifti', 'png-index', 'png-grey'] as const;
export type LabelFileFormat = (typeof LABEL_FILE_FORMATS)[number];

/** Which ground truth of a catalog study a map came from (see catalog-types.ts LabelMapFrame.source). */
export const GROUND_TRUTH_KINDS = ['gt', 'sequence-gt', 'tracing'] as const;
export type GroundTruthKind = (typeof GROUND_TRUTH_KINDS)[number];

/**
 * Where a draft's maps started: empty, a label file, or a catalog study's ground truth (`dataset-gt`: CAMUS
 * `_gt` at ED/ES and `half_sequence_gt`, EchoNet tracings rasterised as the LV cavity), with the frames it
 * labelled and the files it was read from (read only, never written).
 */
export type LabelSource =
  | { kind: 'empty' }
  | { kind: 'file'; path: string; format: LabelFileFormat }
  | { kind: 'dataset-gt'; study: string; frames: number[]; kinds: GroundTruthKind[]; files: string[] };

const labelSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('empty') }).strict(),
  z.object({ kind: z.literal('file'), path: filePath, format: z.enum(LABEL_FILE_FORMATS) }).strict(),
  z
    .object({
      kind: z.literal('dataset-gt'),
      study: studyId,
      frames: z.array(z.number().int().min(0).max(100_000)).max(100_000),
      kinds: z.array(z.enum(GROUND_TRUTH_KINDS)).max(3),
      files: z.array(filePath).max(64),
    })
    .strict(),
]);

/** A draft: the saved label maps of one image. */
export interface LabelDraftSummary {
  key: ImageKey;
  /** imageKeyId(key), e.g. `dicom-file:/data/echo.dcm`. */
  keyId: string;
  /** A short name (the file name). */
  title: string;
  width: number;
  height: number;
  /** Frames the image has. */
  frameCount: number;
  /** Frames with a stored map, ascending. */
  frames: number[];
  /** Frames whose stored map has any labelled (non-zero) pixel. */
  labelledFrames: number[];
  palette: LabelDef[];
  source: LabelSource;
  /** Counts up by one with every save; `labels.put` refuses a save based on an older one. */
  revision: number;
  createdAt: string;
  updatedAt: string;
}

/** One frame's saved label map. */
export interface StoredLabelMap {
  key: ImageKey;
  frame: number;
  width: number;
  height: number;
  /** width * height label values, row-major. */
  data: Uint8Array;
  /** labelMapChecksum(data). */
  checksum: string;
  palette: LabelDef[];
  /** The draft revision that last wrote this frame. */
  revision: number;
  updatedAt: string;
}

export interface LabelImportResult {
  /** The file's format; `dataset-gt` for a catalog study's ground truth. */
  format: LabelFileFormat | 'dataset-gt';
  /** The file read (for a ground truth: the first of `source.files`). */
  path: string;
  /**
   * A file: one map (a single-frame file: the caller puts it on the frame being edited) or one per image frame.
   * A ground truth: one map per labelled frame, in the order of `at`.
   */
  frames: Uint8Array[];
  /** A ground truth only: the image frame (0-based) of each map in `frames`. */
  at?: number[];
  /** A ground truth only: what it is, as a draft's `source` records it. */
  source?: Extract<LabelSource, { kind: 'dataset-gt' }>;
  /** Label values present across the file. */
  values: number[];
}

export interface LabelExportResult {
  path: string;
  format: LabelFileFormat;
  bytes: number;
  /** The frames written, in order. */
  frames: number[];
}

export const labelMethods = {
  /** The draft of one image (palette, revision, which frames have maps), or null when nothing was saved. */
  'labels.draft': { args: z.object({ key: imageKeySchema }).strict() },
  /**
   * The current (last saved) label map of image `key`, frame `frame`, or null when that frame has none. This is
   * what generation conditions on; the renderer saves edits within about a second (and on frame/tool change).
   */
  'labels.get': { args: z.object({ key: imageKeySchema, frame: frameIndex }).strict() },
  /**
   * Saves frames of a draft, creating it on first save, all in one transaction: after a crash the draft is as
   * it was before this call or as after it, never in between. `expectedRevision` is the revision the caller
   * last saw (null for a new draft); a mismatch is a 'conflict' (someone else saved since) and nothing is
   * written. Every value must be in `palette`; the size must match the image.
   */
  'labels.put': {
    args: z
      .object({
        key: imageKeySchema,
        width: side,
        height: side,
        frameCount: z.number().int().min(1).max(100_000),
        frames: z.array(z.object({ frame: frameIndex, map: z.string().max(MAX_MAP_TEXT) }).strict()).max(100_000),
        palette: paletteSchema,
        source: labelSourceSchema.optional(),
        expectedRevision: z.number().int().min(0).nullable(),
      })
      .strict(),
  },
  /** Every draft, most recently saved first. */
  'labels.list': { args: z.object({}).strict() },
  /** Deletes an image's draft (all frames). Returns whether there was one. */
  'labels.discard': { args: z.object({ key: imageKeySchema }).strict() },
  /**
   * Reads label maps to start from or load, for an image of `width` x `height` with `frameCount` frames. A file:
   * NIfTI (.nii, .nii.gz) of shape (W, H), (W, H, 1) or (W, H, frameCount); an index PNG (values are labels) or
   * a grey PNG (round(255 * label / maxLabel)). Values must be in `values` (the palette). Wrong size, unknown values or a
   * broken file give an error naming the file. Nothing is saved: the caller applies the maps as an edit.
   */
  'labels.import': {
    args: z
      .object({
        /**
         * Where to read from: a label file, or `dataset-gt`, the ground truth of a catalog study (every frame
         * that has one: CAMUS `_gt` at ED/ES, `half_sequence_gt`, EchoNet tracings rasterised as the LV cavity;
         * a `not-found` error when it has none). Source files are only read.
         */
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('file'), path: filePath, format: z.enum([...LABEL_FILE_FORMATS, 'auto']) }).strict(),
          z.object({ kind: z.literal('dataset-gt'), study: studyId }).strict(),
        ]),
        width: side,
        height: side,
        frameCount: z.number().int().min(1).max(100_000),
        values: z.array(z.number().int().min(0).max(255)).min(1).max(256),
        /** For grey PNGs: the largest label of the palette (default: the largest of `values`). */
        maxLabel: z.number().int().min(1).max(255).optional(),
      })
      .strict(),
  },
  /**
   * Writes the saved draft of `key` to a file: NIfTI of all frames (W, H, T) or of one (W, H), with the image's
   * pixel spacing (CAMUS convention: axis 0 = columns, 1 = rows); or one frame as an index or grey PNG.
   * Without `path` it writes under the data folder's label-exports/. Refuses to overwrite unless `overwrite`.
   */
  'labels.export': {
    args: z
      .object({
        key: imageKeySchema,
        format: z.enum(LABEL_FILE_FORMATS),
        frame: z.union([frameIndex, z.literal('all')]),
        path: filePath.optional(),
        overwrite: z.boolean().optional(),
      })
      .strict(),
  },
  /** The label palette of a model pack: `conditioning.labels` of its cardiosynth.json (the file or its folder). */
  'labels.packPalette': { args: z.object({ path: filePath }).strict() },
} as const;

export interface LabelResults {
  'labels.draft': LabelDraftSummary | null;
  'labels.get': StoredLabelMap | null;
  'labels.put': { revision: number; updatedAt: string };
  'labels.list': LabelDraftSummary[];
  'labels.discard': { discarded: boolean };
  'labels.import': LabelImportResult;
  'labels.export': LabelExportResult;
  'labels.packPalette': { path: string; labels: LabelDef[] };
}
