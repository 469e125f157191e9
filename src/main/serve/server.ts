/**
 * The serve door: the built renderer over HTTP and the contract over a WebSocket at /ws, on 127.0.0.1 only,
 * behind a per-run random token. For headless GPU servers (reached through an SSH tunnel) and for the e2e
 * tests where Electron cannot run.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ApiHandlers } from '../../shared/contract.ts';
import { TOKEN_PARAM } from '../../shared/ws-protocol.ts';
import { checkRequest, newToken, tokenCookie, type Gate } from './auth.ts';
import { servePolicy } from './csp.ts';
import { resolveStatic, sendFile } from './static.ts';
import { attachSession } from './ws-session.ts';

export const HOST = '127.0.0.1';
export const WS_PATH = '/ws';
/** Largest request message. `studies.open` may carry 1000 paths of up to 4096 characters. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface ServeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer, normally out/renderer. */
  rendererDir: string;
  handlers: ApiHandlers;
}

export interface RunningServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  /** True when rendererDir holds a built index.html; otherwise pages answer 503 telling the user to build. */
  rendererBuilt: boolean;
  close(): Promise<void>;
}

export const NOT_BUILT_MESSAGE = 'The Cardiosynth UI has not been built yet: run `npm run build`, then restart serve.';

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

function refuseUpgrade(socket: Duplex, status: 400 | 403 | 404): void {
  const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function requestUrl(req: IncomingMessage): URL | null {
  try {
    // The base is fixed: the Host header is checked separately and never trusted to build URLs.
    return new URL(req.url ?? '/', `http://${HOST}`);
  } catch {
    return null;
  }
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = newToken();
  const gate: Gate = { port: 0, token };
  const rendererBuilt = existsSync(join(opts.rendererDir, 'index.html'));
  // When missing at start it is looked for again per request, so a later `npm run build` needs no restart.
  let indexHtml: string | null = rendererBuilt ? readFileSync(join(opts.rendererDir, 'index.html'), 'utf8') : null;

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (!url) return refuse(res, 400, 'Bad Request');
    const verdict = checkRequest(req, url, gate);
    if (!verdict.ok) return refuse(res, 403, 'Forbidden');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'Method Not Allowed');
    }
    if (indexHtml === null && existsSync(join(opts.rendererDir, 'index.html'))) {
      indexHtml = readFileSync(join(opts.rendererDir, 'index.html'), 'utf8');
    }
    if (indexHtml === null) return refuse(res, 503, NOT_BUILT_MESSAGE);
    const found = await resolveStatic(realpathSync(opts.rendererDir), url.pathname);
    if (!found.ok) return refuse(res, found.status, found.status === 400 ? 'Bad Request' : 'Not Found');
    const headers: Record<string, string> = {
      'Content-Security-Policy': servePolicy(indexHtml, gate.port),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (verdict.via === 'query') headers['Set-Cookie'] = tokenCookie(gate.port, token);
    await sendFile(res, found.file, url.pathname, req.method === 'HEAD', headers);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('connection', (ws) => attachSession(ws, opts.handlers));

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req);
    if (!url) return refuseUpgrade(socket, 400);
    if (!checkRequest(req, url, gate).ok) return refuseUpgrade(socket, 403);
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  gate.port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${gate.port}/?${TOKEN_PARAM}=${token}`,
    port: gate.port,
    token,
    rendererBuilt,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
