/**
 * Turns a decoded frame from `instance.frame` into a cornerstone image. Grey frames keep their stored values
 * (cornerstone windows them through its LUT with slope/intercept); colour frames become RGBA, which is what
 * cornerstone's colour path reads, plus a pre-rendered canvas so unwindowed colour cine frames are a plain
 * drawImage at display time.
 */
import type { CsImage } from 'cornerstone-core';
import type { FramePixels } from '../../../shared/dicom-types.ts';

/** The decoded frame rides along on the image so the pixel probe reads the values the service produced. */
export interface ViewerImage extends CsImage {
  raw: FramePixels;
  frameIndex: number;
}

export const IMAGE_SCHEME = 'cardiosynth';

/** `cardiosynth:<source>/<encoded id>/<frame>`; `key` is viewable.ts frameKey(): the source and the id. */
export function imageIdFor(key: string, frame: number): string {
  return `${IMAGE_SCHEME}:${key}/${frame}`;
}

export function parseImageId(imageId: string): { source: string; id: string; frame: number } {
  const rest = imageId.slice(IMAGE_SCHEME.length + 1);
  const first = rest.indexOf('/');
  const last = rest.lastIndexOf('/');
  const frame = Number(rest.slice(last + 1));
  if (first < 0 || last <= first || !Number.isInteger(frame) || frame < 0) throw new Error(`Bad image id: ${imageId}`);
  return { source: rest.slice(0, first), id: decodeURIComponent(rest.slice(first + 1, last)), frame };
}

function rgbToRgba(rgb: Uint8Array, count: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(count * 4);
  for (let i = 0, j = 0; i < count; i++, j += 3) {
    const k = i * 4;
    out[k] = rgb[j];
    out[k + 1] = rgb[j + 1];
    out[k + 2] = rgb[j + 2];
    out[k + 3] = 255;
  }
  return out;
}

/** cornerstone's grey LUT is indexed by integer stored value; float data is mapped onto 16 bits, with the
 * rescale adjusted so modality values (and so the window) stay the same. */
function integerise(f: FramePixels): { pixels: ArrayLike<number>; min: number; max: number; slope: number; intercept: number } {
  if (!(f.pixels instanceof Float32Array)) {
    return { pixels: f.pixels, min: f.minPixel, max: f.maxPixel, slope: f.rescaleSlope, intercept: f.rescaleIntercept };
  }
  const span = f.maxPixel - f.minPixel || 1;
  const step = span / 65535;
  const out = new Uint16Array(f.pixels.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((f.pixels[i] - f.minPixel) / step);
  return {
    pixels: out,
    min: 0,
    max: 65535,
    slope: f.rescaleSlope * step,
    intercept: f.rescaleIntercept + f.rescaleSlope * f.minPixel,
  };
}

export function frameToImage(imageId: string, f: FramePixels): ViewerImage {
  const count = f.rows * f.columns;
  const base = {
    imageId,
    rows: f.rows,
    columns: f.columns,
    height: f.rows,
    width: f.columns,
    // cornerstone draws non-square pixels with their aspect ratio (only the ratio matters here).
    columnPixelSpacing: f.pixelSpacingMm?.[1] ?? 1,
    rowPixelSpacing: f.pixelSpacingMm?.[0] ?? 1,
    raw: f,
    frameIndex: f.frame,
  };
  if (f.kind === 'rgb') {
    const rgba = rgbToRgba(f.pixels as Uint8Array, count);
    const canvas = document.createElement('canvas');
    canvas.width = f.columns;
    canvas.height = f.rows;
    canvas.getContext('2d')!.putImageData(new ImageData(rgba, f.columns, f.rows), 0, 0);
    return {
      ...base,
      color: true,
      rgba: true,
      invert: false,
      minPixelValue: 0,
      maxPixelValue: 255,
      slope: 1,
      intercept: 0,
      // 255/128 is the identity window for which cornerstone draws getCanvas() directly.
      windowCenter: 128,
      windowWidth: 255,
      getPixelData: () => rgba,
      getCanvas: () => canvas,
      sizeInBytes: rgba.byteLength * 2 + f.pixels.byteLength,
    };
  }
  const g = integerise(f);
  let { windowCenter, windowWidth } = f;
  if (!(windowWidth > 0) || !Number.isFinite(windowCenter)) {
    const lo = g.min * g.slope + g.intercept;
    const hi = g.max * g.slope + g.intercept;
    windowWidth = Math.max(1, Math.abs(hi - lo));
    windowCenter = (lo + hi) / 2;
  }
  return {
    ...base,
    color: false,
    rgba: false,
    invert: f.invert,
    minPixelValue: g.min,
    maxPixelValue: g.max,
    slope: g.slope,
    intercept: g.intercept,
    windowCenter,
    windowWidth,
    getPixelData: () => g.pixels,
    sizeInBytes: f.pixels.byteLength + (g.pixels === f.pixels ? 0 : (g.pixels as Uint16Array).byteLength),
  };
}
