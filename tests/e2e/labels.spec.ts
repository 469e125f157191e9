/**
 * The label editor in Debian's Chromium through the serve door, driven by real pointer and keyboard input on
 * the embedded DICOM default study (a 256 x 256, 40-frame echo cine of a phantom heart), opened through the
 * Open bar. State is read from window.__cardiosynth.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { readLabelFile } from '../../src/main/services/labels/index.ts';
import { labelMapChecksum } from '../../src/shared/labels/label-map.ts';
import { CAMUS_LABELS, knownValues } from '../../src/shared/labels/palette.ts';
import type { LabelsTestState, PageGlobals } from './page-globals.ts';
import { ROOT, ensureRendererBuilt, expect, openDefaultStudy, startServe, test, waitForImage } from './serve-fixture.ts';
import { sharedFile } from '../support/shared-data.ts';

const ECHO = sharedFile('octave-dicom/US-PAL-8-10x-echo.dcm'); // a real 600 x 430, 10-frame palette echo

const SHOTS = '/tmp/cardiosynth-e2e';
mkdirSync(SHOTS, { recursive: true });

const labels = (page: Page): Promise<LabelsTestState> => page.evaluate(() => (globalThis as unknown as PageGlobals).__cardiosynth!.labels());
const viewerState = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).__cardiosynth!.state());

/** Page position of image pixel coordinates, for the fitted, unpanned 256 x 256 default study. */
async function imageToPage(page: Page): Promise<(x: number, y: number) => { x: number; y: number }> {
  const box = (await page.getByRole('img', { name: 'Image viewport' }).boundingBox())!;
  const { zoom } = await viewerState(page);
  return (x, y) => ({ x: box.x + box.width / 2 + (x - 128) * zoom, y: box.y + box.height / 2 + (y - 128) * zoom });
}

/** A stroke through image points with one pointer event per point (a fast hand: samples far apart). */
async function stroke(page: Page, at: (x: number, y: number) => { x: number; y: number }, pts: [number, number][]): Promise<void> {
  const first = at(...pts[0]);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  for (const p of pts.slice(1)) {
    const q = at(...p);
    await page.mouse.move(q.x, q.y);
  }
  await page.mouse.up();
}

function ellipse(cx: number, cy: number, rx: number, ry: number, n: number): [number, number][] {
  return Array.from({ length: n + 1 }, (_, k) => [cx + rx * Math.cos((k / n) * 2 * Math.PI), cy + ry * Math.sin((k / n) * 2 * Math.PI)]);
}

async function waitSaved(page: Page): Promise<LabelsTestState> {
  await expect.poll(async () => (await labels(page)).save, { timeout: 20_000 }).toBe('saved');
  return labels(page);
}

