/**
 * The viewer in Debian's Chromium through the serve door, driven by real pointer and keyboard input.
 * State is read from window.__cardiosynth (read-only); actions go through the UI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { compareToReference } from './image-compare.ts';
import type { PageGlobals } from './page-globals.ts';
import { ROOT, expect, test, waitForImage } from './serve-fixture.ts';
import { SHARED_DATA, sharedFile } from '../support/shared-data.ts';

const ECHO = sharedFile('octave-dicom/US-PAL-8-10x-echo.dcm');
const GREY = sharedFile('pydicom-data/emri_small.dcm');
const haveData = existsSync(ECHO) && existsSync(GREY);
const SKIP_REASON = `real DICOM samples absent (${ECHO}, ${GREY}): ${SHARED_DATA} is not on this machine`;
if (!haveData) console.warn(`viewer.spec.ts skipped: ${SKIP_REASON}`);

const SHOTS = '/tmp/cardiosynth-e2e';
mkdirSync(SHOTS, { recursive: true });

const state = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).__cardiosynth!.state());

async function openPath(page: Page, path: string, frames: number): Promise<void> {
  await page.getByRole('textbox', { name: 'Path to open' }).fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const name = path.split('/').pop()!;
  await expect(page.getByRole('option', { selected: true }).getByRole('button', { name: `Open ${name}` })).toBeVisible();
  await expect.poll(async () => (await state(page)).frames).toBe(frames);
  await waitForCanvasContent(page);
}

/** Sum and a coarse signature of the viewport canvas, to see that something was drawn and what changed. */
function canvasPixels(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = (globalThis as unknown as PageGlobals).document.querySelector('.viewport canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let i = 0; i < d.length; i += 4 * 97) out.push(d[i], d[i + 1], d[i + 2]);
    return out;
  });
}

async function waitForCanvasContent(page: Page): Promise<void> {
  await expect.poll(async () => (await canvasPixels(page)).some((v) => v > 0)).toBe(true);
}

