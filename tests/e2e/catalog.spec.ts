/**
 * The study catalog in Debian's Chromium through the serve door, driven by pointer and keyboard: import a
 * CAMUS-layout tree (phantom echo written as NIfTI) and an EchoNet-Dynamic tree (ffmpeg MJPEG AVIs), each with
 * malformed items that the UI must list one by one; filter by EF and view; open a CAMUS cine; toggle the
 * ground-truth overlay; jump to ES and ED by key and button; open an EchoNet video with its tracing lines;
 * scroll a virtualized list of 1,500 studies. State is read from window.__cardiosynth; screenshots go to
 * /tmp/cardiosynth-e2e.
 */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { buildEchonetTree, greyFrames, rectTrace, writeMjpegAvi } from '../fixtures/datasets/echonet-tree.ts';
import { buildPhantomCamusTree, type PhantomView } from '../fixtures/datasets/phantom-camus-tree.ts';
import type { PageGlobals } from './page-globals.ts';
import { expect, test, waitForImage } from './serve-fixture.ts';

const hasFfmpeg = (() => { try { execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
const SKIP = 'ffmpeg is missing (apt-get install ffmpeg): the EchoNet fixtures and AVI decoding need it';
if (!hasFfmpeg) console.warn(`catalog.spec.ts skipped: ${SKIP}`);

const SHOTS = '/tmp/cardiosynth-e2e';
mkdirSync(SHOTS, { recursive: true });

interface OverlayState {
  settings: { visible: boolean; mode: string };
  status: { studyId: string | null; frame: number | null; source: string | null; values: number[]; tracing: boolean; error: string | null };
}
type Hook = NonNullable<PageGlobals['__cardiosynth']> & { overlay(): OverlayState; state(): ReturnType<NonNullable<PageGlobals['__cardiosynth']>['state']> & { source: string | null; edFrame: number | null; esFrame: number | null } };
const hook = (page: Page) => page.evaluate(() => {
  const h = (globalThis as unknown as { __cardiosynth: Hook }).__cardiosynth;
  return { state: h.state(), overlay: h.overlay() };
});

/** A coarse signature of the viewport canvas, to see what changed on screen. */
function canvasPixels(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = (globalThis as unknown as PageGlobals).document.querySelector('.viewport canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let i = 0; i < d.length; i += 4 * 61) out.push(d[i], d[i + 1], d[i + 2]);
    return out;
  });
}

/** Share of sampled canvas pixels that are clearly coloured (the overlay), not grey (the echo). */
async function colouredShare(page: Page): Promise<number> {
  const px = await canvasPixels(page);
  let coloured = 0;
  for (let i = 0; i < px.length; i += 3) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 40) coloured++;
  return coloured / (px.length / 3);
}

async function importFolder(page: Page, path: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Dataset folder to import' });
  await field.click();
  await field.fill('');
  await page.keyboard.type(path);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('status', { name: 'Import result' })).toBeVisible({ timeout: 60_000 });
}

