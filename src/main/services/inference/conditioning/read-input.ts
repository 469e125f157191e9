/** Reads a conditioning input (label map or init image) whole, with its sha256 for provenance. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../../../../shared/errors.ts';

export async function readInputFile(path: string): Promise<{ bytes: Buffer; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError(code === 'ENOENT' ? 'not-found' : 'unreadable', `${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
