/**
 * The researcher's loop, end to end in Chromium through the serve door, with real pointer and keyboard input:
 * import a CAMUS-layout tree (phantom echo written as NIfTI), open a study, start its label draft from the
 * ground truth (one undo step, every labelled frame), correct it with the brush while the ground truth is
 * outlined over it, generate one image conditioned on the draft with the tiny test pack, open the result beside
 * its source frame, and reopen the study from the Label drafts list. The dataset's files are checked unchanged.
 * Screenshots go to /tmp/cardiosynth-e2e.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { labelMapChecksum } from '../../src/shared/labels/label-map.ts';
import { buildPhantomCamusTree, PHANTOM_VIEWS } from '../fixtures/datasets/phantom-camus-tree.ts';
import { PYTHON, pythonMissing } from '../support/python.ts';
import { tinyPack, tinyPacksMissing } from '../support/tiny-packs.ts';
import type { LabelsTestState, PageGlobals } from './page-globals.ts';
import { expect, openDefaultStudy, test, waitForImage } from './serve-fixture.ts';

const missing = tinyPacksMissing() ?? pythonMissing(['nibabel']);
if (missing) console.warn(`label-loop.spec.ts skipped: ${missing}`);
const SHOTS = '/tmp/cardiosynth-e2e';
mkdirSync(SHOTS, { recursive: true });
const STUDY = 'camus:patient0001:4CH';

interface Hook {
  state(): { instanceId: string | null; source: string | null; frame: number; frames: number; zoom: number };
  labels(): LabelsTestState;
  overlay(): { status: { studyId: string | null; frame: number | null; source: string | null; drawnAs: string | null } };
}
const labels = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).__cardiosynth!.labels());
const viewer = (page: Page) => page.evaluate(() => (globalThis as unknown as { __cardiosynth: Hook }).__cardiosynth.state());
const overlay = (page: Page) => page.evaluate(() => (globalThis as unknown as { __cardiosynth: Hook }).__cardiosynth.overlay().status);

/** The ground truth of frame `k` of a CAMUS `_half_sequence_gt` file as nibabel reads it, row-major. */
function nibabelSlice(path: string, k: number): Uint8Array {
  const out = execFileSync(PYTHON, ['-c', 'import nibabel as nib, numpy as np, sys; a = np.asarray(nib.load(sys.argv[1]).dataobj); sys.stdout.buffer.write(np.ascontiguousarray(a[:, :, int(sys.argv[2])].T).astype(np.uint8).tobytes())', path, String(k)]);
  return new Uint8Array(out);
}

/** SHA-256, size and mtime of every file under `dir`. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isFile()) out[name] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${st.size} ${st.mtimeMs}`;
  }
  return out;
}

/** Page position of image pixel (x, y) for a fitted, unpanned square-pixel image of `size` x `size`. */
async function imageToPage(page: Page, size: number): Promise<(x: number, y: number) => { x: number; y: number }> {
  const box = (await page.getByRole('img', { name: 'Image viewport' }).boundingBox())!;
  const { zoom } = await viewer(page);
  return (x, y) => ({ x: box.x + box.width / 2 + (x - size / 2) * zoom, y: box.y + box.height / 2 + (y - size / 2) * zoom });
}

function canvasInfo(page: Page, label: string): Promise<{ width: number; height: number; nonBlack: number }> {
  return page.evaluate((l) => {
    const c = (globalThis as unknown as PageGlobals).document.querySelector(`canvas[aria-label="${l}"]`);
    if (!c) return { width: 0, height: 0, nonBlack: 0 };
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let nonBlack = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 0) nonBlack++;
    return { width: c.width, height: c.height, nonBlack };
  }, label);
}

