/**
 * The export dialog through `serve`, driven by pointer and keyboard: import a CAMUS-layout tree into the
 * catalog, open Export from the toolbar, tick studies, choose CAMUS and K variants from the embedded model
 * pack, set the destination, start, watch the progress, cancel, resume, and check the folder the export
 * wrote (whole items, manifests, synthetic items marked, no temporary files). Screenshots go to
 * /tmp/cardiosynth-e2e.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Page } from '@playwright/test';
import { buildPhantomCamusTree } from '../fixtures/datasets/phantom-camus-tree.ts';
import { expect, test, waitForImage } from './serve-fixture.ts';

const SHOTS = '/tmp/cardiosynth-e2e';
mkdirSync(SHOTS, { recursive: true });

function allFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

async function typeInto(page: Page, name: string, text: string): Promise<void> {
  const field = page.getByRole('textbox', { name });
  await field.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

test.describe('export dialog through serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cardiosynth-e2e-export-'));
  const camus = join(dir, 'CAMUS');
  const out = join(dir, 'exports', 'camus-aug');
  test.beforeAll(() => void buildPhantomCamusTree(camus));
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('picks studies, chooses CAMUS and K, starts, watches progress, cancels, resumes, and writes the folder', async ({ page, serve, watch: _watch }) => {
    test.setTimeout(240_000);
    await page.goto(serve.url);
    await waitForImage(page);
    await page.getByRole('tab', { name: 'Catalog' }).click();
    await typeInto(page, 'Dataset folder to import', camus);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Import result' })).toContainText('6 studies', { timeout: 60_000 });

    // Open the dialog from the toolbar and tick four studies.
    await page.getByRole('button', { name: /^Export…/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Export dataset' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('radio', { name: /^Selected studies/ }).click();
    for (const name of ['patient0001 2CH', 'patient0001 4CH', 'patient0002 4CH', 'patient0003 2CH']) await dialog.getByRole('checkbox', { name: `Select ${name}` }).click();
    await expect(dialog.getByRole('radio', { name: 'Selected studies (4)' })).toBeChecked();

    // EchoNet cannot hold these: 2CH views, and the pack's stills are not videos. The preview says so.
    await dialog.getByRole('combobox', { name: 'Layout' }).selectOption('echonet');
    await expect(dialog.getByLabel('Export preview')).toContainText('item(s) cannot go into this layout: its view is 2CH; EchoNet-Dynamic holds apical four-chamber videos only');
    await expect(dialog.getByLabel('Export preview')).toContainText('synthetic.output is "ed-es": stills are not a video');
    await expect(dialog.getByRole('checkbox', { name: 'Leave out the items this layout cannot hold' })).toBeVisible();
    await page.screenshot({ path: join(SHOTS, 'export-misfits.png') });

    // CAMUS, four ED + ES variants per study from the embedded pack, 12 steps, quality alternating.
    await dialog.getByRole('combobox', { name: 'Layout' }).selectOption('camus');
    await expect(dialog.getByRole('combobox', { name: 'Export model pack' })).toHaveValue('phantom-echo-112@1.0.0');
    await expect(dialog.getByLabel('Pack note')).toContainText('cannot make cines');
    const k = dialog.getByRole('spinbutton', { name: 'Variants per study' });
    await k.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('4');
    await dialog.getByRole('spinbutton', { name: 'Steps' }).click();
    await page.keyboard.type('12');
    await dialog.getByRole('checkbox', { name: 'Quality Good' }).click();
    await dialog.getByRole('checkbox', { name: 'Quality Poor' }).click();
    await typeInto(page, 'Destination folder', out);
    const preview = dialog.getByLabel('Export preview');
    await expect(preview).toContainText('20 items for 3 patient(s): 4 real, 16 synthetic variant(s) to generate');
    await expect(dialog.getByLabel('Destination state')).toHaveText('a new folder');
    await page.screenshot({ path: join(SHOTS, 'export-dialog.png') });

    // Start, watch it move, cancel.
    await dialog.getByRole('button', { name: 'Start export' }).click();
    const bar = dialog.getByRole('progressbar', { name: 'Export progress' });
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
    await expect(dialog.getByLabel('Export status')).toContainText(/running \d+ of 20 items · [\d.]+ items\/min · about \d+ s left/);
    await expect(page.getByRole('button', { name: /^Export… \d+\/20$/ })).toBeVisible();
    await page.screenshot({ path: join(SHOTS, 'export-running.png') });
    await dialog.getByRole('button', { name: 'Cancel export' }).click();
    await expect(dialog.getByLabel('Export status')).toContainText(/cancelled export cancelled after \d+ of 20 items; resuming it/, { timeout: 60_000 });
    await expect(dialog.getByLabel('Destination state')).toContainText(/this export was interrupted after \d+ of 20 items; Resume continues it/);
    await expect(dialog.getByRole('button', { name: 'Start export' })).toBeDisabled();
    const partial = allFiles(out);
    expect(partial.filter((f) => f.startsWith('database_nifti/')).length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'export-cancelled.png') });

    // Close and reopen: the form and the job are still there. Resume finishes it.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: /^Export…/ }).click();
    await expect(dialog.getByRole('textbox', { name: 'Destination folder' })).toHaveValue(out);
    await dialog.getByRole('button', { name: 'Resume' }).click();
    await expect(dialog.getByLabel('Export status')).toContainText(/succeeded \d+ item\(s\) written, \d+ already there in/, { timeout: 120_000 });
    await expect(dialog.getByLabel('Destination state')).toHaveText('this export is complete (20 items)');
    await page.screenshot({ path: join(SHOTS, 'export-done.png') });

    // The folder: CAMUS with manifests, every item whole, synthetic items marked, nothing temporary.
    const files = allFiles(out);
    expect(files.filter((f) => /\.partial$|staging|lock-/.test(f))).toEqual([]);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.counts).toMatchObject({ items: 20, real: 4, synthetic: 16 });
    const syn = m.items.filter((i: { kind: string }) => i.kind === 'synthetic');
    for (const i of syn) {
      expect(i).toMatchObject({ generator: 'diffusion', model_pack_id: 'phantom-echo-112@1.0.0', steps: 12, synthetic: true, frames: 2 });
      expect(i.prompt).toMatch(/(good|poor) quality/);
      const [, patient, view] = i.studyId.split(':');
      expect(readFileSync(join(out, 'database_nifti', patient, `Info_${view}.cfg`), 'utf8')).toMatch(/^Synthetic: yes$/m);
      expect(files).toContain(`database_nifti/${patient}/${patient}_${view}_ES_gt.nii.gz`);
    }
    expect(files).toEqual(expect.arrayContaining(['database_split/subgroup_training.txt', 'manifest.csv', 'splits/train.txt']));
    for (const i of m.items) for (const f of i.files) expect(files).toContain(f);
  });
});
