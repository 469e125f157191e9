/**
 * Turns a decoded frame into the 8-bit image a person sees. The CLI's `render` and the e2e screenshot
 * comparison both go through renderDisplay, so the mapping is spelled out exactly:
 *
 * Grey frames (per pixel):
 *   1. modality value  x = stored * RescaleSlope + RescaleIntercept             (PS3.3 C.11.1.1.2)
 *   2. linear VOI function with window center c and width w (PS3.3 C.11.2.1.2.1), ymin = 0, ymax = 255:
 *        x <= c - 0.5 - (w-1)/2  ->  0
 *        x >  c - 0.5 + (w-1)/2  ->  255
 *        else                    ->  ((x - (c - 0.5)) / (w-1) + 0.5) * 255
 *      then rounded to the nearest integer (halves up) and clamped to 0..255. Widths below 1 are treated as 1
 *      (the standard requires w >= 1), which makes the function a threshold at c - 0.5.
 *   3. MONOCHROME1 (frame.invert): y = 255 - y.
 * RGB frames pass through unchanged (3 channels); windowing does not apply to colour.
 */
import type { FramePixels, Thumbnail } from '../../../shared/dicom-types.ts';

export interface DisplayImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

export interface VoiWindow {
  center: number;
  width: number;
}

/** The PS3.3 C.11.2.1.2.1 linear VOI function onto 0..255, rounded. */
export function linearVoi(x: number, center: number, width: number): number {
  const w = width < 1 ? 1 : width;
  const c = center;
  if (x <= c - 0.5 - (w - 1) / 2) return 0;
  if (x > c - 0.5 + (w - 1) / 2) return 255;
  const y = ((x - (c - 0.5)) / (w - 1) + 0.5) * 255;
  return Math.min(255, Math.max(0, Math.floor(y + 0.5)));
}

const MAX_LUT_ENTRIES = 1 << 20;

export function renderDisplay(frame: FramePixels, window?: VoiWindow): DisplayImage {
  const width = frame.columns;
  const height = frame.rows;
  const n = width * height;
  if (frame.kind === 'rgb') {
    const px = frame.pixels;
    const data = px instanceof Uint8Array ? px : Uint8Array.from(px as ArrayLike<number>);
    return { width, height, channels: 3, data: data.subarray(0, n * 3) };
  }
  const c = window?.center ?? frame.windowCenter;
  const w = window?.width ?? frame.windowWidth;
  const slope = frame.rescaleSlope;
  const intercept = frame.rescaleIntercept;
  const invert = frame.invert;
  const map = (stored: number): number => {
    const y = linearVoi(stored * slope + intercept, c, w);
    return invert ? 255 - y : y;
  };
  const px = frame.pixels;
  const data = new Uint8Array(n);
  const integer = !(px instanceof Float32Array);
  const lo = Math.floor(frame.minPixel);
  const span = Math.floor(frame.maxPixel) - lo + 1;
  if (integer && Number.isFinite(span) && span > 0 && span <= MAX_LUT_ENTRIES && span < n * 2) {
    // Integer data over a known range: a lookup table gives the same values as `map`, computed once per level.
    const lut = new Uint8Array(span);
    for (let i = 0; i < span; i++) lut[i] = map(lo + i);
    for (let i = 0; i < n; i++) {
      const k = px[i] - lo;
      data[i] = k >= 0 && k < span ? lut[k] : map(px[i]);
    }
  } else {
    for (let i = 0; i < n; i++) data[i] = map(px[i]);
  }
  return { width, height, channels: 1, data };
}

/** For each output index along one axis, the source indexes it covers and the fraction of each it covers. */
function areaWeights(srcLen: number, dstLen: number): Array<Array<[number, number]>> {
  const scale = srcLen / dstLen;
  const out: Array<Array<[number, number]>> = [];
  for (let o = 0; o < dstLen; o++) {
    const start = o * scale;
    const end = (o + 1) * scale;
    const taps: Array<[number, number]> = [];
    for (let s = Math.floor(start); s < Math.min(srcLen, Math.ceil(end)); s++) {
      const cover = Math.min(end, s + 1) - Math.max(start, s);
      if (cover > 1e-9) taps.push([s, cover / scale]);
    }
    out.push(taps);
  }
  return out;
}

/**
 * A small RGBA rendering (default window), fitting in size x size with the aspect ratio kept. Downsampling
 * averages each output pixel over the exact source area it covers; images already smaller keep their size.
 */
export function thumbnail(frame: FramePixels, size: number): Thumbnail {
  const img = renderDisplay(frame);
  const scale = Math.min(1, size / img.width, size / img.height);
  const tw = Math.max(1, Math.round(img.width * scale));
  const th = Math.max(1, Math.round(img.height * scale));
  const wx = areaWeights(img.width, tw);
  const wy = areaWeights(img.height, th);
  const ch = img.channels;
  // Horizontal pass into floats, then vertical pass.
  const tmp = new Float32Array(img.height * tw * ch);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < tw; x++) {
      for (let k = 0; k < ch; k++) {
        let acc = 0;
        for (const [s, f] of wx[x]) acc += img.data[(y * img.width + s) * ch + k] * f;
        tmp[(y * tw + x) * ch + k] = acc;
      }
    }
  }
  const rgba = new Uint8Array(tw * th * 4);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = [0, 0, 0];
      for (const [s, f] of wy[y]) {
        for (let k = 0; k < ch; k++) v[k] += tmp[(s * tw + x) * ch + k] * f;
      }
      const o = (y * tw + x) * 4;
      if (ch === 1) {
        const g = Math.min(255, Math.round(v[0]));
        rgba[o] = g;
        rgba[o + 1] = g;
        rgba[o + 2] = g;
      } else {
        rgba[o] = Math.min(255, Math.round(v[0]));
        rgba[o + 1] = Math.min(255, Math.round(v[1]));
        rgba[o + 2] = Math.min(255, Math.round(v[2]));
      }
      rgba[o + 3] = 255;
    }
  }
  return { width: tw, height: th, rgba };
}
