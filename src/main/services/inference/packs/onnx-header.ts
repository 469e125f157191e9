/**
 * Reads what a pack check needs from an ONNX file without loading it: the graph's inputs and outputs (names,
 * element types, shapes with fixed and symbolic dimensions), the opset, and the external data files its
 * initializers refer to. ONNX is protobuf; this walks the wire format with seeks, so a multi-gigabyte model
 * costs a few hundred small reads, and a truncated or corrupt file is reported as such.
 *
 * Fields used (onnx.proto3): ModelProto{ir_version 1, opset_import 8, graph 7}; GraphProto{initializer 5,
 * input 11, output 12}; ValueInfoProto{name 1, type 2}; TypeProto{tensor_type 1}; TypeProto.Tensor{elem_type 1,
 * shape 2}; TensorShapeProto{dim 1}; Dimension{dim_value 1, dim_param 2}; TensorProto{dims 1, name 8,
 * raw_data 9, external_data 13, data_location 14}; StringStringEntryProto{key 1, value 2}.
 */
import { open, type FileHandle } from 'node:fs/promises';

export const ELEM_TYPES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16',
};

export interface OnnxValue {
  name: string;
  /** 'float32', 'int64', ... ('unknown(N)' for an element type this table lacks; 'non-tensor' for others). */
  type: string;
  /** A number for a fixed dimension, a string for a symbolic one, null for an unnamed unknown one. */
  dims: (number | string | null)[];
}

export interface ExternalRef {
  /** The initializer's name. */
  tensor: string;
  /** Path relative to the model's folder. */
  location: string;
  offset: number;
  /** Bytes, or null when the entry leaves it to the file's end. */
  length: number | null;
}

export interface OnnxHeader {
  irVersion: number;
  opset: number | null;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  external: ExternalRef[];
}

export class OnnxParseError extends Error {}

const WINDOW = 64 * 1024;

/** Buffered random-access reads of a file. */
class Source {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  private readonly fh: FileHandle;
  readonly size: number;
  constructor(fh: FileHandle, size: number) {
    this.fh = fh;
    this.size = size;
  }

  async bytes(pos: number, len: number): Promise<Buffer> {
    if (pos < 0 || pos + len > this.size) throw new OnnxParseError(`the file ends at byte ${this.size} but a field needs bytes ${pos}..${pos + len} (truncated?)`);
    if (pos >= this.bufStart && pos + len <= this.bufStart + this.buf.length) return this.buf.subarray(pos - this.bufStart, pos - this.bufStart + len);
    const want = Math.max(len, Math.min(WINDOW, this.size - pos));
    const b = Buffer.alloc(want);
    const { bytesRead } = await this.fh.read(b, 0, want, pos);
    if (bytesRead < len) throw new OnnxParseError(`short read at byte ${pos}`);
    this.buf = b.subarray(0, bytesRead);
    this.bufStart = pos;
    return this.buf.subarray(0, len);
  }

  async varint(pos: number, end: number): Promise<{ value: number; next: number }> {
    const b = await this.bytes(pos, Math.min(10, end - pos));
    return decodeVarint(b, 0, pos);
  }
}

function decodeVarint(b: Uint8Array, at: number, absolute: number): { value: number; next: number } {
  let value = 0;
  let mul = 1;
  for (let i = at; i < b.length && i < at + 10; i++) {
    value += (b[i] & 0x7f) * mul;
    mul *= 128;
    if ((b[i] & 0x80) === 0) return { value, next: absolute + (i - at) + 1 };
  }
  throw new OnnxParseError(`a varint at byte ${absolute} does not end (truncated or not protobuf)`);
}

interface Field {
  field: number;
  wire: number;
  /** For wire type 0: the value; otherwise the payload's start and end. */
  value: number;
  start: number;
  end: number;
}

/** The fields of the message at [start, end), read lazily (payloads are not read). */
async function* fields(src: Source, start: number, end: number): AsyncGenerator<Field> {
  let pos = start;
  while (pos < end) {
    const tag = await src.varint(pos, end);
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    pos = tag.next;
    if (field === 0) throw new OnnxParseError(`field number 0 at byte ${pos} (not protobuf, or corrupt)`);
    if (wire === 0) {
      const v = await src.varint(pos, end);
      yield { field, wire, value: v.value, start: pos, end: v.next };
      pos = v.next;
    } else if (wire === 2) {
      const len = await src.varint(pos, end);
      const s = len.next;
      const e = s + len.value;
      if (e > end) throw new OnnxParseError(`field ${field} at byte ${pos} claims ${len.value} bytes but its message ends at byte ${end} (truncated?)`);
      yield { field, wire, value: len.value, start: s, end: e };
      pos = e;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > end) throw new OnnxParseError(`truncated fixed-width field at byte ${pos}`);
      yield { field, wire, value: 0, start: pos, end: pos + n };
      pos += n;
    } else {
      throw new OnnxParseError(`unsupported protobuf wire type ${wire} at byte ${pos} (not an ONNX model?)`);
    }
  }
  if (pos !== end) throw new OnnxParseError(`a message overruns its length at byte ${end}`);
}

