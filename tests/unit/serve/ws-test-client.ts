/**
 * A test-side client for the serve door's WebSocket protocol, written against the protocol text
 * (src/shared/ws-protocol.ts) rather than the renderer's client, so the server is checked independently.
 */
import { WebSocket } from 'ws';
import { restoreBinaries } from '../../../src/shared/wire.ts';
import type { WsResponse } from '../../../src/shared/ws-protocol.ts';

export interface Reply {
  response: WsResponse;
  /** The value with typed arrays restored (ok replies). */
  value?: unknown;
}

export class TestWs {
  readonly ws: WebSocket;
  private readonly replies: Reply[] = [];
  private waiting: Array<() => void> = [];
  private assembling: { response: Extract<WsResponse, { ok: true }>; buffers: ArrayBuffer[] } | null = null;
  /** Protocol violations seen (a binary with no response awaiting it, or a text message mid-binaries). */
  readonly violations: string[] = [];
  private nextId = 1;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestWs> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new TestWs(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  private push(r: Reply): void {
    this.replies.push(r);
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      if (!this.assembling) {
        this.violations.push('binary without a pending response');
        return;
      }
      const copy = new Uint8Array(data.byteLength);
      copy.set(data);
      this.assembling.buffers.push(copy.buffer);
      if (this.assembling.buffers.length === this.assembling.response.binaries) {
        const a = this.assembling;
        this.assembling = null;
        this.push({ response: a.response, value: restoreBinaries(a.response.value, a.buffers) });
      }
      return;
    }
    if (this.assembling) this.violations.push('text message while binaries were pending');
    const response = JSON.parse(data.toString('utf8')) as WsResponse;
    if (response.ok && response.binaries > 0) this.assembling = { response, buffers: [] };
    else this.push({ response, value: response.ok ? response.value : undefined });
  }

  /** Sends raw data (for malformed-input tests). */
  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Waits for the reply with this id. */
  async reply(id: number, timeoutMs = 30_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.replies.find((r) => r.response.id === id);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no reply with id ${id}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiting.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async call(method: string, args: unknown): Promise<Reply> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, args }));
    return this.reply(id);
  }

  close(): void {
    this.ws.terminate();
  }
}
