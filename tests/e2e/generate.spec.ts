/**
 * The Generate tab through `serve`, driven by pointer and keyboard: add a model pack folder, load a label map,
 * generate two images with an incrementing seed while progress shows, cancel a third mid-run, and open a
 * result beside its source frame (the DICOM default study's frame, opened first) with the label overlay.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { PageGlobals } from './page-globals.ts';
import { expect, openDefaultStudy, test } from './serve-fixture.ts';
import { PYTHON, pythonMissing } from '../support/python.ts';
import { ellipseLabels } from '../support/label-maps.ts';
import { PACK_SCRIPTS, tinyPack, tinyPacksMissing } from '../support/tiny-packs.ts';

const missing = tinyPacksMissing() ?? pythonMissing(['PIL', 'nibabel']);
if (missing) console.warn(`generate.spec.ts skipped: ${missing}`);
const SHOTS = '/tmp/cardiosynth-e2e';
mkdirSync(SHOTS, { recursive: true });

interface CanvasInfo {
  width: number;
  height: number;
  nonBlack: number;
}

/** Size and drawn content of a canvas found by its accessible label. */
function canvasInfo(page: Page, label: string): Promise<CanvasInfo> {
  return page.evaluate((l) => {
    const c = (globalThis as unknown as PageGlobals).document.querySelector(`canvas[aria-label="${l}"]`);
    if (!c) return { width: 0, height: 0, nonBlack: 0 };
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let nonBlack = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 0) nonBlack++;
    return { width: c.width, height: c.height, nonBlack };
  }, label);
}

const stepsBar = (page: Page) => page.getByRole('progressbar', { name: 'Steps' });

