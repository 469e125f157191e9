/**
 * A pack's identity for provenance: SHA-256 over the manifest and every file the engine loads, in sorted
 * order of their paths relative to the pack (with "/"), each contributing `path`, a NUL byte, then its bytes
 * (docs/model-pack.md). Hashing a multi-gigabyte pack takes seconds, so results are remembered per file list
 * and each file's size and modification time.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';

const cache = new Map<string, { sha256: string; sizeBytes: number }>();

export async function packHash(dir: string, files: string[]): Promise<{ sha256: string; sizeBytes: number }> {
  const entries = await Promise.all(
    files.map(async (path) => {
      const st = await stat(path);
      return { path, rel: relative(dir, path).split(sep).join('/'), size: st.size, mtime: st.mtimeMs };
    }),
  );
  entries.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const key = entries.map((e) => `${e.path}\0${e.size}\0${e.mtime}`).join('\n');
  const hit = cache.get(key);
  if (hit) return hit;
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for (const e of entries) {
    hash.update(e.rel, 'utf8').update(Buffer.from([0]));
    for await (const chunk of createReadStream(e.path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    sizeBytes += e.size;
  }
  const out = { sha256: hash.digest('hex'), sizeBytes };
  cache.set(key, out);
  return out;
}
