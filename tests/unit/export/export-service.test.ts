/**
 * Export as the app runs it (services/export/export-service.ts through the contract's handlers): a job on the
 * shared jobs service with progress, rate and ETA, cancelled between items and resumed to exactly the files
 * of an uninterrupted run; catalog studies (a browser filter, listed ids) as the source; the catalog's
 * dataset folders refused as destinations; previews that write nothing; recipes saved and loaded as files.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recipe, RecipeInput } from '../../../src/shared/export-recipe.ts';
import type { ExportSummary } from '../../../src/shared/export-types.ts';
import type { JobInfo } from '../../../src/shared/job-types.ts';
import { createHandlers } from '../../../src/main/handlers.ts';
import { parseRecipe, runExport } from '../../../src/main/services/export/index.ts';
import { createServices } from '../../../src/main/services/index.ts';
import { ROOT, tempDir, treeChecksums } from './helpers.ts';

const tmp = tempDir('service');
const dataDir = join(tmp, 'data');
const camus = join(tmp, 'phantom-camus');
cpSync(join(ROOT, 'resources/phantom-camus'), camus, { recursive: true });
const services = createServices({ resourcesDir: join(ROOT, 'resources'), dataDir, version: '0.0.0-test' });
const api = createHandlers(services, 'serve');
const epoch = process.env.SOURCE_DATE_EPOCH;
beforeAll(async () => {
  process.env.SOURCE_DATE_EPOCH = '1767225600';
  await services.catalog.importFolder(camus);
});
afterAll(async () => {
  if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = epoch;
  await services.inference.dispose();
  services.labels.close();
  services.catalog.close();
  rmSync(tmp, { recursive: true, force: true });
});

const recipe = (over: Partial<RecipeInput> = {}): Recipe => parseRecipe({
  format: 'cardiosynth-recipe/1', name: 'service-test', layout: 'png', sources: [],
  synthetic: { generator: { kind: 'phantom' }, width: 64, height: 64, frames: 10, fps: 20, standalone: { patients: 8, views: ['2CH', '4CH'] } },
  ...over,
}, 'test');

async function until(id: string, done: (j: JobInfo) => boolean): Promise<JobInfo> {
  let j = services.jobs.get(id);
  while (!done(j)) j = await services.jobs.waitForChange(id, j.version, 10_000);
  return j;
}

describe('export jobs', () => {
  it('shows progress with a rate and an ETA, cancels between items, and resumes to the uninterrupted export', async () => {
    const out = join(tmp, 'job');
    const first = await api['export.start']({ recipe: recipe(), out });
    expect(first).toMatchObject({ kind: 'export', title: `Export service-test (png) to ${out}` });
    const moving = await until(first.id, (j) => (j.progress.done ?? 0) >= 3 || j.state !== 'running');
    expect(moving.state).toBe('running');
    expect(moving.progress).toMatchObject({ total: 16, message: expect.stringMatching(/^\d+ of 16 items · [\d.]+ items\/min · about \d+ s left$/) });
    expect(moving.detail).toMatchObject({ out, layout: 'png', etaS: expect.any(Number), itemsPerMin: expect.any(Number) });
    services.jobs.cancel(first.id);
    const cancelled = await services.jobs.wait(first.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.error?.message).toMatch(/export cancelled after \d+ of 16 items; resuming it \(--resume\) continues from there/);

    const folder = await api['export.folder']({ out });
    expect(folder).toMatchObject({ state: 'partial', total: 16 });
    expect(folder.done!).toBeGreaterThanOrEqual(3);
    expect(folder.done!).toBeLessThan(16);
    // Starting again without resume is refused by the job (the folder holds this export); resume finishes it.
    const again = await services.jobs.wait((await api['export.start']({ recipe: recipe(), out })).id);
    expect(again.error?.message).toMatch(/already holds this export; pass --resume/);
    const resumed = await services.jobs.wait((await api['export.start']({ recipe: recipe(), out, resume: true })).id);
    expect(resumed.state, resumed.error?.message).toBe('succeeded');
    expect(resumed.result as ExportSummary).toMatchObject({ planned: 16, resumed: folder.done, written: 16 - folder.done! });
    expect((await api['export.folder']({ out })).state).toBe('complete');

    const whole = join(tmp, 'whole');
    await runExport({ recipe: recipe(), baseDir: ROOT, out: whole, dataDir, softwareVersion: '0.0.0-test' });
    expect(treeChecksums(out)).toEqual(treeChecksums(whole));
  }, 120_000);

  it('takes catalog studies by filter or by id, and previews the plan without writing anything', async () => {
    const r = recipe({ layout: 'echonet', sources: [{ catalog: { filter: { views: ['4CH'] } } }], synthetic: undefined });
    const out = join(tmp, 'catalog-echonet');
    const p = await api['export.preview']({ recipe: r, out });
    expect(p).toMatchObject({ sources: { real: 0, synthetic: 3 }, items: { total: 3, real: 0, synthetic: 3, variants: 0 }, patients: 3, misfits: [], folder: { state: 'free' } });
    expect(existsSync(out)).toBe(false);
    const both = recipe({ layout: 'echonet', sources: [{ catalog: { studies: ['camus:patient9001:2CH', 'camus:patient9001:4CH'] } }], synthetic: undefined });
    const q = await api['export.preview']({ recipe: both, out });
    expect(q.misfits).toEqual([{ reason: 'its view is 2CH; EchoNet-Dynamic holds apical four-chamber videos only', count: 1, examples: [expect.stringMatching(/^S\w+$/)] }]);
    expect((await api['export.preview']({ recipe: both, out, skipUnfit: true })).items.total).toBe(1);

    const job = await services.jobs.wait((await api['export.start']({ recipe: r, out })).id);
    expect(job.state, job.error?.message).toBe('succeeded');
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.items.map((i: { generator: string; view: string }) => [i.generator, i.view])).toEqual([['phantom', '4CH'], ['phantom', '4CH'], ['phantom', '4CH']]);
    const missing = await api['export.preview']({ recipe: recipe({ sources: [{ catalog: { studies: ['camus:patient9999:2CH'] } }], synthetic: undefined }), out: join(tmp, 'none') });
    expect(missing.unreadable).toEqual([{ path: 'camus:patient9999:2CH', message: 'catalog study camus:patient9999:2CH: no study camus:patient9999:2CH in the catalog' }]);
  }, 60_000);

  it('never writes inside a dataset folder the catalog knows', async () => {
    const inside = join(camus, 'exports');
    const p = await api['export.preview']({ recipe: recipe(), out: inside });
    expect(p.folder).toMatchObject({ state: 'forbidden', message: expect.stringMatching(/is inside the catalog dataset folder .*phantom-camus; an export never writes into a source dataset/) });
    const job = await services.jobs.wait((await api['export.start']({ recipe: recipe(), out: inside })).id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatchObject({ kind: 'conflict' });
    expect(existsSync(inside)).toBe(false);
    expect(() => api['export.start']({ recipe: recipe(), out: 'relative/out' })).toThrow(/must be an absolute path/);
  });

  it('saves a recipe as a file and loads it back, and will not write over a file that is not a recipe', async () => {
    const path = join(tmp, 'recipes', 'camus-x2.json');
    const r = recipe({ name: 'camus-x2', layout: 'camus', sources: [camus] });
    expect(await api['export.saveRecipe']({ path, recipe: r })).toEqual({ path });
    expect(await api['export.loadRecipe']({ path })).toEqual({ recipe: r, baseDir: join(tmp, 'recipes') });
    mkdirSync(join(tmp, 'other'), { recursive: true });
    writeFileSync(join(tmp, 'other', 'notes.json'), '{"mine": true}');
    expect(() => api['export.saveRecipe']({ path: join(tmp, 'other', 'notes.json'), recipe: r })).toThrow(/exists and is not a recipe/);
    expect(readFileSync(join(tmp, 'other', 'notes.json'), 'utf8')).toBe('{"mine": true}');
  });
});
