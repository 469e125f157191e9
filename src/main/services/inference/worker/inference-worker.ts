/**
 * The inference engine process: owns the onnxruntime sessions and runs the pipeline, so the app's main event
 * loop stays free and a crash here (a GPU driver fault, running out of memory, being killed) takes down only
 * this process. Started by engine-host.ts with child_process.fork (Electron runs it as Node). Loaded packs are
 * cached by content (sha256), provider and threads, least recently used out first, at most
 * CARDIOSYNTH_MAX_LOADED_PACKS (default 2).
 */
import { AppError, toErrorData } from '../../../../shared/errors.ts';
import type { ProviderReport } from '../../../../shared/inference-types.ts';
import { textToImage } from '../pipeline/text-to-image.ts';
import { availableProviders, openRuntime, ORT_VERSION, type OpenedRuntime } from './open-runtime.ts';
import type { FromWorker, GenerateTask, ToWorker } from './protocol.ts';

if (!process.send) throw new Error('inference-worker.ts runs as a child process with an IPC channel');
const MAX_LOADED = Math.max(1, Number(process.env.CARDIOSYNTH_MAX_LOADED_PACKS) || 2);

interface Loaded {
  key: string;
  packKey: string;
  opened: OpenedRuntime;
  report: ProviderReport;
}

/** Most recently used last. */
const loaded: Loaded[] = [];
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();

const send = (m: FromWorker) => process.send!(m);
/** Lets the IPC channel deliver messages (a cancel) between model calls, which otherwise run back to back. */
const turn = () => new Promise<void>((r) => setImmediate(r));

async function runtimeFor(id: number, task: GenerateTask): Promise<Loaded> {
  const key = `${task.pack.summary.sha256}|${task.provider}|${task.threads}`;
  const i = loaded.findIndex((l) => l.key === key);
  if (i >= 0) {
    const [hit] = loaded.splice(i, 1);
    loaded.push(hit);
    send({ type: 'loaded', id, report: hit.report, loadMs: 0, cached: true });
    return hit;
  }
  while (loaded.length >= MAX_LOADED) await loaded.shift()!.opened.release();
  const t0 = performance.now();
  const opened = await openRuntime(task.pack, task.provider, task.threads);
  const entry = { key, packKey: task.pack.summary.key, opened, report: opened.report };
  loaded.push(entry);
  send({ type: 'loaded', id, report: opened.report, loadMs: performance.now() - t0, cached: false });
  return entry;
}

async function generate(id: number, task: GenerateTask): Promise<void> {
  const stopped = () => cancelled.has(id);
  try {
    if (stopped()) throw new AppError('cancelled', 'Generation cancelled');
    const rt = await runtimeFor(id, task);
    const out = await textToImage(rt.opened.runtime, task.input, {
      shouldStop: stopped,
      onStep: async (step, steps) => {
        send({ type: 'step', id, step, steps });
        await turn();
      },
    });
    const { decoded: _d, latents: _l, ...image } = out;
    send({ type: 'done', id, image });
  } catch (e) {
    send({ type: 'error', id, error: toErrorData(e) });
  } finally {
    cancelled.delete(id);
  }
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') {
    cancelled.add(m.id);
    return;
  }
  // Generations and releases run one at a time, in order: a release never lands in the middle of a run.
  queue = queue.then(async () => {
    if (m.type === 'generate') await generate(m.id, m.task);
    else {
      for (let i = loaded.length - 1; i >= 0; i--) {
        if (!m.keep.includes(loaded[i].packKey)) {
          const [gone] = loaded.splice(i, 1);
          await gone.opened.release();
        }
      }
      send({ type: 'released', loaded: loaded.map((l) => l.packKey) });
    }
  });
});

// The parent went away (the app quit or crashed): nothing left to do.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', pid: process.pid, onnxruntime: ORT_VERSION, available: availableProviders() });
