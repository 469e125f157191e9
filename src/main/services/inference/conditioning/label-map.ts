/**
 * Reads the label map a generation is conditioned on, from any {@link ConditioningSource}: an index PNG (grey
 * values or palette indices are the labels), a grey PNG in the ControlNet CAMUS encoding round(255 * label /
 * max_label), an RGB PNG drawn in the pack's label colours, a NIfTI or MetaImage label volume (frame N, read
 * through the datasets service), inline bytes from the contract, a saved label draft or a catalog study's
 * ground truth (through {@link StudySources}). Then resamples it to the pack's resolution (nearest neighbour)
 * and maps values the pack does not know to its background, reporting them.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import type { ConditioningSource, LabelMapInfo, LabelMapPreview } from '../../../../shared/inference-types.ts';
import type { PackConditioning } from '../../../../shared/pack-manifest.ts';
import { imageKeyTitle } from '../../../../shared/labels/image-key.ts';
import { isSequencePath, openSequence } from '../../datasets/index.ts';
import type { StudySources } from './study-sources.ts';
import { decodePng } from '../images/png-decode.ts';
import { resizeNearest } from '../images/resample.ts';
import { readInputFile } from './read-input.ts';

/** A label map at its own size. */
export interface LabelMapRead {
  width: number;
  height: number;
  labels: Uint8Array;
  info: LabelMapInfo;
}

const MAX_INLINE = 4096 * 4096;

function distinct(labels: Uint8Array): number[] {
  const seen = new Uint8Array(256);
  for (const v of labels) seen[v] = 1;
  return [...seen.keys()].filter((v) => seen[v]);
}

function hexColour(c: string): [number, number, number] {
  return [1, 3, 5].map((o) => parseInt(c.slice(o, o + 2), 16)) as [number, number, number];
}

/** Grey values of the CAMUS ControlNet encoding for each label value. */
function greyCodes(c: PackConditioning): Map<number, number> {
  const max = Math.max(...c.labels.map((l) => l.value));
  return new Map(c.labels.map((l) => [Math.round((255 * l.value) / max), l.value]));
}

/** Grey samples -> labels: the values themselves, or decoded from the grey encoding. */
function fromGrey(values: Uint8Array, c: PackConditioning, mode: 'auto' | 'index' | 'grey', file: string): { labels: Uint8Array; encoding: 'index' | 'grey' } {
  const present = distinct(values);
  const codes = greyCodes(c);
  const maxLabel = Math.max(...c.labels.map((l) => l.value));
  const looksGrey = present.every((v) => codes.has(v)) && present.some((v) => v > maxLabel);
  if (mode === 'grey' || (mode === 'auto' && looksGrey)) {
    const bad = present.filter((v) => !codes.has(v));
    if (bad.length) {
      throw new AppError('invalid-argument', `${file}: grey values ${bad.slice(0, 8).join(', ')} are not in the grey label encoding round(255*label/${maxLabel}) = {${[...codes.keys()].join(', ')}}`);
    }
    return { labels: values.map((v) => codes.get(v)!), encoding: 'grey' };
  }
  return { labels: values, encoding: 'index' };
}

