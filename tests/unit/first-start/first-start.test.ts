/**
 * The first start, through the contract handlers as a door calls them: the demo dataset (resources/phantom-
 * camus) is imported into a fresh data folder's catalog as a job, marked synthetic, and a 4CH study of good
 * quality is what opens; a second start reads nothing; removing the demo is remembered across starts and
 * undone by start.addDemo; in a catalog that already holds a real CAMUS its studies stay where they are; and
 * nothing is ever written under resources/.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CatalogImportSummary } from '../../../src/shared/catalog-types.ts';
import type { ApiHandlers } from '../../../src/shared/contract.ts';
import { createHandlers } from '../../../src/main/handlers.ts';
import { createServices, type Services } from '../../../src/main/services/index.ts';
import { DEMO_IMPORT_TITLE, FIRST_START_FILE } from '../../../src/main/services/first-start/index.ts';
import { buildPhantomCamusTree } from '../../fixtures/datasets/phantom-camus-tree.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const RESOURCES = join(ROOT, 'resources');
const DEMO = join(RESOURCES, 'phantom-camus');
const tmp = mkdtempSync(join(tmpdir(), 'cs-first-start-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every file under a folder with its size and mtime: what "nothing was written there" is checked against. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const st = statSync(p);
        out.push(`${p} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out.sort();
}

interface Door {
  services: Services;
  api: ApiHandlers;
  close(): void;
}

/** One start of the app on a data folder: the services and the handlers, as serve builds them. */
function start(dataDir: string): Door {
  const services = createServices({ resourcesDir: RESOURCES, dataDir });
  services.firstStart.prepare();
  return { services, api: createHandlers(services, 'serve'), close: () => services.catalog.close() };
}

/** Follows the plan as the renderer does: while the demo imports, wait for its job, then ask again. */
async function settledPlan(door: Door) {
  let plan = await door.api['start.plan']({});
  while (plan.demo.state === 'importing') {
    await door.services.jobs.settled(plan.demo.job!.id);
    plan = await door.api['start.plan']({});
  }
  return plan;
}

