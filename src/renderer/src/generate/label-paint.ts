/**
 * Small, self-contained drawing of label maps for the generation panel (the viewer's label overlay module is
 * separate): label values -> RGBA in the pack's colours, and an image with labels blended over it.
 */
import type { PackLabel } from '../../../shared/pack-manifest.ts';

function rgbOf(hex: string): [number, number, number] {
  return [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16)) as [number, number, number];
}

/** A 256-entry colour table; values without a label are magenta so they stand out. */
export function paletteTable(labels: readonly PackLabel[]): Uint8Array {
  const t = new Uint8Array(256 * 3);
  for (let v = 0; v < 256; v++) t.set([255, 0, 255], v * 3);
  for (const l of labels) t.set(rgbOf(l.color), l.value * 3);
  return t;
}

/** Labels as an opaque RGBA image. */
export function labelsToRgba(labels: Uint8Array, table: Uint8Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(labels.length * 4);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i] * 3;
    out[i * 4] = table[v];
    out[i * 4 + 1] = table[v + 1];
    out[i * 4 + 2] = table[v + 2];
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** `base` (RGBA) with the labels' colours blended over it at `opacity`; label 0 (background) left clear. */
export function blendLabels(base: Uint8Array, labels: Uint8Array, table: Uint8Array, opacity: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(base);
  if (opacity <= 0) return out;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 0) continue;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round(base[i * 4 + c] * (1 - opacity) + table[v * 3 + c] * opacity);
  }
  return out;
}

/** Grey or RGB interleaved pixels -> RGBA. */
export function pixelsToRgba(pixels: Uint8Array, channels: 1 | 3): Uint8ClampedArray {
  const n = pixels.length / channels;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const r = pixels[i * channels];
    out[i * 4] = r;
    out[i * 4 + 1] = channels === 3 ? pixels[i * 3 + 1] : r;
    out[i * 4 + 2] = channels === 3 ? pixels[i * 3 + 2] : r;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Puts RGBA pixels into a canvas at their own size (CSS scales it, pixelated). */
export function paint(canvas: HTMLCanvasElement | null, rgba: Uint8ClampedArray, width: number, height: number): void {
  if (!canvas) return;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = new ImageData(width, height);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);
}
