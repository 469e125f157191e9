/**
 * Shared pieces of the export tests: temporary folders, small phantom recipes (64 px, a few frames, so a test
 * exports dozens of items in seconds), file-tree checksums for "the same export" comparisons, and the CLI.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { RecipeInput } from '../../../src/shared/export-recipe.ts';
import { parseRecipe } from '../../../src/main/services/export/index.ts';
import type { ExportOptions } from '../../../src/main/services/export/index.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'bin', 'cardiosynth');
export const PY = '/usr/bin/python3';
export const FIXED_EPOCH = '1767225600'; // 2026-01-01T00:00:00Z

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `cardiosynth-export-${tag}-`));
}

export function phantomRecipe(over: Partial<RecipeInput> = {}): RecipeInput {
  return {
    format: 'cardiosynth-recipe/1',
    name: 'phantom-test',
    layout: 'png',
    sources: [],
    synthetic: { generator: { kind: 'phantom' }, width: 64, height: 64, frames: 6, fps: 12, standalone: { patients: 3, views: ['2CH', '4CH'] } },
    ...over,
  };
}

export function exportOptions(recipe: RecipeInput, out: string, dataDir: string, over: Partial<ExportOptions> = {}): ExportOptions {
  return {
    recipe: parseRecipe(recipe, 'test recipe'),
    baseDir: ROOT,
    out,
    dataDir,
    softwareVersion: '0.0.0-test',
    createdAt: () => '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

/** Relative path -> sha256 of every file under `dir`, leaving out the export's state folder unless asked. */
export function treeChecksums(dir: string, withState = false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (!withState && name === '.cardiosynth-export' && d === dir) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Every path under `dir` (files and folders), relative. */
export function allPaths(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      out.push(relative(dir, p));
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(BIN, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, SOURCE_DATE_EPOCH: FIXED_EPOCH, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI and kills it with SIGKILL once `ready(stdout so far)` is true or after `ms`. */
export function cliKilled(args: string[], env: NodeJS.ProcessEnv, when: { afterItems?: number; ms?: number }): Promise<{ killed: boolean; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(BIN, args, { cwd: ROOT, env: { ...process.env, SOURCE_DATE_EPOCH: FIXED_EPOCH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let killed = false;
    const kill = (): void => {
      if (!killed && p.exitCode === null) {
        killed = true;
        p.kill('SIGKILL');
      }
    };
    const timer = when.ms !== undefined ? setTimeout(kill, when.ms) : null;
    p.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (when.afterItems !== undefined && (stdout.match(/"type":"item"/g) ?? []).length >= when.afterItems) kill();
    });
    p.stderr.resume();
    p.once('error', reject);
    p.once('close', () => {
      if (timer) clearTimeout(timer);
      resolvePromise({ killed, stdout });
    });
  });
}