describe('first start', () => {
  const before = snapshot(DEMO);
  const data = join(tmp, 'fresh');

  it('imports the demo dataset as a job and opens a 4CH study of good quality at ED', async () => {
    const door = start(data);
    try {
      const first = await door.api['start.plan']({});
      expect(first.demo.state).toBe('importing');
      expect(first.demo.job).toMatchObject({ kind: 'catalog.import', title: DEMO_IMPORT_TITLE });
      expect(first.study).toBeNull();
      const plan = await settledPlan(door);
      expect(plan.demo).toMatchObject({ state: 'ready', root: DEMO, message: null });
      expect(plan.study).toEqual({ id: 'camus:patient9001:4CH', phase: 'ED' });
      const summary = plan.demo.job!.result as CatalogImportSummary;
      expect(summary).toMatchObject({ layout: 'camus-nifti', errors: 0, warnings: 0, unchanged: false, studies: { total: 6, added: 6 } });

      // One synthetic dataset (from the note the phantom writer left at its root), every study synthetic.
      const datasets = await door.api['catalog.datasets']({});
      expect(datasets).toEqual([expect.objectContaining({ id: plan.demo.datasetId, root: DEMO, provenance: 'synthetic', studyCount: 6, status: 'complete' })]);
      const page = await door.api['catalog.query']({ filter: { provenance: 'real' }, sort: { key: 'id', dir: 'asc' }, offset: 0, limit: 10 });
      expect(page.total).toBe(0);
      const study = await door.api['catalog.study']({ studyId: plan.study!.id });
      expect(study).toMatchObject({ view: '4CH', imageQuality: 'Good', provenance: 'synthetic', edFrame: 0 });
      // Its ground truth labels the ED frame the viewer opens on.
      const view = await door.api['catalog.open']({ studyId: plan.study!.id });
      expect(view.labelledFrames).toContain(view.edFrame);
      expect(await door.api['catalog.labelMap']({ studyId: plan.study!.id, frame: view.edFrame! })).not.toBeNull();
    } finally {
      door.close();
    }
  });

  it('reads nothing at the next start', async () => {
    const door = start(data);
    try {
      const plan = await settledPlan(door);
      expect(plan.study?.id).toBe('camus:patient9001:4CH');
      expect(plan.demo.job!.result).toMatchObject({ unchanged: true, files: { read: 0 } });
    } finally {
      door.close();
    }
  });

  it('remembers that the user removed it, and brings it back on request', async () => {
    const door = start(data);
    let datasetId: number;
    try {
      datasetId = (await settledPlan(door)).demo.datasetId!;
      await door.api['catalog.removeDataset']({ datasetId });
      expect(JSON.parse(readFileSync(join(data, FIRST_START_FILE), 'utf8'))).toHaveProperty('demoRemovedAt');
      expect(await door.api['start.plan']({})).toMatchObject({ demo: { state: 'removed', datasetId: null }, study: null });
    } finally {
      door.close();
    }
    // The next start imports nothing: the catalog stays without the demo.
    const again = start(data);
    try {
      expect(again.services.firstStart.prepare()).toBeNull();
      expect(await again.api['start.plan']({})).toMatchObject({ demo: { state: 'removed', job: null }, study: null });
      expect(await again.api['catalog.datasets']({})).toEqual([]);
      const job = await again.api['start.addDemo']({});
      expect(job.title).toBe(DEMO_IMPORT_TITLE);
      const plan = await settledPlan(again);
      expect(plan).toMatchObject({ demo: { state: 'ready' }, study: { id: 'camus:patient9001:4CH' } });
      expect(JSON.parse(readFileSync(join(data, FIRST_START_FILE), 'utf8'))).not.toHaveProperty('demoRemovedAt');
    } finally {
      again.close();
    }
  });

  it('sits beside a user\'s own CAMUS without touching its studies', async () => {
    const own = join(tmp, 'own-data');
    const camus = join(tmp, 'my-camus');
    buildPhantomCamusTree(camus); // patient0001-0003, as in the real CAMUS
    const setup = createServices({ resourcesDir: RESOURCES, dataDir: own });
    const mine = await setup.catalog.importFolder(camus);
    setup.catalog.close();
    expect(mine.errors).toBe(0);

    const door = start(own);
    try {
      const plan = await settledPlan(door);
      expect(plan.study?.id).toBe('camus:patient9001:4CH');
      const datasets = await door.api['catalog.datasets']({});
      expect(datasets.map((d) => [d.root, d.provenance, d.studyCount]).sort()).toEqual([[DEMO, 'synthetic', 6], [resolve(camus), 'real', 6]].sort());
      const theirs = await door.api['catalog.query']({ filter: { datasetIds: [mine.datasetId] }, sort: { key: 'id', dir: 'asc' }, offset: 0, limit: 10 });
      expect(theirs.rows.map((r) => r.id)).toEqual(['patient0001', 'patient0002', 'patient0003'].flatMap((p) => [`camus:${p}:2CH`, `camus:${p}:4CH`]));
    } finally {
      door.close();
    }
  });

  it('a data folder whose catalog cannot open says why instead of failing the start', async () => {
    const blocked = join(tmp, 'blocked');
    // A file where the data folder should be: the catalog cannot be created there.
    writeFileSync(blocked, 'not a folder');
    const services = createServices({ resourcesDir: RESOURCES, dataDir: blocked });
    expect(services.firstStart.prepare()).toBeNull();
    const plan = await createHandlers(services, 'serve')['start.plan']({});
    expect(plan).toMatchObject({ demo: { state: 'failed' }, study: null });
    expect(plan.demo.message).toContain(blocked);
  });

  it('never writes under resources/', () => {
    expect(snapshot(DEMO)).toEqual(before);
    expect(existsSync(join(RESOURCES, FIRST_START_FILE))).toBe(false);
  });
});
