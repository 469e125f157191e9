/**
 * The `serve` door's client: implements the whole contract over one WebSocket (src/shared/ws-protocol.ts).
 * Requests carry ids; a response with `binaries: n` is followed by n binary messages that fill its typed-array
 * placeholders (src/shared/wire.ts). Errors arrive as data and are thrown as AppError, keeping their `kind`.
 */
import type { Api, ApiArgs, ApiResults, Method } from '../../../shared/contract.ts';
import { AppError } from '../../../shared/errors.ts';
import { restoreBinaries } from '../../../shared/wire.ts';
import { TOKEN_PARAM, type WsEvent, type WsRequest, type WsResponse } from '../../../shared/ws-protocol.ts';
import { METHOD_NAMES } from '../../../shared/channels.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';
export interface ConnectionStatus {
  state: ConnectionState;
  message: string;
}

interface Pending {
  method: Method;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** A response whose binaries are still arriving. */
interface Assembling {
  response: Extract<WsResponse, { ok: true }>;
  buffers: ArrayBuffer[];
}

/** Builds ws://host/ws?token=... from the page's own location (the token came in the page URL). */
export function wsUrlFromLocation(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(loc.search).get(TOKEN_PARAM);
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
  return `${scheme}://${loc.host}/ws${query}`;
}

export class WsClient {
  readonly api: Api;
  private readonly url: string;
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private assembling: Assembling | null = null;
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();
  private readonly eventListeners = new Set<(e: WsEvent) => void>();
  private status: ConnectionStatus = { state: 'connecting', message: 'Connecting to the Cardiosynth server…' };
  private retryMs = 500;

  constructor(url: string) {
    this.url = url;
    const api: Partial<Record<Method, (args: unknown) => Promise<unknown>>> = {};
    for (const m of METHOD_NAMES) api[m] = (args: unknown) => this.call(m, args as ApiArgs<typeof m>);
    this.api = api as Api;
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onEvent(listener: (e: WsEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  async call<M extends Method>(method: M, args: ApiArgs<M>): Promise<ApiResults[M]> {
    const socket = await this.connect();
    const id = this.nextId++;
    const request: WsRequest = { id, method, args: args ?? {} };
    return new Promise<ApiResults[M]>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      socket.send(JSON.stringify(request));
    });
  }

  private setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  private connect(): Promise<WebSocket> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    if (this.opening) return this.opening;
    this.opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(this.url);
      ws.binaryType = 'arraybuffer';
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.socket = ws;
        this.opening = null;
        this.retryMs = 500;
        this.setStatus({ state: 'open', message: 'Connected' });
        resolve(ws);
      };
      ws.onmessage = (ev: MessageEvent) => this.onMessage(ev.data as string | ArrayBuffer);
      ws.onclose = (ev: CloseEvent) => {
        this.socket = null;
        this.opening = null;
        this.assembling = null;
        const why = ev.reason ? `: ${ev.reason}` : ev.code === 1008 ? ': the token was refused' : '';
        const message = opened
          ? `Connection to the Cardiosynth server closed (code ${ev.code}${why}). Reconnecting…`
          : `Cannot reach the Cardiosynth server at ${this.url.replace(/token=[^&]*/, 'token=…')} (code ${ev.code}${why}). Retrying…`;
        this.failPending(new AppError('internal', message));
        this.setStatus({ state: 'closed', message });
        if (!opened) reject(new AppError('internal', message));
        // Reconnect in the background so the next call finds an open socket; back off to 10 s.
        const delay = this.retryMs;
        this.retryMs = Math.min(this.retryMs * 2, 10_000);
        setTimeout(() => {
          if (!this.socket && !this.opening) this.connect().catch(() => undefined);
        }, delay);
      };
    });
    return this.opening;
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private onMessage(data: string | ArrayBuffer): void {
    if (typeof data !== 'string') {
      const a = this.assembling;
      if (!a) return; // a stray binary: the protocol never sends one outside a response
      a.buffers.push(data);
      if (a.buffers.length === a.response.binaries) {
        this.assembling = null;
        this.settle(a.response, a.buffers);
      }
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (msg && typeof msg === 'object' && 'event' in msg) {
      for (const l of this.eventListeners) l(msg as WsEvent);
      return;
    }
    const res = msg as WsResponse;
    if (res.ok && res.binaries > 0) {
      this.assembling = { response: res, buffers: [] };
      return;
    }
    this.settle(res, []);
  }

  private settle(res: WsResponse, buffers: ArrayBuffer[]): void {
    const p = this.pending.get(res.id);
    if (!p) return;
    this.pending.delete(res.id);
    if (!res.ok) {
      p.reject(new AppError(res.error.kind, res.error.message));
      return;
    }
    try {
      p.resolve(buffers.length ? restoreBinaries(res.value, buffers) : res.value);
    } catch (err) {
      p.reject(new AppError('internal', `${p.method}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
}
