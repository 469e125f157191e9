/**
 * Crash safety: an import of 2,000 EchoNet videos runs in its own process and is killed (SIGKILL) once a few
 * batches are committed. The catalog must open and answer queries, hold only complete studies (each with its
 * video and both traced frames), say the import is unfinished, and a re-import must finish the job reusing
 * what the killed one had read. Also: a cancelled import job ends `cancelled` and keeps its batches.
 */
import { execFileSync, spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog, catalogPath } from '../../../src/main/services/datasets/catalog/index.ts';
import { openDatabase } from '../../../src/main/services/db/sqlite.ts';
import { JobsService } from '../../../src/main/services/jobs/index.ts';
import { greyFrames, rectTrace, writeMjpegAvi } from '../../fixtures/datasets/echonet-tree.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const hasFfmpeg = (() => { try { execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
if (!hasFfmpeg) console.warn('catalog-crash.test: skipped: ffmpeg is missing (apt-get install ffmpeg)');

const dir = mkdtempSync(join(tmpdir(), 'cs-catalog-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VIDEOS = 2000;
const name = (i: number) => `0X${i.toString(16).toUpperCase().padStart(6, '0')}`;

function buildTree(root: string): void {
  mkdirSync(join(root, 'Videos'), { recursive: true });
  const proto = join(root, 'proto.avi');
  writeMjpegAvi(proto, greyFrames(3, 1), 50);
  const list = ['FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split'];
  const traces = ['FileName,X1,Y1,X2,Y2,Frame'];
  for (let i = 0; i < VIDEOS; i++) {
    linkSync(proto, join(root, 'Videos', `${name(i)}.avi`));
    list.push(`${name(i)},${30 + (i % 40)},20,50,112,112,50,3,${['TRAIN', 'VAL', 'TEST'][i % 3]}`);
    traces.push(...rectTrace(name(i), 2, 50, 60, 30, 2), ...rectTrace(name(i), 0, 40, 70, 30, 3));
  }
  writeFileSync(join(root, 'FileList.csv'), list.join('\n') + '\n');
  writeFileSync(join(root, 'VolumeTracings.csv'), traces.join('\n') + '\n');
}

describe.skipIf(!hasFfmpeg)(`catalog crash safety${hasFfmpeg ? '' : ' (skipped: no ffmpeg)'}`, () => {
  const root = join(dir, 'EchoNet-Dynamic');
  if (hasFfmpeg) buildTree(root);

  it('survives the importing process being killed mid-import, and a re-import finishes it', async () => {
    const dataDir = join(dir, 'data-kill');
    mkdirSync(dataDir);
    const child = spawn(NODE, [join(ROOT, 'tests/support/catalog-import-child.ts'), dataDir, root, '20'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    // Watch the catalog from another connection, as the app would, and kill the importer mid-way.
    let committed = 0;
    const started = Date.now();
    while (committed < 100) {
      await new Promise((r) => setTimeout(r, 5));
      try {
        const db = openDatabase(catalogPath(dataDir), { readOnly: true });
        try {
          committed = Number((db.prepare('SELECT COUNT(*) AS n FROM studies').get() as { n: number }).n);
        } finally {
          db.close();
        }
      } catch {
        // not created yet
      }
      if (Date.now() - started > 60_000) throw new Error(`no studies committed within 60 s; importer stderr:\n${stderr}`);
    }
    child.kill('SIGKILL');
    expect(await exited).toBeNull(); // killed, not finished
    const catalog = new Catalog(dataDir);
    try {
      const [ds] = catalog.store.datasets();
      expect(ds.status).toBe('importing');
      const page = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 1000);
      expect(page.total).toBeGreaterThanOrEqual(100);
      expect(page.total).toBeLessThan(VIDEOS);
      expect(page.total % 20).toBe(0); // whole batches only
      const db = catalog.store.db;
      const incomplete = db.prepare(`SELECT COUNT(*) AS n FROM studies s WHERE
          (SELECT COUNT(*) FROM study_files f WHERE f.study_id = s.id) <> 1 OR
          (SELECT COUNT(*) FROM study_tracings t WHERE t.study_id = s.id) <> 2 OR
          (SELECT COUNT(*) FROM study_labels l WHERE l.study_id = s.id) <> 1`).get() as { n: number };
      expect(Number(incomplete.n)).toBe(0);
      const integrity = db.prepare('PRAGMA integrity_check').get() as Record<string, string>;
      expect(Object.values(integrity)).toEqual(['ok']);
      const before = page.total;
      const s = await catalog.importFolder(root);
      expect(s).toMatchObject({ unchanged: false, studies: { total: VIDEOS, added: VIDEOS - before, unchanged: before }, errors: 0, warnings: 0 });
      expect(s.files.cached).toBeGreaterThanOrEqual(before);
      expect(catalog.store.datasets()[0].status).toBe('complete');
      expect((await catalog.importFolder(root)).unchanged).toBe(true);
    } finally {
      catalog.close();
    }
  });

  it('cancels an import job at its next checkpoint, keeping the committed batches', async () => {
    const catalog = new Catalog(join(dir, 'data-cancel'));
    const jobs = new JobsService();
    try {
      const started = catalog.startImport(jobs, root);
      expect(started).toMatchObject({ kind: 'catalog.import', state: 'running' });
      let s = started;
      while (s.state === 'running' && (s.progress.done ?? 0) < 300) s = await jobs.waitForChange(started.id, s.version, 5000);
      jobs.cancel(started.id);
      const end = await jobs.settled(started.id);
      expect(end).toMatchObject({ state: 'cancelled', error: { kind: 'cancelled' }, result: null });
      const kept = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 1).total;
      expect(kept).toBeLessThan(VIDEOS);
      expect(catalog.store.datasets()[0].status).toBe('importing');
      const done = await jobs.settled(catalog.startImport(jobs, root).id);
      expect(done).toMatchObject({ state: 'succeeded', result: { studies: { total: VIDEOS } } });
    } finally {
      catalog.close();
    }
  });
});