test.describe('label editor through serve', () => {
  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('outline + fill the LV, paint myocardium, undo twice, redo once, save, reload: the same mask', async ({ page, serve, watch: _watch }, testInfo) => {
    await page.goto(serve.url);
    await openDefaultStudy(page);
    await page.keyboard.press('b');
    await expect(page.getByRole('tab', { name: 'Labels' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('button', { name: 'Brush', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(async () => (await labels(page)).frameReady).toBe(true);
    const empty = await labels(page);
    expect(empty).toMatchObject({ tool: 'brush', label: 1, labelledPixels: 0, revision: null });

    await page.getByLabel('Brush size').fill('3');
    const at = await imageToPage(page);
    // A closed LV outline in 12 fast samples (up to ~25 image px apart): the brush must join them.
    await stroke(page, at, ellipse(128, 110, 28, 44, 12));
    const outline = await labels(page);
    expect(outline.undo).toBe('Brush');
    expect(outline.labelledPixels).toBeGreaterThan(400);

    await page.keyboard.press('g');
    const c = at(128, 110);
    await page.mouse.click(c.x, c.y);
    await expect.poll(async () => (await labels(page)).undo).toBe('Fill');
    const filled = await labels(page);
    // The inside of a 28 x 44 ellipse is about pi * 28 * 44 = 3870 pixels: filled, not leaked to the whole image.
    expect(filled.labelledPixels).toBeGreaterThan(3500);
    expect(filled.labelledPixels).toBeLessThan(4600);
    await page.mouse.move(at(250, 250).x, at(250, 250).y);
    await page.screenshot({ path: join(SHOTS, 'labels-lv-filled.png') });

    // Myocardium: label 2, a wider brush around the cavity.
    await page.keyboard.press('2');
    await page.keyboard.press('b');
    await page.getByLabel('Brush size').fill('7');
    await stroke(page, at, ellipse(128, 110, 33, 49, 16));
    const myo = await labels(page);
    expect(myo.checksum).not.toBe(filled.checksum);
    expect(myo.label).toBe(2);
    await page.mouse.move(at(250, 250).x, at(250, 250).y);
    await page.screenshot({ path: join(SHOTS, 'labels-myocardium.png') });

    // Zoom and pan while the brush is active: navigation, not painting.
    const z0 = (await viewerState(page)).zoom;
    await page.mouse.move(c.x, c.y);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await viewerState(page)).zoom).toBeGreaterThan(z0 * 1.2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(c.x + 60, c.y + 30, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    expect((await labels(page)).checksum).toBe(myo.checksum);
    await page.keyboard.press('f');

    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels(page)).checksum).toBe(outline.checksum);
    expect((await labels(page)).redo).toBe('Fill');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await labels(page)).checksum).toBe(filled.checksum);
    await expect(page.getByRole('button', { name: 'Redo' })).toBeEnabled();
    await expect(page.getByRole('button', { name: 'Undo' })).toHaveAttribute('title', 'Undo Fill (Ctrl + Z)');

    const saved = await waitSaved(page);
    expect(saved.revision).toBeGreaterThan(0);
    await expect(page.getByRole('status', { name: 'Label save status' })).toHaveText(`Saved · rev ${saved.revision}`);

    // Save to a NIfTI file through the panel, and read it back in Node.
    const out = join(testInfo.outputDir, 'lv_gt.nii.gz');
    mkdirSync(testInfo.outputDir, { recursive: true });
    await page.getByLabel('Label file format to save').selectOption('nifti-all');
    await page.getByLabel('File to save labels to').fill(out);
    await page.getByRole('button', { name: 'Save labels to file' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved 40 frame(s) to' })).toBeVisible();
    const file = await readLabelFile(out, { format: 'nifti', known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: { width: 256, height: 256, frameCount: 40 } });
    expect(labelMapChecksum(file.frames[0])).toBe(filled.checksum);
    expect(file.frames.slice(1).every((f) => f.every((v) => v === 0))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'labels-saved.png') });

    await page.reload();
    await openDefaultStudy(page);
    await expect.poll(async () => (await labels(page)).frameReady).toBe(true);
    const after = await labels(page);
    expect(after.checksum).toBe(filled.checksum);
    expect(after.revision).toBe(saved.revision);
    // The overlay is on screen: the cavity centre shows the LV colour (red) over the grey echo.
    await page.mouse.move(at(250, 250).x, at(250, 250).y);
    await page.waitForTimeout(200);
    const shot = await page.screenshot({ path: join(SHOTS, 'labels-reloaded.png'), clip: { x: c.x - 2, y: c.y - 2, width: 4, height: 4 } });
    expect(shot.length).toBeGreaterThan(0);
    const rgb = await page.evaluate(([x, y]) => {
      const doc = (globalThis as unknown as PageGlobals).document;
      const canvas = doc.querySelector('.viewport canvas')!;
      const box = canvas.getBoundingClientRect();
      const d = canvas.getContext('2d')!.getImageData(Math.round(x - box.x), Math.round(y - box.y), 1, 1).data;
      return [d[0], d[1], d[2]];
    }, [c.x, c.y]);
    expect(rgb[0]).toBeGreaterThan(rgb[1] + 40);
    expect(rgb[0]).toBeGreaterThan(rgb[2] + 40);

    // The drafts list (left panel) shows it; opening it from there shows the same map.
    await page.getByRole('tab', { name: 'Label drafts' }).click();
    const entry = page.getByRole('button', { name: 'Open phantom-a4c.dcm with its labels' });
    await expect(entry).toContainText(`1/40 frame(s) labelled · rev ${saved.revision}`);
    await entry.click();
    await expect.poll(async () => (await labels(page)).checksum).toBe(filled.checksum);
    await page.screenshot({ path: join(SHOTS, 'labels-drafts.png') });
  });

  test('lasso, locks, outline display, copy to the next frame, and a wrong-size file named in the error', async ({ page, serve, watch: _watch }) => {
    await page.goto(serve.url);
    await openDefaultStudy(page);
    await page.getByRole('tab', { name: 'Labels' }).click();
    await page.keyboard.press('Home');
    await page.keyboard.press('3');
    await page.keyboard.press('p');
    await expect.poll(async () => (await labels(page)).frameReady).toBe(true);
    const at = await imageToPage(page);
    const before = (await labels(page)).labelledPixels;
    // Left atrium: a lasso of 8 samples.
    await stroke(page, at, [[100, 180], [156, 180], [166, 205], [150, 230], [106, 230], [90, 205], [100, 182], [101, 181]]);
    await expect.poll(async () => (await labels(page)).undo).toBe('Lasso');
    const la = await labels(page);
    expect(la.labelledPixels - before).toBeGreaterThan(2500);

    // Lock the atrium, then paint across it with label 1: the atrium keeps its pixels.
    await page.getByRole('button', { name: 'Lock left atrium' }).click();
    await page.keyboard.press('1');
    await page.keyboard.press('b');
    await page.getByLabel('Brush size').fill('15');
    await stroke(page, at, [[60, 205], [200, 205]]);
    const crossed = await labels(page);
    expect(crossed.labelledPixels).toBeGreaterThan(la.labelledPixels); // painted outside the atrium
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels(page)).checksum).toBe(la.checksum);
    await page.keyboard.press('3');
    await page.keyboard.press('b');
    await stroke(page, at, [[40, 40], [60, 60]]);
    await expect(page.getByRole('status').filter({ hasText: 'left atrium is locked' })).toBeVisible();
    expect((await labels(page)).checksum).toBe(la.checksum);

    // Rename a label inline; typing in the field does not trigger shortcuts.
    await page.getByRole('button', { name: 'Rename left atrium' }).click();
    await page.getByLabel('New name of label 3').fill('LA (traced)');
    await page.getByLabel('New name of label 3').press('Enter');
    await expect(page.getByRole('button', { name: 'Draw with 3 LA (traced)' })).toBeVisible();
    expect((await labels(page)).tool).toBe('brush');

    await page.keyboard.press('o');
    expect((await labels(page)).outline).toBe(true);
    await page.mouse.move(at(250, 10).x, at(250, 10).y);
    await page.screenshot({ path: join(SHOTS, 'labels-outline.png') });

    // Copy to the next frame (Ctrl + →): the map appears there, and we are shown that frame.
    await page.keyboard.press('Control+ArrowRight');
    await expect.poll(async () => (await labels(page)).frame).toBe(1);
    await expect.poll(async () => (await labels(page)).checksum).toBe(la.checksum);
    expect((await labels(page)).undo).toBe('Copy to frame 2');

    // A label file of the wrong size: the error names the file and both sizes.
    const dir = mkdtempSync(join(tmpdir(), 'cs-e2e-labels-'));
    const bad = join(dir, 'small_gt.png');
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=black:s=64x48', '-frames:v', '1', '-pix_fmt', 'gray', bad]);
    await page.getByLabel('Label file to load').fill(bad);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'small_gt.png: the label map is 64x48 (columns x rows) but the image is 256x256' })).toBeVisible();
    await page.screenshot({ path: join(SHOTS, 'labels-bad-file.png') });
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('Lasso (freehand polygon fill)');
    await expect(help).toContainText('Ctrl + Shift + Z');
    await page.screenshot({ path: join(SHOTS, 'labels-help.png') });
    await page.keyboard.press('Escape');
  });
});

