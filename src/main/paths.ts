/**
 * Where things are, for every door. This file sits two levels below the repository root both as source
 * (src/main/paths.ts, run by the CLI) and when bundled (out/main/index.js, run by Electron), so the same
 * relative step finds the root in both.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const paths = {
  root: REPO_ROOT,
  resources: join(REPO_ROOT, 'resources'),
  rendererDir: join(REPO_ROOT, 'out', 'renderer'),
  rendererIndex: join(REPO_ROOT, 'out', 'renderer', 'index.html'),
  preload: join(REPO_ROOT, 'out', 'preload', 'index.cjs'),
};

/** The version in package.json (the CLI and serve have no Electron `app.getVersion()`). */
export function packageVersion(root: string = REPO_ROOT): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The user's data folder (the catalog, label drafts, generated results, caches). The CLI, `serve` and the
 * Electron app use the same folder, so a dataset imported from a terminal is in the app's catalog too.
 * CARDIOSYNTH_DATA_DIR overrides it (tests point it at a temporary folder).
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CARDIOSYNTH_DATA_DIR) return env.CARDIOSYNTH_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Cardiosynth');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Cardiosynth');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'cardiosynth');
}
