/** Turns a file-system error into an AppError that names the file and says what went wrong. */
import { AppError } from '../../../shared/errors.ts';

export function fileError(path: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ENOENT') return new AppError('not-found', `${path}: file not found`);
  if (code === 'EACCES' || code === 'EPERM') return new AppError('unreadable', `${path}: permission denied`);
  if (code === 'EISDIR') return new AppError('unreadable', `${path}: is a folder, not a file`);
  const msg = err instanceof Error ? err.message : String(err);
  return new AppError('unreadable', `${path}: cannot be read (${msg})`);
}
