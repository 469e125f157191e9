/**
 * The `catalog` group: importing an EchoNet-Dynamic-scale tree into the catalog, re-scanning it, and the
 * study browser's queries over it.
 *
 * The tree (10,030 videos, as in the full dataset) is generated once into .cache/bench/ and reused: one short
 * MJPEG AVI (112x112, yuvj420p, 12 frames) per distinct frame rate made by ffmpeg, copied to every video of
 * that rate; FileList.csv with EF/ESV/EDV/FPS/NumberOfFrames/Split; VolumeTracings.csv with two traced frames
 * of 21 lines per video (421,260 rows, like the real file). Importing reads AVI headers, not frames, so the
 * videos' length only changes the bytes on disk.
 *
 * Figures: catalog.import_echonet_cold_s (a fresh catalog; the tree's files are likely in the OS page cache,
 * as dropping it would disturb everything else on a shared machine), catalog.rescan_warm_s (same tree again:
 * nothing changed, nothing read), catalog.rescan_one_changed_s (one video touched), catalog.filter_query_ms
 * (p95 of a mix of filters, sorts and pages, count included) and catalog.import_peak_rss_mb.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CatalogFilter, CatalogSort } from '../../src/shared/catalog-types.ts';
import { Catalog } from '../../src/main/services/datasets/catalog/index.ts';
import { figure, type Figure } from './figures.ts';
import { createPrng } from '../../src/main/services/phantom/prng.ts';

const VIDEOS = 10_030;
const FRAMES = 12;
const TREE_VERSION = 'v1';

/** Seeded uniform numbers in [0, 1): the phantom's mulberry32 stream (same seed, same draws). */
const prng = (seed: number): (() => number) => createPrng(seed).next;

/** Builds (once) the 10,030-video tree; returns its root. */
export function echonetScaleTree(cacheDir: string): string {
  const root = join(cacheDir, `echonet-${VIDEOS}`);
  const stamp = join(root, '.complete');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === TREE_VERSION) return root;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'Videos'), { recursive: true });
  const t0 = performance.now();
  const rand = prng(10030);
  const protos = new Map<number, string>();
  const proto = (fps: number): string => {
    let p = protos.get(fps);
    if (p) return p;
    p = join(root, `proto-${fps}.avi`);
    // A moving gradient, so the MJPEG frames are not all alike.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=112x112:rate=${fps}`, '-frames:v', String(FRAMES), '-vf', 'format=gray', '-c:v', 'mjpeg', '-q:v', '4', '-pix_fmt', 'yuvj420p', '-vtag', 'MJPG', p]);
    protos.set(fps, p);
    return p;
  };
  const list = ['FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split'];
  const traces = ['FileName,X1,Y1,X2,Y2,Frame'];
  for (let i = 0; i < VIDEOS; i++) {
    const name = `0X${(0x1a0a263b22ccd966n + BigInt(i) * 7919n).toString(16).toUpperCase()}`;
    const fps = 28 + Math.floor(rand() * 43);
    copyFileSync(proto(fps), join(root, 'Videos', `${name}.avi`));
    const edv = 60 + rand() * 120;
    const ef = 10 + rand() * 70;
    const esv = edv * (1 - ef / 100);
    const r = rand();
    list.push(`${name},${ef.toFixed(2)},${esv.toFixed(2)},${edv.toFixed(2)},112,112,${fps},${FRAMES},${r < 0.75 ? 'TRAIN' : r < 0.875 ? 'VAL' : 'TEST'}`);
    // Two traced frames (ES first, then ED), each a long axis and 20 chords across it.
    for (const [frame, width] of [[8, 10 + rand() * 6], [2, 16 + rand() * 8]] as const) {
      const cx = 50 + rand() * 12, top = 20 + rand() * 8, len = 55 + rand() * 20;
      traces.push(`${name}.avi,${cx.toFixed(4)},${top.toFixed(4)},${(cx + rand() * 4).toFixed(4)},${(top + len).toFixed(4)},${frame}`);
      for (let k = 0; k < 20; k++) {
        const y = top + ((k + 0.5) * len) / 20;
        const w = width * Math.sin((Math.PI * (k + 1)) / 21);
        traces.push(`${name}.avi,${(cx - w).toFixed(4)},${y.toFixed(4)},${(cx + w).toFixed(4)},${(y + rand() - 0.5).toFixed(4)},${frame}`);
      }
    }
  }
  for (const p of protos.values()) rmSync(p);
  writeFileSync(join(root, 'FileList.csv'), list.join('\n') + '\n');
  writeFileSync(join(root, 'VolumeTracings.csv'), traces.join('\n') + '\n');
  writeFileSync(stamp, TREE_VERSION);
  console.log(`bench: generated ${VIDEOS} videos (${protos.size} frame rates) in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${root}`);
  return root;
}

interface ChildResult {
  summary: { unchanged: boolean; studies: { total: number }; files: { read: number; cached: number }; errors: number };
  seconds: number;
  maxRssBytes: number;
}

