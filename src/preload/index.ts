/**
 * The sandboxed preload: exposes `window.api` with exactly one function per contract method and nothing
 * else. Each function sends its arguments on the method's own channel and unwraps main's {ok, value} /
 * {ok: false, error} envelope. Main validates every argument; nothing is checked or trusted here.
 *
 * Imports are limited to 'electron' and dependency-free shared code (channels.ts, bridge-error.ts), because a
 * sandboxed preload can require nothing else. `npm run build` output is checked for this by the e2e test.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { bridgeErrorMessage } from '../shared/bridge-error.ts';
import { channelOf, METHOD_NAMES, type MethodName } from '../shared/channels.ts';
import type { Api } from '../shared/contract.ts';
import type { ErrorData, Result } from '../shared/errors.ts';

function isResult(v: unknown): v is Result<unknown> {
  return !!v && typeof v === 'object' && typeof (v as { ok?: unknown }).ok === 'boolean';
}

/** contextBridge keeps only an Error's message across worlds, so the kind is also written into it. */
function toThrown(error: ErrorData): Error {
  const err = new Error(bridgeErrorMessage(error)) as Error & { kind: string };
  err.kind = error.kind;
  return err;
}

function invoker(method: MethodName) {
  const channel = channelOf(method);
  return async (args: unknown): Promise<unknown> => {
    const reply: unknown = await ipcRenderer.invoke(channel, args ?? {});
    if (!isResult(reply)) throw toThrown({ kind: 'internal', message: `${method}: main sent a malformed reply.` });
    if (reply.ok) return reply.value;
    throw toThrown(reply.error);
  };
}

const api = Object.fromEntries(METHOD_NAMES.map((m) => [m, invoker(m)])) as unknown as Api;

contextBridge.exposeInMainWorld('api', api);
