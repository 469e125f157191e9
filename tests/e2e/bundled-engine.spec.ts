/**
 * The inference engine as the desktop app ships it: out/main/inference-worker.js (built by electron-vite as
 * its own entry beside out/main/index.js) forked as a process and spoken to over the engine protocol. Electron
 * runs the same file with ELECTRON_RUN_AS_NODE; here Node 24 runs it. No browser is involved.
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadPack } from '../../src/main/services/inference/packs/load-pack.ts';
import type { FromWorker, ToWorker } from '../../src/main/services/inference/worker/protocol.ts';
import { ellipseLabels } from '../support/label-maps.ts';
import { tinyPack, tinyPacksMissing } from '../support/tiny-packs.ts';
import { ROOT } from './serve-fixture.ts';

const missing = tinyPacksMissing();
const BUNDLE = join(ROOT, 'out', 'main', 'inference-worker.js');

function newest(dir: string): number {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return t;
}

test.describe('bundled inference engine', () => {
  test.skip(missing !== null, missing ?? '');

  test('generates an image from out/main/inference-worker.js', async () => {
    test.setTimeout(300_000);
    if (!existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < newest(join(ROOT, 'src', 'main', 'services', 'inference'))) {
      const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
    }
    const pack = await loadPack(tinyPack('ours').dir, 'embedded');
    const child = fork(BUNDLE, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const messages: FromWorker[] = [];
    const done = new Promise<FromWorker>((resolve) => {
      child.on('message', (m: FromWorker) => {
        messages.push(m);
        if (m.type === 'ready') {
          const msg: ToWorker = {
            type: 'generate',
            id: 1,
            task: { pack, provider: 'cpu', threads: 1, input: { prompt: 'apical 4CH echo', negative: '', seed: 3, steps: 3, scheduler: 'euler', guidance: 2, controlScale: 1, controlStart: 0, controlEnd: 1, labels: ellipseLabels(32, 32) } },
          };
          child.send(msg);
        }
        if (m.type === 'done' || m.type === 'error') resolve(m);
      });
    });
    try {
      const result = await done;
      expect(result.type, JSON.stringify(result)).toBe('done');
      const ready = messages.find((m) => m.type === 'ready');
      expect(ready).toMatchObject({ onnxruntime: '1.30.0' });
      expect(messages.filter((m) => m.type === 'step')).toHaveLength(3);
      if (result.type === 'done') expect(result.image.pixels).toHaveLength(32 * 32);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
