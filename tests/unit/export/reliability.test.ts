/**
 * What a researcher running a long export relies on: it never writes into a source dataset; a full disk or a
 * read-only folder stops it with a message naming the file and the cause, leaving only whole items; a kill
 * at any point followed by --resume gives exactly the files of an uninterrupted run; shards merge into the
 * unsharded export.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportIo } from '../../../src/main/services/export/index.ts';
import { mergeExports, nodeIo, runExport, safeFileName } from '../../../src/main/services/export/index.ts';
import { checkRelativePath } from '../../../src/main/services/export/export-io.ts';
import { acquireShardLock } from '../../../src/main/services/export/shard-lock.ts';
import { allPaths, cli, cliKilled, exportOptions, phantomRecipe, ROOT, tempDir, treeChecksums } from './helpers.ts';

const tmp = tempDir('reliability');
chmodSync(tmp, 0o755);
const dataDir = join(tmp, 'data');
afterAll(() => {
  try {
    execFileSync('umount', [join(tmp, 'small-disk')], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** Nothing half-written: no staging folder, no lock, no temporary file anywhere in the export. */
function expectNoLeftovers(out: string): void {
  const leftovers = allPaths(out).filter((p) => /\.partial$|staging|lock-/.test(p));
  expect(leftovers).toEqual([]);
}

/** Every journaled file is whole: present with its recorded size and hash. */
function expectJournalWhole(out: string): number {
  const state = join(out, '.cardiosynth-export');
  let n = 0;
  for (const name of readdirSync(state).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(state, name), 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { files: Array<{ path: string; sha256: string }> };
      for (const f of r.files) expect(treeChecksums(out)[f.path], f.path).toBe(f.sha256);
      n++;
    }
  }
  return n;
}

const recipe = phantomRecipe();
let reference: Record<string, string>;
beforeAll(async () => {
  const out = join(tmp, 'reference');
  await runExport(exportOptions(recipe, out, dataDir));
  reference = treeChecksums(out);
  expect(Object.keys(reference)).toContain('manifest.csv');
});

