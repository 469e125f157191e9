/**
 * The CAMUS and EchoNet layouts keep the export's promises: a kill at any point followed by --resume gives
 * exactly the files of an uninterrupted run (index files included, derived from the journal), with no
 * temporary file left among them; shards 1/3, 2/3, 3/3 merged equal the unsharded export.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecipeInput } from '../../../src/shared/export-recipe.ts';
import { mergeExports, runExport } from '../../../src/main/services/export/index.ts';
import { allPaths, cli, cliKilled, exportOptions, tempDir, treeChecksums } from './helpers.ts';

const haveFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version']);
    return true;
  } catch {
    return false;
  }
})();
if (!haveFfmpeg) console.warn('dataset-layouts-reliability: EchoNet cases skipped: ffmpeg missing (apt-get install ffmpeg)');

const tmp = tempDir('dataset-reliability');
const dataDir = join(tmp, 'data');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const RECIPES: Record<'camus' | 'echonet', RecipeInput> = {
  camus: {
    format: 'cardiosynth-recipe/1', name: 'camus-rel', layout: 'camus', sources: [],
    synthetic: { generator: { kind: 'phantom' }, width: 64, height: 64, frames: 8, fps: 16, standalone: { patients: 4, views: ['2CH', '4CH'] } },
  },
  echonet: {
    format: 'cardiosynth-recipe/1', name: 'echonet-rel', layout: 'echonet', sources: [],
    synthetic: { generator: { kind: 'phantom' }, width: 64, height: 64, frames: 8, fps: 16, standalone: { patients: 7, views: ['4CH'] } },
  },
};

/** No staging folder, lock or temporary (.partial) file anywhere in the export. */
function expectNoLeftovers(out: string): void {
  expect(allPaths(out).filter((p) => /\.partial$|staging|lock-|\.item$/.test(p))).toEqual([]);
}

for (const layout of ['camus', 'echonet'] as const) {
  describe.skipIf(layout === 'echonet' && !haveFfmpeg)(`${layout}: kills, resumes and shards`, () => {
    const recipe = RECIPES[layout];
    const recipeFile = join(tmp, `${layout}-recipe.json`);
    const env = { CARDIOSYNTH_DATA_DIR: dataDir };
    let reference: Record<string, string>;
    beforeAll(() => {
      writeFileSync(recipeFile, JSON.stringify(recipe));
      const r = cli(['export', '--recipe', recipeFile, '--out', join(tmp, `${layout}-reference`)], env);
      expect(r.code, r.stderr).toBe(0);
      reference = treeChecksums(join(tmp, `${layout}-reference`));
      expect(Object.keys(reference)).toEqual(expect.arrayContaining(layout === 'camus' ? ['database_split/subgroup_training.txt', 'manifest.json'] : ['FileList.csv', 'VolumeTracings.csv', 'manifest.json']));
    });

    it('after SIGKILL at random points, --resume gives the files of the uninterrupted run', async () => {
      const out = join(tmp, `${layout}-killed`);
      const schedule: string[] = [];
      let started = false;
      for (let round = 0; round < 4; round++) {
        const when = round % 2 === 0 ? { afterItems: 1 + Math.floor(Math.random() * 3) } : { ms: 700 + Math.floor(Math.random() * 2500) };
        schedule.push(JSON.stringify(when));
        const k = await cliKilled(['export', '--recipe', recipeFile, '--out', out, '--json', ...(started ? ['--resume'] : [])], env, when);
        if (existsSync(join(out, '.cardiosynth-export', 'plan.json'))) started = true;
        if (!k.killed) break;
      }
      const r = cli(['export', '--recipe', recipeFile, '--out', out, ...(started ? ['--resume', '--verify'] : [])], env);
      expect(r.code, `${r.stderr} (kills: ${schedule.join(', ')})`).toBe(0);
      expect(treeChecksums(out), `kills: ${schedule.join(', ')}`).toEqual(reference);
      expectNoLeftovers(out);
    });

    it('shards 1/3, 2/3 and 3/3, merged, equal the unsharded export', async () => {
      const dirs = [1, 2, 3].map((i) => join(tmp, `${layout}-shard-${i}`));
      for (const [i, d] of dirs.entries()) {
        const s = await runExport(exportOptions(recipe, d, dataDir, { shard: { index: i + 1, count: 3 }, createdAt: () => '2026-01-01T00:00:00.000Z' }));
        expect(s.indexed).toBe(false);
      }
      const merged = join(tmp, `${layout}-merged`);
      mergeExports(dirs, { out: merged, softwareVersion: '0.0.0-test' });
      const whole = join(tmp, `${layout}-whole`);
      await runExport(exportOptions(recipe, whole, dataDir));
      expect(treeChecksums(merged)).toEqual(treeChecksums(whole));
      expectNoLeftovers(merged);
      // The merged index lists every item once, in plan order.
      const m = JSON.parse(readFileSync(join(merged, 'manifest.json'), 'utf8'));
      expect(m.items.map((i: { item_id: string }) => i.item_id)).toEqual(JSON.parse(readFileSync(join(whole, 'manifest.json'), 'utf8')).items.map((i: { item_id: string }) => i.item_id));
      if (layout === 'echonet') expect(readdirSync(join(merged, 'Videos'))).toHaveLength(7);
    });
  });
}
