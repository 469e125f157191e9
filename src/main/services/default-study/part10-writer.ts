/**
 * A minimal DICOM Part 10 writer: explicit VR little endian data sets, native or encapsulated pixel data.
 *
 * Why our own instead of dcmjs: the generator needs exactly one shape of file (a US multi-frame with RLE
 * fragments), byte-for-byte reproducible output, and no dependency whose serialiser could change bytes on a
 * minor upgrade and break the committed-file check. dcmjs has no RLE encoder either. The writer is ~150 lines
 * and every file it makes is checked by dciodvfy, dcmdump, dcmdrle and gdcmconv in tests.
 */
import { AppError } from '../../../shared/errors.ts';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './uids.ts';

export type Vr = 'AT' | 'CS' | 'DA' | 'DS' | 'FD' | 'IS' | 'LO' | 'LT' | 'OB' | 'PN' | 'SH' | 'SQ' | 'ST' | 'TM' | 'UI' | 'UL' | 'US';

/** One element. `tag` is (group << 16 | element). Strings are joined with '\' for multiple values. */
export type DataElement =
  | { tag: number; vr: 'AT'; value: number[] }
  | { tag: number; vr: 'US' | 'UL' | 'FD'; value: number[] }
  | { tag: number; vr: 'OB'; value: Uint8Array }
  | { tag: number; vr: 'SQ'; value: DataElement[][] }
  | { tag: number; vr: Exclude<Vr, 'AT' | 'US' | 'UL' | 'FD' | 'OB' | 'SQ'>; value: string };

/** Pixel data: native bytes, or one encapsulated fragment per frame (a Basic Offset Table is written). */
export type PixelData = { kind: 'native'; bytes: Uint8Array } | { kind: 'encapsulated'; frames: Uint8Array[] };

export const tag = (group: number, element: number): number => ((group << 16) | element) >>> 0;

const LONG_HEADER_VRS = new Set<Vr>(['OB', 'SQ']);

class ByteSink {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    this.push(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.push(b);
  }
  tag(t: number): void {
    this.u16(t >>> 16);
    this.u16(t & 0xffff);
  }
  concat(): Uint8Array {
    return Buffer.concat(this.chunks, this.length);
  }
}

function ascii(text: string, padWithNul: boolean): Uint8Array {
  if (!/^[\x20-\x7e\r\n\f\t]*$/.test(text)) throw new AppError('invalid-argument', `DICOM writer: non-ASCII value "${text}"`);
  const padded = text.length % 2 === 1 ? text + (padWithNul ? '\0' : ' ') : text;
  return Buffer.from(padded, 'latin1');
}

function valueBytes(el: DataElement): Uint8Array {
  switch (el.vr) {
    case 'US': {
      const b = Buffer.alloc(el.value.length * 2);
      el.value.forEach((v, i) => b.writeUInt16LE(v, i * 2));
      return b;
    }
    case 'UL': {
      const b = Buffer.alloc(el.value.length * 4);
      el.value.forEach((v, i) => b.writeUInt32LE(v, i * 4));
      return b;
    }
    case 'FD': {
      const b = Buffer.alloc(el.value.length * 8);
      el.value.forEach((v, i) => b.writeDoubleLE(v, i * 8));
      return b;
    }
    case 'AT': {
      const b = Buffer.alloc(el.value.length * 4);
      el.value.forEach((t, i) => {
        b.writeUInt16LE(t >>> 16, i * 4);
        b.writeUInt16LE(t & 0xffff, i * 4 + 2);
      });
      return b;
    }
    case 'OB':
      return el.value.length % 2 === 1 ? Buffer.concat([el.value, new Uint8Array(1)]) : el.value;
    case 'SQ':
      throw new AppError('internal', 'DICOM writer: sequences are written by writeElement');
    case 'UI':
      return ascii(el.value, true);
    default:
      return ascii(el.value, false);
  }
}

