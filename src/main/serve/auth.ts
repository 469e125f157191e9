/**
 * Who may talk to the serve door: a request must name our host (DNS rebinding defence), come from our own
 * origin when it names one (cross-site pages and WebSocket hijacking), and carry the token, either in the
 * query (the printed URL's first load) or in the HttpOnly cookie that load sets.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_COOKIE, TOKEN_PARAM } from '../../shared/ws-protocol.ts';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison. Hashing first gives equal-length inputs, so the length is not leaked either. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Cookies are shared between ports of one host, so two servers on 127.0.0.1 would overwrite each other's
 * cookie under one name; the port in the name keeps them apart.
 */
export function cookieName(port: number): string {
  return `${TOKEN_COOKIE}_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export interface Gate {
  port: number;
  token: string;
}

export type Verdict =
  | { ok: true; via: 'query' | 'cookie' }
  | { ok: false; reason: 'host' | 'origin' | 'token' };

/** Hosts and origins that are us. Anything else is refused. */
function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function checkRequest(req: IncomingMessage, url: URL, gate: Gate): Verdict {
  const hosts = allowedHosts(gate.port);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.includes(host)) return { ok: false, reason: 'host' };
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return { ok: false, reason: 'origin' };
  }
  const fromQuery = url.searchParams.get(TOKEN_PARAM);
  if (fromQuery !== null) {
    // A wrong token in the query is refused even if the cookie is right: the URL is what the user pasted.
    return tokensEqual(fromQuery, gate.token) ? { ok: true, via: 'query' } : { ok: false, reason: 'token' };
  }
  const fromCookie = cookieValue(req.headers.cookie, cookieName(gate.port));
  if (fromCookie !== null && tokensEqual(fromCookie, gate.token)) return { ok: true, via: 'cookie' };
  return { ok: false, reason: 'token' };
}
