/**
 * Label maps and grey images drawn in code for inference tests (CAMUS label values: 0 background, 1 LV cavity,
 * 2 myocardium, 3 left atrium), at any size, so tests do not depend on the phantom or the label editor.
 */

/** An apical-view-like map: LV cavity ellipse inside a myocardium ring, left atrium below. */
export function ellipseLabels(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const cx = width / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5 - cx) / (width * 0.22);
      const v = (y + 0.5 - height * 0.4) / (height * 0.3);
      const r = u * u + v * v;
      const la = ((x + 0.5 - cx) / (width * 0.18)) ** 2 + ((y + 0.5 - height * 0.8) / (height * 0.12)) ** 2;
      out[y * width + x] = r < 0.7 ? 1 : r < 1 ? 2 : la < 1 ? 3 : 0;
    }
  }
  return out;
}

/** A smooth grey image (0..255) with some structure, for img2img. */
export function gradientImage(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = Math.round(127.5 + 100 * Math.sin(x / 5) * Math.cos(y / 7));
  }
  return out;
}
