/**
 * The serve door, started for real on port 0 with the real services and handlers: who gets in, what is
 * served, and the WebSocket protocol end to end.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../src/main/handlers.ts';
import { paths } from '../../../src/main/paths.ts';
import { startServer, NOT_BUILT_MESSAGE, type RunningServer } from '../../../src/main/serve/server.ts';
import { createServices } from '../../../src/main/services/index.ts';
import { DicomLibrary } from '../../../src/main/services/dicom/index.ts';
import { TestWs } from './ws-test-client.ts';
import { sharedFile } from '../../support/shared-data.ts';

const PAGE_CSP = "default-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; object-src 'none'";
const INDEX = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}"><title>t</title></head><body>page</body></html>`;

interface Got {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let rendererDir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cardiosynth-serve-'));
  rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), INDEX);
  writeFileSync(join(rendererDir, 'assets', 'app-abc123.js'), 'console.log("app")');
  writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET');
  symlinkSync(join(dir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  const services = createServices({ resourcesDir: paths.resources, dataDir: join(dir, 'data') });
  server = await startServer({ port: 0, rendererDir, handlers: createHandlers(services, 'serve') });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const withToken = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token=${server.token}`;

describe('serve: listening', () => {
  it('prints a loopback URL with a 64-hex-digit token and listens on 127.0.0.1 only', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) {
      console.warn('serve test: no non-loopback IPv4 interface here; only the bind address is checked');
      return;
    }
    const reached = await new Promise<boolean>((resolve) => {
      const s = connect({ host: external.address, port: server.port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    expect(reached).toBe(false);
  });

  it('uses a new token for every server', async () => {
    const other = await startServer({ port: 0, rendererDir, handlers: createHandlers(createServices({ resourcesDir: paths.resources, dataDir: join(dir, 'data') }), 'serve') });
    try {
      expect(other.token).not.toBe(server.token);
      expect((await get(other.port, `/?token=${server.token}`)).status).toBe(403);
    } finally {
      await other.close();
    }
  });
});

describe('serve: HTTP access control', () => {
  it('refuses a request without a token with a bare 403', async () => {
    const r = await get(server.port, '/');
    expect(r.status).toBe(403);
    expect(r.body).toBe('Forbidden');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a wrong token, including one that differs only in its last digit', async () => {
    expect((await get(server.port, '/?token=nope')).status).toBe(403);
    const last = server.token.at(-1) === '0' ? '1' : '0';
    const r = await get(server.port, `/?token=${server.token.slice(0, -1)}${last}`);
    expect(r.status).toBe(403);
    expect(r.body).toBe('Forbidden');
  });

  it('refuses a Host header that is not this server (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1', `localhost.evil.example:${server.port}`]) {
      expect((await get(server.port, withToken('/'), { host })).status, host).toBe(403);
    }
    expect((await get(server.port, withToken('/'), { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`]) {
      expect((await get(server.port, withToken('/'), { origin })).status, origin).toBe(403);
    }
    expect((await get(server.port, withToken('/'), { origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('sets an HttpOnly SameSite=Strict cookie on a token request, and the cookie alone then works', async () => {
    const first = await get(server.port, withToken('/'));
    expect(first.status).toBe(200);
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain(server.token);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0];
    const asset = await get(server.port, '/assets/app-abc123.js', { cookie: `other=1; ${pair}` });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log("app")');
    const wrong = await get(server.port, '/assets/app-abc123.js', { cookie: pair.replace(/=.*/, '=bad') });
    expect(wrong.status).toBe(403);
  });

  it('serves the renderer with content types, nosniff, no-store for the page and a CSP widened to its WebSocket', async () => {
    const page = await get(server.port, withToken('/'));
    expect(page.body).toBe(INDEX);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
    expect(csp).not.toContain('ws://127.0.0.1:*');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const js = await get(server.port, withToken('/assets/app-abc123.js'));
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await get(server.port, withToken('/assets/style.css'))).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await get(server.port, withToken('/'), {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(server.port, withToken('/'), {}, 'POST')).status).toBe(405);
    expect((await get(server.port, withToken('/missing.js'))).status).toBe(404);
    expect((await get(server.port, withToken('/assets'))).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    const attempts = ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/assets/link.txt', '/%00', `/${'x'.repeat(10)}%ZZ`];
    for (const path of attempts) {
      const r = await get(server.port, withToken(path));
      expect([400, 404], path).toContain(r.status);
      expect(r.body).not.toContain('TOP-SECRET');
    }
  });

  it('says to run npm run build when the renderer has not been built', async () => {
    const empty = await startServer({ port: 0, rendererDir: join(dir, 'not-built'), handlers: createHandlers(createServices({ resourcesDir: paths.resources, dataDir: join(dir, 'data') }), 'serve') });
    try {
      expect(empty.rendererBuilt).toBe(false);
      const r = await get(empty.port, `/?token=${empty.token}`);
      expect(r.status).toBe(503);
      expect(r.body).toBe(NOT_BUILT_MESSAGE);
      expect(r.body).toContain('npm run build');
      expect((await get(empty.port, '/')).status).toBe(403);
    } finally {
      await empty.close();
    }
  });
});

