/**
 * Seeded randomness for the phantom. Math.random cannot be seeded, and "same seed -> same bytes" is a tested
 * promise. Streams are derived from (seed, purpose tag) so that, for example, adding a draw to the patient
 * model does not shift the speckle of every existing dataset.
 */

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal (Box-Muller; the spare value is kept). */
  gaussian(): number;
}

/** 32-bit hash of a string (FNV-1a followed by a murmur3 finaliser so similar strings spread well). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stream for one purpose of one seed: `streamSeed(42, 'patient')`. */
export function streamSeed(seed: string | number, tag: string): number {
  return hashString(`${String(seed)}\u0000${tag}`);
}

/** mulberry32: tiny and fast; its 2^32 period is far beyond what one dataset draws from one stream. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gaussian = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = next();
    while (u <= Number.EPSILON) u = next();
    const v = next();
    const mag = Math.sqrt(-2 * Math.log(u));
    spare = mag * Math.sin(2 * Math.PI * v);
    return mag * Math.cos(2 * Math.PI * v);
  };
  return { next, range: (lo, hi) => lo + (hi - lo) * next(), gaussian };
}
