/**
 * Runs tests/reference/decode_pixels.py (pydicom + GDCM, dcmtk for 12-bit JPEG) and reads its output. Results are
 * cached under the OS temp dir, keyed by the hash of the file, the script and the frame cap, so repeated runs cost
 * nothing; nothing generated is committed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';
export const SCRIPT = resolve(import.meta.dirname, '../../reference/decode_pixels.py');
export const CACHE_ROOT = join(tmpdir(), 'cardiosynth-pixel-ref');

export interface ReferenceHeader {
  ok: boolean;
  error?: string;
  kind?: 'grey' | 'rgb';
  dtype?: string;
  rows?: number;
  columns?: number;
  frames?: number;
  written?: number;
  handler?: string;
}

/** True when the reference toolchain (python3 with pydicom, gdcm and numpy) is installed. */
export function referenceAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', 'import pydicom, gdcm, numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const scriptHash = () => hashFile(SCRIPT).slice(0, 16);

export function cacheDirFor(file: string, maxFrames: number): string {
  return join(CACHE_ROOT, `${hashFile(file).slice(0, 24)}-${scriptHash()}-${maxFrames}`);
}

/** Makes sure every file has a reference decode in the cache; runs one Python process for all missing ones. */
export function ensureReferences(files: string[], maxFrames: number): Map<string, string> {
  mkdirSync(CACHE_ROOT, { recursive: true });
  const dirs = new Map<string, string>();
  const missing: string[] = [];
  for (const f of files) {
    const dir = cacheDirFor(f, maxFrames);
    dirs.set(f, dir);
    if (!existsSync(join(dir, 'header.json'))) missing.push(`${dir}=${f}`);
  }
  if (missing.length) {
    const r = spawnSync(PYTHON, [SCRIPT, 'decode', String(maxFrames), ...missing], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`reference script failed (${r.status}): ${r.stderr}`);
  }
  return dirs;
}

export function readHeader(dir: string): ReferenceHeader {
  return JSON.parse(readFileSync(join(dir, 'header.json'), 'utf8')) as ReferenceHeader;
}

const DTYPES: Record<string, (b: ArrayBuffer) => ArrayLike<number>> = {
  uint8: (b) => new Uint8Array(b),
  int8: (b) => new Int8Array(b),
  uint16: (b) => new Uint16Array(b),
  int16: (b) => new Int16Array(b),
  uint32: (b) => new Uint32Array(b),
  int32: (b) => new Int32Array(b),
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
};

export function readReferenceFrame(dir: string, header: ReferenceHeader, index: number): ArrayLike<number> {
  const buf = readFileSync(join(dir, `frame_${index}.raw`));
  const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const make = DTYPES[header.dtype ?? ''];
  if (!make) throw new Error(`reference dtype ${header.dtype} not handled`);
  return make(copy);
}

/** Builds a PlanarConfiguration 1 copy of an RGB file with pydicom (cached like the decodes). */
export function makePlanarFixture(src: string): string {
  mkdirSync(CACHE_ROOT, { recursive: true });
  const dst = join(CACHE_ROOT, `planar-${hashFile(src).slice(0, 24)}-${scriptHash()}.dcm`);
  if (!existsSync(dst)) {
    const r = spawnSync(PYTHON, [SCRIPT, 'make-planar', src, dst], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`make-planar failed: ${r.stderr}`);
  }
  return dst;
}

export interface Comparison {
  exact: boolean;
  maxAbsDiff: number;
  differing: number;
  psnr: number;
}

/** PSNR in dB with the given peak; Infinity when identical. */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, peak: number): Comparison {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != reference ${expected.length}`);
  let se = 0;
  let maxAbsDiff = 0;
  let differing = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Number(actual[i]) - Number(expected[i]);
    if (d !== 0) {
      differing++;
      se += d * d;
      if (Math.abs(d) > maxAbsDiff) maxAbsDiff = Math.abs(d);
    }
  }
  const mse = se / actual.length;
  return { exact: differing === 0, maxAbsDiff, differing, psnr: mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse) };
}