function writeElement(sink: ByteSink, el: DataElement): void {
  sink.tag(el.tag);
  sink.push(Buffer.from(el.vr, 'latin1'));
  if (el.vr === 'SQ') {
    // Defined lengths throughout: simplest for every reader, and we know the sizes.
    const body = new ByteSink();
    for (const item of el.value) {
      const itemBody = new ByteSink();
      for (const child of sorted(item)) writeElement(itemBody, child);
      body.tag(0xfffee000);
      body.u32(itemBody.length);
      body.push(itemBody.concat());
    }
    sink.u16(0);
    sink.u32(body.length);
    sink.push(body.concat());
    return;
  }
  const bytes = valueBytes(el);
  if (LONG_HEADER_VRS.has(el.vr)) {
    sink.u16(0);
    sink.u32(bytes.length);
  } else {
    if (bytes.length > 0xffff) throw new AppError('invalid-argument', `DICOM writer: value of ${el.tag.toString(16)} is too long for VR ${el.vr}`);
    sink.u16(bytes.length);
  }
  sink.push(bytes);
}

function sorted(elements: DataElement[]): DataElement[] {
  return [...elements].sort((a, b) => a.tag - b.tag);
}

function writePixelData(sink: ByteSink, pixels: PixelData): void {
  sink.tag(tag(0x7fe0, 0x0010));
  sink.push(Buffer.from('OB', 'latin1'));
  sink.u16(0);
  if (pixels.kind === 'native') {
    const even = pixels.bytes.length % 2 === 1 ? Buffer.concat([pixels.bytes, new Uint8Array(1)]) : pixels.bytes;
    sink.u32(even.length);
    sink.push(even);
    return;
  }
  sink.u32(0xffffffff);
  // Basic Offset Table: each frame's item offset from the first fragment item, so readers can seek.
  sink.tag(0xfffee000);
  sink.u32(pixels.frames.length * 4);
  let offset = 0;
  for (const frame of pixels.frames) {
    if (frame.length % 2 === 1) throw new AppError('invalid-argument', 'DICOM writer: encapsulated fragments must have even length');
    sink.u32(offset);
    offset += 8 + frame.length;
  }
  for (const frame of pixels.frames) {
    sink.tag(0xfffee000);
    sink.u32(frame.length);
    sink.push(frame);
  }
  sink.tag(0xfffee0dd);
  sink.u32(0);
}

export interface Part10Input {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** The data set without pixel data and without group 0002. */
  elements: DataElement[];
  pixels: PixelData;
}

/** Preamble, DICM, file meta information (with its group length), the data set, then pixel data. */
export function writePart10(input: Part10Input): Uint8Array {
  for (const el of input.elements) {
    if (el.tag >>> 16 === 0x0002 || el.tag === tag(0x7fe0, 0x0010)) {
      throw new AppError('invalid-argument', `DICOM writer: element ${el.tag.toString(16)} is written by the writer itself`);
    }
  }
  const meta = new ByteSink();
  const metaElements: DataElement[] = [
    { tag: tag(0x0002, 0x0001), vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: tag(0x0002, 0x0002), vr: 'UI', value: input.sopClassUid },
    { tag: tag(0x0002, 0x0003), vr: 'UI', value: input.sopInstanceUid },
    { tag: tag(0x0002, 0x0010), vr: 'UI', value: input.transferSyntaxUid },
    { tag: tag(0x0002, 0x0012), vr: 'UI', value: IMPLEMENTATION_CLASS_UID },
    { tag: tag(0x0002, 0x0013), vr: 'SH', value: IMPLEMENTATION_VERSION_NAME },
  ];
  for (const el of metaElements) writeElement(meta, el);

  const out = new ByteSink();
  out.push(new Uint8Array(128));
  out.push(Buffer.from('DICM', 'latin1'));
  writeElement(out, { tag: tag(0x0002, 0x0000), vr: 'UL', value: [meta.length] });
  out.push(meta.concat());
  for (const el of sorted(input.elements)) writeElement(out, el);
  writePixelData(out, input.pixels);
  return out.concat();
}
