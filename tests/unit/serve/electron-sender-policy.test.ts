/** The Electron door answers IPC only from our own page: the built file, or the dev server in development. */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTrustedUrl } from '../../../src/main/sender-policy.ts';

const INDEX = '/opt/cardiosynth/out/renderer/index.html';
const page = pathToFileURL(INDEX).href;

describe('electron sender policy', () => {
  it('trusts the built renderer page, with or without a hash or query', () => {
    expect(isTrustedUrl(page, { rendererIndex: INDEX })).toBe(true);
    expect(isTrustedUrl(`${page}#/viewer`, { rendererIndex: INDEX })).toBe(true);
    expect(isTrustedUrl(`${page}?x=1`, { rendererIndex: INDEX })).toBe(true);
  });

  it('refuses other files, other schemes and garbage', () => {
    for (const url of [
      pathToFileURL('/opt/cardiosynth/out/renderer/other.html').href,
      pathToFileURL('/tmp/index.html').href,
      'file://evilhost/opt/cardiosynth/out/renderer/index.html',
      'http://127.0.0.1:5173/',
      'https://example.com/out/renderer/index.html',
      'about:blank',
      'data:text/html,hi',
      '',
      'not a url',
    ]) {
      expect(isTrustedUrl(url, { rendererIndex: INDEX }), url).toBe(false);
    }
  });

  it('trusts the dev server origin only when one is configured', () => {
    const policy = { rendererIndex: INDEX, devUrl: 'http://localhost:5173/' };
    expect(isTrustedUrl('http://localhost:5173/index.html', policy)).toBe(true);
    expect(isTrustedUrl('http://localhost:5174/', policy)).toBe(false);
    expect(isTrustedUrl('http://127.0.0.1:5173/', policy)).toBe(false);
    expect(isTrustedUrl('http://localhost:5173/', { rendererIndex: INDEX })).toBe(false);
  });
});
