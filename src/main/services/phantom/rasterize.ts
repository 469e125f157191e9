/** Scanline polygon fill at pixel centres: exact, fast, and leaves no pixel with two labels. */

/**
 * Paints `value` into every pixel whose centre lies inside the closed polygon (interleaved x,y in pixel
 * coordinates, even-odd rule). With `onlyOver`, only pixels currently holding that label are painted.
 */
export function fillPolygon(target: Uint8Array, width: number, height: number, poly: ArrayLike<number>, value: number, onlyOver?: number): void {
  const n = poly.length / 2;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minY = Math.min(minY, poly[2 * i + 1]);
    maxY = Math.max(maxY, poly[2 * i + 1]);
  }
  const j0 = Math.max(0, Math.ceil(minY - 0.5));
  const j1 = Math.min(height - 1, Math.floor(maxY - 0.5));
  const xs: number[] = [];
  for (let j = j0; j <= j1; j++) {
    const yc = j + 0.5;
    xs.length = 0;
    for (let a = 0, b = n - 1; a < n; b = a++) {
      const ya = poly[2 * a + 1];
      const yb = poly[2 * b + 1];
      if (ya <= yc !== yb <= yc) {
        const xa = poly[2 * a];
        const xb = poly[2 * b];
        xs.push(xa + ((yc - ya) * (xb - xa)) / (yb - ya));
      }
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const i0 = Math.max(0, Math.ceil(xs[k] - 0.5));
      const i1 = Math.min(width - 1, Math.ceil(xs[k + 1] - 0.5) - 1);
      const row = j * width;
      for (let i = i0; i <= i1; i++) {
        if (onlyOver === undefined || target[row + i] === onlyOver) target[row + i] = value;
      }
    }
  }
}