function fromPng(bytes: Uint8Array, c: PackConditioning, mode: NonNullable<Extract<ConditioningSource, { kind: 'file' }>['encoding']>, file: string): { width: number; height: number; labels: Uint8Array; encoding: LabelMapInfo['encodingDetected'] } {
  const png = decodePng(bytes, file);
  const { width, height, channels, samples } = png;
  const n = width * height;
  if (png.colorType === 3) {
    // Palette image: the index is the label (how ITK-SNAP and many label tools save label PNGs).
    return { width, height, labels: Uint8Array.from(samples as Uint8Array), encoding: 'index' };
  }
  if (png.bitDepth === 16) {
    const grey = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = (samples as Uint16Array)[i * channels];
      if (v > 255) throw new AppError('invalid-argument', `${file}: 16-bit value ${v} at pixel ${i % width},${Math.floor(i / width)} is not a label (0..255)`);
      grey[i] = v;
    }
    return { width, height, labels: grey, encoding: 'index' };
  }
  const s = samples as Uint8Array;
  const isColour = channels >= 3;
  let grey: Uint8Array | null = null;
  if (!isColour || mode === 'index' || mode === 'grey') {
    grey = new Uint8Array(n);
    for (let i = 0; i < n; i++) grey[i] = s[i * channels];
  } else {
    let greyish = true;
    for (let i = 0; i < n && greyish; i++) greyish = s[i * channels] === s[i * channels + 1] && s[i * channels] === s[i * channels + 2];
    if (greyish && mode === 'auto') {
      grey = new Uint8Array(n);
      for (let i = 0; i < n; i++) grey[i] = s[i * channels];
    }
  }
  if (grey) {
    const r = fromGrey(grey, c, mode === 'colour' ? 'auto' : mode, file);
    return { width, height, labels: r.labels, encoding: r.encoding };
  }
  // Colour-coded: each pixel takes the label of the nearest palette colour; too many far-off pixels means the
  // image was not drawn in this pack's colours.
  const palette = c.labels.map((l) => ({ value: l.value, rgb: hexColour(l.color) }));
  const labels = new Uint8Array(n);
  let far = 0;
  for (let i = 0; i < n; i++) {
    const r = s[i * channels];
    const g = s[i * channels + 1];
    const b = s[i * channels + 2];
    let best = palette[0];
    let bestD = Infinity;
    for (const p of palette) {
      const d = (p.rgb[0] - r) ** 2 + (p.rgb[1] - g) ** 2 + (p.rgb[2] - b) ** 2;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    if (bestD > 60 * 60) far++;
    labels[i] = best.value;
  }
  if (far > n * 0.01) {
    throw new AppError('invalid-argument', `${file}: ${far} of ${n} pixels are not drawn in the pack's label colours (${c.labels.map((l) => `${l.name} ${l.color}`).join(', ')}); save the label map as an index or grey PNG`);
  }
  return { width, height, labels, encoding: 'colour' };
}

async function fromVolume(path: string, frame: number): Promise<{ width: number; height: number; labels: Uint8Array; encoding: LabelMapInfo['encodingDetected'] }> {
  const seq = await openSequence(path, { thirdAxisIsTime: true });
  const f = seq.frame(frame);
  if (f.kind !== 'grey') throw new AppError('invalid-argument', `${path}: a label map must be one value per pixel, not colour`);
  const n = f.rows * f.columns;
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = f.pixels[i] * f.rescaleSlope + f.rescaleIntercept;
    if (!Number.isInteger(v) || v < 0 || v > 255) {
      throw new AppError('invalid-argument', `${path}: frame ${frame} has value ${v} at pixel ${i % f.columns},${Math.floor(i / f.columns)}; label maps hold integer labels 0..255`);
    }
    labels[i] = v;
  }
  return { width: f.columns, height: f.rows, labels, encoding: /\.(mhd|mha)$/i.test(path) ? 'metaimage' : 'nifti' };
}

function needSources(sources: StudySources | undefined, what: string): StudySources {
  if (!sources) throw new AppError('unsupported', `${what}: label drafts and catalog studies are read by the app and \`serve\`; here, give a label file`);
  return sources;
}

