/**
 * The inference worker as the service uses it: images generated off the main thread with per-step progress,
 * cancellation at a step that returns the worker to idle, and a killed engine process that fails only its own request
 * and is replaced for the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPack, type LoadedPack } from '../../../src/main/services/inference/packs/load-pack.ts';
import { EngineHost } from '../../../src/main/services/inference/worker/engine-host.ts';
import type { GenerateTask } from '../../../src/main/services/inference/worker/protocol.ts';
import { availableProviders } from '../../../src/main/services/inference/worker/open-runtime.ts';
import { ellipseLabels } from '../../support/label-maps.ts';
import { tinyPack, tinyPacksMissing } from '../../support/tiny-packs.ts';

const missing = tinyPacksMissing();
if (missing) console.warn(`engine-host.test.ts skipped: ${missing}`);

describe.skipIf(missing !== null)('inference engine host', () => {
  let pack: LoadedPack;
  const host = new EngineHost({ idleMs: 60_000 });
  const task = (steps: number, seed = 1): GenerateTask => ({
    pack,
    provider: 'auto',
    threads: 1,
    input: { prompt: 'apical 4CH echo', negative: '', seed, steps, scheduler: 'ddim', guidance: 3, controlScale: 1, controlStart: 0, controlEnd: 1, labels: ellipseLabels(32, 32) },
  });

  beforeAll(async () => {
    pack = await loadPack(tinyPack('ours').dir, 'added');
  });
  afterAll(() => host.dispose());

  it('generates in the worker with per-step progress and a provider report', async () => {
    const steps: number[] = [];
    let report: unknown = null;
    const image = await host.generate(task(5), { onStep: (s, n) => steps.push(s / n), onLoaded: (r) => (report = r) });
    expect(image.pixels).toHaveLength(32 * 32);
    expect(image.timesteps).toHaveLength(5);
    expect(steps).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(report).toMatchObject({ requested: 'auto', active: 'cpu' });
    expect((report as { attempts: { provider: string }[] }).attempts.map((a) => a.provider)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(host.loaded).toEqual(['test-ours-tiny@0.0.1']);
  });

  it('tries a forced provider alone and says why it failed (no fallback to the CPU)', async () => {
    const available = availableProviders();
    for (const p of ['cuda', 'webgpu'] as const) {
      if (available.find((a) => a.provider === p)?.installed) continue; // a machine with that GPU stack
      const run = host.generate({ ...task(2), provider: p });
      await expect(run).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringMatching(new RegExp(`no execution provider could load the pack \\(${p}: .+\\)`)) });
    }
    expect((await host.generate(task(2))).pixels).toHaveLength(1024);
  });

  it('cancels at a step and is idle again for the next request', async () => {
    const ctrl = new AbortController();
    let seen = 0;
    const run = host.generate(task(400), {
      signal: ctrl.signal,
      onStep: (s) => {
        seen = s;
        if (s === 3) ctrl.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(seen).toBeLessThan(10);
    const next = await host.generate(task(3));
    expect(next.pixels).toHaveLength(1024);
  });

  it('fails only the running request when the worker is killed, then restarts it', async () => {
    const before = host.restarts;
    let killed = false;
    const run = host.generate(task(400), {
      onStep: (s) => {
        if (s === 2 && !killed) {
          killed = true;
          host.kill();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'internal', message: expect.stringMatching(/inference engine stopped unexpectedly.*restarts/) });
    expect(host.restarts).toBe(before + 1);
    const again = await host.generate(task(3, 5));
    expect(again.pixels).toHaveLength(1024);
    expect(host.loaded).toEqual(['test-ours-tiny@0.0.1']);
  });

  it('releases loaded packs on request and reloads them on the next image', async () => {
    await host.generate(task(2));
    expect(host.loaded).toEqual(['test-ours-tiny@0.0.1']);
    host.release();
    expect(host.loaded).toEqual([]);
    let cached: boolean | null = null;
    await host.generate(task(2), { onLoaded: (_r, _ms, c) => (cached = c) });
    expect(cached).toBe(false);
    await host.generate(task(2), { onLoaded: (_r, _ms, c) => (cached = c) });
    expect(cached).toBe(true);
  });

  it('keeps at most CARDIOSYNTH_MAX_LOADED_PACKS packs loaded, least recently used out first', async () => {
    process.env.CARDIOSYNTH_MAX_LOADED_PACKS = '1';
    const lru = new EngineHost({ idleMs: 60_000, log: () => undefined });
    try {
      const other = await loadPack(tinyPack('diffusers').dir, 'added');
      const loads: boolean[] = [];
      const onLoaded = (_r: unknown, _ms: number, c: boolean) => loads.push(c);
      await lru.generate(task(1), { onLoaded });
      await lru.generate({ ...task(1), pack: other, input: { ...task(1).input, labels: ellipseLabels(32, 32) } }, { onLoaded });
      await lru.generate(task(1), { onLoaded });
      expect(loads).toEqual([false, false, false]); // each switch reloaded: only one pack fits
    } finally {
      delete process.env.CARDIOSYNTH_MAX_LOADED_PACKS;
      await lru.dispose();
    }
  });

  it('gives the same bytes in the worker as before a restart', async () => {
    const a = await host.generate(task(4, 77));
    host.kill();
    const b = await host.generate(task(4, 77));
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
  });
});
