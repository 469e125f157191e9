/**
 * Typed arrays inside API results travel over the WebSocket as separate binary messages; the JSON part holds
 * placeholders. Pure functions so the server and the browser client share them.
 */
type Typed = Uint8Array | Uint16Array | Int16Array | Int32Array | Float32Array | Float64Array | Uint32Array | Int8Array;

const CTORS = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
} as const;
type CtorName = keyof typeof CTORS;

interface Placeholder {
  $typed: CtorName;
  $index: number;
}

function typedName(v: unknown): CtorName | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const name = (v as Typed).constructor.name as CtorName;
  return name in CTORS ? name : null;
}

/** Replaces typed arrays with placeholders; returns the JSON-safe value and the binaries in order. */
export function extractBinaries(value: unknown): { json: unknown; binaries: Typed[] } {
  const binaries: Typed[] = [];
  const walk = (v: unknown): unknown => {
    const name = typedName(v);
    if (name) {
      binaries.push(v as Typed);
      return { $typed: name, $index: binaries.length - 1 } satisfies Placeholder;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return { json: walk(value), binaries };
}

/** Inverse of {@link extractBinaries}: `buffers[i]` holds the bytes of binary i. */
export function restoreBinaries(json: unknown, buffers: ArrayBuffer[]): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const p = v as Partial<Placeholder>;
      if (typeof p.$typed === 'string' && typeof p.$index === 'number' && p.$typed in CTORS) {
        const buf = buffers[p.$index];
        if (!buf) throw new Error(`wire: missing binary ${p.$index}`);
        return new CTORS[p.$typed as CtorName](buf);
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(json);
}