test.describe.serial('catalog through serve', () => {
  test.skip(!hasFfmpeg, SKIP);
  const dir = mkdtempSync(join(tmpdir(), 'cardiosynth-e2e-catalog-'));
  const camus = join(dir, 'CAMUS_public');
  const echonet = join(dir, 'EchoNet-Dynamic');
  let views: PhantomView[] = [];

  test.beforeAll(() => {
    if (!hasFfmpeg) return;
    views = buildPhantomCamusTree(camus);
    // One unreadable cine and one malformed cfg line: reported per item, the rest imports.
    const cine = join(camus, 'database_nifti', 'patient0003', 'patient0003_4CH_half_sequence.nii.gz');
    writeFileSync(cine, readFileSync(cine).subarray(0, 500));
    const cfg = join(camus, 'database_nifti', 'patient0002', 'Info_2CH.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('Sex: M', 'Sex = M'));
    buildEchonetTree(echonet);
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.afterEach(async ({ watch }, testInfo) => {
    const problems = await watch.problems();
    if (problems.length) testInfo.annotations.push({ type: 'problems', description: problems.join('\n') });
    expect(problems, 'no CSP violations, console errors or uncaught exceptions').toEqual([]);
  });

  test('imports a CAMUS and an EchoNet tree and lists each malformed item', async ({ page, serve, watch: _watch }) => {
    await page.goto(serve.url);
    await waitForImage(page);
    await page.getByRole('tab', { name: 'Catalog' }).click();
    // A fresh data folder holds the demo dataset (imported at start): remove it, so what follows counts
    // exactly this test's trees. Its removal keeps its files and is remembered (first-minute.spec.ts).
    await page.getByText('Datasets (1)').click();
    await page.getByRole('button', { name: 'Remove phantom-camus from the catalog' }).click();
    await page.getByRole('button', { name: 'Remove from catalog (not imported again at start)' }).click();
    await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('0 of 0 studies');
    await importFolder(page, camus);
    const result = page.getByRole('status', { name: 'Import result' });
    await expect(result).toContainText('5 studies');
    const problems = result.getByRole('list', { name: 'Import problems' });
    await expect(problems.getByRole('listitem')).toHaveCount(3);
    await expect(problems).toContainText('patient0003_4CH_half_sequence.nii.gz: truncated gzip stream');
    await expect(problems).toContainText('patient0003 4CH not imported: 1 of its files cannot be read');
    await expect(problems).toContainText('line 4: "Sex = M" is not "Key: value"');
    await page.screenshot({ path: join(SHOTS, 'catalog-import-camus.png') });

    await importFolder(page, join(echonet, 'Videos'));
    await expect(result).toContainText('2 studies');
    await expect(result.getByRole('listitem')).toHaveCount(6);
    for (const text of ['0XMISSINGFIELD): missing EF; row skipped', 'line 85 (0XBBBB): missing X2', '0XUNKNOWN.avi is not listed in FileList.csv', '0XNOVIDEO.avi: missing: listed in', '0XCORRUPT.avi: not a readable AVI', '0XBBBB.avi frame 3 has 20 rows']) {
      await expect(result).toContainText(text);
    }
    await page.screenshot({ path: join(SHOTS, 'catalog-import-echonet.png') });
    await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('7 of 7 studies');
    // The datasets stay listed with their problem counts after the result is dismissed.
    await page.getByRole('button', { name: 'Dismiss import result' }).click();
    await page.getByText('Datasets (2)').click();
    await expect(page.getByRole('list', { name: 'Imported datasets' })).toContainText('5 studies');
    await expect(page.getByRole('list', { name: 'Imported datasets' })).toContainText('5 not imported, 1 warnings');
  });

  test('filters by EF and view, opens a CAMUS cine, toggles the overlay and jumps to ES and ED', async ({ page, serve, watch: _watch }) => {
    await page.goto(serve.url);
    await waitForImage(page);
    await page.getByRole('tab', { name: 'Catalog' }).click();
    const list = page.getByRole('listbox', { name: 'Catalog studies' });
    await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('7 of 7 studies');
    await page.getByRole('combobox', { name: 'View' }).selectOption('2CH');
    await page.getByRole('spinbutton', { name: 'EF minimum' }).click();
    await page.keyboard.type('45');
    await page.getByRole('spinbutton', { name: 'EF maximum' }).click();
    await page.keyboard.type('65');
    await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('2 of 7 studies');
    await expect(list.getByRole('option')).toHaveText([/patient0001\s*2CH/, /patient0003\s*2CH/]);
    await page.getByRole('combobox', { name: 'View' }).selectOption('4CH');
    await expect(list.getByRole('option')).toHaveText([/patient0001\s*4CH/]);
    await page.screenshot({ path: join(SHOTS, 'catalog-filtered.png') });
    // The filters outlive a trip to another tab.
    await page.getByRole('tab', { name: 'Studies' }).click();
    await page.getByRole('tab', { name: 'Catalog' }).click();
    await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText('1 of 7 studies');
    await expect(page.getByRole('spinbutton', { name: 'EF minimum' })).toHaveValue('45');

    const v = views.find((x) => x.patient === 'patient0001' && x.view === '4CH')!;
    await list.getByRole('option', { name: 'patient0001 4CH' }).click();
    await expect.poll(async () => (await hook(page)).state.instanceId).toBe('camus:patient0001:4CH');
    const s = (await hook(page)).state;
    expect(s).toMatchObject({ source: 'catalog', frames: v.frames, frameRateHz: v.fps, frameRateSource: 'camus-cfg', edFrame: v.ed! - 1, esFrame: v.es! - 1, frame: 0 });
    await expect(page.getByLabel('Frame rate')).toContainText('from the CAMUS cfg FrameRate');
    await page.getByRole('tab', { name: 'Ground truth' }).click();
    // The ED ground truth is drawn over frame 0 (ED).
    await expect.poll(async () => (await hook(page)).overlay.status.source).toBe('gt');
    expect((await hook(page)).overlay.status.values).toEqual([0, 1, 2, 3]);
    await expect.poll(() => colouredShare(page)).toBeGreaterThan(0.05);
    await page.screenshot({ path: join(SHOTS, 'catalog-camus-ed-overlay.png') });

    // Toggle it off with the toolbar button, then on again with Shift+O.
    const toggle = page.getByRole('button', { name: 'Ground-truth overlay' });
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect.poll(async () => (await hook(page)).overlay.status.source).toBeNull();
    await expect.poll(() => colouredShare(page)).toBeLessThan(0.01);
    await page.locator('body').press('Shift+O');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => colouredShare(page)).toBeGreaterThan(0.05);

    // Outline mode draws far fewer coloured pixels than filled.
    const filled = await colouredShare(page);
    await page.getByRole('radio', { name: 'Outline' }).click();
    await expect.poll(() => colouredShare(page)).toBeLessThan(filled / 2);
    await page.screenshot({ path: join(SHOTS, 'catalog-camus-outline.png') });
    await page.getByRole('radio', { name: 'Filled' }).click();

    // Jump to ES by key, back to ED by button; the overlay follows with each phase's ground truth.
    await page.locator('body').press('Shift+S');
    await expect.poll(async () => (await hook(page)).state.frame).toBe(v.es! - 1);
    await expect.poll(async () => (await hook(page)).overlay.status).toMatchObject({ frame: v.es! - 1, source: 'gt' });
    await expect(page.getByRole('button', { name: /Go to end-systole/ })).toHaveAttribute('aria-pressed', 'true');
    await page.screenshot({ path: join(SHOTS, 'catalog-camus-es.png') });
    await page.getByRole('button', { name: /Go to end-diastole/ }).click();
    await expect.poll(async () => (await hook(page)).state.frame).toBe(0);
    // Between ED and ES the labelled cine (half_sequence_gt) is drawn.
    await page.locator('body').press('ArrowRight');
    await expect.poll(async () => (await hook(page)).overlay.status).toMatchObject({ frame: 1, source: 'sequence-gt' });

    // The study's clinical fields.
    await page.getByRole('tab', { name: 'Study' }).click();
    const details = page.getByLabel('Study details');
    await expect(details).toContainText('camus:patient0001:4CH');
    await expect(details).toContainText(`${v.ef}%`);
    await expect(details).toContainText('Splittrain');

    // It plays at the cfg rate.
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: 'Pause' }).click();
    const log = await page.evaluate(() => (globalThis as unknown as { __cardiosynth: { cineLog(): { frame: number; t: number }[] } }).__cardiosynth.cineLog());
    expect(log.length).toBeGreaterThan(10);
    const period = (log[log.length - 1].t - log[0].t) / (log.length - 1);
    expect(1000 / period).toBeGreaterThan(v.fps * 0.8);
    expect(1000 / period).toBeLessThan(v.fps * 1.2);
  });

  test('opens an EchoNet video with its tracing lines and LV cavity mask on the traced frames', async ({ page, serve, watch: _watch }) => {
    await page.goto(serve.url);
    await waitForImage(page);
    await page.getByRole('tab', { name: 'Catalog' }).click();
    await page.getByRole('combobox', { name: 'View' }).selectOption('A4C');
    await page.getByRole('listbox', { name: 'Catalog studies' }).getByRole('option', { name: '0XAAAA A4C' }).click();
    await expect.poll(async () => (await hook(page)).state).toMatchObject({ instanceId: 'echonet:0XAAAA', frames: 6, frameRateHz: 50, frameRateSource: 'avi-header', edFrame: 1, esFrame: 4 });
    await page.locator('body').press('Shift+E');
    await expect.poll(async () => (await hook(page)).overlay.status).toMatchObject({ frame: 1, source: 'tracing', values: [0, 1], tracing: true });
    await page.locator('body').press('Shift+S');
    await expect.poll(async () => (await hook(page)).overlay.status).toMatchObject({ frame: 4, source: 'tracing', tracing: true });
    await page.screenshot({ path: join(SHOTS, 'catalog-echonet-es-tracing.png') });
    await page.locator('body').press('ArrowLeft');
    await expect.poll(async () => (await hook(page)).overlay.status).toMatchObject({ frame: 3, source: null, tracing: false });
  });
});

