/**
 * The pipeline's noise: a seeded generator in TypeScript, so the same seed gives the same initial noise on
 * every machine and provider (ORT's own random ops are never used). splitmix64 expands the seed into the state
 * of xoshiro128** (Blackman & Vigna); uniforms take 53 bits; normals come from Box-Muller in pairs (cos, then
 * sin), rounded to float32. tests/fixtures/packs/prng.py is the same generator in Python for the reference run.
 */
const M64 = (1n << 64n) - 1n;

/** The largest seed: seeds are JavaScript-safe integers so they survive JSON and the UI unchanged. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED}, not ${seed}`);
    let sm = BigInt(seed);
    const s: number[] = [];
    for (let i = 0; i < 4; i++) {
      sm = (sm + 0x9e3779b97f4a7c15n) & M64;
      let z = sm;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
      z ^= z >> 31n;
      s.push(Number(z & 0xffffffffn));
    }
    if (!s.some((v) => v !== 0)) s[0] = 1; // xoshiro must not start from all zeros
    [this.s0, this.s1, this.s2, this.s3] = s;
  }

  /** xoshiro128**: the next unsigned 32-bit value. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `n` standard normal values (float32). An odd count drops the last pair's sine. */
  normal(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const u1 = 1 - this.uniform();
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
