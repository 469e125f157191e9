/** Compares a screenshot of the displayed image with a reference PNG of the image itself (e.g. `render`). */
import { PNG } from 'pngjs';

export interface Placement {
  /** Top-left of image pixel (0,0)'s corner, in screenshot pixels. */
  originX: number;
  originY: number;
  /** Screenshot pixels per image pixel. */
  scale: number;
  /** Screenshot rectangles to leave out (overlay text). */
  exclude: { x: number; y: number; width: number; height: number }[];
}

export interface Difference {
  meanAbs: number;
  psnr: number;
  compared: number;
}

function channelAt(png: PNG, x: number, y: number, c: number): number {
  return png.data[(y * png.width + x) * 4 + c];
}

/** Bilinear sample of channel c at continuous coordinates (pixel centres at +0.5). */
function sample(png: PNG, fx: number, fy: number, c: number): number {
  const x = Math.max(0, Math.min(png.width - 1, fx - 0.5));
  const y = Math.max(0, Math.min(png.height - 1, fy - 0.5));
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const x1 = Math.min(png.width - 1, x0 + 1);
  const y1 = Math.min(png.height - 1, y0 + 1);
  const ax = x - x0;
  const ay = y - y0;
  const top = channelAt(png, x0, y0, c) * (1 - ax) + channelAt(png, x1, y0, c) * ax;
  const bottom = channelAt(png, x0, y1, c) * (1 - ax) + channelAt(png, x1, y1, c) * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * Does what the canvas does (bilinear scaling of the image onto the screen) to the reference, and compares
 * it with the screenshot pixel by pixel over the image area (RGB; grey PNGs count as RGB). Resampling the
 * reference rather than the screenshot avoids interpolating twice.
 */
export function compareToReference(screenshot: Buffer, reference: Buffer, at: Placement): Difference {
  const shot = PNG.sync.read(screenshot);
  const ref = PNG.sync.read(reference); // pngjs expands grey/16-bit to RGBA 8-bit
  let sumAbs = 0;
  let sumSq = 0;
  let n = 0;
  for (let sy = 0; sy < shot.height; sy++) {
    for (let sx = 0; sx < shot.width; sx++) {
      // Image coordinates of this screen pixel's centre; skip the outer image pixel, which blends with the
      // background under smoothing.
      const u = (sx + 0.5 - at.originX) / at.scale;
      const v = (sy + 0.5 - at.originY) / at.scale;
      if (u < 1 || v < 1 || u >= ref.width - 1 || v >= ref.height - 1) continue;
      if (at.exclude.some((r) => sx >= r.x && sx < r.x + r.width && sy >= r.y && sy < r.y + r.height)) continue;
      for (let c = 0; c < 3; c++) {
        const d = channelAt(shot, sx, sy, c) - sample(ref, u, v, c);
        sumAbs += Math.abs(d);
        sumSq += d * d;
        n++;
      }
    }
  }
  const mse = sumSq / Math.max(1, n);
  return { meanAbs: sumAbs / Math.max(1, n), psnr: mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse), compared: n / 3 };
}
