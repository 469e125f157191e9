#!/usr/bin/env node
// `npm start`: build when out/ is missing or older than the sources, then open the Electron app; where
// Electron cannot start (no binary, no display), say why and serve the same UI to a browser instead.
//   npm start                 desktop app, or serve as a fallback
//   npm start -- --serve      always serve (extra arguments go to `cardiosynth serve`, e.g. --port 8080)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['src', 'electron.vite.config.ts', 'package.json'];

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = st.mtimeMs;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

function buildIfStale() {
  const src = Math.max(...SOURCES.map((p) => join(ROOT, p)).filter(existsSync).map(newest));
  const outs = OUTPUTS.map((p) => join(ROOT, p));
  const stale = outs.find((p) => !existsSync(p) || statSync(p).mtimeMs < src);
  if (!stale) return;
  console.error(`cardiosynth: building (${existsSync(stale) ? 'sources changed' : `${stale} is missing`})...`);
  const bin = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const r = spawnSync(bin, ['build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`cardiosynth: the build failed (${r.error ? r.error.message : `exit ${r.status}`}). Did 'npm install' finish?`);
    process.exit(1);
  }
}

function executableIn(dist) {
  if (process.platform === 'win32') return join(dist, 'electron.exe');
  if (process.platform === 'darwin') return join(dist, 'Electron.app', 'Contents', 'MacOS', 'Electron');
  return join(dist, 'electron');
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** The installed Electron executable, or null. Electron 42+ ships no binary in the npm tarball and runs no
 * postinstall: the binary is fetched on first use (node_modules/electron/install.js). */
function installedElectron(pkg) {
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const exe = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

/** Fetches the Electron binary once, as the electron package itself would on first use. Fails fast offline. */
function fetchElectron(pkg) {
  console.error('cardiosynth: the Electron binary is not installed yet; fetching it once (node_modules/electron/install.js)...');
  const r = spawnSync(process.execPath, [join(pkg, 'install.js')], { stdio: 'inherit', timeout: 10 * 60 * 1000 });
  return r.status === 0;
}

/** { path } of a runnable Electron, or { reason } it cannot start here. */
function findElectron() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let exe = null;
  if (override) {
    exe = executableIn(override);
    if (!existsSync(exe)) return { reason: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${exe} does not exist` };
  } else {
    if (!hasDisplay()) return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
    const pkg = join(ROOT, 'node_modules', 'electron');
    exe = installedElectron(pkg) ?? (fetchElectron(pkg) ? installedElectron(pkg) : null);
    if (!exe) {
      return {
        reason:
          'the Electron binary is not installed and could not be fetched (the electron npm package downloads it ' +
          'from GitHub on first use, which this machine cannot reach). ELECTRON_OVERRIDE_DIST_PATH can point at an ' +
          'unpacked Electron',
      };
    }
  }
  if (!hasDisplay()) return { reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  return { path: exe };
}

function run(command, args) {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (err) => {
    console.error(`cardiosynth: could not run ${command}: ${err.message}`);
    process.exit(1);
  });
}

const args = process.argv.slice(2);
const forceServe = args.includes('--serve');
const serveArgs = args.filter((a) => a !== '--serve');

buildIfStale();
const electron = forceServe ? { reason: 'you asked for --serve' } : findElectron();
if ('path' in electron) {
  // Chromium refuses to run as root with its OS sandbox; as root only, it is turned off, and we say so.
  const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
  if (asRoot) console.error('cardiosynth: running as root: Electron needs --no-sandbox, which disables the OS-level renderer sandbox.');
  const extra = asRoot ? ['--no-sandbox'] : [];
  run(electron.path, [...extra, ROOT]);
} else {
  if (!forceServe) {
    console.error(`cardiosynth: the desktop app cannot start on this machine: ${electron.reason}.`);
    console.error('cardiosynth: serving the same UI to a browser instead. Open the URL below (on this machine, or through an SSH tunnel).');
  }
  run(join(ROOT, 'bin', 'cardiosynth'), ['serve', ...serveArgs]);
}
