/**
 * Label maps as NIfTI in the CAMUS convention: uint8, array shape (W, H) for one frame or (W, H, T) for a cine
 * (axis 0 = columns, axis 1 = rows, as CAMUS's _gt and half_sequence_gt files and nibabel see them), with the
 * image's pixel spacing. Reading goes through the datasets NIfTI reader.
 */
import { AppError } from '../../../shared/errors.ts';
import type { LabelDef } from '../../../shared/labels/palette.ts';
import { readNifti, writeNifti } from '../datasets/index.ts';
import type { ImageGeometry } from './image-geometry.ts';

export interface Expected {
  width: number;
  height: number;
  frameCount: number;
}

/** Frames of a label NIfTI (one map, or `frameCount` maps) and its in-plane spacing. Values must be integers
 * marked in `known`. */
export async function readLabelNifti(path: string, expect: Expected, known: Uint8Array): Promise<{ frames: Uint8Array[]; spacingMm: [number, number] | null }> {
  const v = await readNifti(path);
  if (v.components !== 1) throw new AppError('malformed', `${path}: ${v.dataType} voxels have ${v.components} components; a label map has one value per pixel`);
  const [w, h = 1] = v.dims;
  if (w !== expect.width || h !== expect.height) {
    throw new AppError('conflict', `${path}: the label map is ${w}x${h} (columns x rows, NIfTI shape [${v.dims.join(', ')}]) but the image is ${expect.width}x${expect.height}`);
  }
  const t = v.dims.slice(2).reduce((a, b) => a * b, 1);
  if (t !== 1 && t !== expect.frameCount) {
    throw new AppError('conflict', `${path}: holds ${t} frames (shape [${v.dims.join(', ')}]) but the image has ${expect.frameCount}; a label file holds one frame or all ${expect.frameCount}`);
  }
  const plane = w * h;
  const unknown = new Map<number, number>();
  const out = Array.from({ length: t }, () => new Uint8Array(plane));
  const scaled = v.slope !== 1 || v.intercept !== 0;
  for (let i = 0; i < plane * t; i++) {
    const raw = v.data[i];
    const value = scaled ? raw * v.slope + v.intercept : raw;
    if (!Number.isInteger(value) || value < 0 || value > 255 || !known[value]) {
      const key = Number.isFinite(value) ? value : NaN;
      unknown.set(key, (unknown.get(key) ?? 0) + 1);
      continue;
    }
    out[(i / plane) | 0][i % plane] = value;
  }
  if (unknown.size) {
    const list = [...unknown.entries()].sort((a, b) => a[0] - b[0]);
    const allowed = [...known].flatMap((k, val) => (k ? [val] : []));
    const shown = list.slice(0, 8).map(([val, c]) => `${val} (${c} voxels)`).join(', ');
    throw new AppError('malformed', `${path}: label values ${shown}${list.length > 8 ? `, and ${list.length - 8} more` : ''} are not in the palette (${allowed.join(', ')}); add them to the palette or check the file`);
  }
  const unit = v.spatialUnitMm ?? 1;
  const [sx, sy] = v.spacing;
  return { frames: out, spacingMm: sx > 0 && sy > 0 ? [sx * unit, sy * unit] : null };
}

/** The descrip field: what the values mean, as far as 79 characters allow. */
export function paletteDescription(palette: readonly LabelDef[]): string {
  const text = `labels ${palette.map((l) => `${l.value}=${l.name}`).join(', ')}`;
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
}

export function writeLabelNifti(path: string, frames: Uint8Array[], geometry: ImageGeometry, palette: readonly LabelDef[]): void {
  const plane = geometry.width * geometry.height;
  const data = new Uint8Array(plane * frames.length);
  frames.forEach((f, k) => data.set(f, k * plane));
  const [dx, dy] = geometry.spacingMm ?? [1, 1];
  writeNifti(path, {
    dims: frames.length === 1 ? [geometry.width, geometry.height] : [geometry.width, geometry.height, frames.length],
    data,
    affine: [
      [dx, 0, 0, 0],
      [0, dy, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ],
    description: paletteDescription(palette),
    intentName: 'labels',
  });
}
