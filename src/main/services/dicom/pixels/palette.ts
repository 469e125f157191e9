/**
 * PALETTE COLOR lookup (PS3.3 C.7.6.3.1.5/6 and C.7.9). The LUT descriptor is [entries (0 = 65536), first mapped
 * value, bits per entry]. Entries may be 8 bits packed in bytes, 8 bits held in 16-bit words, or 16 bits; the
 * display output is 8-bit, so 16-bit entries keep their high byte (what GDCM and pydicom-based viewers show).
 * Segmented LUTs (discrete, linear and indirect segments) are expanded first, like pydicom's _expand_segmented_lut.
 */
import type { DataSet } from 'dicom-parser';
import { AppError } from '../../../../shared/errors.ts';

export interface PaletteLut {
  firstMapped: number;
  /** One 8-bit table per channel (R, G, B), each `entries` long. */
  red: Uint8Array;
  green: Uint8Array;
  blue: Uint8Array;
}

const CHANNELS = [
  { name: 'Red', desc: 'x00281101', data: 'x00281201', seg: 'x00281221' },
  { name: 'Green', desc: 'x00281102', data: 'x00281202', seg: 'x00281222' },
  { name: 'Blue', desc: 'x00281103', data: 'x00281203', seg: 'x00281223' },
] as const;

function elementBytes(ds: DataSet, tag: string): Uint8Array | null {
  const el = ds.elements[tag];
  if (!el || el.length <= 0) return null;
  return ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
}

function words(bytes: Uint8Array, bigEndian: boolean): number[] {
  const out: number[] = new Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = bigEndian ? (bytes[2 * i] << 8) | bytes[2 * i + 1] : bytes[2 * i] | (bytes[2 * i + 1] << 8);
  return out;
}

/**
 * Expands segmented LUT data (16-bit words). Opcodes: 0 discrete (n values), 1 linear (n values ramping from the
 * previous value to y1), 2 indirect (re-run n segments starting at a word offset). Depth and total size are bounded
 * so a hostile file cannot loop or allocate without limit.
 */
export function expandSegmentedLut(data: number[], maxEntries: number, nrSegments = Infinity, lastValue: number | null = null, depth = 0): number[] {
  if (depth > 8) throw new AppError('malformed', 'segmented palette LUT: indirect segments nest too deeply');
  const lut: number[] = [];
  let offset = 0;
  let segments = 0;
  while (offset + 1 < data.length && segments < nrSegments) {
    const opcode = data[offset];
    const length = data[offset + 1];
    offset += 2;
    if (opcode === 0) {
      if (offset + length > data.length) throw new AppError('malformed', `segmented palette LUT: discrete segment of ${length} runs past the data`);
      for (let k = 0; k < length; k++) lut.push(data[offset + k]);
      offset += length;
    } else if (opcode === 1) {
      const y0 = lut.length ? lut[lut.length - 1] : lastValue;
      if (y0 === null) throw new AppError('malformed', 'segmented palette LUT starts with a linear segment');
      if (offset >= data.length) throw new AppError('malformed', 'segmented palette LUT: linear segment without its end value');
      const y1 = data[offset++];
      const step = (y1 - y0) / length;
      // pydicom: np.around(np.linspace(y0 + step, y1, length)), with linspace's own arithmetic (k * delta + start,
      // last value exactly y1) and np.around's round-half-to-even, so the expanded table matches it exactly.
      const start = y0 + step;
      const delta = length > 1 ? (y1 - start) / (length - 1) : 0;
      for (let k = 0; k < length; k++) lut.push(roundHalfEven(k === length - 1 ? y1 : k * delta + start));
    } else if (opcode === 2) {
      if (!lut.length) throw new AppError('malformed', 'segmented palette LUT starts with an indirect segment');
      if (offset + 1 >= data.length) throw new AppError('malformed', 'segmented palette LUT: indirect segment without its offset');
      const wordOffset = (data[offset + 1] << 16) | data[offset];
      offset += 2;
      if (wordOffset >= data.length) throw new AppError('malformed', `segmented palette LUT: indirect offset ${wordOffset} is past the data`);
      for (const v of expandSegmentedLut(data.slice(wordOffset), maxEntries - lut.length, length, lut[lut.length - 1], depth + 1)) lut.push(v);
    } else {
      throw new AppError('malformed', `segmented palette LUT: unknown segment type ${opcode}`);
    }
    if (lut.length > maxEntries) throw new AppError('malformed', `segmented palette LUT expands past its ${maxEntries} entries`);
    segments++;
  }
  return lut;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Reads the three palette LUTs of a PALETTE COLOR image and reduces them to 8 bits per entry. */
export function readPaletteLut(ds: DataSet, pixelRepresentation: number, bigEndian: boolean): PaletteLut {
  const tables: Uint8Array[] = [];
  let firstMapped = 0;
  for (const ch of CHANNELS) {
    const desc = ds.elements[ch.desc];
    if (!desc) throw new AppError('malformed', `PALETTE COLOR image without ${ch.name} Palette Color Lookup Table Descriptor`);
    const entries = ds.uint16(ch.desc, 0) || 65536;
    const first = ds.uint16(ch.desc, 1) ?? 0;
    // The first mapped value is SS when pixels are signed (the descriptor VR is US or SS).
    firstMapped = pixelRepresentation === 1 && first >= 0x8000 ? first - 0x10000 : first;
    const bits = ds.uint16(ch.desc, 2) ?? 16;
    const raw = elementBytes(ds, ch.data);
    let values: ArrayLike<number>;
    let wide: boolean;
    if (raw) {
      if (raw.length >= entries * 2) {
        values = words(raw, bigEndian).slice(0, entries);
        wide = bits > 8; // 8-bit entries in 16-bit words keep their low byte.
      } else if (raw.length >= entries) {
        values = raw.subarray(0, entries);
        wide = false;
      } else {
        throw new AppError('malformed', `${ch.name} palette LUT has ${raw.length} bytes for ${entries} entries`);
      }
    } else {
      const seg = elementBytes(ds, ch.seg);
      if (!seg) throw new AppError('malformed', `PALETTE COLOR image without ${ch.name} palette LUT data`);
      values = expandSegmentedLut(words(seg, bigEndian), entries);
      wide = bits > 8;
    }
    const table = new Uint8Array(entries);
    const n = Math.min(entries, values.length);
    for (let i = 0; i < n; i++) table[i] = wide ? values[i] >> 8 : values[i] & 0xff;
    // A short (segmented) table repeats its last entry, as indexes past the end are clamped anyway.
    for (let i = n; i < entries; i++) table[i] = n ? table[n - 1] : 0;
    tables.push(table);
  }
  return { firstMapped, red: tables[0], green: tables[1], blue: tables[2] };
}

/** Maps stored indexes through the LUT; indexes below the first mapped value take entry 0, above the last the last. */
export function applyPalette(indexes: ArrayLike<number>, lut: PaletteLut): Uint8Array {
  const n = indexes.length;
  const out = new Uint8Array(n * 3);
  const last = lut.red.length - 1;
  for (let i = 0; i < n; i++) {
    let k = indexes[i] - lut.firstMapped;
    if (k < 0) k = 0;
    else if (k > last) k = last;
    out[3 * i] = lut.red[k];
    out[3 * i + 1] = lut.green[k];
    out[3 * i + 2] = lut.blue[k];
  }
  return out;
}
