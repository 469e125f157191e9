// `npm run bench`: writes bench/results/latest.json with every figure, its target and pass/fail, and the
// machine it ran on. Runs on Node 24 (type stripping). Data: ../shared/data, or CARDIOSYNTH_BENCH_DATA.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogBench } from './catalog-bench.ts';
import { cineBench } from './cine-bench.ts';
import { decodeFpsFigures, firstFrameFigures, listImages } from './dicom-bench.ts';
import { exportBench } from './export-bench.ts';
import { editorBench } from './editor-bench.ts';
import { editorUiBench } from './editor-ui-bench.ts';
import { figure, type Figure } from './figures.ts';
import { firstImageBench } from './first-image-bench.ts';
import { inferBench } from './infer-bench.ts';
import { parseVsDcmdump } from './parse-vs-dcmdump.ts';
import { phantomBench } from './phantom-bench.ts';
import { SHARED_DATA } from '../support/shared-data.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = process.env.CARDIOSYNTH_BENCH_DATA ?? SHARED_DATA;
const only = new Set(process.argv.slice(2)); // e.g. `npm run bench -- cine` runs one group

const version = (cmd: string, args: string[]): string | null => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] : null;
};

const tmp = mkdtempSync(join(tmpdir(), 'cardiosynth-bench-'));
const figures: Record<string, Figure> = {};
const started = new Date();
try {
  const want = (g: string) => only.size === 0 || only.has(g);
  if (want('dicom')) {
    if (!existsSync(dataDir)) {
      figures['dicom.first_frame_ms'] = figure(null, 'ms', null, `skipped: ${dataDir} not found (set CARDIOSYNTH_BENCH_DATA)`);
    } else {
      const images = await listImages(dataDir);
      console.log(`bench: ${images.length} DICOM images in ${dataDir}`);
      Object.assign(figures, await firstFrameFigures(dataDir, images));
      Object.assign(figures, await decodeFpsFigures(images));
      Object.assign(figures, parseVsDcmdump(images.map((i) => i.path), tmp, repoRoot));
    }
  }
  if (want('editor')) {
    Object.assign(figures, editorBench());
    try {
      Object.assign(figures, await editorUiBench(repoRoot, tmp));
    } catch (e) {
      figures['editor.ui_stroke_move_p95_ms'] = figure(null, 'ms', { op: '<=', limit: 8 }, `failed: ${e instanceof Error ? e.message : String(e)}`);
      figures['editor.ui_stroke_move_p95_ms'].pass = false;
    }
  }
  if (want('cine')) {
    try {
      Object.assign(figures, await cineBench(repoRoot, tmp));
    } catch (e) {
      figures['viewer.cine_on_time_ratio'] = figure(null, 'ratio', { op: '>=', limit: 0.99 }, `failed: ${e instanceof Error ? e.message : String(e)}`);
      figures['viewer.cine_on_time_ratio'].pass = false;
    }
  }
  if (want('export')) Object.assign(figures, await exportBench(tmp));
  if (want('catalog')) {
    try {
      Object.assign(figures, await catalogBench(repoRoot, tmp));
    } catch (e) {
      figures['catalog.import_echonet_cold_s'] = figure(null, 's', { op: '<=', limit: 60 }, `failed: ${e instanceof Error ? e.message : String(e)}`);
      figures['catalog.import_echonet_cold_s'].pass = false;
    }
  }
  if (want('infer')) {
    try {
      Object.assign(figures, await inferBench(repoRoot, tmp));
    } catch (e) {
      figures['infer.vs_pytorch_cpu_ratio'] = figure(null, 'ratio', { op: '<=', limit: 1.0 }, `failed: ${e instanceof Error ? e.message : String(e)}`);
      figures['infer.vs_pytorch_cpu_ratio'].pass = false;
    }
  }
  if (want('phantom')) Object.assign(figures, await phantomBench(repoRoot));
  if (want('phantom') || want('start')) {
    try {
      Object.assign(figures, await firstImageBench(repoRoot, tmp));
    } catch (e) {
      figures['pack.default.first_image_s'] = figure(null, 's', { op: '<=', limit: 60 }, `failed: ${e instanceof Error ? e.message : String(e)}`);
      figures['pack.default.first_image_s'].pass = false;
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const results = {
  generated_at: started.toISOString(),
  duration_s: Math.round((Date.now() - started.getTime()) / 1000),
  machine: {
    platform: `${platform()} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    free_memory_gib: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    dcmdump: version('dcmdump', ['--version']),
    chromium: version(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']),
  },
  data_dir: dataDir,
  figures,
};
const outDir = join(repoRoot, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
// A run of some groups only must not pass for a full one: it goes to its own file.
const outName = only.size === 0 ? 'latest.json' : `partial-${[...only].sort().join('-')}.json`;
writeFileSync(join(outDir, outName), JSON.stringify(results, null, 2) + '\n');
for (const [k, f] of Object.entries(figures)) {
  const verdict = f.pass === null ? '' : f.pass ? ' PASS' : ' FAIL';
  console.log(`${k}: ${f.value ?? '-'} ${f.unit}${f.target ? ` (target ${f.target})` : ''}${verdict}${f.value === null && f.note ? ` ${f.note}` : ''}`);
}
console.log(`bench: wrote bench/results/${outName}`);
