/**
 * Rows for the tag panel: every element in tag order, sequences expanded (the sequence row at depth d, then for
 * each item an "Item #n" row and the item's elements, all at depth d + 1). Names come from dcmjs's standard
 * dictionary (kept because DICOM export will use dcmjs's writer anyway, and a hand-written dictionary would
 * either be incomplete or another 5,000-line table to maintain). VRs come from the file when it is explicit,
 * else from the dictionary. Values are rendered for reading, not round-tripping.
 */
import dcmjs from 'dcmjs';
import type { TagRow } from '../../../shared/dicom-types.ts';
import type { DataSet, Element } from './dicom-parser-lib.ts';

const dictionary = dcmjs.data.DicomMetaDictionary.dictionary;
const UNDEFINED_LENGTH = 0xffffffff;
const MAX_TEXT = 256;
const MAX_NUMBERS = 32;
const MAX_DEPTH = 32;

const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const NUMBER_SIZES: Record<string, number> = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, SV: 8, UV: 8 };

/** "(0028,0010)" from dicom-parser's "x00280010". */
export function formatTag(key: string): string {
  return `(${key.slice(1, 5).toUpperCase()},${key.slice(5, 9).toUpperCase()})`;
}

export function tagName(key: string): string {
  const group = parseInt(key.slice(1, 5), 16);
  const elem = parseInt(key.slice(5, 9), 16);
  if (group % 2 === 1) {
    if (elem === 0) return 'PrivateGroupLength';
    if (elem >= 0x10 && elem <= 0xff) return 'PrivateCreator';
    return 'Private tag';
  }
  if (elem === 0) return 'GroupLength';
  return dictionary[formatTag(key)]?.name ?? 'Unknown tag';
}

function dictionaryVr(key: string): string {
  const vr = dictionary[formatTag(key)]?.vr;
  if (!vr || vr === 'ox' || vr.includes('|')) return '';
  return vr;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${text.length} chars)` : text;
}

function readNumber(ds: DataSet, vr: string, offset: number): number | bigint {
  const p = ds.byteArrayParser;
  const b = ds.byteArray;
  switch (vr) {
    case 'US': return p.readUint16(b, offset);
    case 'SS': return p.readInt16(b, offset);
    case 'UL': return p.readUint32(b, offset);
    case 'SL': return p.readInt32(b, offset);
    case 'FL': return p.readFloat(b, offset);
    case 'FD': return p.readDouble(b, offset);
    default: {
      // SV/UV: 64-bit; read through a DataView honouring the data set's byte order.
      const little = p.readUint16(new Uint8Array([1, 0]), 0) === 1;
      const view = new DataView(b.buffer, b.byteOffset + offset, 8);
      return vr === 'SV' ? view.getBigInt64(0, little) : view.getBigUint64(0, little);
    }
  }
}

function printable(bytes: Uint8Array): boolean {
  for (const c of bytes) if (c !== 0 && (c < 0x20 || c > 0x7e) && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  return true;
}

function pixelSummary(ds: DataSet, el: Element): string {
  const rows = ds.uint16('x00280010');
  const cols = ds.uint16('x00280011');
  const frames = ds.string('x00280008') ?? '1';
  const bits = ds.uint16('x00280100');
  const shape = rows && cols ? `${rows}x${cols}, ${frames} frame(s), ${bits ?? '?'}-bit` : '';
  if (el.encapsulatedPixelData || el.hadUndefinedLength) {
    const frags = el.fragments?.length;
    const bytes = el.fragments?.reduce((a, f) => a + f.length, 0);
    return frags !== undefined
      ? `<encapsulated: ${frags} fragment(s), ${bytes} bytes; ${shape}>`
      : `<encapsulated pixel data; ${shape}>`;
  }
  return `<${el.length} bytes; ${shape}>`;
}

function renderValue(ds: DataSet, key: string, el: Element, vr: string): string {
  const withValue = el as Element & { Value?: unknown };
  if (withValue.Value !== undefined) return clip(String(withValue.Value));
  if (key === 'x7fe00010' || key === 'x7fe00008' || key === 'x7fe00009') return pixelSummary(ds, el);
  if (el.length === UNDEFINED_LENGTH) return '<undefined length>';
  if (el.length === 0) return '';
  const bytes = ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
  if (TEXT_VRS.has(vr)) return clip(Buffer.from(bytes).toString('latin1').replace(/\0/g, '').trim());
  if (vr === 'AT') {
    const out: string[] = [];
    for (let i = 0; i + 4 <= el.length; i += 4) {
      const g = ds.byteArrayParser.readUint16(ds.byteArray, el.dataOffset + i);
      const e = ds.byteArrayParser.readUint16(ds.byteArray, el.dataOffset + i + 2);
      out.push(formatTag(`x${g.toString(16).padStart(4, '0')}${e.toString(16).padStart(4, '0')}`));
    }
    return out.join('\\');
  }
  const size = NUMBER_SIZES[vr];
  if (size) {
    const count = Math.floor(el.length / size);
    const values: string[] = [];
    for (let i = 0; i < Math.min(count, MAX_NUMBERS); i++) values.push(String(readNumber(ds, vr, el.dataOffset + i * size)));
    return count > MAX_NUMBERS ? `${values.join('\\')}\\… (${count} values)` : values.join('\\');
  }
  if (!vr || vr === 'UN') {
    // Unknown VR (implicit private tags, UN): show short printable text, else the size.
    if (el.length <= MAX_TEXT && printable(bytes)) return Buffer.from(bytes).toString('latin1').replace(/\0/g, '').trim();
  }
  return `<${el.length} bytes>`;
}

function rowsOf(ds: DataSet, depth: number, out: TagRow[]): void {
  const keys = Object.keys(ds.elements).filter((k) => /^x[0-9a-f]{8}$/i.test(k)).sort();
  for (const key of keys) {
    const el = ds.elements[key];
    const vr = (el.vr && el.vr !== 'ox' ? el.vr : '') || (el.items ? 'SQ' : dictionaryVr(key));
    if (el.items) {
      out.push({ tag: formatTag(key), name: tagName(key), vr: 'SQ', value: `${el.items.length} item(s)`, depth });
      el.items.forEach((item, i) => {
        out.push({ tag: '(FFFE,E000)', name: `Item #${i + 1}`, vr: '', value: '', depth: depth + 1 });
        if (item.dataSet && depth < MAX_DEPTH) rowsOf(item.dataSet, depth + 1, out);
      });
      continue;
    }
    let value: string;
    try {
      value = renderValue(ds, key, el, vr);
    } catch {
      value = `<${el.length} bytes, unreadable>`;
    }
    out.push({ tag: formatTag(key), name: tagName(key), vr, value, depth });
  }
}

/** TagRow[] for a parsed data set. */
export function tagRows(ds: DataSet): TagRow[] {
  const out: TagRow[] = [];
  rowsOf(ds, 0, out);
  return out;
}
