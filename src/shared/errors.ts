/**
 * Errors cross every boundary (IPC, WebSocket, CLI JSON) as data: a `kind` a program can switch on and a
 * `message` a person can act on. Messages name the file and the problem.
 */
export const ERROR_KINDS = [
  'invalid-argument', // a contract argument failed validation
  'unknown-method', // a channel/method that the contract does not have
  'not-found', // a file, instance, frame, pack or job that does not exist
  'unreadable', // the file exists but cannot be read (permissions, I/O error, symlink loop)
  'not-dicom', // not a DICOM Part 10 file and not a recognisable raw DICOM data set
  'malformed', // a file whose structure is broken (truncated, lying lengths, bad sequences, bad header)
  'no-pixel-data', // a valid DICOM object without pixel data (SR, RT plan...)
  'unsupported', // a valid file using a feature we do not decode (named in the message)
  'decode-failed', // the codec rejected the pixel data
  'invalid-pack', // a model pack that fails validation (the message names the file and the mismatch)
  'io', // writing failed: disk full, permission denied, read-only file system (the message says which)
  'conflict', // the request contradicts existing state (e.g. writing inside a source dataset)
  'cancelled', // the user cancelled the job
  'forbidden', // a request without the right token/origin/sender
  'internal', // a bug: the message says what was being done
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorData {
  kind: ErrorKind;
  message: string;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = 'AppError';
  }
  toData(): ErrorData {
    return { kind: this.kind, message: this.message };
  }
}

/** Turns anything thrown into error data without losing an AppError's kind. */
export function toErrorData(err: unknown): ErrorData {
  if (err instanceof AppError) return err.toData();
  if (err && typeof err === 'object' && 'kind' in err && 'message' in err) {
    const e = err as { kind: unknown; message: unknown };
    if (typeof e.kind === 'string' && typeof e.message === 'string') return { kind: e.kind as ErrorKind, message: e.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'internal', message };
}

/** The envelope every door returns: errors are values, never thrown across a boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };
