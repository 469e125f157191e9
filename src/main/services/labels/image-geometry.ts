/**
 * The pixel grid a label map must match, and the spacing a label NIfTI should carry, read from the image's
 * header (never its pixels). DICOM: Rows, Columns, NumberOfFrames; spacing from PixelSpacing, else
 * ImagerPixelSpacing, else the first ultrasound region calibrated in cm (PhysicalDeltaX/Y), as OHIF does.
 */
import { statSync } from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import type { ImageKey } from '../../../shared/labels/image-key.ts';
import { readDicomFile, summarizeInstance } from '../dicom/index.ts';
import type { DataSet } from '../dicom/dicom-parser-lib.ts';

export interface ImageGeometry {
  width: number;
  height: number;
  frames: number;
  /** mm between columns and between rows, [dx, dy]; null when the image does not say. */
  spacingMm: [number, number] | null;
  spacingSource: string | null;
}

function positive(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function pair(ds: DataSet, tag: string): [number, number] | null {
  const text = ds.string(tag);
  if (!text) return null;
  const [row, col] = text.split('\\').map(Number);
  return positive(row) && positive(col) ? [col, row] : null;
}

export function dicomSpacing(ds: DataSet): { spacingMm: [number, number] | null; source: string | null } {
  const ps = pair(ds, 'x00280030');
  if (ps) return { spacingMm: ps, source: 'PixelSpacing' };
  const ips = pair(ds, 'x00181164');
  if (ips) return { spacingMm: ips, source: 'ImagerPixelSpacing' };
  for (const item of ds.elements.x00186011?.items ?? []) {
    const r = item.dataSet;
    if (!r) continue;
    const cm = 3;
    if (r.uint16('x00186024') !== cm || r.uint16('x00186026') !== cm) continue;
    const dx = r.double('x0018602c');
    const dy = r.double('x0018602e');
    if (positive(dx) && positive(dy)) return { spacingMm: [dx * 10, dy * 10], source: 'SequenceOfUltrasoundRegions (PhysicalDeltaX/Y)' };
  }
  return { spacingMm: null, source: null };
}

const cache = new Map<string, { mtimeMs: number; geometry: ImageGeometry }>();

/** The grid of a DICOM file (catalog studies: study-labels.ts studyGeometry). */
export async function imageGeometry(key: Extract<ImageKey, { kind: 'dicom-file' }>): Promise<ImageGeometry> {
  const path = key.path;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    throw new AppError('not-found', `${path}: the image of this label map is not there any more`);
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.geometry;
  const parsed = await readDicomFile(path, { headerOnly: true });
  const s = summarizeInstance(parsed.dataSet, path, { transferSyntaxUid: parsed.transferSyntaxUid });
  if (s.frames === 0) throw new AppError('no-pixel-data', `${path}: has no pixel data to label`);
  const sp = dicomSpacing(parsed.dataSet);
  const geometry: ImageGeometry = { width: s.columns, height: s.rows, frames: s.frames, spacingMm: sp.spacingMm, spacingSource: sp.source };
  cache.set(path, { mtimeMs, geometry });
  if (cache.size > 256) cache.delete(cache.keys().next().value!);
  return geometry;
}
