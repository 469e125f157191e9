/**
 * Errors thrown by `window.api` carry a `kind`. Electron's contextBridge copies only an Error's message
 * across worlds (custom properties are dropped), so the preload also writes the kind into the message as
 * `[kind] message`. Renderer code reads both through {@link errorDataOf}, whichever door it is behind.
 */
import { ERROR_KINDS, type ErrorData, type ErrorKind } from './errors.ts';


const PREFIXED = /^\[([a-z-]+)\] ([\s\S]*)$/;

/** The message an Error thrown through the bridge carries. */
export function bridgeErrorMessage(e: ErrorData): string {
  return `[${e.kind}] ${e.message}`;
}

function isKind(k: unknown): k is ErrorKind {
  return typeof k === 'string' && (ERROR_KINDS as readonly string[]).includes(k);
}

/** Recovers {kind, message} from whatever `window.api` threw (bridge Error, an Error with `kind`, or other). */
export function errorDataOf(err: unknown): ErrorData {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err);
  const m = PREFIXED.exec(raw);
  if (m && isKind(m[1])) return { kind: m[1], message: m[2] };
  const k = err && typeof err === 'object' ? (err as { kind?: unknown }).kind : undefined;
  return { kind: isKind(k) ? k : 'internal', message: raw };
}
