/** Small helpers for the label-editing tests: a document-free session on a fresh map, and map pictures. */
import { EditScratch, EditSession } from '../../../src/shared/labels/edit-session.ts';
import { createPrng } from '../../../src/main/services/phantom/prng.ts';

export function session(width: number, height: number, data: Uint8Array = new Uint8Array(width * height), locked: Uint8Array = new Uint8Array(256)) {
  const s = new EditSession(data, new EditScratch(width, height), locked);
  return { s, data };
}

/** Parses a picture such as ['..1', '.21'] ('.' = 0) into a map. */
export function picture(rows: string[]): { width: number; height: number; data: Uint8Array } {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8Array(width * height);
  rows.forEach((r, y) => [...r].forEach((c, x) => (data[y * width + x] = c === '.' ? 0 : Number(c))));
  return { width, height, data };
}

export function draw(data: Uint8Array, width: number): string[] {
  const out: string[] = [];
  for (let y = 0; y < data.length / width; y++) out.push([...data.subarray(y * width, (y + 1) * width)].map((v) => (v === 0 ? '.' : String(v))).join(''));
  return out;
}

/** Seeded uniform numbers in [0, 1): the phantom's mulberry32 stream (same seed, same draws). */
export const rng = (seed: number): (() => number) => createPrng(seed).next;

/** 8-connected components of the pixels equal to `value`. */
export function components8(data: Uint8Array, width: number, value: number): number {
  const height = data.length / width;
  const seen = new Uint8Array(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    if (seen[i] || data[i] !== value) continue;
    n++;
    const stack = [i];
    seen[i] = 1;
    while (stack.length) {
      const j = stack.pop()!;
      const y = Math.floor(j / width);
      const x = j - y * width;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const k = ny * width + nx;
          if (!seen[k] && data[k] === value) {
            seen[k] = 1;
            stack.push(k);
          }
        }
    }
  }
  return n;
}
