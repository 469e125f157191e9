/**
 * The label-map service: drafts in the catalog database, files in and out, and model-pack palettes. Plain
 * Node; the handlers (src/main/handlers/labels.ts), the CLI and generation call it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { LabelDraftSummary, LabelExportResult, LabelFileFormat, LabelImportResult, LabelSource, StoredLabelMap } from '../../../shared/contract/labels.ts';
import { AppError } from '../../../shared/errors.ts';
import { imageKeyTitle, type ImageKey } from '../../../shared/labels/image-key.ts';
import { decodeMapText } from '../../../shared/labels/map-codec.ts';
import { knownValues, mergePalette, maxLabelValue, type LabelDef } from '../../../shared/labels/palette.ts';
import { labelDefSchema } from '../../../shared/labels/palette-schema.ts';
import type { Catalog } from '../datasets/catalog/index.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { imageGeometry, type ImageGeometry } from './image-geometry.ts';
import { readLabelFile } from './label-files.ts';
import { LabelStore } from './label-store.ts';
import { readGroundTruth, studyGeometry } from './study-labels.ts';
import { writeLabelNifti } from './nifti-labels.ts';
import { encodeGreyPng, encodeIndexPng } from './png-labels.ts';

export { LabelStore } from './label-store.ts';
export { readLabelFile, formatOfPath } from './label-files.ts';
export { writeLabelNifti } from './nifti-labels.ts';
export { encodeGreyPng, encodeIndexPng, decodeLabelPng } from './png-labels.ts';
export { imageGeometry } from './image-geometry.ts';
export type { ImageGeometry } from './image-geometry.ts';
export { readGroundTruth, studyGeometry } from './study-labels.ts';

export interface LabelServiceOptions {
  /** The study catalog, for drafts of catalog studies (their grid) and their ground truth. */
  catalog?: () => Catalog;
}

export type ImportSource = { kind: 'file'; path: string; format: LabelFileFormat | 'auto' } | { kind: 'dataset-gt'; study: string };

export interface PutRequest {
  key: ImageKey;
  width: number;
  height: number;
  frameCount: number;
  frames: { frame: number; map: string }[];
  palette: LabelDef[];
  source?: LabelSource;
  expectedRevision: number | null;
}

export interface ExportRequest {
  key: ImageKey;
  format: LabelFileFormat;
  frame: number | 'all';
  path?: string;
  overwrite?: boolean;
}

function checkKey(key: ImageKey): ImageKey {
  if (key.kind === 'catalog-study') {
    if (!key.study.trim()) throw new AppError('invalid-argument', 'label maps of catalog studies are keyed by the study id, not an empty one');
    return { kind: key.kind, study: key.study };
  }
  if (!isAbsolute(key.path)) throw new AppError('invalid-argument', `label maps are keyed by the image's absolute path, not "${key.path}"`);
  return { kind: key.kind, path: resolve(key.path) };
}