describe('serve: WebSocket access control', () => {
  const wsUrl = (q = '') => `ws://127.0.0.1:${server.port}/ws${q}`;

  it('refuses an upgrade without a token, with a wrong token, from a foreign origin or to another path', async () => {
    await expect(TestWs.open(wsUrl())).rejects.toThrow('HTTP 403');
    await expect(TestWs.open(wsUrl('?token=bad'))).rejects.toThrow('HTTP 403');
    await expect(TestWs.open(wsUrl(`?token=${server.token}`), { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(TestWs.open(wsUrl(`?token=${server.token}`), { host: `evil.example:${server.port}` })).rejects.toThrow('HTTP 403');
    await expect(TestWs.open(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).rejects.toThrow('HTTP 404');
  });

  it('accepts the token in the query or in the cookie, from our own origin', async () => {
    const a = await TestWs.open(wsUrl(`?token=${server.token}`), { origin: `http://127.0.0.1:${server.port}` });
    a.close();
    const cookie = (await get(server.port, withToken('/'))).headers['set-cookie']?.[0].split(';')[0] ?? '';
    const b = await TestWs.open(wsUrl(), { cookie, origin: `http://localhost:${server.port}` });
    b.close();
  });
});

const SAMPLE_16 = sharedFile('pydicom-data/emri_small.dcm');
const SAMPLE_PALETTE = sharedFile('octave-dicom/US-PAL-8-10x-echo.dcm');
const haveSamples = existsSync(SAMPLE_16) && existsSync(SAMPLE_PALETTE);
if (!haveSamples) console.warn(`serve test: ${SAMPLE_16} or ${SAMPLE_PALETTE} missing; the frame roundtrip is skipped`);

describe('serve: the contract over the WebSocket', () => {
  let client: TestWs;
  beforeAll(async () => {
    client = await TestWs.open(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
  });
  afterAll(() => client?.close());

  it('answers app.info for the serve door', async () => {
    const r = await client.call('app.info', {});
    expect(r.response.ok).toBe(true);
    expect(r.value).toMatchObject({ name: 'Cardiosynth', door: 'serve', canPickPaths: false, defaultStudyPath: join(paths.resources, 'default-study') });
    expect((r.value as { version: string }).version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.skipIf(!haveSamples)('returns decoded frames with their typed arrays intact (sample files present)', async () => {
    const opened = await client.call('studies.open', { paths: [SAMPLE_16, SAMPLE_PALETTE] });
    expect(opened.response.ok).toBe(true);
    const value = opened.value as { studies: Array<{ series: Array<{ instances: Array<{ id: string; path: string }> }> }>; errors: unknown[] };
    expect(value.errors).toEqual([]);
    const instances = value.studies.flatMap((s) => s.series.flatMap((se) => se.instances));
    const reference = new DicomLibrary();
    await reference.open([SAMPLE_16, SAMPLE_PALETTE]);
    const refInstances = (await reference.list()).studies.flatMap((s) => s.series.flatMap((se) => se.instances));
    for (const path of [SAMPLE_16, SAMPLE_PALETTE]) {
      const id = instances.find((i) => i.path === path)?.id;
      const refId = refInstances.find((i) => i.path === path)?.id;
      expect(id, path).toBeTruthy();
      // Several calls at once: each reply's binaries must follow it, never another reply.
      const replies = await Promise.all([3, 0, 7].map((frame) => client.call('instance.frame', { instanceId: id, frame })));
      for (const [k, frame] of [3, 0, 7].entries()) {
        const got = replies[k].value as { pixels: ArrayBufferView; frame: number; rows: number; columns: number };
        const want = await reference.frame(refId!, frame);
        expect(replies[k].response.ok).toBe(true);
        expect(got.frame).toBe(frame);
        expect(got.pixels.constructor.name).toBe(want.pixels.constructor.name);
        expect(Buffer.from(got.pixels.buffer, got.pixels.byteOffset, got.pixels.byteLength).equals(Buffer.from(want.pixels.buffer, want.pixels.byteOffset, want.pixels.byteLength))).toBe(true);
      }
    }
    const grey = instances.find((i) => i.path === SAMPLE_16)!;
    const frame = (await client.call('instance.frame', { instanceId: grey.id, frame: 0 })).value as { pixels: unknown; kind: string };
    expect(frame.kind).toBe('grey');
    expect(frame.pixels).toBeInstanceOf(Uint16Array);
    expect(client.violations).toEqual([]);
  });

  it("gives kind 'invalid-argument' for bad arguments and 'unknown-method' for unknown methods", async () => {
    for (const [method, args] of [
      ['instance.frame', { instanceId: 'x', frame: -1 }],
      ['instance.frame', { instanceId: '', frame: 0 }],
      ['studies.open', { paths: [] }],
      ['studies.open', { paths: ['/a'], extra: 1 }],
      ['instance.thumbnail', { instanceId: 'x', size: 1e9 }],
      ['app.info', 'not an object'],
    ] as const) {
      const r = await client.call(method, args);
      expect(r.response, `${method} ${JSON.stringify(args)}`).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    }
    for (const method of ['nope', '__proto__', 'constructor', 'toString', 42]) {
      const r = await client.call(method as string, {});
      expect(r.response).toMatchObject({ ok: false, error: { kind: 'unknown-method' } });
    }
    const r = await client.call('dialog.pickPaths', { directories: false });
    expect(r.response).toMatchObject({ ok: false, error: { kind: 'unsupported' } });
    const missing = await client.call('instance.frame', { instanceId: 'no-such-instance', frame: 0 });
    expect(missing.response.ok).toBe(false);
  });

  it('answers garbage with an error and keeps serving', async () => {
    const before = (client as unknown as { replies: unknown[] }).replies.length;
    for (const junk of ['not json', '[1,2]', '{"method":"app.info"}', '{"id":-5,"method":"app.info"}', 'null', '"str"']) client.sendRaw(junk);
    client.sendRaw(Buffer.from([1, 2, 3]));
    const deadline = Date.now() + 10_000;
    while ((client as unknown as { replies: unknown[] }).replies.length < before + 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const errs = (client as unknown as { replies: Array<{ response: { id: number; ok: boolean; error?: { kind: string } } }> }).replies.slice(before);
    expect(errs).toHaveLength(7);
    for (const e of errs) expect(e.response).toMatchObject({ id: -1, ok: false, error: { kind: 'invalid-argument' } });
    expect((await client.call('app.info', {})).response.ok).toBe(true);
  });

  it('closes only the offending connection for an oversized message', async () => {
    const big = await TestWs.open(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
    big.sendRaw('x'.repeat(9 * 1024 * 1024));
    expect(await closed).toBe(1009);
    expect((await client.call('app.info', {})).response.ok).toBe(true);
    expect((await get(server.port, withToken('/'))).status).toBe(200);
  });
});
