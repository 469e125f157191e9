/** `cardiosynth serve` as a process: one line on stdout, a working server, a clean stop on SIGTERM/SIGINT. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestWs } from '../serve/ws-test-client.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin', 'cardiosynth');
// Never the user's data folder: serve imports the demo dataset into the catalog there.
const DATA = mkdtempSync(join(tmpdir(), 'cs-cli-serve-'));
afterAll(() => rmSync(DATA, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  firstLine: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startServe(args: string[]): Promise<Started> {
  const child = spawn(BIN, ['serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CARDIOSYNTH_DATA_DIR: DATA } });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no line in 60 s; stderr: ${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolvePromise({ child, firstLine: out.slice(0, nl), stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

describe('cli: serve', () => {
  it('prints exactly one line with the URL and token, serves the contract, and stops cleanly on SIGTERM', async () => {
    const s = await startServe([]);
    try {
      const m = /^Cardiosynth serving at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64}))$/.exec(s.firstLine);
      expect(m, s.firstLine).not.toBeNull();
      const [, url, port, token] = m!;
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(403);
      const page = await fetch(url);
      expect([200, 503]).toContain(page.status);
      if (page.status === 503) expect(await page.text()).toContain('npm run build');
      const ws = await TestWs.open(`ws://127.0.0.1:${port}/ws?token=${token}`);
      const info = await ws.call('app.info', {});
      expect(info.value).toMatchObject({ door: 'serve' });
      // The demo dataset's import started with the server, so the first page finds it importing or ready.
      const plan = (await ws.call('start.plan', {})).value as { demo: { state: string; root: string }; study: { id: string } | null };
      expect(plan.demo.root).toBe(join(ROOT, 'resources', 'phantom-camus'));
      expect(['importing', 'ready']).toContain(plan.demo.state);
      ws.close();
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exited).toBe(0);
    expect(s.stdout().trimEnd().split('\n')).toHaveLength(1);
  });

  it('prints one JSON line with --json and honours --port; SIGINT stops it', async () => {
    const s = await startServe(['--json']);
    let port = 0;
    try {
      const doc = JSON.parse(s.firstLine) as { url: string; port: number; token: string };
      expect(Object.keys(doc).sort()).toEqual(['port', 'token', 'url']);
      expect(doc.url).toBe(`http://127.0.0.1:${doc.port}/?token=${doc.token}`);
      port = doc.port;
    } finally {
      s.child.kill('SIGINT');
    }
    expect(await s.exited).toBe(0);
    // The port is free again, and --port takes it.
    const again = await startServe(['--port', String(port), '--json']);
    try {
      expect((JSON.parse(again.firstLine) as { port: number }).port).toBe(port);
    } finally {
      again.child.kill('SIGTERM');
    }
    expect(await again.exited).toBe(0);
  });
});