test.describe('label editor on a real echo', () => {
  test.skip(!existsSync(ECHO), `real DICOM sample absent: ${ECHO}`);

  test.afterEach(async ({ watch }) => {
    expect(await watch.problems(), 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('a one-pixel dab lands on the pixel the probe shows, zoomed in, on a 600 x 430 palette echo', async ({ page, serve, watch: _watch }, testInfo) => {
    await page.goto(serve.url);
    await waitForImage(page);
    await page.getByRole('textbox', { name: 'Path to open' }).fill(ECHO);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(async () => (await viewerState(page)).frames).toBe(10);
    await expect.poll(async () => (await labels(page)).image).toBe(`dicom-file:${ECHO}`);
    await page.keyboard.press('b');
    await page.getByLabel('Brush size').fill('1');
    await page.keyboard.press('2');
    await expect.poll(async () => (await labels(page)).frameReady).toBe(true);
    // Zoom in around an off-centre point with the wheel: label pixels must follow cornerstone's transform.
    const box = (await page.getByRole('img', { name: 'Image viewport' }).boundingBox())!;
    const target = { x: box.x + box.width * 0.37, y: box.y + box.height * 0.58 };
    const fitted = (await viewerState(page)).zoom;
    await page.mouse.move(target.x, target.y);
    await page.mouse.wheel(0, -900);
    await expect.poll(async () => (await viewerState(page)).zoom).toBeGreaterThan(fitted * 2);
    await page.mouse.move(target.x + 1, target.y + 1);
    const probe = await page.getByLabel('Pixel value').textContent();
    const m = /x (\d+), y (\d+)/.exec(probe ?? '');
    expect(m, `probe text: ${probe}`).not.toBeNull();
    const [px, py] = [Number(m![1]), Number(m![2])];
    await page.mouse.down();
    await page.mouse.up();
    await expect.poll(async () => (await labels(page)).labelledPixels).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'labels-real-echo-dab.png') });
    await expect.poll(async () => (await labels(page)).save, { timeout: 20_000 }).toBe('saved');
    const out = join(testInfo.outputDir, 'dab.png');
    mkdirSync(testInfo.outputDir, { recursive: true });
    await page.getByLabel('Label file format to save').selectOption('png-index');
    await page.getByLabel('File to save labels to').fill(out);
    await page.getByRole('button', { name: 'Save labels to file' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved 1 frame(s) to' })).toBeVisible();
    const file = await readLabelFile(out, { format: 'png-index', known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: { width: 600, height: 430, frameCount: 10 } });
    const at = file.frames[0].findIndex((v) => v !== 0);
    expect({ x: at % 600, y: Math.floor(at / 600), value: file.frames[0][at] }).toEqual({ x: px, y: py, value: 2 });
  });
});

/** Servers a test started itself: stopped after it even when it failed midway (else they outlive the run). */
const ownServers: ChildProcess[] = [];
test.afterEach(() => {
  for (const c of ownServers.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

test('killing the server during an autosave keeps the previous saved labels intact', async ({ browser }) => {
  ensureRendererBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'cs-e2e-crash-'));
  // The store's test hook: every save pauses 1.5 s inside its transaction and says so on stderr.
  process.env.CARDIOSYNTH_TEST_LABELS_SAVE_DELAY_MS = '1500';
  let first: Awaited<ReturnType<typeof startServe>>;
  try {
    first = await startServe(dataDir);
    ownServers.push(first.child);
  } finally {
    delete process.env.CARDIOSYNTH_TEST_LABELS_SAVE_DELAY_MS;
  }
  const page = await browser.newPage();
  await page.goto(first.info.url);
  await openDefaultStudy(page);
  await page.keyboard.press('b');
  await expect.poll(async () => (await labels(page)).frameReady).toBe(true);
  const at = await imageToPage(page);
  await stroke(page, at, [[80, 80], [180, 90], [170, 160]]);
  const saved = await waitSaved(page);
  expect(saved.revision).toBe(1);

  // A second stroke; kill -9 the server while its autosave is inside the transaction.
  await stroke(page, at, [[60, 200], [200, 210]]);
  const edited = await labels(page);
  expect(edited.checksum).not.toBe(saved.checksum);
  await expect.poll(() => first.stderr(), { timeout: 15_000 }).toMatch(/saving revision 2 of dicom-file:.*pausing 1500 ms before commit/);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  await expect.poll(async () => (await labels(page)).save, { timeout: 15_000 }).toMatch(/retrying|saving/);
  await page.close();

  const second = await startServe(dataDir);
  ownServers.push(second.child);
  try {
    const list = spawnSync(join(ROOT, 'bin/cardiosynth'), ['labels', 'list', '--json'], { encoding: 'utf8', env: { ...process.env, CARDIOSYNTH_DATA_DIR: dataDir } });
    expect(JSON.parse(list.stdout).drafts).toMatchObject([{ revision: 1, labelledFrames: [0] }]);
    const again = await browser.newPage();
    await again.goto(second.info.url);
    await openDefaultStudy(again);
    await expect.poll(async () => (await labels(again)).frameReady).toBe(true);
    const restored = await labels(again);
    expect(restored.checksum).toBe(saved.checksum);
    expect(restored.revision).toBe(1);
    // And editing carries on from there.
    await again.keyboard.press('b');
    await stroke(again, await imageToPage(again), [[30, 30], [60, 40]]);
    expect((await waitSaved(again)).revision).toBe(2);
    await again.close();
  } finally {
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }
});
