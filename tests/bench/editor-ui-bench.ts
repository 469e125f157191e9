/**
 * editor.ui_*: the label editor as a user drives it, in headless Debian Chromium through `serve`, on a
 * 1024 x 1024 synthetic echo cine (the default-study writer): strokes of a 25 px brush drawn with pointer moves
 * 8-40 px apart, and fills of the whole map. Times come from the renderer itself (window.__cardiosynth
 * .labelTimings()): the JS time of each drawing pointer event (tool + undo recording + overlay invalidation) and
 * of each overlay draw after cornerstone's (colouring what changed + compositing the 1024 x 1024 layer).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSyntheticCine } from '../../src/main/services/default-study/index.ts';
import { startServe } from './cine-bench.ts';
import { figure, median, type Figure } from './figures.ts';

const SIZE = 1024;

interface Timings {
  down: number[];
  move: number[];
  overlay: number[];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

export async function editorUiBench(repoRoot: string, tmp: string): Promise<Record<string, Figure>> {
  const keys = ['editor.ui_stroke_move_p95_ms', 'editor.ui_overlay_draw_p95_ms', 'editor.ui_fill_1024_ms'];
  const skip = (why: string) => Object.fromEntries(keys.map((k) => [k, figure(null, 'ms', null, `skipped: ${why}`)]));
  const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) return skip(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
  if (!existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) {
    const b = spawnSync(join(repoRoot, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: repoRoot, stdio: 'inherit' });
    if (b.status !== 0) return skip('electron-vite build failed');
  }
  const file = join(tmp, 'bench-labels-1024.dcm');
  writeFileSync(file, makeSyntheticCine({ seed: 'bench-labels-1024', rows: SIZE, columns: SIZE, frames: 2, frameTimeMs: 40, encoding: 'rle', seriesDescription: 'Benchmark 1024x1024 for the label editor' }));
  const { chromium } = await import('playwright-core');
  // A fresh data folder, so the bench's drafts never land in the user's catalog.
  const { proc, url } = await startServe(repoRoot, mkdtempSync(join(tmp, 'data-')));
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(url);
    await page.waitForFunction(() => '__cardiosynth' in globalThis, null, { timeout: 30_000 });
    await page.getByLabel('Path to open').fill(file);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.waitForFunction(
      () => {
        const h = (globalThis as unknown as { __cardiosynth: { labels(): { frameReady: boolean; image: string | null } } }).__cardiosynth.labels();
        return h.frameReady && !!h.image && h.image.endsWith('bench-labels-1024.dcm');
      },
      null,
      { timeout: 60_000 },
    );
    await page.keyboard.press('b');
    await page.getByLabel('Brush size').fill('25');
    const box = (await page.getByRole('img', { name: 'Image viewport' }).boundingBox())!;
    const zoom = await page.evaluate(() => (globalThis as unknown as { __cardiosynth: { state(): { zoom: number } } }).__cardiosynth.state().zoom);
    const at = (x: number, y: number) => ({ x: box.x + box.width / 2 + (x - SIZE / 2) * zoom, y: box.y + box.height / 2 + (y - SIZE / 2) * zoom });
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let s = 0; s < 12; s++) {
      let x = 150 + rand() * 724;
      let y = 150 + rand() * 724;
      let angle = rand() * 2 * Math.PI;
      const p0 = at(x, y);
      await page.mouse.move(p0.x, p0.y);
      await page.mouse.down();
      for (let k = 0; k < 50; k++) {
        angle += (rand() - 0.5) * 1.0;
        const step = 8 + rand() * 32;
        x = Math.min(SIZE - 2, Math.max(1, x + step * Math.cos(angle)));
        y = Math.min(SIZE - 2, Math.max(1, y + step * Math.sin(angle)));
        const p = at(x, y);
        await page.mouse.move(p.x, p.y);
      }
      await page.mouse.up();
      await page.keyboard.press(s % 3 === 0 ? '1' : s % 3 === 1 ? '2' : '3');
    }
    await page.waitForTimeout(300);
    const afterStrokes = await page.evaluate(() => (globalThis as unknown as { __cardiosynth: { labelTimings(): Timings } }).__cardiosynth.labelTimings());
    // Fills of the whole blank second frame, each undone before the next.
    await page.keyboard.press('ArrowRight');
    type L = { __cardiosynth: { labels(): { frame: number; frameReady: boolean; tool: string; undo: string | null } } };
    await page.waitForFunction(() => {
      const l = (globalThis as unknown as L).__cardiosynth.labels();
      return l.frame === 1 && l.frameReady;
    }, null, { timeout: 30_000 });
    await page.keyboard.press('g');
    await page.waitForFunction(() => (globalThis as unknown as L).__cardiosynth.labels().tool === 'fill', null, { timeout: 10_000 });
    const downsBefore = afterStrokes.down.length;
    const c = at(5, 5);
    for (let k = 0; k < 6; k++) {
      await page.mouse.click(c.x, c.y);
      await page.waitForFunction(() => (globalThis as unknown as L).__cardiosynth.labels().undo === 'Fill', null, { timeout: 10_000 });
      await page.keyboard.press('Control+z');
      await page.waitForFunction(() => (globalThis as unknown as L).__cardiosynth.labels().undo !== 'Fill', null, { timeout: 10_000 });
    }
    const t = await page.evaluate(() => (globalThis as unknown as { __cardiosynth: { labelTimings(): Timings } }).__cardiosynth.labelTimings());
    const fills = t.down.slice(downsBefore);
    if (!fills.length) throw new Error('no fill was recorded');
    return {
      'editor.ui_stroke_move_p95_ms': figure(p95(afterStrokes.move), 'ms', { op: '<=', limit: 8 }, `p95 of ${afterStrokes.move.length} pointer moves while drawing (brush 25 px, moves 8-40 px apart) on a 1024x1024 image in headless Chromium via serve: tool, undo recording and overlay invalidation; median ${median(afterStrokes.move).toFixed(3)} ms`),
      'editor.ui_overlay_draw_p95_ms': figure(p95(afterStrokes.overlay), 'ms', { op: '<=', limit: 16 }, `p95 of ${afterStrokes.overlay.length} overlay draws during those strokes (JS time: recolour the changed box, putImageData, drawImage of the 1024x1024 layer at ${zoom.toFixed(2)}x, brush preview; Chromium rasterises after); median ${median(afterStrokes.overlay).toFixed(3)} ms`),
      'editor.ui_fill_1024_ms': figure(median(fills), 'ms', { op: '<=', limit: 30 }, `median of ${fills.length} flood fills of a whole blank 1024x1024 frame clicked in Chromium (fill + undo entry + overlay invalidation); max ${Math.max(...fills).toFixed(2)} ms`),
    };
  } finally {
    await browser.close();
    proc.kill('SIGTERM');
  }
}
