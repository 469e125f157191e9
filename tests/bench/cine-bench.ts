/**
 * viewer.cine_on_time_ratio: a 600x800 (rows x columns) 50 fps US cine, made with the default-study writer,
 * opened through the `serve` door in headless Debian Chromium and played for 10 s.
 *
 * "On time": playback is anchored at the first frame drawn (t0, frame f0). Frame k after it is due at
 * t0 + k*P (P = 20 ms; frame index (f0 + k) mod N, the cine loops). It counts as shown on time when the
 * renderer drew that frame index within one frame period of its due time, |t - due| <= P, according to the
 * viewer's own draw log (window.__cardiosynth.cineLog(): performance.now() at each draw). A frame that was
 * skipped, or drawn more than P late, is not on time. Ratio = frames on time / frames due in the 10 s.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { makeSyntheticCine } from '../../src/main/services/default-study/index.ts';
import { figure, type Figure } from './figures.ts';

const ROWS = 600;
const COLUMNS = 800;
const FPS = 50;
const FRAMES = 50; // one 1-second cycle, looped
const PLAY_MS = 10_000;
const TARGET = { op: '>=' as const, limit: 0.99 };
const KEY = 'viewer.cine_on_time_ratio';

interface LogEntry {
  frame: number;
  t: number;
}

/** The on-time ratio for a draw log; exported for the unit test of the definition. */
export function onTimeRatio(log: LogEntry[], frames: number, periodMs: number, windowMs: number): { due: number; onTime: number; ratio: number } {
  if (log.length === 0) return { due: Math.floor(windowMs / periodMs), onTime: 0, ratio: 0 };
  const t0 = log[0].t;
  const f0 = log[0].frame;
  const due = Math.floor(windowMs / periodMs);
  const byFrame = new Map<number, number[]>();
  for (const e of log) {
    const list = byFrame.get(e.frame) ?? [];
    list.push(e.t);
    byFrame.set(e.frame, list);
  }
  let onTime = 0;
  for (let k = 0; k < due; k++) {
    const dueAt = t0 + k * periodMs;
    const shown = byFrame.get((f0 + k) % frames) ?? [];
    if (shown.some((t) => Math.abs(t - dueAt) <= periodMs)) onTime++;
  }
  return { due, onTime, ratio: onTime / due };
}

/** `serve` on a data folder of its own (a bench never touches the user's catalog, drafts or results). */
export async function startServe(repoRoot: string, dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const env = { ...process.env, CARDIOSYNTH_DATA_DIR: dataDir };
  const proc = spawn(join(repoRoot, 'bin', 'cardiosynth'), ['serve', '--port', '0', '--json'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code} before printing its URL`)));
    setTimeout(() => reject(new Error('serve printed no URL within 60 s')), 60_000).unref();
  });
  return { proc, url: (JSON.parse(line) as { url: string }).url };
}

export async function cineBench(repoRoot: string, tmp: string): Promise<Record<string, Figure>> {
  const skip = (why: string) => ({ [KEY]: figure(null, 'ratio', TARGET, `skipped: ${why}`) });
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) return skip(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  if (!existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) {
    console.log('bench: building the UI (electron-vite build) for serve...');
    const b = spawnSync(join(repoRoot, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: repoRoot, stdio: 'inherit' });
    if (b.status !== 0) return skip('electron-vite build failed');
  }

  const t0 = performance.now();
  const file = join(tmp, 'bench-cine-600x800-50fps.dcm');
  writeFileSync(file, makeSyntheticCine({ seed: 'bench-cine-600x800-50fps', rows: ROWS, columns: COLUMNS, frames: FRAMES, frameTimeMs: 1000 / FPS, encoding: 'rle', seriesDescription: 'Benchmark cine 600x800 50 fps' }));
  console.log(`bench: wrote ${file} in ${Math.round(performance.now() - t0)} ms`);

  const { chromium } = await import('playwright-core');
  const { proc, url } = await startServe(repoRoot, mkdtempSync(join(tmp, 'data-')));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(url);
    await page.waitForFunction(() => '__cardiosynth' in globalThis, null, { timeout: 30_000 });
    // A fresh data folder means a first start: the demo dataset is imported and its study opened. Let that
    // settle first, so the figure measures playback rather than the one-off import beside it.
    await page.waitForFunction(() => (globalThis as unknown as { __cardiosynth: { state(): { instanceId: string | null } } }).__cardiosynth.state().instanceId !== null, null, { timeout: 60_000 });
    // Open the file the way a person would on the serve door: the path field.
    await page.getByLabel('Path to open').fill(file);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.waitForFunction(
      (n) => {
        const s = (globalThis as unknown as { __cardiosynth: { state(): { frames: number; instanceId: string | null } } }).__cardiosynth.state();
        return s.instanceId !== null && s.frames === n;
      },
      FRAMES,
      { timeout: 60_000 },
    );
    const state = await page.evaluate(() => (globalThis as unknown as { __cardiosynth: { state(): Record<string, unknown> } }).__cardiosynth.state());
    if (state.frameRateHz !== FPS) throw new Error(`viewer reports ${String(state.frameRateHz)} Hz for a ${FPS} Hz file`);
    await page.locator('body').focus();
    await page.keyboard.press(' ');
    // Playing starts once the first frames are buffered; measure 10 s from the first frame drawn.
    await page.waitForFunction(() => (globalThis as unknown as { __cardiosynth: { cineLog(): unknown[] } }).__cardiosynth.cineLog().length > 0, null, { timeout: 60_000 });
    await page.waitForTimeout(PLAY_MS + 500);
    const log = await page.evaluate(() => (globalThis as unknown as { __cardiosynth: { cineLog(): { frame: number; t: number }[] } }).__cardiosynth.cineLog());
    await page.keyboard.press(' ');
    const r = onTimeRatio(log, FRAMES, 1000 / FPS, PLAY_MS);
    const late = log.length > 1 ? log.slice(1).map((e, i) => e.t - log[i].t) : [];
    return {
      [KEY]: figure(r.ratio, 'ratio', TARGET, 'frames drawn within one frame period of their due time over frames due, 10 s of a 600x800 50 fps RLE cine in headless Chromium via serve (definition in tests/bench/cine-bench.ts)', {
        frames_due: r.due,
        frames_on_time: r.onTime,
        draws_logged: log.length,
        max_gap_between_draws_ms: late.length ? Math.round(Math.max(...late) * 10) / 10 : null,
      }),
    };
  } finally {
    await browser.close();
    proc.kill('SIGTERM');
  }
}
