/**
 * Label maps as PNG: an index PNG (8-bit grey, value = label, readable by PIL, OpenCV and skimage alike) or the
 * grey-level PNG that ControlNet training code for CAMUS uses (round(255 * label / max_label)). Reading also
 * accepts indexed-colour (palette) PNGs, whose indices are the labels, and RGB PNGs whose pixels are grey.
 */
import { PNG } from 'pngjs';
import { AppError } from '../../../shared/errors.ts';
import { greyDecodeTable, greyTable } from '../../../shared/labels/grey-encoding.ts';

export interface PngLabelMap {
  width: number;
  height: number;
  data: Uint8Array;
  format: 'png-index' | 'png-grey';
}

function encodeGrey8(samples: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, bitDepth: 8, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return PNG.sync.write(png, { bitDepth: 8, colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

export function encodeIndexPng(data: Uint8Array, width: number, height: number): Buffer {
  return encodeGrey8(data, width, height);
}

export function encodeGreyPng(data: Uint8Array, width: number, height: number, maxLabel: number): Buffer {
  const table = greyTable(maxLabel);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v > maxLabel) throw new AppError('invalid-argument', `label ${v} is above the grey encoding's max label ${maxLabel}`);
    out[i] = table[v];
  }
  return encodeGrey8(out, width, height);
}

/** The single-channel values of a PNG (palette indices for indexed-colour PNGs). */
function pngValues(bytes: Buffer, path: string): { width: number; height: number; values: Uint16Array } {
  let png: PNG;
  try {
    png = PNG.sync.read(bytes, { skipRescale: true });
  } catch (err) {
    throw new AppError('malformed', `${path}: not a readable PNG (${err instanceof Error ? err.message : String(err)})`);
  }
  const { width, height } = png;
  const meta = png as unknown as { colorType: number; palette?: number[][] };
  const src = png.data as unknown as ArrayLike<number>;
  const n = width * height;
  const values = new Uint16Array(n);
  if (meta.colorType === 3 && meta.palette) {
    const index = new Map<number, number>();
    const ambiguous = new Set<number>();
    meta.palette.forEach(([r, g, b, a], k) => {
      const c = ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
      if (index.has(c)) ambiguous.add(c);
      else index.set(c, k);
    });
    for (let i = 0; i < n; i++) {
      const c = ((src[i * 4] << 24) | (src[i * 4 + 1] << 16) | (src[i * 4 + 2] << 8) | src[i * 4 + 3]) >>> 0;
      if (ambiguous.has(c)) throw new AppError('malformed', `${path}: its palette gives two indices the same colour, so the labels cannot be told apart`);
      values[i] = index.get(c)!;
    }
    return { width, height, values };
  }
  const colour = meta.colorType === 2 || meta.colorType === 6;
  for (let i = 0; i < n; i++) {
    const r = src[i * 4];
    if (colour && (src[i * 4 + 1] !== r || src[i * 4 + 2] !== r)) {
      const x = i % width;
      const y = Math.floor(i / width);
      throw new AppError('malformed', `${path}: a colour PNG whose pixel (x ${x}, y ${y}) is not grey; a label PNG holds labels as grey values or palette indices`);
    }
    values[i] = r;
  }
  return { width, height, values };
}

function describeUnknown(path: string, counts: Map<number, number>, what: string, allowed: string): AppError {
  const list = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  const shown = list.slice(0, 8).map(([v, c]) => `${v} (${c} px)`).join(', ');
  return new AppError('malformed', `${path}: ${what} ${shown}${list.length > 8 ? `, and ${list.length - 8} more` : ''} ${list.length > 1 ? 'are' : 'is'} not ${allowed}`);
}

/**
 * Reads a label PNG. `known` has 1 at each palette value. With format 'auto', a PNG whose values are all labels
 * is an index PNG, else one whose values are all grey levels of 0..maxLabel is a grey PNG, else an error.
 */
export function decodeLabelPng(bytes: Buffer, path: string, opts: { format: 'png-index' | 'png-grey' | 'auto'; known: Uint8Array; maxLabel: number }): PngLabelMap {
  const { width, height, values } = pngValues(bytes, path);
  const asIndex = new Map<number, number>();
  const dec = greyDecodeTable(opts.maxLabel);
  const asGrey = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v > 255 || !opts.known[v]) asIndex.set(v, (asIndex.get(v) ?? 0) + 1);
    if (v > 255 || dec[v] < 0 || !opts.known[dec[v]]) asGrey.set(v, (asGrey.get(v) ?? 0) + 1);
  }
  const labels = [...opts.known].flatMap((k, v) => (k ? [v] : []));
  const greyLevels = labels.filter((l) => l <= opts.maxLabel).map((l) => `${greyTable(opts.maxLabel)[l]}`);
  let format: 'png-index' | 'png-grey';
  if (opts.format === 'png-index' || (opts.format === 'auto' && asIndex.size === 0)) {
    if (asIndex.size) throw describeUnknown(path, asIndex, 'values', `labels of the palette (${labels.join(', ')})`);
    format = 'png-index';
  } else if (opts.format === 'png-grey' || asGrey.size === 0) {
    if (asGrey.size) {
      throw describeUnknown(path, asGrey, opts.format === 'auto' ? 'values (neither labels nor grey levels)' : 'grey levels', `round(255 * label / ${opts.maxLabel}) of a palette label (${greyLevels.join(', ')})`);
    }
    format = 'png-grey';
  } else {
    throw describeUnknown(path, asIndex, 'values', `labels of the palette (${labels.join(', ')}) nor grey levels round(255 * label / ${opts.maxLabel}) (${greyLevels.join(', ')})`);
  }
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = format === 'png-index' ? values[i] : dec[values[i]];
  return { width, height, data, format };
}
