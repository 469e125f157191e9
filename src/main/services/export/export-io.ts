/**
 * Every byte an export writes goes through ExportIo, the one seam where tests inject a full disk or a
 * permission error, and through ItemWriter, which makes each file appear whole or not at all: bytes go to a
 * staging file inside the export's state folder (same file system, so the rename is atomic), are flushed,
 * and are renamed onto their final name. An item that fails part-way has the files it already placed
 * removed, so the export holds whole items only; its staging folder is removed when the run ends, and a new
 * run removes what a killed one left there.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { AppError } from '../../../shared/errors.ts';

export interface ExportIo {
  /** Creates or truncates `path`, writes `data`, flushes it to disk. */
  writeFile(path: string, data: Uint8Array): void;
  /** Appends `text` and flushes it (the journal). */
  appendFile(path: string, text: string): void;
  rename(from: string, to: string): void;
  mkdir(path: string): void;
  remove(path: string): void;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

export const nodeIo: ExportIo = {
  writeFile(path, data) {
    const fd = fs.openSync(path, 'w', 0o644);
    try {
      writeAll(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  appendFile(path, text) {
    const fd = fs.openSync(path, 'a', 0o644);
    try {
      writeAll(fd, Buffer.from(text, 'utf8'));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  rename: (from, to) => fs.renameSync(from, to),
  mkdir: (path) => void fs.mkdirSync(path, { recursive: true }),
  remove: (path) => fs.rmSync(path, { recursive: true, force: true }),
};

/** A write error as the person running the export should read it: which file, what went wrong, what to do. */
export function ioError(path: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'ENOSPC' ? 'the disk is full (ENOSPC)' :
    e.code === 'EDQUOT' ? 'the disk quota is exceeded (EDQUOT)' :
    e.code === 'EACCES' || e.code === 'EPERM' ? `permission denied (${e.code})` :
    e.code === 'EROFS' ? 'the file system is read-only (EROFS)' :
    e.code === 'ENOTDIR' ? 'a part of the path is a file, not a folder (ENOTDIR)' :
    e.code === 'EISDIR' ? 'a folder has that name (EISDIR)' :
    e.message ?? String(err);
  return new AppError('io', `${path}: cannot write: ${why}`);
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Checks a relative output path made by a layout: '/'-separated, every part a safe, portable file name. */
export function checkRelativePath(rel: string): string {
  const parts = rel.split('/');
  for (const p of parts) {
    if (!SEGMENT.test(p) || p.endsWith('.') || WINDOWS_RESERVED.test(p)) {
      throw new AppError('internal', `export layout made an unsafe path "${rel}" (part "${p}")`);
    }
  }
  return parts.join(sep);
}

/**
 * Any text as a portable file name: letters, digits, `.`, `_`, `-` kept, anything else `_`; no leading dot,
 * no Windows device names, at most `max` characters. Empty input gives `unnamed`.
 */
export function safeFileName(text: string, max = 100): string {
  let s = text.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/_+/g, '_');
  s = s.replace(/^[._]+/, '').replace(/[.]+$/, '').slice(0, max);
  if (!s) return 'unnamed';
  return WINDOWS_RESERVED.test(s) ? `_${s}`.slice(0, max) : s;
}

export interface FileRecord {
  /** Relative to the export root, '/'-separated. */
  path: string;
  bytes: number;
  sha256: string;
}

let stagingCounter = 0;

/** Places one item's files; `rollback` removes what it placed when the item cannot be completed. */
export class ItemWriter {
  readonly files: FileRecord[] = [];
  readonly root: string;
  private readonly staging: string;
  private readonly io: ExportIo;

  constructor(root: string, staging: string, io: ExportIo) {
    this.root = root;
    this.staging = staging;
    this.io = io;
  }

  write(rel: string, data: Uint8Array | string): void {
    const target = join(this.root, checkRelativePath(rel));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const tmp = join(this.staging, `${process.pid}-${++stagingCounter}.partial`);
    try {
      this.io.writeFile(tmp, bytes);
    } catch (err) {
      this.discard(tmp);
      throw ioError(target, err);
    }
    try {
      this.io.mkdir(dirname(target));
      this.io.rename(tmp, target);
    } catch (err) {
      this.discard(tmp);
      throw ioError(target, err);
    }
    this.files.push({ path: rel, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }

  /**
   * A new empty folder inside the staging folder, for a layout writer that writes files itself (the dataset
   * writers of services/layouts/): it writes there, and `place` moves each whole file into the export. A kill
   * mid-write leaves its temporary files in staging, which the next run removes, never among the export's files.
   */
  stagingFolder(): string {
    const dir = join(this.staging, `${process.pid}-${++stagingCounter}.item`);
    try {
      this.io.mkdir(dir);
    } catch (err) {
      throw ioError(dir, err);
    }
    return dir;
  }

  /** Moves `staged` (a whole file a writer made in a `stagingFolder()`) to `rel` in the export and records it. */
  place(rel: string, staged: string): void {
    const target = join(this.root, checkRelativePath(rel));
    const bytes = fs.readFileSync(staged);
    try {
      this.io.mkdir(dirname(target));
      this.io.rename(staged, target);
    } catch (err) {
      this.discard(staged);
      throw ioError(target, err);
    }
    this.files.push({ path: rel, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }

  rollback(): void {
    for (const f of this.files) this.discard(join(this.root, f.path));
    this.files.length = 0;
  }

  private discard(path: string): void {
    try {
      this.io.remove(path);
    } catch {
      // best effort: the staging folder is removed at the end of the run, and a resume overwrites targets
    }
  }
}

/** Writes a whole file atomically through `io` (index files, the plan): staging name, flush, rename. */
export function writeWhole(io: ExportIo, staging: string, target: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = join(staging, `${process.pid}-${++stagingCounter}.partial`);
  try {
    io.mkdir(staging);
    io.writeFile(tmp, bytes);
    io.mkdir(dirname(target));
    io.rename(tmp, target);
  } catch (err) {
    try {
      io.remove(tmp);
    } catch {
      // the staging folder goes at the end of the run
    }
    throw ioError(target, err);
  }
}
