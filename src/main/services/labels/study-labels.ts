/**
 * Label maps of catalog studies: the pixel grid a study's draft must match (from the catalog, the same frames
 * the viewer plays) and its ground truth read as a draft's starting point. A CAMUS view gets its `_gt` maps at
 * ED/ES and `half_sequence_gt` on the other frames, an EchoNet video its two tracings rasterised as the LV
 * cavity (as `catalog.labelMap` gives them to the overlay). The dataset's files are only read.
 */
import type { LabelImportResult, GroundTruthKind } from '../../../shared/contract/labels.ts';
import { AppError } from '../../../shared/errors.ts';
import type { Catalog } from '../datasets/catalog/index.ts';
import type { ImageGeometry } from './image-geometry.ts';

/** Grids by study, per catalog, valid while the study's row is unchanged (a re-import bumps updatedAt). */
const grids = new WeakMap<Catalog, Map<string, { updatedAt: string; geometry: ImageGeometry }>>();

/**
 * The grid of a catalog study as the viewer shows it (phase-images-only CAMUS views: two frames, ED and ES).
 * Cached, because every autosave checks it and reading it may decode the whole cine when the catalog's cache
 * let it go.
 */
export async function studyGeometry(catalog: Catalog, study: string): Promise<ImageGeometry> {
  let byStudy = grids.get(catalog);
  if (!byStudy) grids.set(catalog, (byStudy = new Map()));
  const updatedAt = catalog.store.study(study).updatedAt;
  const hit = byStudy.get(study);
  if (hit && hit.updatedAt === updatedAt) return hit.geometry;
  const v = await catalog.media.view(study);
  const sp = v.pixelSpacingMm; // [dy, dx]
  const geometry: ImageGeometry = {
    width: v.columns,
    height: v.rows,
    frames: v.frames,
    spacingMm: sp ? [sp[1], sp[0]] : null,
    spacingSource: sp ? `catalog (${v.study.format})` : null,
  };
  byStudy.set(study, { updatedAt: v.study.updatedAt, geometry });
  if (byStudy.size > 256) byStudy.delete(byStudy.keys().next().value!);
  return geometry;
}

export interface GroundTruthOptions {
  /** The editor's grid: the ground truth must match it. */
  width: number;
  height: number;
  frameCount: number;
  /** 1 at each label value the palette has; other values are refused, naming the file. */
  known: Uint8Array;
}

/**
 * Every ground-truth map of a study, one per labelled frame, ready to apply as one edit. Refuses a study
 * without ground truth, one whose grid differs from the editor's, and values the palette lacks.
 */
export async function readGroundTruth(catalog: Catalog, study: string, opts: GroundTruthOptions): Promise<LabelImportResult> {
  const view = await catalog.media.view(study);
  if (view.columns !== opts.width || view.rows !== opts.height || view.frames !== opts.frameCount) {
    throw new AppError('conflict', `${study}: the study is ${view.columns}x${view.rows} with ${view.frames} frame(s), not ${opts.width}x${opts.height} with ${opts.frameCount}`);
  }
  if (view.labelledFrames.length === 0) {
    throw new AppError('not-found', `${study}: has no ground-truth label map (no CAMUS _gt or labelled cine, no EchoNet tracing) to start from; draw one, or load a label file`);
  }
  const frames: Uint8Array[] = [];
  const at: number[] = [];
  const kinds = new Set<GroundTruthKind>();
  const files: string[] = [];
  const seen = new Uint8Array(256);
  for (const f of view.labelledFrames) {
    const m = await catalog.media.labelMap(study, f);
    if (!m) continue;
    if (m.columns !== opts.width || m.rows !== opts.height) {
      throw new AppError('conflict', `${m.path}: the label map of frame ${f} is ${m.columns}x${m.rows} (columns x rows) but the image is ${opts.width}x${opts.height}`);
    }
    const unknown = m.values.filter((v) => !opts.known[v]);
    if (unknown.length) {
      throw new AppError('invalid-argument', `${m.path}: frame ${f} has label value(s) ${unknown.join(', ')} that the palette does not have; add them to the palette first (+ Label)`);
    }
    for (const v of m.values) seen[v] = 1;
    frames.push(m.labels);
    at.push(f);
    kinds.add(m.source);
    if (!files.includes(m.path)) files.push(m.path);
  }
  if (!frames.length) throw new AppError('not-found', `${study}: its ground-truth label maps could not be read`);
  const order: GroundTruthKind[] = ['gt', 'sequence-gt', 'tracing'];
  return {
    format: 'dataset-gt',
    path: files[0],
    frames,
    at,
    source: { kind: 'dataset-gt', study, frames: at, kinds: order.filter((k) => kinds.has(k)), files },
    values: [...seen.keys()].filter((v) => seen[v]),
  };
}
