/** The serve door's CSP header is the page's own policy, narrowed to this server's WebSocket. */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metaPolicy, servePolicy } from '../../../src/main/serve/csp.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

describe('serve CSP', () => {
  it("derives the header from the renderer's meta policy (src/renderer/index.html)", (ctx) => {
    const file = join(ROOT, 'src/renderer/index.html');
    if (!existsSync(file)) {
      console.warn('csp test: src/renderer/index.html is missing; skipped');
      ctx.skip();
      return;
    }
    const html = readFileSync(file, 'utf8');
    const meta = metaPolicy(html);
    expect(meta).toBeTruthy();
    const header = servePolicy(html, 4321);
    const directives = (p: string) => p.split(';').map((d) => d.trim()).filter(Boolean);
    // Every directive of the page except connect-src appears unchanged.
    for (const d of directives(meta!)) if (!d.startsWith('connect-src')) expect(directives(header)).toContain(d);
    const connect = directives(header).find((d) => d.startsWith('connect-src'))!;
    expect(connect.split(/\s+/)).toEqual(expect.arrayContaining(["'self'", 'ws://127.0.0.1:4321', 'ws://localhost:4321']));
    expect(connect).not.toMatch(/:\*/);
    expect(header).toContain("frame-ancestors 'none'");
    expect(header).not.toContain('unsafe-eval');
  });

  it('adds connect-src and a strict fallback when the page has none', () => {
    expect(servePolicy("<meta http-equiv='Content-Security-Policy' content=\"default-src 'self'\">", 80)).toBe(
      "default-src 'self'; connect-src 'self' ws://127.0.0.1:80 ws://localhost:80; frame-ancestors 'none'",
    );
    const fallback = servePolicy(null, 80);
    expect(fallback).toContain("default-src 'self'");
    expect(fallback).toContain("object-src 'none'");
  });
});
