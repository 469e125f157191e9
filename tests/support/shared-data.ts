/**
 * Where the third-party sample data lives: ../shared/data beside the checkout (see its SOURCES.md). Tests that
 * need it skip with a message naming this path when it is absent. CARDIOSYNTH_SHARED_DATA overrides it, and
 * /work/shared/data (this workplace's fixed location) is tried last so a clone elsewhere still finds it.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

function locate(): string {
  const candidates = [process.env.CARDIOSYNTH_SHARED_DATA, resolve(REPO_ROOT, '../shared/data'), '/work/shared/data'];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return resolve(REPO_ROOT, '../shared/data');
}

/** The sample data folder (may not exist; check with existsSync or `haveSharedData`). */
export const SHARED_DATA = locate();
export const haveSharedData = existsSync(SHARED_DATA);

/** A path inside the sample data folder. */
export const sharedFile = (...parts: string[]): string => join(SHARED_DATA, ...parts);
