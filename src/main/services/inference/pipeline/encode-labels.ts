/**
 * Turns a label map (label values at the pack's resolution) into the ControlNet conditioning image the pack
 * was trained with, as its manifest says: one-hot channels, the grey ControlNet-CAMUS encoding
 * round(255 * label / max_label) / 255 repeated to K channels, or the labels' palette colours / 255.
 * Values in [0, 1] as diffusers' control image processor leaves them (no normalisation to [-1, 1]).
 */
import type { PackConditioning } from '../../../../shared/pack-manifest.ts';

/** [K, H, W] float32, channel-major. */
export function encodeLabels(labels: Uint8Array, width: number, height: number, c: PackConditioning): Float32Array {
  const n = width * height;
  const k = c.channels;
  const out = new Float32Array(k * n);
  if (c.encoding === 'one-hot') {
    for (let ch = 0; ch < k; ch++) {
      const v = c.labels[ch].value;
      const plane = out.subarray(ch * n, (ch + 1) * n);
      for (let i = 0; i < n; i++) plane[i] = labels[i] === v ? 1 : 0;
    }
  } else if (c.encoding === 'grey') {
    const max = Math.max(...c.labels.map((l) => l.value));
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = Math.round((255 * v) / max) / 255;
    for (let i = 0; i < n; i++) out[i] = lut[labels[i]];
    for (let ch = 1; ch < k; ch++) out.copyWithin(ch * n, 0, n);
  } else {
    const rgb = new Map(c.labels.map((l) => [l.value, [1, 3, 5].map((o) => parseInt(l.color.slice(o, o + 2), 16) / 255)]));
    for (let i = 0; i < n; i++) {
      const col = rgb.get(labels[i]) ?? [0, 0, 0];
      for (let ch = 0; ch < 3; ch++) out[ch * n + i] = col[ch];
    }
  }
  return out;
}
