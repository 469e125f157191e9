/**
 * The `infer` group:
 *   infer.cpu_ms_per_step.<pack>            median UNet step (CFG batch of 2) on the CPU, warm, from the engine's timings
 *   infer.cpu_ms_per_image.<pack>.<steps>   median wall time of one image through the engine process, warm
 *                                           (request to pixels back: tokenizer, text encoder, steps, decoder, IPC)
 *   infer.vs_pytorch_cpu_ratio              our median image time over PyTorch's (reference_pipeline.py: the same
 *                                           graph as torch modules, same scheduler, steps, noise and threads), both
 *                                           warm, measured in this run on the bench-size pack; target <= 1.0
 *   ui.main_event_loop_lag_max_ms           the largest event-loop delay of this (the app's main) process while
 *                                           the inference service generates three images, writes their files and
 *                                           answers a jobs.watch long-poll; target <= 50
 *   infer.webgpu_ms_per_step.<pack>, infer.cuda_ms_per_step.<pack>
 *                                           the same on those providers where this machine has them; else null
 *                                           with the reason
 * Packs: the tiny and bench-size random-weight test packs (tests/fixtures/packs), and every embedded pack in
 * resources/packs. Threads: 2 for both engines (CARDIOSYNTH_BENCH_THREADS overrides).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DicomLibrary } from '../../src/main/services/dicom/index.ts';
import { InferenceService } from '../../src/main/services/inference/index.ts';
import { loadPack, type LoadedPack } from '../../src/main/services/inference/packs/load-pack.ts';
import { EngineHost } from '../../src/main/services/inference/worker/engine-host.ts';
import type { GenerateTask } from '../../src/main/services/inference/worker/protocol.ts';
import { JobsService } from '../../src/main/services/jobs/index.ts';
import type { ProviderName } from '../../src/shared/inference-types.ts';
import { ellipseLabels } from '../support/label-maps.ts';
import { PYTHON } from '../support/python.ts';
import { PACK_SCRIPTS, tinyPack, tinyPacksMissing, type TinyPack } from '../support/tiny-packs.ts';
import { figure, median, type Figure } from './figures.ts';

const THREADS = Number(process.env.CARDIOSYNTH_BENCH_THREADS) || 2;
const STEPS = 25;
const RUNS = 5;

function task(pack: LoadedPack, provider: ProviderName, steps: number, seed: number): GenerateTask {
  const { width, height } = pack.manifest.resolution;
  return {
    pack,
    provider,
    threads: THREADS,
    input: { prompt: 'apical 4CH echo, ED, good quality, female, age 40-59, EF 55-70', negative: '', seed, steps, scheduler: 'ddim', guidance: 3, controlScale: 1, controlStart: 0, controlEnd: 1, labels: ellipseLabels(width, height) },
  };
}

/** Warm median image and step times of a pack on a provider through the engine process. */
async function measure(host: EngineHost, pack: LoadedPack, provider: ProviderName): Promise<{ imageMs: number; stepMs: number; runs: number[] }> {
  await host.generate(task(pack, provider, 2, 0)); // load + warm
  const runs: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const img = await host.generate(task(pack, provider, STEPS, i + 1));
    runs.push(performance.now() - t0);
    steps.push(img.timings.denoiseMs / STEPS);
  }
  return { imageMs: median(runs), stepMs: median(steps), runs };
}

function embeddedPacks(repoRoot: string): string[] {
  const dir = join(repoRoot, 'resources', 'packs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'cardiosynth.json'))).map((e) => join(dir, e.name));
}

/** PyTorch's median warm image time for the same request (reference_pipeline.py, repeat RUNS + 1, first dropped). */
function pytorchMs(p: TinyPack, tmp: string): { ms: number; runs: number[] } {
  const dir = join(tmp, `torch-${p.size}`);
  mkdirSync(dir, { recursive: true });
  const size = p.size === 'bench' ? 112 : 32;
  writeFileSync(join(dir, 'labels.u8'), ellipseLabels(size, size));
  const req = {
    pack: p.dir, weights: p.weights, variant: p.variant, size: p.size, prompt: 'apical 4CH echo, ED, good quality, female, age 40-59, EF 55-70', negative: '', seed: 1, steps: STEPS,
    scheduler: 'ddim', guidance: 3, control_scale: 1, control_start: 0, control_end: 1, labels: join(dir, 'labels.u8'), threads: THREADS, repeat: RUNS + 1,
  };
  writeFileSync(join(dir, 'req.json'), JSON.stringify(req));
  const r = spawnSync(PYTHON, [join(PACK_SCRIPTS, 'reference_pipeline.py'), join(dir, 'req.json'), join(dir, 'out')], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`reference_pipeline.py failed: ${r.stderr}`);
  const runs = (JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')) as { ms: number[] }).ms.slice(1);
  return { ms: median(runs), runs };
}

/** Max event-loop delay of this process while the service generates `count` images of `packDir`. */
async function eventLoopLag(packDir: string, tmp: string): Promise<{ maxMs: number; p99Ms: number; images: number; ms: number; idleMaxMs: number; idleP99Ms: number; threads: number }> {
  const jobs = new JobsService();
  const dataDir = join(tmp, 'lag-data');
  // The app's default threads (one less than the cores), as a user's generation would run.
  const svc = new InferenceService({ resourcesDir: join(tmp, 'no-resources'), dataDir, version: 'bench', jobs, dicom: new DicomLibrary() });
  const labels = join(tmp, 'lag-labels.png');
  const { encodePng } = await import('../../src/main/services/inference/images/png-encode.ts');
  writeFileSync(labels, encodePng({ width: 256, height: 256, channels: 1, pixels: ellipseLabels(256, 256) }));
  const request = { pack: packDir, prompt: 'apical 4CH echo', negative: '', conditioning: { kind: 'file' as const, path: labels }, scheduler: 'ddim' as const, steps: STEPS, guidance: 3, controlScale: 1, controlStart: 0, controlEnd: 1, seedMode: 'increment' as const, seed: 1, count: 1, provider: 'cpu' as const };
  await jobs.wait((await svc.generate(request)).id); // engine started and pack loaded before measuring
  // The same process doing nothing for a while: on a shared machine, other programs cause delays too.
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 3000));
  idle.disable();
  const h = monitorEventLoopDelay({ resolution: 5 });
  const t0 = performance.now();
  h.enable();
  const job = await svc.generate({ ...request, count: 3 });
  let since = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) since = (await jobs.watch(since, 1000)).version;
  })();
  const done = await jobs.wait(job.id);
  h.disable();
  polling = false;
  await poll;
  const ms = performance.now() - t0;
  const threads = (await svc.status()).last?.threads ?? 0;
  await svc.dispose();
  if (done.state !== 'succeeded') throw new Error(`generation ${done.state}: ${done.error?.message}`);
  return { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, images: done.outputs.length, ms, idleMaxMs: idle.max / 1e6, idleP99Ms: idle.percentile(99) / 1e6, threads };
}

