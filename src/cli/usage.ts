/**
 * Shared pieces of the CLI: commands, usage errors (exit 2), argument parsing and output that is safe to
 * pipe (stdout carries only the command's result; diagnostics go to stderr).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT_OK = 0;
/** Runtime failure that is not the input's fault (a port in use, a bug). */
export const EXIT_FAILED = 1;
/** Bad usage or bad input: unknown option, missing argument, unreadable or invalid file. */
export const EXIT_BAD_INPUT = 2;

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node:util parseArgs (strict, positionals allowed) with its errors turned into UsageError. */
export function parse<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '.') : String(e));
  }
}

/** A non-negative integer option, or a UsageError naming it. */
export function intOption(value: string | undefined, name: string, fallback?: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required.`);
    return fallback;
  }
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`--${name} must be an integer from 0 to ${max}, not "${value}".`);
  return Number(value);
}

/** Writes to stdout and resolves once the bytes are handed to the OS, so an exit afterwards loses nothing. */
export function out(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}