async function text(src: Source, f: Field): Promise<string> {
  return (await src.bytes(f.start, f.end - f.start)).toString('utf8');
}

async function readDim(src: Source, f: Field): Promise<number | string | null> {
  for await (const d of fields(src, f.start, f.end)) {
    if (d.field === 1 && d.wire === 0) return d.value;
    if (d.field === 2 && d.wire === 2) return text(src, d);
  }
  return null;
}

async function readValueInfo(src: Source, f: Field): Promise<OnnxValue> {
  const v: OnnxValue = { name: '', type: 'non-tensor', dims: [] };
  for await (const x of fields(src, f.start, f.end)) {
    if (x.field === 1 && x.wire === 2) v.name = await text(src, x);
    if (x.field !== 2 || x.wire !== 2) continue;
    for await (const t of fields(src, x.start, x.end)) {
      if (t.field !== 1 || t.wire !== 2) continue; // tensor_type only
      for await (const tt of fields(src, t.start, t.end)) {
        if (tt.field === 1 && tt.wire === 0) v.type = ELEM_TYPES[tt.value] ?? `unknown(${tt.value})`;
        if (tt.field === 2 && tt.wire === 2) {
          for await (const d of fields(src, tt.start, tt.end)) if (d.field === 1 && d.wire === 2) v.dims.push(await readDim(src, d));
        }
      }
    }
  }
  return v;
}

async function readInitializer(src: Source, f: Field): Promise<{ name: string; external: Omit<ExternalRef, 'tensor'> | null }> {
  let name = '';
  let location = 0;
  const entries: Record<string, string> = {};
  for await (const x of fields(src, f.start, f.end)) {
    if (x.field === 8 && x.wire === 2) name = await text(src, x);
    else if (x.field === 14 && x.wire === 0) location = x.value;
    else if (x.field === 13 && x.wire === 2) {
      let key = '';
      let value = '';
      for await (const e of fields(src, x.start, x.end)) {
        if (e.field === 1 && e.wire === 2) key = await text(src, e);
        if (e.field === 2 && e.wire === 2) value = await text(src, e);
      }
      entries[key] = value;
    }
  }
  if (location !== 1) return { name, external: null };
  return {
    name,
    external: { location: entries.location ?? '', offset: Number(entries.offset ?? 0), length: entries.length !== undefined ? Number(entries.length) : null },
  };
}

/** Reads the model's interface. Throws OnnxParseError for a file that is not a complete ONNX model. */
export async function readOnnxHeader(path: string): Promise<OnnxHeader> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new OnnxParseError('the file is empty');
    const src = new Source(fh, size);
    const header: OnnxHeader = { irVersion: 0, opset: null, inputs: [], outputs: [], external: [] };
    let graph: Field | null = null;
    for await (const f of fields(src, 0, size)) {
      if (f.field === 1 && f.wire === 0) header.irVersion = f.value;
      else if (f.field === 7 && f.wire === 2) graph = f;
      else if (f.field === 8 && f.wire === 2) {
        let domain = '';
        let version = 0;
        for await (const o of fields(src, f.start, f.end)) {
          if (o.field === 1 && o.wire === 2) domain = await text(src, o);
          if (o.field === 2 && o.wire === 0) version = o.value;
        }
        if (domain === '' || domain === 'ai.onnx') header.opset = version;
      }
    }
    if (!graph) throw new OnnxParseError('no graph in the model (not an ONNX model, or truncated)');
    if (header.irVersion === 0) throw new OnnxParseError('no ir_version (not an ONNX model)');
    const initializers = new Set<string>();
    for await (const g of fields(src, graph.start, graph.end)) {
      if (g.field === 5 && g.wire === 2) {
        const init = await readInitializer(src, g);
        initializers.add(init.name);
        if (init.external) header.external.push({ tensor: init.name, ...init.external });
      } else if (g.field === 11 && g.wire === 2) header.inputs.push(await readValueInfo(src, g));
      else if (g.field === 12 && g.wire === 2) header.outputs.push(await readValueInfo(src, g));
    }
    // Before IR version 4, initializers were listed among the inputs too; they are weights, not inputs.
    header.inputs = header.inputs.filter((i) => !initializers.has(i.name));
    return header;
  } finally {
    await fh.close();
  }
}
