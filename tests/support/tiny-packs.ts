/**
 * Tiny random-weight model packs for tests and the benchmark, made by tests/fixtures/packs/make_tiny_pack.py
 * with Debian's python3-torch and python3-onnx. Cached in the system temp folder under a key made from the
 * scripts' contents and the arguments, so an edit to the scripts makes new packs and unchanged ones are reused.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PYTHON, pythonMissing } from './python.ts';

export const PACK_SCRIPTS = resolve(import.meta.dirname, '../fixtures/packs');
const SCRIPT_FILES = ['make_tiny_pack.py', 'tiny_models.py', 'clip_bpe.py'];

export type PackVariant = 'ours' | 'diffusers';
export type PackSize = 'tiny' | 'bench';

export interface TinyPack {
  /** The pack folder. */
  dir: string;
  /** The same weights as a PyTorch state dict (for reference_pipeline.py). */
  weights: string;
  variant: PackVariant;
  size: PackSize;
}

/** Why tiny packs cannot be made here (for a skip message), or null. */
export function tinyPacksMissing(): string | null {
  return pythonMissing(['torch', 'onnx', 'numpy']);
}

export function scriptsHash(): string {
  const h = createHash('sha256');
  for (const f of SCRIPT_FILES) h.update(f).update('\0').update(readFileSync(join(PACK_SCRIPTS, f)));
  return h.digest('hex').slice(0, 16);
}

/** The pack of this variant and size, generated on first use. */
export function tinyPack(variant: PackVariant = 'ours', size: PackSize = 'tiny'): TinyPack {
  const root = join(tmpdir(), 'cardiosynth-tiny-packs', `${scriptsHash()}-${variant}-${size}`);
  const done = { dir: join(root, 'pack'), weights: join(root, 'torch.pt'), variant, size };
  if (existsSync(join(root, 'pack', 'cardiosynth.json')) && existsSync(done.weights)) return done;
  const tmp = `${root}.${process.pid}.${Date.now()}.partial`;
  mkdirSync(tmp, { recursive: true });
  const r = spawnSync(PYTHON, [join(PACK_SCRIPTS, 'make_tiny_pack.py'), tmp, '--variant', variant, '--size', size], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
  });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`make_tiny_pack.py ${variant} ${size} failed (exit ${r.status}):\n${r.stderr}`);
  }
  try {
    renameSync(tmp, root);
  } catch {
    // Another test process made it first: theirs is identical.
    rmSync(tmp, { recursive: true, force: true });
  }
  return done;
}
