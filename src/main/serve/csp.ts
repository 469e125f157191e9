/**
 * The serve door sends the renderer's own Content-Security-Policy (the meta tag in the built index.html, which
 * the renderer owns) as a header, with connect-src widened to this server's WebSocket. Deriving it from the
 * page keeps the two from drifting apart. The header adds what a meta tag cannot express: frame-ancestors.
 */

/** Used only when the built page has no CSP meta tag: as strict as the renderer needs. */
const FALLBACK_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** The content of `<meta http-equiv="Content-Security-Policy" content="...">`, or null. */
export function metaPolicy(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag)) continue;
    const content = /content\s*=\s*"([^"]*)"|content\s*=\s*'([^']*)'/i.exec(tag);
    if (content) return (content[1] ?? content[2]).replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  return null;
}

export function servePolicy(html: string | null, port: number): string {
  const base = (html && metaPolicy(html)) || FALLBACK_POLICY;
  const directives = base
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean);
  const ws = [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`];
  const i = directives.findIndex((d) => /^connect-src(\s|$)/i.test(d));
  if (i >= 0) {
    // The page may allow any loopback WebSocket port; the header narrows that to this server's port.
    const sources = directives[i].split(/\s+/).slice(1).filter((s) => !/^wss?:/i.test(s));
    if (!sources.includes("'self'")) sources.unshift("'self'");
    directives[i] = ['connect-src', ...sources, ...ws].join(' ');
  } else {
    directives.push(['connect-src', "'self'", ...ws].join(' '));
  }
  if (!directives.some((d) => /^frame-ancestors(\s|$)/i.test(d))) directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}
