/**
 * Where an export may write. Source datasets are never modified, so the output folder may not be inside a
 * source's dataset folder, nor contain one (a layout's folders could land among the source's files). Paths
 * are compared after resolving symlinks, so a link pointing into a dataset is caught too. The catalog's
 * dataset roots (issue 3) join the sources through `protectedRoots`.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { STATE_DIR } from './journal.ts';

/** The real path of `p`, resolving symlinks in the part that exists. */
export function realPathOf(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) break;
    tail.unshift(basename(head));
    head = up;
  }
  let real = head;
  try {
    real = realpathSync.native(head);
  } catch {
    // unreadable ancestor: compare the resolved path
  }
  return tail.length ? join(real, ...tail) : real;
}

const inside = (a: string, b: string): boolean => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);

/** Throws `conflict` when `out` is inside, or holds, any of `roots`. */
export function checkOutputLocation(out: string, roots: Array<{ path: string; what: string }>): void {
  const o = realPathOf(out);
  for (const r of roots) {
    const root = realPathOf(r.path);
    if (inside(o, root)) {
      throw new AppError('conflict', `${out}: is inside ${r.what} ${r.path}; an export never writes into a source dataset. Choose a folder outside it.`);
    }
    if (inside(root, o)) {
      throw new AppError('conflict', `${out}: contains ${r.what} ${r.path}; an export never writes around a source dataset. Choose a folder outside it.`);
    }
  }
}

/** True when `out` does not exist or holds nothing but an export's state folder. */
export function isFreshOutput(out: string): boolean {
  if (!existsSync(out)) return true;
  try {
    return readdirSync(out).every((n) => n === STATE_DIR);
  } catch (err) {
    throw new AppError('unreadable', `${out}: cannot list the output folder: ${(err as Error).message}`);
  }
}

/** The state folder of an export. */
export function stateDir(out: string): string {
  return join(out, STATE_DIR);
}
