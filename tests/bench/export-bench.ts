/**
 * export.items_per_min.<layout>: the embedded phantom dataset (resources/phantom-camus: 3 patients, 2CH +
 * 4CH, 256 px labelled half sequences, a synthetic dataset, exported as the synthetic studies it is) with K=3
 * variants per study from the embedded model pack (resources/packs/phantom-echo-112) on the CPU at its default
 * settings (DDIM, 25 steps, guidance 3): each variant an ED and an ES still conditioned on the study's ED and
 * ES label maps. Exported in process, everything included (reading NIfTI, the engine process and its pack
 * load, 2 x 25 denoising steps per variant, encoding, hashing, flushing, journaling, index files). Items per
 * minute of wall time.
 *
 * EchoNet-Dynamic holds videos, which a still-image pack cannot make (the export refuses it): its figure is
 * for the 4CH studies with K=3 phantom cines (112 px, one beat at 30 fps), the cine generator behind the same
 * interface, encoded to MJPEG by ffmpeg.
 *
 * Target >= 10 items/min: a CAMUS-sized augmentation (500 patients x 2 views x 4 variants = 4000 items)
 * finishes overnight (8 h) on one such machine.
 *
 * export.resume_overhead_s: what `--resume` costs before it writes anything, on the finished PNG export:
 * resolving sources, re-planning (the pack is hashed again for the plan's fingerprint), reading and checking
 * the journal (sizes), rewriting the index files. Median of 3. Target <= 2 s, so resuming after a kill is
 * cheap against any item.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { doorOptions, ownEngine, parseRecipe, runExport } from '../../src/main/services/export/index.ts';
import type { ExportLayoutName } from '../../src/shared/export-types.ts';
import { figure, median, type Figure } from './figures.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const source = join(repoRoot, 'resources/phantom-camus');

function recipe(layout: ExportLayoutName) {
  if (layout === 'echonet') {
    return parseRecipe({
      format: 'cardiosynth-recipe/1', name: 'bench-echonet', layout, sources: [source],
      synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 3, width: 112, height: 112, fps: 30, variations: { quality: ['Good', 'Medium', 'Poor'] } },
    }, 'bench recipe');
  }
  return parseRecipe({
    format: 'cardiosynth-recipe/1', name: `bench-${layout}`, layout, sources: [source],
    synthetic: { generator: { kind: 'diffusion', pack: 'phantom-echo-112' }, variantsPerStudy: 3, output: 'ed-es', variations: { quality: ['Good', 'Medium', 'Poor'] } },
  }, 'bench recipe');
}

export async function exportBench(tmp: string): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const dataDir = join(tmp, 'export-data');
  mkdirSync(dataDir, { recursive: true });
  const base = {
    baseDir: repoRoot, dataDir, softwareVersion: 'bench', createdAt: () => '2026-01-01T00:00:00.000Z',
    ...doorOptions({ engine: () => ownEngine(join(repoRoot, 'resources'), dataDir, { provider: 'cpu' }) }, repoRoot),
  };
  for (const layout of ['camus', 'echonet', 'dicom', 'png'] as const) {
    const out = join(tmp, `export-${layout}`);
    const t0 = performance.now();
    // EchoNet takes the 4CH views only; the 2CH ones are left out (and said so).
    const s = await runExport({ ...base, recipe: recipe(layout), out, skipUnfit: layout === 'echonet' });
    const minutes = (performance.now() - t0) / 60000;
    const what = layout === 'echonet'
      ? `${s.written} items (3 phantom-dataset 4CH cines, 9 phantom cine variants at 112 px, one beat at 30 fps, MJPEG; the still-image pack cannot make EchoNet videos)`
      : `${s.written} items (6 phantom-dataset studies, 256 px half sequences; 18 variants from phantom-echo-112 on the CPU, DDIM 25 steps, guidance 3, an ED and an ES still each)`;
    figures[`export.items_per_min.${layout}`] = figure(s.written / minutes, 'items/min', { op: '>=', limit: 10 }, `${what} in ${(minutes * 60).toFixed(1)} s, engine start and pack load included`);
    if (layout === 'png') {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r0 = performance.now();
        const r = await runExport({ ...base, recipe: recipe(layout), out, resume: true });
        times.push((performance.now() - r0) / 1000);
        if (r.written !== 0) throw new Error('resume of a finished export wrote items');
      }
      figures['export.resume_overhead_s'] = figure(median(times), 's', { op: '<=', limit: 2 },
        `--resume of the finished ${s.written}-item PNG export (sources, plan with the pack hashed again, journal size checks, index files); median of 3: ${times.map((t) => t.toFixed(2)).join(', ')} s`);
    }
    rmSync(out, { recursive: true, force: true });
  }
  return figures;
}
