/**
 * One WebSocket connection speaking src/shared/ws-protocol.ts. Every call goes through `dispatch`, so errors
 * are values; a message we cannot parse gets an error response (id -1 when it has no usable id) and the
 * connection, and the server, carry on.
 */
import type { RawData, WebSocket } from 'ws';
import type { ApiHandlers } from '../../shared/contract.ts';
import type { ErrorData } from '../../shared/errors.ts';
import { extractBinaries } from '../../shared/wire.ts';
import type { WsResponse } from '../../shared/ws-protocol.ts';
import { dispatch } from '../dispatch.ts';

/** Calls one client may have running at once; more are refused rather than queued without bound. */
export const MAX_IN_FLIGHT = 64;

function sendError(ws: WebSocket, id: number, error: ErrorData): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(JSON.stringify({ id, ok: false, error } satisfies WsResponse));
}

function parseRequest(data: RawData, isBinary: boolean): { id: number; method: unknown; args: unknown } | { id: number; error: ErrorData } {
  if (isBinary) return { id: -1, error: { kind: 'invalid-argument', message: 'Requests must be text (JSON) messages, not binary.' } };
  let msg: unknown;
  try {
    msg = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
  } catch {
    return { id: -1, error: { kind: 'invalid-argument', message: 'Request is not valid JSON.' } };
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
    return { id: -1, error: { kind: 'invalid-argument', message: 'Request must be a JSON object {id, method, args}.' } };
  }
  const m = msg as Record<string, unknown>;
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id) || m.id < 0) {
    return { id: -1, error: { kind: 'invalid-argument', message: 'Request id must be a non-negative integer.' } };
  }
  return { id: m.id, method: m.method, args: m.args };
}

export function attachSession(ws: WebSocket, handlers: ApiHandlers): void {
  let inFlight = 0;
  ws.on('message', (data, isBinary) => {
    const req = parseRequest(data, isBinary);
    if ('error' in req) return sendError(ws, req.id, req.error);
    if (inFlight >= MAX_IN_FLIGHT) {
      return sendError(ws, req.id, { kind: 'unsupported', message: `Too many calls in flight (limit ${MAX_IN_FLIGHT}); wait for replies.` });
    }
    inFlight++;
    void dispatch(handlers, req.method, req.args)
      .then((result) => {
        if (ws.readyState !== ws.OPEN) return;
        if (!result.ok) return sendError(ws, req.id, result.error);
        const { json, binaries } = extractBinaries(result.value);
        // Header and binaries are queued in one synchronous run, so no other reply can come between them.
        ws.send(JSON.stringify({ id: req.id, ok: true, value: json, binaries: binaries.length } satisfies WsResponse));
        for (const b of binaries) ws.send(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { binary: true });
      })
      .catch((err: unknown) => sendError(ws, req.id, { kind: 'internal', message: `Could not send the reply: ${err instanceof Error ? err.message : String(err)}` }))
      .finally(() => {
        inFlight--;
      });
  });
  // A socket error (bad frame, oversized message) closes this connection only.
  ws.on('error', () => ws.terminate());
}
