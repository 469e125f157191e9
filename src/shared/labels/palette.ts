/**
 * Label palettes. The CAMUS convention (0 background, 1 LV cavity, 2 myocardium, 3 left atrium) is the base;
 * a model pack's `conditioning.labels` (docs/model-pack.md) or the user extends it (e.g. 4 right ventricle,
 * 5 right atrium, as the phantom hearts use). Colours are '#rrggbb'. Zod-free (the renderer imports it; its
 * validation schemas are in palette-schema.ts).
 */
export interface LabelDef {
  /** The value stored in the map, 0..255. 0 is background. */
  value: number;
  name: string;
  color: string;
}

/** Colours as in docs/model-pack.md's example pack, so the editor and generation show the same colours. */
export const CAMUS_LABELS: readonly LabelDef[] = [
  { value: 0, name: 'background', color: '#000000' },
  { value: 1, name: 'LV cavity', color: '#ff3b30' },
  { value: 2, name: 'myocardium', color: '#34c759' },
  { value: 3, name: 'left atrium', color: '#0a84ff' },
];

/** The right heart, as the phantom four-chamber maps label it (src/main/services/phantom/palette.ts). */
export const RIGHT_HEART_LABELS: readonly LabelDef[] = [
  { value: 4, name: 'right ventricle', color: '#ffcc00' },
  { value: 5, name: 'right atrium', color: '#bf5af2' },
];

export const PALETTE_PRESETS: readonly { id: string; name: string; labels: readonly LabelDef[] }[] = [
  { id: 'camus', name: 'CAMUS (0–3)', labels: CAMUS_LABELS },
  { id: 'camus-right-heart', name: 'CAMUS + right heart (0–5)', labels: [...CAMUS_LABELS, ...RIGHT_HEART_LABELS] },
];

/** `base` extended by `extra`: union by value, sorted; where both define a value, `extra`'s name and colour win
 * (a pack's palette says what its model was trained on). */
export function mergePalette(base: readonly LabelDef[], extra: readonly LabelDef[]): LabelDef[] {
  const byValue = new Map<number, LabelDef>();
  for (const l of base) byValue.set(l.value, { ...l });
  for (const l of extra) byValue.set(l.value, { ...l });
  return [...byValue.values()].sort((a, b) => a.value - b.value);
}

export function maxLabelValue(palette: readonly LabelDef[]): number {
  return palette.reduce((m, l) => Math.max(m, l.value), 0);
}

export function parseHexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return [255, 255, 255];
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** A 256-entry table: 1 where the value is in the palette. */
export function knownValues(palette: readonly LabelDef[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const l of palette) t[l.value] = 1;
  return t;
}

/** A label that a colour picker or a new palette entry may take: the smallest unused value above 0. */
export function nextFreeValue(palette: readonly LabelDef[]): number | null {
  const used = knownValues(palette);
  for (let v = 1; v < 256; v++) if (!used[v]) return v;
  return null;
}
