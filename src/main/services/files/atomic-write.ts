/**
 * Writes a file so that readers see either the old content or the complete new one, never a half-written
 * file: the bytes go to a temporary name in the same folder, are flushed to disk, and are renamed over the
 * target (rename is atomic within one file system). A failure removes the temporary file and names the path.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';

let counter = 0;

/** A temporary name beside `path`, unique to this process and call, recognisable by its `.partial` suffix. */
export function partialPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${++counter}.partial`);
}

/** Atomically replaces `path` with `data`. Creates missing parent folders. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = partialPathFor(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w', 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOSPC' ? 'the disk is full' :
      e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' :
      e.code === 'EROFS' ? 'the file system is read-only' :
      e.message;
    throw new AppError('io', `${path}: cannot write: ${why}`);
  }
}