function meanAbsDiff(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

async function viewportCentre(page: Page): Promise<{ x: number; y: number }> {
  const box = (await page.getByRole('img', { name: 'Image viewport' }).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test.describe('viewer through serve', () => {
  test.skip(!haveData, SKIP_REASON);

  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('plays the palette echo at its own rate, pauses, steps, and shows its tags', async ({ page, serve, watch: _watch }) => {
    await page.goto(serve.url);
    await waitForImage(page); // the default study opens on first start
    await openPath(page, ECHO, 10);
    const s0 = await state(page);
    expect(s0.frameRateSource).toBe('FrameTime');
    expect(s0.frameRateHz).toBeCloseTo(1000 / 76, 1);
    await expect(page.getByLabel('Frame rate')).toContainText('13.2 Hz');
    await expect(page.getByLabel('Frame rate')).toContainText('Frame Time');
    await page.screenshot({ path: join(SHOTS, 'echo-open.png') });

    await page.getByRole('button', { name: 'Play' }).click();
    await expect.poll(async () => (await state(page)).playing).toBe(true);
    await page.waitForTimeout(3000);
    await page.getByRole('button', { name: 'Pause' }).click();
    const log = await page.evaluate(() => (globalThis as unknown as PageGlobals).__cardiosynth!.cineLog());
    expect(log.length).toBeGreaterThan(20);
    const seconds = (log[log.length - 1].t - log[0].t) / 1000;
    const rate = (log.length - 1) / seconds;
    const intervals = log.slice(1).map((e, i) => e.t - log[i].t);
    console.log(
      `palette echo cine: ${log.length} frames drawn in ${seconds.toFixed(3)} s = ${rate.toFixed(2)} Hz (file: ${(1000 / 76).toFixed(2)} Hz); ` +
        `interval min ${Math.min(...intervals).toFixed(1)} ms, max ${Math.max(...intervals).toFixed(1)} ms`,
    );
    expect(Math.abs(rate - 1000 / 76) / (1000 / 76)).toBeLessThan(0.15);
    // Frames advance one by one, wrapping (loop is on by default).
    for (let i = 1; i < log.length; i++) expect(log[i].frame).toBe((log[i - 1].frame + 1) % 10);
    expect((await state(page)).playing).toBe(false);

    // Space toggles play from the keyboard (focus is on the play button: Space must not also click it).
    await page.keyboard.press('Space');
    await expect.poll(async () => (await state(page)).playing).toBe(true);
    await page.waitForTimeout(500);
    await page.keyboard.press('Space');
    await expect.poll(async () => (await state(page)).playing).toBe(false);
    await page.waitForTimeout(300);
    expect((await state(page)).playing).toBe(false);

    const f = (await state(page)).frame;
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await state(page)).frame).toBe((f + 2) % 10);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await state(page)).frame).toBe((f + 1) % 10);
    await expect(page.getByLabel('Frame number')).toHaveText(`${((f + 1) % 10) + 1}/10`);

    // Colour ultrasound is shown in colour.
    const px = await canvasPixels(page);
    let coloured = 0;
    for (let i = 0; i < px.length; i += 3) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 20) coloured++;
    expect(coloured).toBeGreaterThan(0);

    await page.getByRole('searchbox', { name: 'Filter tags' }).fill('FrameTime');
    const table = page.getByRole('table', { name: 'DICOM attributes' });
    // Until the (deferred) filter applies, FrameIncrementPointer's row, whose value is (0018,1063), shows too.
    await expect(table.getByRole('row').filter({ hasText: '(0018,1063)' })).toHaveCount(1);
    await expect(table.getByRole('row').filter({ hasText: '(0018,1063)' })).toContainText('76');
    await page.screenshot({ path: join(SHOTS, 'echo-tags.png') });
  });

  test('window/level, zoom, invert, reset, probe and help on a grey image', async ({ page, serve, watch: _watch }) => {
    await page.goto(serve.url);
    await waitForImage(page);
    await openPath(page, GREY, 10);
    const before = await state(page);
    const pixelsBefore = await canvasPixels(page);
    const c = await viewportCentre(page);

    await page.mouse.move(c.x, c.y);
    await expect(page.getByLabel('Pixel value')).toContainText(/x \d+, y \d+ · stored -?\d+ · value -?[\d.]+/);

    await page.mouse.down({ button: 'left' });
    for (let i = 1; i <= 10; i++) await page.mouse.move(c.x + i * 12, c.y + i * 6);
    await page.mouse.up({ button: 'left' });
    const afterDrag = await state(page);
    expect(afterDrag.windowWidth).not.toBeCloseTo(before.windowWidth, 3);
    expect(afterDrag.windowCenter).not.toBeCloseTo(before.windowCenter, 3);
    await expect.poll(async () => meanAbsDiff(await canvasPixels(page), pixelsBefore)).toBeGreaterThan(2);
    await page.screenshot({ path: join(SHOTS, 'grey-windowed.png') });

    await page.mouse.move(c.x, c.y);
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await state(page)).zoom).toBeGreaterThan(before.zoom * 1.2);

    await page.getByRole('button', { name: 'Invert' }).click();
    expect((await state(page)).invert).toBe(true);
    await page.keyboard.press('i');
    expect((await state(page)).invert).toBe(false);
    await page.keyboard.press('i');

    await page.getByRole('button', { name: 'Reset view' }).click();
    const reset = await state(page);
    expect(reset.invert).toBe(false);
    expect(reset.zoom).toBeCloseTo(before.zoom, 5);
    expect(reset.windowWidth).toBeCloseTo(before.windowWidth, 5);
    expect(reset.windowCenter).toBeCloseTo(before.windowCenter, 5);

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toBeVisible();
    await expect(help).toContainText('Play / pause');
    await expect(help).toContainText('Next frame');
    await page.screenshot({ path: join(SHOTS, 'help.png') });
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();
    await page.getByRole('button', { name: 'Keyboard shortcuts help' }).click();
    await expect(help).toBeVisible();
  });

  test('frame 3 of the palette echo on screen matches `cardiosynth render`', async ({ page, serve, watch: _watch }, testInfo) => {
    await page.goto(serve.url);
    await waitForImage(page);
    await openPath(page, ECHO, 10);
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await state(page)).frame).toBe(3);
    await page.keyboard.press('r');
    await page.mouse.move(0, 0); // no hover effects over the image
    await page.waitForTimeout(300); // one more animation frame for cornerstone to draw

    const refPath = join(testInfo.outputDir, 'render-frame3.png');
    mkdirSync(testInfo.outputDir, { recursive: true });
    execFileSync(join(ROOT, 'bin/cardiosynth'), ['render', ECHO, '--frame', '3', '--out', refPath], { cwd: ROOT });

    const vp = page.getByRole('img', { name: 'Image viewport' });
    const box = (await vp.boundingBox())!;
    const shot = await page.screenshot({ clip: box });
    writeFileSync(join(SHOTS, 'echo-frame3-viewport.png'), shot);
    const s = await state(page);
    const geometry = await page.evaluate(() => {
      const doc = (globalThis as unknown as PageGlobals).document;
      const vpEl = doc.querySelector('.viewport')!.getBoundingClientRect();
      const overlays = Array.from(doc.querySelectorAll('.overlay')).map((o) => o.getBoundingClientRect());
      return { w: vpEl.width, h: vpEl.height, x: vpEl.x, y: vpEl.y, overlays: overlays.map((r) => ({ x: r.x - vpEl.x, y: r.y - vpEl.y, width: r.width, height: r.height })) };
    });
    // Fitted, centred, no pan: image pixel (0,0)'s corner sits at the centre minus half the scaled image.
    const diff = compareToReference(shot, readFileSync(refPath), {
      originX: geometry.w / 2 - (600 * s.zoom) / 2,
      originY: geometry.h / 2 - (430 * s.zoom) / 2,
      scale: s.zoom,
      exclude: geometry.overlays,
    });
    console.log(`screenshot vs render (frame 3, zoom ${s.zoom.toFixed(3)}): mean abs diff ${diff.meanAbs.toFixed(3)} levels, PSNR ${diff.psnr.toFixed(2)} dB over ${diff.compared} pixels`);
    testInfo.annotations.push({ type: 'screenshot-vs-render', description: `MAD ${diff.meanAbs.toFixed(3)}, PSNR ${diff.psnr.toFixed(2)} dB` });
    expect(diff.compared).toBeGreaterThan(600 * 430 * s.zoom * s.zoom * 0.9);
    expect(diff.meanAbs).toBeLessThan(2);
    expect(diff.psnr).toBeGreaterThanOrEqual(35);
  });
});
