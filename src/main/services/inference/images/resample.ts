/**
 * Resampling between a source frame's size and a pack's resolution. Label maps use nearest neighbour (labels
 * are categories: no new values may appear); grey images use a triangle filter whose support widens when
 * shrinking (PIL's antialiased bilinear), so speckle is averaged instead of aliased. Sizes are stretched to fit
 * (no cropping or padding), so a result lines up pixel for pixel with its source when shown at the source's size.
 */

/** Source index of each destination index along one axis: pixel centres map onto pixel centres. */
function nearestIndex(src: number, dst: number): Int32Array {
  const out = new Int32Array(dst);
  for (let i = 0; i < dst; i++) out[i] = Math.min(src - 1, Math.floor(((i + 0.5) * src) / dst));
  return out;
}

export function resizeNearest(data: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return data.slice();
  const xs = nearestIndex(sw, dw);
  const ys = nearestIndex(sh, dh);
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const row = ys[y] * sw;
    for (let x = 0; x < dw; x++) out[y * dw + x] = data[row + xs[x]];
  }
  return out;
}

/** Weights of a triangle filter along one axis: for each destination pixel, its source taps. */
function triangleTaps(src: number, dst: number): { start: Int32Array; count: Int32Array; weights: Float64Array; max: number } {
  const scale = src / dst;
  const support = Math.max(1, scale);
  const max = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float64Array(dst * max);
  for (let i = 0; i < dst; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(src, Math.ceil(centre + support));
    let sum = 0;
    let n = 0;
    for (let j = lo; j < hi && n < max; j++, n++) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / support));
      weights[i * max + n] = w;
      sum += w;
    }
    for (let k = 0; k < n; k++) weights[i * max + k] /= sum || 1;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, max };
}

/** Resizes one 8-bit channel with an antialiased triangle (bilinear) filter, separably. */
export function resizeLinear(data: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return data.slice();
  const tx = triangleTaps(sw, dw);
  const ty = triangleTaps(sh, dh);
  const mid = new Float64Array(dw * sh);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < dw; x++) {
      let v = 0;
      for (let k = 0; k < tx.count[x]; k++) v += data[y * sw + tx.start[x] + k] * tx.weights[x * tx.max + k];
      mid[y * dw + x] = v;
    }
  }
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      let v = 0;
      for (let k = 0; k < ty.count[y]; k++) v += mid[(ty.start[y] + k) * dw + x] * ty.weights[y * ty.max + k];
      out[y * dw + x] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
  return out;
}
