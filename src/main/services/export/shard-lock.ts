/**
 * One process per shard: a second `export` of the same shard into the same folder would clear the first
 * one's staging files and interleave journal lines. The lock is a file created exclusively, holding the
 * owner's host and pid; a lock whose process is gone from this host is stale and taken over (a killed run
 * must be resumable without manual steps). A lock from another host cannot be checked and is reported.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { ExportIo } from './export-io.ts';
import { ioError } from './export-io.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireShardLock(state: string, shard: { index: number; count: number }, io: ExportIo): { release(): void } {
  const path = join(state, `lock-${shard.index}-of-${shard.count}`);
  const me = { host: hostname(), pid: process.pid };
  try {
    io.mkdir(state);
  } catch (err) {
    throw ioError(state, err);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(path, err);
    }
    let owner: { host?: string; pid?: number } = {};
    try {
      owner = JSON.parse(readFileSync(path, 'utf8')) as typeof owner;
    } catch {
      // unreadable or being written: treat as stale after a retry
    }
    if (owner.host && owner.host !== me.host) {
      throw new AppError('conflict', `${path}: shard ${shard.index}/${shard.count} is locked by process ${owner.pid} on ${owner.host}; if that job is no longer running, remove the lock file and run again`);
    }
    if (owner.pid && owner.pid !== me.pid && alive(owner.pid)) {
      throw new AppError('conflict', `${path}: another export (process ${owner.pid}) is writing shard ${shard.index}/${shard.count} of this folder`);
    }
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new AppError('conflict', `${path}: cannot take the shard lock`);
}
