/**
 * export.items_per_min.<layout>: a recipe of one real study (the embedded default study, a 40-frame 256 px
 * US cine) with phantom variants and stand-alone phantom patients, 112 x 112 one-beat cines at 30 fps
 * (EchoNet's size) with label maps, exported in process with the layouts this build has. Items per minute of
 * wall time, everything included (source decoding, phantom label maps and B-mode rendering, encoding,
 * hashing, flushing, journaling, index files). The diffusion pack of issue 5 is not in this build: the
 * figure is for phantom items, the generator behind the same interface.
 *
 * Target >= 10 items/min: a CAMUS-sized augmentation (500 patients x 2 views x 4 variants = 4000 items)
 * finishes overnight (8 h) on one such machine.
 *
 * export.resume_overhead_s: what `--resume` costs before it writes anything, on a finished export of the
 * same recipe: resolving sources, re-planning, reading and checking the journal (sizes), rewriting the
 * index files. Median of 3. Target <= 2 s, so resuming after a kill is cheap against any item.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRecipe, runExport } from '../../src/main/services/export/index.ts';
import type { ExportLayoutName } from '../../src/shared/export-types.ts';
import { figure, median, type Figure } from './figures.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function recipe(layout: ExportLayoutName) {
  return parseRecipe({
    format: 'cardiosynth-recipe/1', name: `bench-${layout}`, layout, sources: [join(repoRoot, 'resources/default-study')],
    synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 3, width: 112, height: 112, fps: 30, variations: { quality: ['Good', 'Medium', 'Poor'] }, standalone: { patients: 4, views: ['2CH', '4CH'] } },
  }, 'bench recipe');
}

export async function exportBench(tmp: string): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const dataDir = join(tmp, 'export-data');
  mkdirSync(dataDir, { recursive: true });
  const base = { baseDir: repoRoot, dataDir, softwareVersion: 'bench', createdAt: () => '2026-01-01T00:00:00.000Z' };
  for (const layout of ['dicom', 'png'] as const) {
    const out = join(tmp, `export-${layout}`);
    const t0 = performance.now();
    const s = await runExport({ ...base, recipe: recipe(layout), out });
    const minutes = (performance.now() - t0) / 60000;
    figures[`export.items_per_min.${layout}`] = figure(s.written / minutes, 'items/min', { op: '>=', limit: 10 },
      `${s.written} items (1 real 256 px 40-frame cine, 3 phantom variants of it, 8 stand-alone phantom cines; 112 px, one beat at 30 fps, with label maps) in ${(minutes * 60).toFixed(1)} s; phantom generator (the diffusion pack is not in this build)`);
    if (layout === 'png') {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r0 = performance.now();
        const r = await runExport({ ...base, recipe: recipe(layout), out, resume: true });
        times.push((performance.now() - r0) / 1000);
        if (r.written !== 0) throw new Error('resume of a finished export wrote items');
      }
      figures['export.resume_overhead_s'] = figure(median(times), 's', { op: '<=', limit: 2 },
        `--resume of the finished ${s.written}-item PNG export (sources, plan, journal size checks, index files); median of 3: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
    }
    rmSync(out, { recursive: true, force: true });
  }
  return figures;
}