test.describe('generate through serve', () => {
  test.skip(missing !== null, missing ?? '');

  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('picks a pack, loads a label map, generates two seeds, cancels a third, opens a result beside its source', async ({ page, serve, watch: _watch }) => {
    test.setTimeout(180_000);
    const pack = tinyPack('ours');
    const dir = mkdtempSync(join(tmpdir(), 'cardiosynth-e2e-gen-'));
    writeFileSync(join(dir, 'labels.u8'), ellipseLabels(256, 256));
    const r = spawnSync(PYTHON, [join(PACK_SCRIPTS, 'label_files.py'), join(dir, 'labels.u8'), '256', '256', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);

    await page.goto(serve.url);
    await openDefaultStudy(page);
    await page.getByRole('tab', { name: 'Generate' }).click();

    // Pick the pack: add its folder by path (the serve door has no file dialog), with the keyboard.
    const folder = page.getByRole('textbox', { name: 'Pack folder to add' });
    await folder.click();
    await page.keyboard.type(pack.dir);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('combobox', { name: 'Model pack' })).toHaveValue('test-ours-tiny@0.0.1');
    const details = page.getByLabel('Pack details');
    await expect(details).toContainText('32×32, grey, img2img');
    await expect(details).toContainText('one-hot label map, 4 labels');
    await expect(details).toContainText('CC0-1.0');

    // Prompt from the structured fields plus free text.
    await page.getByRole('combobox', { name: 'Prompt view' }).selectOption('4CH');
    await page.getByRole('combobox', { name: 'Prompt phase' }).selectOption('ES');
    await page.getByRole('textbox', { name: 'Free text' }).fill('speckle');
    await expect(page.getByLabel('Composed prompt')).toContainText('apical 4CH echo, ES, good quality');
    await expect(page.getByLabel('Composed prompt')).toContainText('speckle');

    // The default study (a DICOM file) has no label draft: the viewer's label map is missing, a file is asked for.
    await expect(page.getByRole('status', { name: 'Viewer label map' })).toContainText('Frame 1 has no label map');
    await page.getByRole('button', { name: 'Use a file' }).click();
    await expect(page.getByRole('radio', { name: 'A file' })).toBeChecked();
    // Load the label map (grey-encoded PNG, as the ControlNet CAMUS data stores them).
    await page.getByRole('textbox', { name: 'Label map file' }).fill(join(dir, 'grey.png'));
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await expect(page.getByText('256×256 grey → 32×32')).toBeVisible();
    const preview = await canvasInfo(page, 'Label map preview');
    expect(preview).toMatchObject({ width: 32, height: 32 });
    expect(preview.nonBlack).toBeGreaterThan(100);

    // Two images, incrementing seeds from 100, enough steps to watch.
    const set = async (name: string, value: string) => {
      const box = page.getByRole('spinbutton', { name, exact: true });
      await box.fill(value);
    };
    await page.getByRole('combobox', { name: 'Scheduler' }).selectOption('dpmpp2m');
    await set('Steps', '150');
    await set('Seed', '100');
    await set('Count', '2');
    await page.getByRole('button', { name: /^Generate 2 images/ }).click();
    await expect.poll(async () => Number((await stepsBar(page).getAttribute('aria-valuenow').catch(() => null)) ?? 0), { timeout: 60_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'generate-progress.png') });
    await expect(page.getByRole('button', { name: 'Result seed 100' })).toBeVisible({ timeout: 120_000 });
    await expect(page.getByRole('button', { name: 'Result seed 101' })).toBeVisible({ timeout: 120_000 });
    await expect(page.getByLabel('Active provider')).toHaveText('CPU');
    await page.getByText('skipped: why').click();
    await expect(page.getByLabel('Skipped providers')).toContainText('cuda:');
    // The seed continues where the batch ended.
    await expect(page.getByRole('spinbutton', { name: 'Seed', exact: true })).toHaveValue('102');

    // A third, long batch: cancel it mid-run. (Many images, so it is still running when Cancel is clicked
    // however fast this machine is; whatever it finished before that is kept.)
    await set('Count', '50');
    await set('Steps', '1000');
    await page.getByRole('button', { name: /^Generate 50 images/ }).click();
    await expect.poll(async () => Number((await stepsBar(page).getAttribute('aria-valuenow').catch(() => null)) ?? 0), { timeout: 60_000 }).toBeGreaterThan(5);
    const running = page.locator('.gen-job-running');
    await running.getByRole('button', { name: /^Cancel/ }).click();
    const third = page.locator('.gen-job').first();
    await expect(third.locator('.gen-state')).toHaveText('cancelled');
    const kept = Number(/(\d+) image\(s\) saved/.exec((await third.textContent()) ?? '')?.[1] ?? -1);
    expect(kept).toBeGreaterThanOrEqual(0);
    expect(kept).toBeLessThan(50);
    await expect(page.getByRole('button', { name: /^Result seed/ })).toHaveCount(2 + kept);

    // Provenance of a result, then open it beside its source frame with the label overlay.
    await page.getByRole('button', { name: 'Result seed 101' }).click();
    const prov = page.getByLabel('Provenance');
    await expect(prov).toContainText('test-ours-tiny@0.0.1');
    await expect(prov).toContainText('101 (increment, image 2 of 2)');
    await expect(prov).toContainText('dpmpp2m, 150 steps');
    await expect(prov).toContainText('SYNTHETIC');
    await page.screenshot({ path: join(SHOTS, 'generate-gallery.png') });
    await page.getByRole('button', { name: 'Open beside source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Result beside its source' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(/Source: .*phantom-a4c\.dcm, frame 1 of 40/);
    await expect.poll(async () => (await canvasInfo(page, 'Synthetic result')).width).toBe(256);
    const src = await canvasInfo(page, 'Source frame');
    const res = await canvasInfo(page, 'Synthetic result');
    expect(src).toMatchObject({ width: 256, height: 256 });
    expect(res).toMatchObject({ width: 256, height: 256 });
    expect(src.nonBlack).toBeGreaterThan(1000);
    await page.screenshot({ path: join(SHOTS, 'generate-compare.png') });
    // The overlay can be turned off; Escape closes.
    const withOverlay = await page.evaluate(() => {
      const c = (globalThis as unknown as PageGlobals).document.querySelector('canvas[aria-label="Synthetic result"]')!;
      return Array.from(c.getContext('2d')!.getImageData(128, 100, 1, 1).data);
    });
    await dialog.getByRole('checkbox', { name: 'Label overlay' }).click();
    const without = await page.evaluate(() => {
      const c = (globalThis as unknown as PageGlobals).document.querySelector('canvas[aria-label="Synthetic result"]')!;
      return Array.from(c.getContext('2d')!.getImageData(128, 100, 1, 1).data);
    });
    expect(without).not.toEqual(withOverlay);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    // Keep one, discard the other.
    await page.getByRole('button', { name: 'Keep', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Kept ★' })).toBeVisible();
    await page.getByRole('button', { name: 'Result seed 100' }).click();
    const before = await page.getByRole('button', { name: /^Result seed/ }).count();
    await page.getByRole('button', { name: 'Discard…' }).click();
    await page.getByRole('button', { name: 'Delete files' }).click();
    await expect(page.getByRole('button', { name: /^Result seed/ })).toHaveCount(before - 1);
    await expect(page.getByRole('button', { name: 'Result seed 100' })).toHaveCount(0);
  });
});
