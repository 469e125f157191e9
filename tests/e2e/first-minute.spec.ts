/**
 * A newcomer's first minute, through `serve` on a fresh data folder: open the printed URL and, without typing
 * anything, see a phantom study of the demo dataset with its ground truth drawn over it, the embedded model
 * pack chosen and the prompt filled from the study; one click on Generate, and the synthetic image appears
 * beside its source frame. The time from page load to that image is logged (the bench measures it as
 * pack.default.first_image_s).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { PageGlobals } from './page-globals.ts';
import { ensureRendererBuilt, expect, startServe, test, waitForImage } from './serve-fixture.ts';

const SHOTS = '/tmp/cardiosynth-e2e';
mkdirSync(SHOTS, { recursive: true });

export const DEMO_STUDY = 'camus:patient9001:4CH';
export const DEFAULT_PACK = 'phantom-echo-112@1.0.0';

interface Shown {
  instanceId: string | null;
  source: string | null;
  frame: number;
  edFrame: number | null;
  overlay: { studyId: string | null; frame: number | null; values: number[]; drawnAs: string | null; error: string | null };
}

export function shown(page: Page): Promise<Shown | null> {
  return page.evaluate(() => {
    const h = (globalThis as unknown as { __cardiosynth?: { state(): Shown; overlay(): { status: Shown['overlay'] } } }).__cardiosynth;
    if (!h) return null;
    const s = h.state();
    return { instanceId: s.instanceId, source: s.source, frame: s.frame, edFrame: s.edFrame, overlay: h.overlay().status };
  });
}

/** Size and drawn content of a canvas found by its accessible label. */
export function canvasInfo(page: Page, label: string): Promise<{ width: number; height: number; nonBlack: number; grey: boolean }> {
  return page.evaluate((l) => {
    const c = (globalThis as unknown as PageGlobals).document.querySelector(`canvas[aria-label="${l}"]`);
    if (!c) return { width: 0, height: 0, nonBlack: 0, grey: false };
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let nonBlack = 0;
    let grey = true;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] + d[i + 1] + d[i + 2] > 0) nonBlack++;
      if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) grey = false;
    }
    return { width: c.width, height: c.height, nonBlack, grey };
  }, label);
}

