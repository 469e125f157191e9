/**
 * Where things are, for every door. This file sits two levels below the repository root both as source
 * (src/main/paths.ts, run by the CLI) and when bundled (out/main/index.js, run by Electron), so the same
 * relative step finds the root in both.
 */
import { readFileSync } from 'node:fs';
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
