/**
 * Fixtures for browser e2e tests through the `serve` door: builds the renderer once when out/renderer is
 * missing or older than its sources, starts `bin/cardiosynth serve --port 0 --json` per worker, and watches
 * each page for CSP violations, console errors and uncaught exceptions.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PageGlobals } from './page-globals.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
const BUILT = join(ROOT, 'out/renderer/index.html');
const SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Runs `electron-vite build` when the built renderer is missing or older than any of its sources. */
export function ensureRendererBuilt(): void {
  const sourcesTime = Math.max(...SOURCES.map((s) => join(ROOT, s)).filter(existsSync).map(newestMtime));
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= sourcesTime) return;
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`electron-vite build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export interface ServeInfo {
  url: string;
  port: number;
  token: string;
}

/**
 * Starts the serve door and resolves with the JSON line it prints. Its user data folder (catalog, drafts,
 * results) is a fresh temporary folder unless `dataDir` names one (a test that restarts the server keeps it).
 */
export function startServe(dataDir: string = mkdtempSync(join(tmpdir(), 'cardiosynth-e2e-data-'))): Promise<{ info: ServeInfo; child: ChildProcess; stderr: () => string; dataDir: string }> {
  const env = { ...process.env, CARDIOSYNTH_DATA_DIR: dataDir };
  const child = spawn(join(ROOT, 'bin/cardiosynth'), ['serve', '--port', '0', '--json'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no URL within 60 s. stderr:\n${err}`));
    }, 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        const info = JSON.parse(out.slice(0, nl)) as ServeInfo;
        resolvePromise({ info, child, stderr: () => err, dataDir });
      } catch {
        child.kill('SIGKILL');
        reject(new Error(`serve's first line is not JSON: ${out.slice(0, nl)}\nstderr:\n${err}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL. stderr:\n${err}`));
    });
  });
}

export interface PageWatch {
  /** Problems seen so far: CSP violations, console errors, uncaught exceptions. */
  problems(): Promise<string[]>;
}

export const test = base.extend<{ watch: PageWatch }, { serve: ServeInfo }>({
  serve: [
    async ({}, use) => {
      ensureRendererBuilt();
      const { info, child } = await startServe();
      await use(info);
      child.kill('SIGTERM');
      await new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        const t = setTimeout(() => (child.kill('SIGKILL'), r()), 5_000);
        child.once('exit', () => (clearTimeout(t), r()));
      });
    },
    { scope: 'worker', timeout: 360_000 },
  ],
  watch: async ({ page }, use) => {
    const seen: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') seen.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => seen.push(`uncaught: ${e.message}`));
    // Registered before any page script runs, so violations during startup are caught too.
    await page.addInitScript(() => {
      const g = globalThis as unknown as PageGlobals;
      const list: string[] = [];
      g.__cspViolations = list;
      g.document.addEventListener('securitypolicyviolation', (e) => {
        list.push(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    await use({
      async problems() {
        const csp = await page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations ?? []).catch(() => []);
        return [...csp, ...seen];
      },
    });
  },
});

export { expect };

/**
 * Waits until the viewer shows an image: its instance id is set and its first frame has been drawn (the
 * viewport has a window), so pointer input lands on an image even on a slow, loaded machine.
 */
export async function waitForImage(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).__cardiosynth?.state().instanceId ?? null)).not.toBeNull();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).__cardiosynth?.state().windowWidth ?? 0)).toBeGreaterThan(0);
}

/** The embedded DICOM default study (256 x 256, 40 frames of a phantom heart at 40 Hz). */
export const DEFAULT_STUDY = join(ROOT, 'resources', 'default-study', 'phantom-a4c.dcm');

/**
 * Opens the embedded DICOM default study through the Open bar, as a user would, and waits until its first
 * frame is on screen. (A start with nothing open shows the demo catalog study, not this file.)
 */
export async function openDefaultStudy(page: Page): Promise<void> {
  await waitForImage(page);
  await page.getByRole('textbox', { name: 'Path to open' }).fill(DEFAULT_STUDY);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByRole('option', { selected: true }).getByRole('button', { name: 'Open phantom-a4c.dcm' })).toBeVisible();
  const shown = () => page.evaluate(() => {
    const s = (globalThis as unknown as { __cardiosynth?: { state(): { source: string | null; frames: number; windowWidth: number } } }).__cardiosynth?.state();
    return s ? `${s.source} ${s.frames} ${s.windowWidth > 0}` : null;
  });
  await expect.poll(shown).toBe('dicom 40 true');
}