test.describe('the first minute', () => {
  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('a fresh start shows the phantom study with its overlay and the pack; one click generates an image beside it', async ({ page, watch: _watch }) => {
    test.setTimeout(180_000);
    ensureRendererBuilt();
    const server = await startServe(); // a fresh, empty data folder: the very first start
    try {
      const t0 = Date.now();
      await page.goto(server.info.url);

      // The demo study at ED, its ground truth drawn over it.
      await expect.poll(async () => (await shown(page))?.instanceId ?? null, { timeout: 60_000 }).toBe(DEMO_STUDY);
      await waitForImage(page);
      const s = (await shown(page))!;
      expect(s).toMatchObject({ source: 'catalog', frame: s.edFrame });
      await expect.poll(async () => (await shown(page))?.overlay).toMatchObject({ studyId: DEMO_STUDY, frame: s.edFrame, drawnAs: 'as-set', error: null });
      expect((await shown(page))!.overlay.values).toEqual(expect.arrayContaining([1, 2, 3]));
      await expect(page.getByRole('tab', { name: 'Catalog' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByRole('list', { name: 'Imported datasets' }).or(page.getByText('Datasets (1)'))).toBeVisible();

      // The Generate tab, ready: the embedded pack, the prompt from the study, its ground truth as conditioning.
      await expect(page.getByRole('tab', { name: 'Generate' })).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByRole('note', { name: 'First start' })).toBeVisible();
      await expect(page.getByRole('combobox', { name: 'Model pack' })).toHaveValue(DEFAULT_PACK);
      await expect(page.getByLabel('Composed prompt')).toContainText('apical 4CH echo, ED, good quality');
      await expect(page.getByRole('status', { name: 'Prompt fields filled' })).toContainText(`From ${DEMO_STUDY}, frame 1`);
      await expect(page.getByRole('status', { name: 'Viewer label map' })).toContainText(`The ground truth of ${DEMO_STUDY}, frame 1`);
      const ready = (Date.now() - t0) / 1000;
      await page.screenshot({ path: join(SHOTS, 'first-minute-ready.png') });

      // One click, no typing.
      await page.getByRole('button', { name: /^Generate/ }).click();
      await expect(page.getByRole('region', { name: 'Latest result' })).toBeVisible({ timeout: 60_000 });
      await expect.poll(async () => (await canvasInfo(page, 'Latest synthetic result')).nonBlack, { timeout: 30_000 }).toBeGreaterThan(5000);
      const seconds = (Date.now() - t0) / 1000;
      console.log(`first minute: ready to generate ${ready.toFixed(1)} s after page load, first image on screen after ${seconds.toFixed(1)} s`);
      const source = await canvasInfo(page, 'Latest source frame');
      const result = await canvasInfo(page, 'Latest synthetic result');
      // Both at the source's 256 x 256 grid, grey echo (no overlay painted into them).
      expect(source).toMatchObject({ width: 256, height: 256, grey: true });
      expect(result).toMatchObject({ width: 256, height: 256, grey: true });
      expect(source.nonBlack).toBeGreaterThan(5000);
      await expect(page.getByRole('region', { name: 'Latest result' })).toContainText(`${DEMO_STUDY}, frame 1`);
      await expect(page.getByRole('note', { name: 'First start' })).toBeHidden();
      await page.screenshot({ path: join(SHOTS, 'first-minute-image.png') });
      expect(seconds).toBeLessThanOrEqual(60);

      // The gallery has it with its provenance: the embedded pack and the ground truth it was conditioned on.
      await page.getByRole('button', { name: 'Result seed 42' }).click();
      const prov = page.getByLabel('Provenance');
      await expect(prov).toContainText(DEFAULT_PACK);
      await expect(prov).toContainText(`ground truth of ${DEMO_STUDY}, frame 1`);
      await expect(prov).toContainText('SYNTHETIC');
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});

test.describe('the demo dataset in a user\'s catalog', () => {
  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('removing it is remembered at the next start (the DICOM default study opens instead), and it can be added back', async ({ page, watch: _watch }) => {
    test.setTimeout(180_000);
    ensureRendererBuilt();
    const first = await startServe();
    try {
      await page.goto(first.info.url);
      await expect.poll(async () => (await shown(page))?.instanceId ?? null, { timeout: 60_000 }).toBe(DEMO_STUDY);
      await page.getByText('Datasets (1)').click();
      const demo = page.getByRole('list', { name: 'Imported datasets' }).getByRole('listitem');
      await expect(demo).toContainText('phantom-camus');
      await expect(demo).toContainText('SYNTHETIC');
      await expect(demo).toContainText('DEMO');
      await demo.getByRole('button', { name: 'Remove phantom-camus from the catalog' }).click();
      await page.getByRole('button', { name: 'Remove from catalog (not imported again at start)' }).click();
      await expect(page.getByRole('note', { name: 'Demo dataset' })).toContainText('is not in the catalog');
      await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('0 of 0 studies');
      await page.goto('about:blank'); // the page would otherwise log its reconnection attempts to the stopped server
    } finally {
      first.child.kill('SIGTERM');
      await new Promise((r) => first.child.once('exit', r));
    }

    // The next start, same data folder: no demo import; nothing open, so the DICOM default study opens.
    const second = await startServe(first.dataDir);
    try {
      await page.goto(second.info.url);
      await waitForImage(page);
      expect((await shown(page))!.source).toBe('dicom');
      await expect(page.getByRole('option', { selected: true }).getByRole('button', { name: 'Open phantom-a4c.dcm' })).toBeVisible();
      await page.getByRole('tab', { name: 'Catalog' }).click();
      await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('0 of 0 studies');
      const note = page.getByRole('note', { name: 'Demo dataset' });
      await expect(note).toContainText('is not in the catalog');
      await page.screenshot({ path: join(SHOTS, 'first-minute-demo-removed.png') });
      await note.getByRole('button', { name: 'Add it' }).click();
      await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('6 of 6 studies', { timeout: 60_000 });
      await expect(note).toBeHidden();
    } finally {
      second.child.kill('SIGTERM');
    }
  });
});