/** The saved draft of an image frame, or the study's ground truth on it; errors say what is missing. */
async function fromStudy(source: Extract<ConditioningSource, { kind: 'draft' | 'ground-truth' }>, sources: StudySources | undefined): Promise<LabelMapRead> {
  if (source.kind === 'draft') {
    const title = imageKeyTitle(source.key);
    const m = needSources(sources, title).draft(source.key, source.frame);
    if (!m) throw new AppError('not-found', `${title}: frame ${source.frame} (0-based) has no saved label map; draw one in the Labels tab (it saves itself), or give a label file`);
    const sha256 = createHash('sha256').update(m.data).digest('hex');
    return {
      width: m.width,
      height: m.height,
      labels: m.data,
      info: { kind: 'draft', key: m.key, frame: source.frame, name: title, revision: m.revision, checksum: m.checksum, sha256, encodingDetected: 'draft', width: m.width, height: m.height, values: distinct(m.data) },
    };
  }
  const m = await needSources(sources, source.study).groundTruth(source.study, source.frame);
  if (!m) throw new AppError('not-found', `${source.study}: frame ${source.frame} (0-based) has no ground-truth label map; choose a labelled frame, draw a draft, or give a label file`);
  const sha256 = createHash('sha256').update(m.labels).digest('hex');
  return {
    width: m.columns,
    height: m.rows,
    labels: m.labels,
    info: { kind: 'ground-truth', study: source.study, frame: source.frame, path: m.path, groundTruth: m.source, name: source.study, sha256, encodingDetected: 'ground-truth', width: m.columns, height: m.rows, values: m.values },
  };
}

/** Reads a label map at its own size. Errors name the file and the problem. */
export async function readLabelMap(source: ConditioningSource, c: PackConditioning, sources?: StudySources): Promise<LabelMapRead> {
  if (source.kind === 'draft' || source.kind === 'ground-truth') return fromStudy(source, sources);
  if (source.kind === 'inline') {
    const { width, height } = source;
    if (width * height > MAX_INLINE) throw new AppError('invalid-argument', `inline label map: ${width}x${height} is larger than 4096x4096`);
    const labels = new Uint8Array(Buffer.from(source.data, 'base64'));
    if (labels.length !== width * height) throw new AppError('invalid-argument', `inline label map: ${labels.length} bytes for ${width}x${height} (${width * height} expected)`);
    const sha256 = createHash('sha256').update(labels).digest('hex');
    return { width, height, labels, info: { kind: 'inline', name: source.name, sha256, encodingDetected: 'inline', width, height, values: distinct(labels) } };
  }
  const path = resolve(source.path);
  const frame = source.frame ?? 0;
  const { bytes, sha256 } = await readInputFile(path);
  let read: { width: number; height: number; labels: Uint8Array; encoding: LabelMapInfo['encodingDetected'] };
  if (/\.png$/i.test(path) || (bytes[0] === 0x89 && bytes[1] === 0x50)) {
    if (frame !== 0) throw new AppError('invalid-argument', `${path}: a PNG has one frame; frame ${frame} does not exist`);
    read = fromPng(bytes, c, source.encoding ?? 'auto', path);
  } else if (isSequencePath(path) && !/\.avi$/i.test(path)) {
    read = await fromVolume(path, frame);
  } else {
    throw new AppError('unsupported', `${path}: label maps are read from PNG (index, grey-encoded or in the label colours), NIfTI (.nii, .nii.gz) or MetaImage (.mhd, .mha) files`);
  }
  return {
    width: read.width,
    height: read.height,
    labels: read.labels,
    info: { kind: 'file', path, frame, sha256, encodingDetected: read.encoding, width: read.width, height: read.height, values: distinct(read.labels) },
  };
}

/** The label map at the pack's resolution, with values the pack does not know set to its background. */
export function toPackLabels(read: LabelMapRead, c: PackConditioning, width: number, height: number): LabelMapPreview {
  const labels = resizeNearest(read.labels, read.width, read.height, width, height);
  const known = new Set(c.labels.map((l) => l.value));
  const background = c.labels.find((l) => l.value === 0)?.value ?? c.labels[0].value;
  const unknown = read.info.values.filter((v) => !known.has(v));
  if (unknown.length) for (let i = 0; i < labels.length; i++) if (!known.has(labels[i])) labels[i] = background;
  return { info: read.info, packWidth: width, packHeight: height, labels, unknownValues: unknown };
}