describe('where an export may write', () => {
  const source = join(tmp, 'dataset');
  beforeAll(() => {
    mkdirSync(source, { recursive: true });
    execFileSync('cp', [join(ROOT, 'resources/default-study/phantom-a4c.dcm'), join(source, 'a4c.dcm')]);
    symlinkSync(source, join(tmp, 'link-to-dataset'));
  });
  const real = { format: 'cardiosynth-recipe/1' as const, name: 'real', layout: 'png' as const, sources: [source] };

  it('refuses a folder inside a source dataset, one that contains it, and one reached through a symlink', async () => {
    for (const [out, message] of [
      [join(source, 'export'), /is inside the source dataset folder .*dataset; an export never writes into a source/],
      [join(tmp, 'link-to-dataset', 'sub', 'export'), /is inside the source dataset folder/],
      [tmp, /contains the source dataset folder/],
    ] as const) {
      await expect(runExport(exportOptions(real, out, dataDir)), out).rejects.toThrow(message);
    }
    expect(readdirSync(source)).toEqual(['a4c.dcm']);
  });

  it('refuses the catalog\'s dataset folders through the protectedRoots seam', async () => {
    const catalogued = join(tmp, 'catalogued');
    await expect(runExport(exportOptions(recipe, join(catalogued, 'x'), dataDir, { protectedRoots: () => [catalogued] }))).rejects.toThrow(/inside the catalog dataset folder/);
  });

  it('refuses a non-empty folder, an existing export without --resume, and another export\'s folder', async () => {
    const busy = join(tmp, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    await expect(runExport(exportOptions(recipe, busy, dataDir))).rejects.toThrow(/busy: is not empty and holds no Cardiosynth export/);
    expect(readdirSync(busy)).toEqual(['notes.txt']);
    const done = join(tmp, 'reference');
    await expect(runExport(exportOptions(recipe, done, dataDir))).rejects.toThrow(/already holds this export; pass --resume/);
    await expect(runExport(exportOptions(phantomRecipe({ name: 'other' }), done, dataDir, { resume: true }))).rejects.toThrow(/holds a different export \(phantom-test, 6 items\)/);
    await expect(runExport(exportOptions(recipe, join(tmp, 'never-started'), dataDir, { resume: true }))).rejects.toThrow(/holds no export to resume/);
    // Resuming a finished export writes nothing and changes nothing.
    const r = await runExport(exportOptions(recipe, done, dataDir, { resume: true, verify: true }));
    expect(r).toMatchObject({ written: 0, resumed: 6, indexed: true });
    expect(treeChecksums(done)).toEqual(reference);
  });

  it('keeps file names portable and refuses unsafe layout paths', () => {
    expect(safeFileName('Échographie: patient/01 *final*.nii')).toBe('Echographie_patient_01_final_.nii');
    expect(safeFileName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('   ')).toBe('unnamed');
    expect(safeFileName('x'.repeat(300)).length).toBe(100);
    for (const bad of ['../x.png', 'a/../b', '/abs', 'a//b', '.hidden', 'a/b c', 'nul.txt']) expect(() => checkRelativePath(bad), bad).toThrow(/unsafe path/);
    expect(checkRelativePath('images/P1_0001.png')).toBe(join('images', 'P1_0001.png'));
  });

  it('lets one process write a shard at a time, and takes over the lock of a dead one', async () => {
    const out = join(tmp, 'locked');
    const state = join(out, '.cardiosynth-export');
    const lock = acquireShardLock(state, { index: 1, count: 1 }, nodeIo);
    writeFileSync(join(state, 'lock-1-of-1'), JSON.stringify({ host: (await import('node:os')).hostname(), pid: process.ppid }));
    await expect(runExport(exportOptions(recipe, out, dataDir))).rejects.toThrow(/another export \(process \d+\) is writing shard 1\/1/);
    lock.release();
    writeFileSync(join(state, 'lock-1-of-1'), JSON.stringify({ host: (await import('node:os')).hostname(), pid: 2 ** 22 + 12345 }));
    await runExport(exportOptions(recipe, out, dataDir));
    expect(treeChecksums(out)).toEqual(reference);
    expectNoLeftovers(out);
  });
});

/** nodeIo, except that the n-th write (counting from 1) fails with `code`. */
function failingIo(n: number, code: string, on: 'writeFile' | 'rename' | 'appendFile'): ExportIo & { calls: number } {
  const io = {
    ...nodeIo,
    calls: 0,
    [on]: (...args: [string, never]) => {
      if (++io.calls === n) throw Object.assign(new Error(`${code}: injected`), { code });
      return (nodeIo[on] as (...a: unknown[]) => void)(...args);
    },
  };
  return io;
}

describe('write errors stop the export cleanly', () => {
  for (const [code, on, message] of [
    ['ENOSPC', 'writeFile', /cannot write: the disk is full \(ENOSPC\)/],
    ['EACCES', 'rename', /cannot write: permission denied \(EACCES\)/],
    ['EDQUOT', 'appendFile', /journal-1-of-1\.jsonl: cannot write: the disk quota is exceeded/],
  ] as const) {
    it(`${code} on ${on}: only whole items stay, and --resume completes the same export`, async () => {
      const out = join(tmp, `fail-${code}`);
      const err = await runExport(exportOptions(recipe, out, dataDir, { io: failingIo(on === 'appendFile' ? 3 : 40, code, on) })).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'io', message: expect.stringMatching(message) });
      const journaled = expectJournalWhole(out);
      expect(journaled).toBeGreaterThan(0);
      expect(journaled).toBeLessThan(6);
      expectNoLeftovers(out);
      expect(existsSync(join(out, 'manifest.csv'))).toBe(false);
      // The failed item's files that had already been placed were taken back.
      const journalFiles = new Set(readFileSync(join(out, '.cardiosynth-export/journal-1-of-1.jsonl'), 'utf8').split('\n').filter(Boolean).flatMap((l) => (JSON.parse(l) as { files: Array<{ path: string }> }).files.map((f) => f.path)));
      expect(Object.keys(treeChecksums(out)).filter((p) => !journalFiles.has(p))).toEqual([]);
      const r = await runExport(exportOptions(recipe, out, dataDir, { resume: true }));
      expect(r.written + journaled).toBe(6);
      expect(treeChecksums(out)).toEqual(reference);
      expectNoLeftovers(out);
    });
  }

  const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount)('a real full disk (a small tmpfs) stops it; after the disk grows, --resume finishes it', async () => {
    const disk = join(tmp, 'small-disk');
    mkdirSync(disk);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', disk]);
    if (mounted.status !== 0) {
      console.warn(`reliability: cannot mount a tmpfs here (${mounted.stderr.toString().trim()}); full-disk case tested at the seam only`);
      return;
    }
    const out = join(disk, 'export');
    const err = await runExport(exportOptions(recipe, out, dataDir)).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'io', message: expect.stringMatching(/small-disk\/export\/.*: cannot write: the disk is full \(ENOSPC\)/) });
    const before = expectJournalWhole(out);
    expect(before).toBeLessThan(6);
    expectNoLeftovers(out);
    execFileSync('mount', ['-o', 'remount,size=16m', disk]);
    const r = await runExport(exportOptions(recipe, out, dataDir, { resume: true }));
    expect(r).toMatchObject({ written: 6 - before, resumed: before });
    expect(treeChecksums(out)).toEqual(reference);
    expectNoLeftovers(out);
  });

  const root = process.getuid?.() === 0;
  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(root && !setpriv)('a read-only output folder, for a user who may not write there, stops it with a clear message', () => {
    const ro = join(tmp, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const recipeFile = join(tmp, 'recipe.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const userData = join(tmp, 'user-data');
    mkdirSync(userData, { recursive: true });
    chmodSync(userData, 0o777);
    // As root nothing is read-only, so the CLI runs as `nobody`, as a researcher's account would.
    const args = ['export', '--recipe', recipeFile, '--out', join(ro, 'out')];
    const r = root
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(ROOT, 'bin/cardiosynth'), ...args], { encoding: 'utf8', env: { ...process.env, CARDIOSYNTH_DATA_DIR: userData, HOME: userData } })
      : spawnSync(join(ROOT, 'bin/cardiosynth'), args, { encoding: 'utf8', env: { ...process.env, CARDIOSYNTH_DATA_DIR: userData } });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/read-only\/out\/\.cardiosynth-export: cannot write: permission denied \(EACCES\)/);
    expect(r.stderr).toMatch(/run the same command with --resume/);
    expect(readdirSync(ro)).toEqual([]);
  });
});

