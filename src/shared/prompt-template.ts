/**
 * Prompt composition from a pack's template and structured fields. Zod-free on purpose: the renderer imports
 * it, and zod probes for eval support (a CSP violation under our policy).
 */

/** Fills a prompt template: "{view}" etc. take the chosen values; unchosen fields and their separators drop. */
export function composePrompt(template: string, values: Record<string, string | undefined>, freeText = ''): string {
  const parts = template.split(/,\s*/).map((part) => {
    const names = [...part.matchAll(/\{([a-zA-Z0-9_]+)\}/g)].map((x) => x[1]);
    if (names.some((n) => !values[n])) return '';
    return part.replace(/\{([a-zA-Z0-9_]+)\}/g, (_, n: string) => values[n] ?? '');
  });
  const structured = parts.filter((p) => p.trim().length > 0).join(', ');
  const free = freeText.trim();
  return structured && free ? `${structured}, ${free}` : structured || free;
}