test.describe('catalog list at scale', () => {
  test.skip(!hasFfmpeg, SKIP);

  test('keeps a few dozen rows in the DOM for 1,500 studies and scrolls to the last', async ({ page, serve, watch }) => {
    const root = mkdtempSync(join(tmpdir(), 'cardiosynth-e2e-many-'));
    try {
      mkdirSync(join(root, 'Videos'));
      const proto = join(root, 'proto.avi');
      writeMjpegAvi(proto, greyFrames(3, 2), 40);
      const list = ['FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split'];
      const traces = ['FileName,X1,Y1,X2,Y2,Frame'];
      for (let i = 0; i < 1500; i++) {
        const name = `0XM${String(i).padStart(5, '0')}`;
        linkSync(proto, join(root, 'Videos', `${name}.avi`));
        list.push(`${name},${20 + (i % 60)},20,50,112,112,40,3,TRAIN`);
        traces.push(...rectTrace(name, 2, 50, 60, 30, 2), ...rectTrace(name, 0, 40, 70, 30, 3));
      }
      writeFileSync(join(root, 'FileList.csv'), list.join('\n') + '\n');
      writeFileSync(join(root, 'VolumeTracings.csv'), traces.join('\n') + '\n');
      await page.goto(serve.url);
      await waitForImage(page);
      await page.getByRole('tab', { name: 'Catalog' }).click();
      await importFolder(page, root);
      await expect(page.getByRole('status', { name: 'Import result' })).toContainText('1500 studies');
      await page.getByRole('searchbox', { name: 'Search studies' }).click();
      await page.keyboard.type('0XM');
      await expect(page.getByRole('status', { name: 'Matching studies' })).toHaveText(/^1500 of \d+ studies$/);
      const listbox = page.getByRole('listbox', { name: 'Catalog studies' });
      await expect(listbox.getByRole('option').first()).toHaveAccessibleName('0XM00000 A4C');
      expect(await listbox.getByRole('option').count()).toBeLessThan(60);
      // Keyboard: End goes to the last study, Enter opens it.
      await listbox.focus();
      await page.keyboard.press('End');
      await expect(listbox.getByRole('option', { name: '0XM01499 A4C' })).toBeVisible();
      expect(await listbox.getByRole('option').count()).toBeLessThan(60);
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await hook(page)).state.instanceId).toBe('echonet:0XM01499');
      await page.screenshot({ path: join(SHOTS, 'catalog-1500.png') });
      expect(await watch.problems()).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
