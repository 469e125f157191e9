/**
 * A label map: one byte per pixel (label value 0..255), row-major, `width` columns by `height` rows, at the
 * image's own pixel grid. Pixel (x, y) covers [x, x+1) x [y, y+1) in image coordinates, so its centre is
 * (x + 0.5, y + 0.5); index = y * width + x. The same order is NIfTI's for a (width, height) array, so a frame
 * of a CAMUS-style (W, H, T) label volume is one contiguous block of it.
 */

export interface LabelMap {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A pixel rectangle, x0/y0 inclusive, x1/y1 exclusive. Empty when x1 <= x0 or y1 <= y0. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const EMPTY_RECT: Readonly<Rect> = { x0: 0, y0: 0, x1: 0, y1: 0 };

export function isEmptyRect(r: Rect): boolean {
  return r.x1 <= r.x0 || r.y1 <= r.y0;
}

export function unionRect(a: Rect, b: Rect): Rect {
  if (isEmptyRect(a)) return { ...b };
  if (isEmptyRect(b)) return { ...a };
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

/** Largest label-map side we accept (a 4096 x 4096 map is 16 MiB). */
export const MAX_LABEL_MAP_SIDE = 4096;

export function createLabelMap(width: number, height: number): LabelMap {
  checkSize(width, height);
  return { width, height, data: new Uint8Array(width * height) };
}

export function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_LABEL_MAP_SIDE || height > MAX_LABEL_MAP_SIDE) {
    throw new RangeError(`label map size ${width}x${height} is not within 1..${MAX_LABEL_MAP_SIDE} on each side`);
  }
}

/**
 * A 53-bit hash of the label bytes (cyrb53), as 14 hex digits: equal maps give equal checksums in the renderer,
 * main and tests, without a crypto library in pure code. For integrity checks and tests, not for security.
 */
export function labelMapChecksum(data: Uint8Array): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const v = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return v.toString(16).padStart(14, '0');
}

/** How many pixels hold each value (index = label value). */
export function labelHistogram(data: Uint8Array): Uint32Array {
  const counts = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) counts[data[i]]++;
  return counts;
}

/** Sorted distinct values present. */
export function labelValuesPresent(data: Uint8Array): number[] {
  const h = labelHistogram(data);
  const out: number[] = [];
  for (let v = 0; v < 256; v++) if (h[v]) out.push(v);
  return out;
}

export function isAllZero(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}