function inside(dir: string, path: string): boolean {
  const r = relative(dir, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

export class LabelService {
  private storeInstance: LabelStore | null = null;
  private readonly dbPath: string;
  private readonly dataDir: string;
  private readonly catalogOf: (() => Catalog) | null;
  /** The image's grid: a DICOM file's header, or the catalog's view of a study. Replaceable in tests. */
  geometry: (key: ImageKey) => Promise<ImageGeometry> = (key) => (key.kind === 'dicom-file' ? imageGeometry(key) : studyGeometry(this.catalog(key.study), key.study));

  constructor(dataDir: string, opts: LabelServiceOptions = {}) {
    this.dataDir = dataDir;
    this.dbPath = join(dataDir, 'catalog.sqlite');
    this.catalogOf = opts.catalog ?? null;
  }

  private catalog(study: string): Catalog {
    if (!this.catalogOf) throw new AppError('unsupported', `${study}: catalog studies need the study catalog, which this command does not open`);
    return this.catalogOf();
  }

  /** Opened on first use, so commands that never touch labels never create the database. */
  get store(): LabelStore {
    this.storeInstance ??= new LabelStore(this.dbPath);
    return this.storeInstance;
  }

  close(): void {
    this.storeInstance?.close();
    this.storeInstance = null;
  }

  draft(key: ImageKey): LabelDraftSummary | null {
    return this.store.draft(checkKey(key));
  }

  list(): LabelDraftSummary[] {
    return this.store.list();
  }

  /** The current label map of image `key`, frame `frame` (generation's input), or null. */
  get(key: ImageKey, frame: number): StoredLabelMap | null {
    return this.store.get(checkKey(key), frame);
  }

  discard(key: ImageKey): boolean {
    return this.store.discard(checkKey(key));
  }

  async put(req: PutRequest): Promise<{ revision: number; updatedAt: string }> {
    const key = checkKey(req.key);
    const g = await this.geometry(key);
    if (g.width !== req.width || g.height !== req.height || g.frames !== req.frameCount) {
      throw new AppError('conflict', `${imageKeyTitle(key)}: the image is ${g.width}x${g.height} with ${g.frames} frame(s), not ${req.width}x${req.height} with ${req.frameCount}`);
    }
    const known = knownValues(req.palette);
    const frames = req.frames.map(({ frame, map }) => {
      let data: Uint8Array;
      try {
        data = decodeMapText(map, req.width * req.height);
      } catch (err) {
        throw new AppError('invalid-argument', `${imageKeyTitle(key)} frame ${frame}: the map does not decode (${err instanceof Error ? err.message : String(err)})`);
      }
      for (let i = 0; i < data.length; i++) {
        if (!known[data[i]]) throw new AppError('invalid-argument', `${imageKeyTitle(key)} frame ${frame}: value ${data[i]} at pixel ${i} is not in the palette`);
      }
      return { frame, data };
    });
    return this.store.put({ ...req, key, frames });
  }

  /**
   * Reads label maps to apply as an edit: a label file, or a catalog study's ground truth (every labelled
   * frame, with `at` saying which). Nothing is saved and the source files are only read.
   */
  async import(args: { source: ImportSource; width: number; height: number; frameCount: number; values: number[]; maxLabel?: number }): Promise<LabelImportResult> {
    const known = new Uint8Array(256);
    for (const v of args.values) known[v] = 1;
    known[0] = 1;
    if (args.source.kind === 'dataset-gt') {
      const study = args.source.study;
      return readGroundTruth(this.catalog(study), study, { width: args.width, height: args.height, frameCount: args.frameCount, known });
    }
    const path = resolve(args.source.path);
    const r = await readLabelFile(path, {
      format: args.source.format,
      known,
      maxLabel: args.maxLabel ?? Math.max(1, ...args.values),
      expect: { width: args.width, height: args.height, frameCount: args.frameCount },
    });
    return { format: r.format, path, frames: r.frames, values: r.values };
  }

  async export(req: ExportRequest): Promise<LabelExportResult> {
    const key = checkKey(req.key);
    const draft = this.store.draft(key);
    if (!draft) throw new AppError('not-found', `${imageKeyTitle(key)}: no saved label map to export; draw or load one first`);
    const g = await this.geometry(key).catch((): ImageGeometry => ({ width: draft.width, height: draft.height, frames: draft.frameCount, spacingMm: null, spacingSource: null }));
    const png = req.format !== 'nifti';
    if (png && req.frame === 'all') throw new AppError('invalid-argument', 'a PNG holds one frame: choose the frame to export');
    const frameList = req.frame === 'all' ? Array.from({ length: draft.frameCount }, (_, f) => f) : [req.frame];
    for (const f of frameList) if (f >= draft.frameCount) throw new AppError('invalid-argument', `frame ${f} is beyond the image's ${draft.frameCount} frames`);
    const maps = frameList.map((f) => this.store.get(key, f)?.data ?? new Uint8Array(draft.width * draft.height));
    const ext = req.format === 'nifti' ? '.nii.gz' : '.png';
    const path = req.path ? resolve(req.path) : this.defaultExportPath(key, req.format, req.frame, ext);
    if (req.format === 'nifti' && !/\.nii(\.gz)?$/i.test(path)) throw new AppError('invalid-argument', `${path}: a NIfTI file name ends in .nii or .nii.gz`);
    if (png && !/\.png$/i.test(path)) throw new AppError('invalid-argument', `${path}: a PNG file name ends in .png`);
    if (key.kind === 'dicom-file' && path === key.path) throw new AppError('conflict', `${path}: is the image itself; source images are never overwritten`);
    if (key.kind === 'catalog-study') this.refuseInsideDataset(key.study, path);
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) throw new AppError('invalid-argument', `${path}: is a folder; give a file name`);
      if (!req.overwrite) throw new AppError('conflict', `${path}: already exists; choose another name or allow overwriting`);
    }
    if (req.format === 'nifti') {
      writeLabelNifti(path, maps, { ...g, width: draft.width, height: draft.height }, draft.palette);
    } else {
      const bytes = req.format === 'png-index' ? encodeIndexPng(maps[0], draft.width, draft.height) : encodeGreyPng(maps[0], draft.width, draft.height, maxLabelValue(draft.palette));
      writeFileAtomic(path, bytes);
    }
    return { path, format: req.format, bytes: statSync(path).size, frames: frameList };
  }

  /** `conditioning.labels` of a model pack's manifest (the file, or the pack folder holding it). */
  packPalette(path: string): { path: string; labels: LabelDef[] } {
    let file = resolve(path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'cardiosynth.json');
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw new AppError('not-found', `${file}: not found (a model pack holds cardiosynth.json)`);
      throw new AppError('invalid-pack', `${file}: not readable JSON (${e.message})`);
    }
    const parsed = z.object({ conditioning: z.object({ labels: z.array(labelDefSchema.passthrough()).min(1).max(256) }) }).safeParse(manifest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('invalid-pack', `${file}: ${issue.path.join('.') || '(manifest)'}: ${issue.message}`);
    }
    const labels = parsed.data.conditioning.labels.map(({ value, name, color }) => ({ value, name, color }));
    if (new Set(labels.map((l) => l.value)).size !== labels.length) throw new AppError('invalid-pack', `${file}: conditioning.labels repeats a value`);
    // A pack that leaves background implicit still has it.
    return { path: file, labels: mergePalette([{ value: 0, name: 'background', color: '#000000' }], labels) };
  }

  /** Datasets are never modified: no label file is written inside a catalog study's dataset folder. */
  private refuseInsideDataset(study: string, path: string): void {
    let root: string;
    try {
      root = this.catalog(study).store.study(study).datasetRoot;
    } catch {
      return; // no catalog here (the CLI), or the study left it: its folder is unknown
    }
    if (inside(resolve(root), path)) throw new AppError('conflict', `${path}: is inside the dataset folder ${root}; source datasets are never modified, so save the labels elsewhere`);
  }

  private defaultExportPath(key: ImageKey, format: LabelFileFormat, frame: number | 'all', ext: string): string {
    // A study id (camus:patient0001:4CH) becomes camus_patient0001_4CH.
    const stem = (key.kind === 'dicom-file' ? basename(key.path).replace(/\.[^.]*$/, '') : key.study.replace(/[^A-Za-z0-9._-]+/g, '_')) || 'image';
    const base = `${stem}_labels_${frame === 'all' ? 'all' : `f${frame}`}${format === 'png-grey' ? '_grey' : ''}`;
    const dir = join(this.dataDir, 'label-exports');
    let path = join(dir, base + ext);
    for (let k = 2; existsSync(path); k++) path = join(dir, `${base}-${k}${ext}`);
    return path;
  }
}
