/**
 * Serves the built renderer (out/renderer) read-only: GET/HEAD, known content types, no path outside the
 * folder (neither by `..` nor by a symlink), no directory listings.
 */
import { realpathSync, promises as fs } from 'node:fs';
import { extname, join, sep } from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 404 };

/** Maps a URL path to a file inside `root` (already real-pathed), or says why not. */
export async function resolveStatic(root: string, pathname: string): Promise<Resolved> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return { ok: false, status: 400 };
  const candidate = parts.length === 0 ? join(root, 'index.html') : join(root, ...parts);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return { ok: false, status: 404 };
  }
  if (real !== root && !real.startsWith(root + sep)) return { ok: false, status: 404 };
  try {
    const st = await fs.stat(real);
    if (!st.isFile()) return { ok: false, status: 404 };
  } catch {
    return { ok: false, status: 404 };
  }
  return { ok: true, file: real };
}

/** Content-hashed build assets never change; everything else (index.html above all) is revalidated. */
export function cacheControlOf(pathname: string): string {
  return pathname.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-store';
}

export async function sendFile(res: ServerResponse, file: string, pathname: string, head: boolean, headers: Record<string, string>): Promise<void> {
  const body = await fs.readFile(file);
  res.writeHead(200, {
    ...headers,
    'Content-Type': contentTypeOf(file),
    'Content-Length': String(body.length),
    'Cache-Control': cacheControlOf(pathname),
  });
  res.end(head ? undefined : body);
}
