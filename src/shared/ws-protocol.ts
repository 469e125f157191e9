/**
 * The `serve` door's WebSocket protocol (ws://127.0.0.1:PORT/ws?token=TOKEN).
 *
 * Client -> server: one text message per call, {@link WsRequest}.
 * Server -> client: one text message {@link WsResponse}; when `binaries` > 0 it is followed immediately by
 * exactly that many binary messages, in order, holding the typed arrays that `value`'s placeholders
 * ({"$typed": "Uint16Array", "$index": i}) refer to (see wire.ts). A response's binaries are never
 * interleaved with another message.
 * Server -> client events (job progress, later): {@link WsEvent}.
 */
import type { ErrorData } from './errors.ts';

export interface WsRequest {
  id: number;
  method: string;
  args: unknown;
}

export type WsResponse =
  | { id: number; ok: true; value: unknown; binaries: number }
  | { id: number; ok: false; error: ErrorData };

export interface WsEvent {
  event: string;
  data: unknown;
}

/** Query parameter and cookie that carry the serve token. */
export const TOKEN_PARAM = 'token';
export const TOKEN_COOKIE = 'cardiosynth_token';