export async function inferBench(repoRoot: string, tmp: string): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  const why = tinyPacksMissing();
  if (why) {
    figures['infer.vs_pytorch_cpu_ratio'] = figure(null, 'ratio', { op: '<=', limit: 1.0 }, `skipped: ${why}`);
    return figures;
  }
  const tiny = tinyPack('ours', 'tiny');
  const bench = tinyPack('ours', 'bench');
  const host = new EngineHost({ log: () => undefined });
  try {
    const packs: string[] = [tiny.dir, bench.dir, ...embeddedPacks(repoRoot)];
    let benchImageMs = 0;
    for (const dir of packs) {
      const pack = await loadPack(dir, 'added');
      const id = pack.summary.id;
      const m = await measure(host, pack, 'cpu');
      const how = `${pack.manifest.resolution.width}x${pack.manifest.resolution.height}, DDIM, guidance 3 (UNet batch 2), ${THREADS} threads, CPU provider, warm, median of ${RUNS}`;
      figures[`infer.cpu_ms_per_step.${id}`] = figure(m.stepMs, 'ms', null, how);
      figures[`infer.cpu_ms_per_image.${id}.${STEPS}`] = figure(m.imageMs, 'ms', null, `${how}; through the engine process (IPC included)`, { runs_ms: m.runs.map(Math.round) });
      if (dir === bench.dir) benchImageMs = m.imageMs;
      console.log(`bench: infer ${id}: ${m.stepMs.toFixed(1)} ms/step, ${m.imageMs.toFixed(0)} ms/image`);
      for (const provider of ['webgpu', 'cuda'] as const) {
        try {
          const g = await measure(host, pack, provider);
          figures[`infer.${provider}_ms_per_step.${id}`] = figure(g.stepMs, 'ms', null, `${provider}, warm, median of ${RUNS}`);
          figures[`infer.${provider}_ms_per_image.${id}.${STEPS}`] = figure(g.imageMs, 'ms', null, `${provider}, through the engine process`);
        } catch (e) {
          figures[`infer.${provider}_ms_per_step.${id}`] = figure(null, 'ms', null, `not measured: ${(e as Error).message.slice(0, 300)}`);
        }
      }
    }
    const torch = pytorchMs(bench, tmp);
    figures['infer.pytorch_cpu_ms_per_image.test-ours-bench.25'] = figure(torch.ms, 'ms', null, `reference_pipeline.py (torch ${THREADS} threads), same pack, scheduler, steps, noise; warm median of ${RUNS}`, { runs_ms: torch.runs.map(Math.round) });
    figures['infer.vs_pytorch_cpu_ratio'] = figure(benchImageMs / torch.ms, 'ratio', { op: '<=', limit: 1.0 }, `test-ours-bench (112x112, UNet+ControlNet 3.7M parameters), ${STEPS} DDIM steps, guidance 3, ${THREADS} threads each: ours ${benchImageMs.toFixed(0)} ms through the engine process / PyTorch ${torch.ms.toFixed(0)} ms in-process`);
  } finally {
    await host.dispose();
  }
  const lag = await eventLoopLag(bench.dir, tmp);
  figures['ui.main_event_loop_lag_max_ms'] = figure(lag.maxMs, 'ms', { op: '<=', limit: 50 }, `perf_hooks.monitorEventLoopDelay (5 ms resolution) of the process running the inference service while it generated ${lag.images} bench-pack images (${STEPS} steps, ${lag.threads} engine thread(s) as the app defaults to, ${Math.round(lag.ms)} ms), saved their files and answered jobs.watch; p99 ${lag.p99Ms.toFixed(1)} ms. The engine runs in its own process at lower priority; the same process idle for 3 s just before: max ${lag.idleMaxMs.toFixed(1)} ms, p99 ${lag.idleP99Ms.toFixed(1)} ms (delays that are the machine's, not the generation's)`, { idle_max_ms: Math.round(lag.idleMaxMs * 10) / 10, p99_ms: Math.round(lag.p99Ms * 10) / 10 });
  return figures;
}
