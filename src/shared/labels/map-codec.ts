/**
 * A compact byte encoding of a whole label map, for the wire (the serve door's requests are JSON text, so it
 * travels base64-encoded) and for storage: runs of equal values as (value byte, run length as an unsigned
 * LEB128 varint). A 1024 x 1024 map of a few smooth regions encodes to a few KiB.
 */

/** Longest map text one request carries: 6 MiB keeps a request under the serve door's 8 MiB message limit. */
export const MAX_MAP_TEXT = 6 * 1024 * 1024;

export function encodeRuns(data: Uint8Array): Uint8Array {
  let out = new Uint8Array(Math.max(64, data.length >>> 6));
  let n = 0;
  const ensure = (k: number) => {
    if (n + k <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, n + k));
    bigger.set(out.subarray(0, n));
    out = bigger;
  };
  let i = 0;
  while (i < data.length) {
    const v = data[i];
    let j = i + 1;
    while (j < data.length && data[j] === v) j++;
    let run = j - i;
    ensure(6);
    out[n++] = v;
    while (run >= 0x80) {
      out[n++] = (run & 0x7f) | 0x80;
      run >>>= 7;
    }
    out[n++] = run;
    i = j;
  }
  return out.slice(0, n);
}

/** Inverse of {@link encodeRuns}; throws a RangeError unless the runs fill exactly `length` pixels. */
export function decodeRuns(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let pos = 0;
  let i = 0;
  while (i < bytes.length) {
    const v = bytes[i++];
    let run = 0;
    let shift = 0;
    for (;;) {
      if (i >= bytes.length) throw new RangeError('label map encoding is truncated inside a run length');
      const b = bytes[i++];
      run += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 28) throw new RangeError('label map encoding has an over-long run length');
    }
    if (run === 0 || pos + run > length) throw new RangeError(`label map encoding describes more than ${length} pixels`);
    out.fill(v, pos, pos + run);
    pos += run;
  }
  if (pos !== length) throw new RangeError(`label map encoding describes ${pos} pixels, expected ${length}`);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const t = (a << 16) | (b << 8) | c;
    chunk += B64[(t >>> 18) & 63] + B64[(t >>> 12) & 63] + (i + 1 < bytes.length ? B64[(t >>> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[t & 63] : '=');
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

export function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new RangeError('base64 text length is not a multiple of 4');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let t = 0;
    for (let k = 0; k < 4; k++) {
      const ch = text.charCodeAt(i + k);
      const v = ch === 61 && i + k >= text.length - pad ? 0 : ch < 128 ? B64_INDEX[ch] : -1;
      if (v < 0) throw new RangeError(`invalid base64 character at ${i + k}`);
      t = (t << 6) | v;
    }
    if (o < out.length) out[o++] = (t >>> 16) & 255;
    if (o < out.length) out[o++] = (t >>> 8) & 255;
    if (o < out.length) out[o++] = t & 255;
  }
  return out;
}

/** A label map as wire text: base64 of its runs. */
export function encodeMapText(data: Uint8Array): string {
  return toBase64(encodeRuns(data));
}

export function decodeMapText(text: string, length: number): Uint8Array {
  return decodeRuns(fromBase64(text), length);
}