test.describe('label → generate loop on a catalog study through serve', () => {
  test.skip(missing !== null, missing ?? '');
  const dir = mkdtempSync(join(tmpdir(), 'cardiosynth-e2e-loop-'));
  const camus = join(dir, 'CAMUS_public');
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('import, start from ground truth, correct with the brush, generate from the draft, compare, reopen from the drafts', async ({ page, serve, watch: _watch }) => {
    test.setTimeout(300_000);
    const [view] = buildPhantomCamusTree(camus, PHANTOM_VIEWS.filter((v) => v.patient === 'patient0001' && v.view === '4CH'));
    const frames = view.frames!;
    const before = fingerprint(camus);
    const pack = tinyPack('ours');
    const gtFile = join(camus, 'database_nifti', 'patient0001', 'patient0001_4CH_half_sequence_gt.nii.gz');
    const gt0 = labelMapChecksum(nibabelSlice(gtFile, 0));

    await page.goto(serve.url);
    await waitForImage(page);

    // Import the tree and open the study.
    await page.getByRole('tab', { name: 'Catalog' }).click();
    const folder = page.getByRole('textbox', { name: 'Dataset folder to import' });
    await folder.click();
    await page.keyboard.type(camus);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Import result' })).toContainText('1 studies', { timeout: 60_000 });
    await page.getByRole('listbox', { name: 'Catalog studies' }).getByRole('option', { name: 'patient0001 4CH' }).click();
    await expect.poll(async () => (await viewer(page)).instanceId).toBe(STUDY);

    // The editor follows the catalog study, keyed by its id; nothing is drawn yet.
    await page.getByRole('tab', { name: 'Labels' }).click();
    await expect.poll(async () => (await labels(page)).image).toBe(`catalog-study:${STUDY}`);
    await expect.poll(async () => (await labels(page)).frameReady).toBe(true);
    expect(await labels(page)).toMatchObject({ labelledPixels: 0, revision: null, undo: null });
    await expect(page.getByLabel('Ground truth of this study')).toContainText(`${frames} labelled frame(s)`);

    await page.screenshot({ path: join(SHOTS, 'loop-before-start.png') });
    // Start from the ground truth: every labelled frame, one undo step, equal to what nibabel reads.
    await page.getByRole('button', { name: 'Start from ground truth' }).click();
    await expect.poll(async () => (await labels(page)).undo).toBe('Start from ground truth');
    const started = await labels(page);
    expect(started.checksum).toBe(gt0);
    await expect.poll(async () => (await labels(page)).save, { timeout: 20_000 }).toBe('saved');
    expect((await labels(page)).revision).toBe(1);
    await expect(page.getByRole('status').filter({ hasText: `Start from ground truth: ${frames} frame(s)` })).toBeVisible();
    await expect(page.getByText(`Started from the ground truth of ${STUDY}`)).toBeVisible();
    // The last frame (ES) holds its own ground truth.
    await page.keyboard.press('End');
    await expect.poll(async () => (await labels(page)).checksum).toBe(labelMapChecksum(nibabelSlice(gtFile, frames - 1)));
    await page.keyboard.press('Home');
    await expect.poll(async () => (await labels(page)).checksum).toBe(gt0);
    // The ground truth is outlined over the draft rather than drawn under it.
    await expect.poll(async () => (await overlay(page)).drawnAs).toBe('outline-over-draft');

    // Correct it: the brush with the LV cavity label, a stroke across the top of the cavity.
    await page.keyboard.press('b');
    await page.keyboard.press('1');
    await page.getByLabel('Brush size').fill('7');
    const at = await imageToPage(page, 176);
    const p0 = at(60, 40);
    await page.mouse.move(p0.x, p0.y);
    await page.mouse.down();
    for (const [x, y] of [[75, 42], [90, 44], [105, 42], [118, 40]] as const) {
      const p = at(x, y);
      await page.mouse.move(p.x, p.y, { steps: 3 });
    }
    await page.mouse.up();
    const corrected = await labels(page);
    expect(corrected.undo).toBe('Brush');
    expect(corrected.checksum).not.toBe(gt0);
    expect(corrected.labelledPixels).toBeGreaterThan(started.labelledPixels);
    await expect.poll(async () => (await labels(page)).save, { timeout: 20_000 }).toBe('saved');
    expect((await labels(page)).revision).toBe(2);
    await page.mouse.move(at(170, 170).x, at(170, 170).y);
    await page.screenshot({ path: join(SHOTS, 'loop-corrected-with-gt-outline.png') });

    // Undo twice: the stroke, then the whole ground-truth start; redo both.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels(page)).checksum).toBe(gt0);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels(page)).labelledPixels).toBe(0);
    await expect.poll(async () => (await overlay(page)).drawnAs).toBe('as-set');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await labels(page)).checksum).toBe(corrected.checksum);
    await expect.poll(async () => (await labels(page)).save, { timeout: 20_000 }).toBe('saved');
    const revision = (await labels(page)).revision!;

    // The ground truth can be hidden under the draft instead.
    await page.getByRole('tab', { name: 'Ground truth' }).click();
    await page.getByRole('radio', { name: 'Hidden' }).click();
    await expect.poll(async () => (await overlay(page)).drawnAs).toBe('hidden-under-draft');
    await expect(page.getByLabel('Overlay status')).toContainText('Hidden under your label draft');
    await page.screenshot({ path: join(SHOTS, 'loop-gt-hidden-under-draft.png') });
    await page.getByRole('radio', { name: 'Contour over it' }).click();
    await expect.poll(async () => (await overlay(page)).drawnAs).toBe('outline-over-draft');

    // Generate one image from the draft with the tiny pack.
    await page.keyboard.press('n');
    await page.getByRole('tab', { name: 'Generate' }).click();
    const packField = page.getByRole('textbox', { name: 'Pack folder to add' });
    await packField.click();
    await page.keyboard.type(pack.dir);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('combobox', { name: 'Model pack' })).toHaveValue('test-ours-tiny@0.0.1');
    // The prompt's fields from the study: 4CH, the ED frame, its cfg's quality, sex, age and EF.
    await page.getByRole('button', { name: 'Fill from the study' }).click();
    const prompt = `apical 4CH echo, ED, good quality, female, age 60-79, EF 55-70`;
    await expect(page.getByLabel('Composed prompt')).toHaveText(prompt);
    await expect(page.getByRole('radio', { name: 'Shown in the viewer' })).toBeChecked();
    await expect(page.getByRole('status', { name: 'Viewer label map' })).toHaveText(`Your label draft of ${STUDY}, frame 1 (saved revision ${revision})`);
    await expect.poll(async () => (await canvasInfo(page, 'Label map preview')).width).toBe(32);
    await expect(page.getByText(/176×176 draft → 32×32/)).toBeVisible();
    await page.getByRole('spinbutton', { name: 'Steps', exact: true }).fill('4');
    await page.getByRole('spinbutton', { name: 'Count', exact: true }).fill('1');
    await page.getByRole('spinbutton', { name: 'Seed', exact: true }).fill('7');
    await page.getByRole('button', { name: /^Generate/ }).click();
    await expect(page.getByRole('button', { name: 'Result seed 7' })).toBeVisible({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Result seed 7' }).click();
    const prov = page.getByLabel('Provenance');
    await expect(prov).toContainText(`label draft of ${STUDY}, frame 1, revision ${revision} (checksum ${corrected.checksum})`);
    await expect(prov).toContainText(`Source${STUDY}, frame 1`);
    await expect(prov).toContainText(`Prompt${prompt}`);
    await page.screenshot({ path: join(SHOTS, 'loop-generated.png') });

    // Open it beside its source: the study's frame from the catalog, at its size, with the draft over both.
    await page.getByRole('button', { name: 'Open beside source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Result beside its source' });
    await expect(dialog).toContainText(`Source: ${STUDY}, frame 1 of ${frames}`);
    await expect.poll(async () => (await canvasInfo(page, 'Synthetic result')).width).toBe(176);
    const src = await canvasInfo(page, 'Source frame');
    expect(src).toMatchObject({ width: 176, height: 176 });
    expect(src.nonBlack).toBeGreaterThan(3000);
    await page.screenshot({ path: join(SHOTS, 'loop-compare.png') });
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    // Show the DICOM default study, then reopen the catalog study from the Label drafts list.
    await openDefaultStudy(page);
    await expect.poll(async () => (await viewer(page)).source).toBe('dicom');
    await expect.poll(async () => (await labels(page)).image).toMatch(/^dicom-file:/);
    await page.getByRole('tab', { name: 'Label drafts' }).click();
    const entry = page.getByRole('button', { name: `Open ${STUDY} with its labels` });
    await expect(entry).toContainText('catalog study · from its ground truth');
    await expect(entry).toContainText(`${frames}/${frames} frame(s) labelled · rev ${revision}`);
    await entry.click();
    await expect.poll(async () => (await viewer(page)).instanceId).toBe(STUDY);
    await expect.poll(async () => (await labels(page)).checksum).toBe(corrected.checksum);
    await page.screenshot({ path: join(SHOTS, 'loop-reopened-from-drafts.png') });

    // The dataset was only read.
    expect(fingerprint(camus)).toEqual(before);
  });
});