function runImport(repoRoot: string, dataDir: string, tree: string): ChildResult & { wallS: number } {
  const t0 = performance.now();
  const r = spawnSync(join(repoRoot, 'node_modules', '.bin', 'node'), [join(repoRoot, 'tests/support/catalog-import-child.ts'), dataDir, tree], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`import child exited ${r.status}: ${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as ChildResult), wallS };
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

export async function catalogBench(repoRoot: string, tmp: string): Promise<Record<string, Figure>> {
  const out: Record<string, Figure> = {};
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  } catch {
    out['catalog.import_echonet_cold_s'] = figure(null, 's', { op: '<=', limit: 60 }, 'skipped: ffmpeg is missing (apt-get install ffmpeg)');
    return out;
  }
  const tree = echonetScaleTree(join(repoRoot, '.cache', 'bench'));
  const dataDir = mkdtempSync(join(tmp, 'catalog-data-'));

  const cold = runImport(repoRoot, dataDir, tree);
  if (cold.summary.studies.total !== VIDEOS || cold.summary.errors !== 0) throw new Error(`cold import gave ${cold.summary.studies.total} studies, ${cold.summary.errors} errors`);
  out['catalog.import_echonet_cold_s'] = figure(cold.seconds, 's', { op: '<=', limit: 60 }, `${VIDEOS} MJPEG AVIs (112x112, ${FRAMES} frames) + FileList.csv + VolumeTracings.csv (${VIDEOS * 42} rows) into a fresh catalog, in a child process (files likely in the OS page cache)`, {
    process_wall_s: Math.round(cold.wallS * 100) / 100,
    files_read: cold.summary.files.read,
    // Other work on the machine slows every figure here; this says how busy it was.
    load_average_1m: Math.round(loadavg()[0] * 100) / 100,
  });
  out['catalog.import_peak_rss_mb'] = figure(cold.maxRssBytes / 2 ** 20, 'MiB', null, 'peak resident memory of the importing process (process.resourceUsage().maxRSS)');

  const warm = runImport(repoRoot, dataDir, tree);
  if (!warm.summary.unchanged) throw new Error('the warm rescan found changes');
  out['catalog.rescan_warm_s'] = figure(warm.seconds, 's', { op: '<=', limit: 5 }, `the same tree again: ${warm.summary.files.cached} files stat'ed, none read`, { process_wall_s: Math.round(warm.wallS * 100) / 100 });

  const one = join(tree, 'Videos', `0X${0x1a0a263b22ccd966n.toString(16).toUpperCase()}.avi`);
  utimesSync(one, new Date(), new Date());
  const changed = runImport(repoRoot, dataDir, tree);
  out['catalog.rescan_one_changed_s'] = figure(changed.seconds, 's', null, `one video touched: the CSVs are parsed again, ${changed.summary.files.read} file(s) read, ${changed.summary.files.cached} from the catalog`);

  // Queries as the browser sends them: a filter, a sort, a page of 100 (and the count).
  const catalog = new Catalog(dataDir);
  try {
    const rand = prng(42);
    const filters: Array<() => CatalogFilter> = [
      () => ({}),
      () => ({ views: ['A4C'] }),
      () => ({ efMin: Math.round(rand() * 40), efMax: 40 + Math.round(rand() * 40) }),
      () => ({ splits: [(['train', 'val', 'test'] as const)[Math.floor(rand() * 3)]] }),
      () => ({ text: `0X1A0A${Math.floor(rand() * 16).toString(16)}` }),
      () => ({ text: 'test a4c' }),
      () => ({ patient: (Math.floor(rand() * 0xfff)).toString(16) }),
      () => ({ hasLabels: true, phase: 'ES' as const, efMax: 35 }),
      () => ({ imageQualities: ['Good' as const], sex: 'F' as const, ageMin: 40 }),
      () => ({ provenance: 'real' as const, efMin: 50, splits: ['train' as const], views: ['A4C' as const] }),
    ];
    const sorts: CatalogSort[] = [{ key: 'id', dir: 'asc' }, { key: 'ef', dir: 'desc' }, { key: 'patient', dir: 'asc' }, { key: 'frameRate', dir: 'desc' }, { key: 'split', dir: 'asc' }];
    const times: number[] = [];
    for (let i = 0; i < 400; i++) {
      const f = filters[i % filters.length]();
      const sort = sorts[Math.floor(rand() * sorts.length)];
      const offset = rand() < 0.5 ? 0 : Math.floor(rand() * 100) * 100;
      const t0 = performance.now();
      catalog.query(f, sort, offset, 100);
      times.push(performance.now() - t0);
    }
    const t0 = performance.now();
    catalog.facets();
    const facetsMs = performance.now() - t0;
    out['catalog.filter_query_ms'] = figure(p95(times), 'ms', { op: '<=', limit: 50 }, `p95 of 400 catalog.query calls (count + a page of 100) over ${VIDEOS} studies: ${filters.length} filter kinds incl. free text, 5 sort keys, random offsets`, {
      median_ms: Math.round([...times].sort((a, b) => a - b)[times.length >> 1] * 100) / 100,
      max_ms: Math.round(Math.max(...times) * 100) / 100,
      facets_ms: Math.round(facetsMs * 100) / 100,
    });
  } finally {
    catalog.close();
  }
  return out;
}
