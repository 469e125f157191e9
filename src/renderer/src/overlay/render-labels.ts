/**
 * A label map as RGBA pixels for the overlay: each visible label in its colour at the overlay's opacity,
 * either filled or as its outline (the pixels of a label with a 4-neighbour of another value, so touching
 * structures each show their own edge). Background (0) and hidden labels stay transparent.
 */
import type { OverlayMode } from './overlay-settings.ts';

export interface LabelColour {
  value: number;
  rgb: [number, number, number];
  visible: boolean;
}

export function renderLabels(labels: Uint8Array, rows: number, columns: number, colours: LabelColour[], opacity: number, mode: OverlayMode): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(rows * columns * 4);
  const lut = new Int16Array(256).fill(-1);
  const rgb: Array<[number, number, number]> = [];
  for (const c of colours) {
    if (!c.visible || c.value <= 0 || c.value > 255) continue;
    lut[c.value] = rgb.length;
    rgb.push(c.rgb);
  }
  const alpha = Math.round(Math.max(0, Math.min(1, opacity)) * 255);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      const v = labels[i];
      const k = lut[v];
      if (k < 0) continue;
      if (mode === 'outline') {
        const edge =
          c === 0 || c === columns - 1 || r === 0 || r === rows - 1 ||
          labels[i - 1] !== v || labels[i + 1] !== v || labels[i - columns] !== v || labels[i + columns] !== v;
        if (!edge) continue;
      }
      const o = i * 4;
      out[o] = rgb[k][0];
      out[o + 1] = rgb[k][1];
      out[o + 2] = rgb[k][2];
      // Outlines are thin: drawn at least half opaque so they stay visible at low opacity.
      out[o + 3] = mode === 'outline' ? Math.max(alpha, 160) : alpha;
    }
  }
  return out;
}