describe('a killed export resumes to exactly the uninterrupted one', () => {
  const cliRecipe = phantomRecipe({ synthetic: { generator: { kind: 'phantom' }, width: 64, height: 64, frames: 6, fps: 12, standalone: { patients: 5, views: ['2CH', '4CH'] } } });
  const recipeFile = join(tmp, 'kill-recipe.json');
  const env = { CARDIOSYNTH_DATA_DIR: dataDir };
  let cliReference: Record<string, string>;
  beforeAll(() => {
    writeFileSync(recipeFile, JSON.stringify(cliRecipe));
    const r = cli(['export', '--recipe', recipeFile, '--out', join(tmp, 'kill-reference')], env);
    expect(r.code, r.stderr).toBe(0);
    cliReference = treeChecksums(join(tmp, 'kill-reference'));
  });

  it('after SIGKILL at random points (between and inside items), --resume gives the same checksums', async () => {
    const out = join(tmp, 'killed');
    const schedule: string[] = [];
    let started = false;
    for (let round = 0; round < 4; round++) {
      // Half the kills land after a whole number of items, half at a random moment (mid-render, mid-write).
      const when = round % 2 === 0 ? { afterItems: 1 + Math.floor(Math.random() * 3) } : { ms: 600 + Math.floor(Math.random() * 2500) };
      schedule.push(JSON.stringify(when));
      const k = await cliKilled(['export', '--recipe', recipeFile, '--out', out, '--json', ...(started ? ['--resume'] : [])], env, when);
      if (existsSync(join(out, '.cardiosynth-export', 'plan.json'))) started = true;
      if (!k.killed) break; // it finished before the kill came
      expectJournalWhole(out);
    }
    if (started) {
      const r = cli(['export', '--recipe', recipeFile, '--out', out, '--resume', '--verify'], env);
      expect(r.code, `${r.stderr} (kills: ${schedule.join(', ')})`).toBe(0);
    } else {
      const r = cli(['export', '--recipe', recipeFile, '--out', out], env);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(treeChecksums(out), `kills: ${schedule.join(', ')}`).toEqual(cliReference);
    expectNoLeftovers(out);
    expect(expectJournalWhole(out)).toBe(10);
  });

  it('ignores a journal line cut short by a kill', async () => {
    const out = join(tmp, 'torn');
    await runExport(exportOptions(recipe, out, dataDir, { io: failingIo(50, 'ENOSPC', 'writeFile') })).catch(() => undefined);
    appendFileSync(join(out, '.cardiosynth-export/journal-1-of-1.jsonl'), '{"v":1,"index":5,"id":"half');
    await runExport(exportOptions(recipe, out, dataDir, { resume: true }));
    expect(treeChecksums(out)).toEqual(reference);
    expect(readFileSync(join(out, '.cardiosynth-export/journal-1-of-1.jsonl'), 'utf8')).not.toContain('"half');
  });
});

describe('shards', () => {
  it('1/3, 2/3, 3/3 in their own folders, merged, equal the unsharded export', async () => {
    const dirs = [1, 2, 3].map((i) => join(tmp, `shard-${i}`));
    for (const [i, d] of dirs.entries()) {
      const r = await runExport(exportOptions(recipe, d, dataDir, { shard: { index: i + 1, count: 3 } }));
      expect(r).toMatchObject({ inShard: 2, planned: 6, indexed: false });
      expect(existsSync(join(d, 'manifest.csv'))).toBe(false);
    }
    expect(() => mergeExports(dirs.slice(0, 2), { out: join(tmp, 'merged-partial'), softwareVersion: '0.0.0-test' })).toThrow(/the shards hold 4 of the export's 6 items; 2 are missing/);
    expect(() => mergeExports([dirs[0], join(tmp, 'reference'), join(tmp, 'fail-ENOSPC')], { softwareVersion: '0.0.0-test' })).not.toThrow(); // same plan: fine
    const merged = join(tmp, 'merged');
    const m = mergeExports(dirs, { out: merged, softwareVersion: '0.0.0-test' });
    expect(m.items).toBe(6);
    expect(treeChecksums(merged)).toEqual(reference);
    expectNoLeftovers(merged);
    // The shards are intact (hard links or copies, never moves).
    for (const d of dirs) expectJournalWhole(d);
    // Another export's folder does not merge in.
    const other = join(tmp, 'other-export');
    await runExport(exportOptions(phantomRecipe({ name: 'other' }), other, dataDir));
    expect(() => mergeExports([merged, other], { softwareVersion: '0.0.0-test' })).toThrow(/belongs to another export/);
  });

  it('sharing one folder, the last shard to finish writes the index, equal to the unsharded export', async () => {
    const shared = join(tmp, 'shared-shards');
    await Promise.all([1, 2, 3].map((i) => runExport(exportOptions(recipe, shared, dataDir, { shard: { index: i, count: 3 } }))));
    expect(treeChecksums(shared)).toEqual(reference);
    expectNoLeftovers(shared);
  });

  it('the CLI shards and merges the same way', () => {
    const recipeFile = join(tmp, 'shard-recipe.json');
    writeFileSync(recipeFile, JSON.stringify(recipe));
    const env = { CARDIOSYNTH_DATA_DIR: dataDir };
    const full = cli(['export', '--recipe', recipeFile, '--out', join(tmp, 'cli-full')], env);
    expect(full.code, full.stderr).toBe(0);
    for (const i of [1, 2, 3]) {
      const r = cli(['export', '--recipe', recipeFile, '--out', join(tmp, `cli-shard-${i}`), '--shard', `${i}/3`], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/"type":"summary".*"inShard":2.*"indexed":false/);
    }
    const m = cli(['export', 'merge', ...[1, 2, 3].map((i) => join(tmp, `cli-shard-${i}`)), '--out', join(tmp, 'cli-merged'), '--json'], env);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ type: 'summary', items: 6 });
    expect(treeChecksums(join(tmp, 'cli-merged'))).toEqual(treeChecksums(join(tmp, 'cli-full')));
  });
});
