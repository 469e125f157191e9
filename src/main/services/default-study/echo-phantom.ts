/**
 * An echo-like apical four-chamber cine made from simple parametric shapes: a sector-shaped field, speckle,
 * ventricles and atria as ellipses, a left ventricle that contracts over one cardiac cycle (the wall thickens as
 * the cavity shrinks), and mitral/tricuspid leaflets that open in diastole. It is a stand-in until the phantom
 * service arrives; it aims to look like an echo cine, not to be anatomically exact.
 *
 * Everything is defined in a reference (end-diastolic) frame. Each output pixel is mapped back to the reference
 * frame through the inverse of the contraction, so speckle moves with the tissue as it does in real echo.
 */
import { createPrng, seedFrom } from './prng.ts';

export interface EchoPhantomOptions {
  seed: string;
  rows: number;
  columns: number;
  frames: number;
  /** How many frames one cardiac cycle spans; the cine loops seamlessly when frames is a multiple of it. */
  framesPerCycle: number;
}

/** An ellipse whose long (b) axis is tilted by `tilt` radians from the beam's vertical. */
interface Ellipse {
  cx: number;
  cy: number;
  a: number; // lateral semi-axis
  b: number; // long-axis semi-axis
  tilt: number;
}

const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Local coordinates: `l` across the long axis, `s` along it (positive towards the base, away from the probe). */
const local = (e: Ellipse, x: number, y: number): { l: number; s: number } => {
  const dx = x - e.cx;
  const dy = y - e.cy;
  const c = Math.cos(e.tilt);
  const sn = Math.sin(e.tilt);
  return { l: dx * c - dy * sn, s: dx * sn + dy * c };
};

const rho = (e: Ellipse, x: number, y: number): number => {
  const { l, s } = local(e, x, y);
  return Math.hypot(l / e.a, s / e.b);
};

/** Contraction of the LV over the cycle, 0 at end-diastole: quick systole, rapid filling, diastasis, atrial kick. */
export function contraction(phase: number): number {
  const p = phase - Math.floor(phase);
  if (p < 0.35) return 0.5 - 0.5 * Math.cos((Math.PI * p) / 0.35);
  if (p < 0.6) return 0.5 + 0.5 * Math.cos((Math.PI * (p - 0.35)) / 0.25) * 0.84 + 0.08;
  if (p < 0.8) return 0.16 - 0.04 * ((p - 0.6) / 0.2);
  return 0.12 * (0.5 + 0.5 * Math.cos((Math.PI * (p - 0.8)) / 0.2));
}

/** Blurs a field in place along x then y with a box of radius rx/ry, applied twice (close to a Gaussian). */
function blur(field: Float32Array, w: number, h: number, rx: number, ry: number): void {
  const tmp = new Float32Array(Math.max(w, h));
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        let n = 0;
        for (let k = -rx; k <= rx; k++) {
          const xx = x + k;
          if (xx >= 0 && xx < w) {
            s += field[y * w + xx];
            n++;
          }
        }
        tmp[x] = s / n;
      }
      field.set(tmp.subarray(0, w), y * w);
    }
    for (let x = 0; x < w; x++) {
      for (let y = 0; y < h; y++) {
        let s = 0;
        let n = 0;
        for (let k = -ry; k <= ry; k++) {
          const yy = y + k;
          if (yy >= 0 && yy < h) {
            s += field[yy * w + x];
            n++;
          }
        }
        tmp[y] = s / n;
      }
      for (let y = 0; y < h; y++) field[y * w + x] = tmp[y];
    }
  }
}

/**
 * Fully developed speckle: the magnitude of smoothed complex Gaussian noise (Rayleigh distributed), laid out on
 * a polar grid (depth x beam angle) so grains are short axially and widen laterally with depth, as in a sector
 * scan. Normalised to mean 1.
 */
function makeSpeckle(seed: string, nr: number, nt: number): Float32Array {
  const rng = createPrng(seedFrom(`${seed}:speckle`));
  const re = new Float32Array(nr * nt);
  const im = new Float32Array(nr * nt);
  for (let i = 0; i < re.length; i++) {
    re[i] = rng.gaussian();
    im[i] = rng.gaussian();
  }
  blur(re, nt, nr, 1, 1);
  blur(im, nt, nr, 1, 1);
  const mag = new Float32Array(nr * nt);
  let sum = 0;
  for (let i = 0; i < mag.length; i++) {
    mag[i] = Math.hypot(re[i], im[i]);
    sum += mag[i];
  }
  const mean = sum / mag.length;
  for (let i = 0; i < mag.length; i++) mag[i] /= mean;
  return mag;
}

/** Slowly varying tissue texture (mean 1) so regions are not uniformly grey under the speckle. */
function makeTexture(seed: string, w: number, h: number): Float32Array {
  const rng = createPrng(seedFrom(`${seed}:texture`));
  const f = new Float32Array(w * h);
  for (let i = 0; i < f.length; i++) f[i] = rng.gaussian();
  const r = Math.max(2, Math.round(w / 40));
  blur(f, w, h, r, r);
  let sd = 0;
  for (const v of f) sd += v * v;
  sd = Math.sqrt(sd / f.length) || 1;
  for (let i = 0; i < f.length; i++) f[i] = Math.max(0.3, 1 + 0.35 * (f[i] / sd));
  return f;
}

/** Renders the cine: `frames` frames of rows*columns 8-bit grey values (MONOCHROME2). */
export function renderEchoCine(opts: EchoPhantomOptions): Uint8Array[] {
  const { rows: H, columns: W, frames, framesPerCycle, seed } = opts;
  // Anatomy scales with depth (H); wider images just show more of the sector.
  const apexX = W / 2;
  const apexY = 0.02 * H;
  const depth = 0.96 * H;
  const halfAngle = Math.min((38 * Math.PI) / 180, Math.asin(Math.min(1, (W / 2 - 1) / depth)));

  // Apical four-chamber layout by screen convention: LV right, RV left, atria at the bottom (far field). The
  // ventricles lean so their apices sit near the sector's centre line, as in a real apical window.
  const heart: Ellipse = { cx: apexX + 0.01 * H, cy: 0.52 * H, a: 0.3 * H, b: 0.44 * H, tilt: 0 };
  const lv: Ellipse = { cx: apexX + 0.062 * H, cy: 0.42 * H, a: 0.095 * H, b: 0.29 * H, tilt: 0.12 };
  const rv: Ellipse = { cx: apexX - 0.115 * H, cy: 0.5 * H, a: 0.065 * H, b: 0.2 * H, tilt: -0.08 };
  const baseAt = 0.8; // the annulus plane, as a fraction of the long semi-axis
  const atrium = (v: Ellipse, a: number, b: number): Ellipse => ({
    cx: v.cx + Math.sin(v.tilt) * (baseAt * v.b + 0.85 * b),
    cy: v.cy + Math.cos(v.tilt) * (baseAt * v.b + 0.85 * b),
    a,
    b,
    tilt: v.tilt / 2,
  });
  const la = atrium(lv, 0.11 * H, 0.1 * H);
  const ra = atrium(rv, 0.085 * H, 0.09 * H);
  const wall = 1.32; // LV epicardium at this normalised radius
  const maxContraction = 0.2;

  // Polar speckle grid: one sample per pixel of depth, ~1.2 beams per pixel of the widest arc.
  const nr = Math.ceil(depth) + 2;
  // The grid covers a wider angle than the sector: reference points of tissue near the sector edge can lie just
  // outside it, and clamping them to the edge beam would smear speckle into streaks.
  const gridHalfAngle = Math.min(Math.PI / 2, halfAngle * 1.5);
  const nt = Math.ceil(1.2 * 2 * gridHalfAngle * depth) + 2;
  const speckle = makeSpeckle(seed, nr, nt);
  const texture = makeTexture(seed, W, H);
  const rng = createPrng(seedFrom(`${seed}:noise`));

  /** Echogenicity of a reference-frame point at cardiac phase `phase` (valves move with time, not tissue). */
  const reflectivity = (x: number, y: number, valveOpen: number): number => {
    const rh = rho(heart, x, y);
    let r = 0.12; // extracardiac tissue
    if (rh < 1.02) r = 0.4; // myocardium / fibrous tissue inside the heart silhouette
    r += 1.2 * Math.exp(-(((rh - 1.03) / 0.02) ** 2)); // bright pericardium
    const tx = Math.min(W - 1, Math.max(0, Math.round(x)));
    const ty = Math.min(H - 1, Math.max(0, Math.round(y)));
    r *= texture[ty * W + tx];
    // Blood pools: each chamber fades from myocardium to blood over a short band. Ventricles end at the annulus;
    // between annulus and atrium the valve orifice, as wide as the ventricle there, joins the two.
    let blood = 0;
    let leaflets = 0;
    blood = Math.max(blood, 1 - smoothstep(0.85, 1.0, rho(la, x, y)));
    blood = Math.max(blood, 1 - smoothstep(0.85, 1.0, rho(ra, x, y)));
    for (const [v, at] of [[lv, la], [rv, ra]] as const) {
      const { l, s } = local(v, x, y);
      const base = baseAt * v.b;
      if (s < base) blood = Math.max(blood, 1 - smoothstep(0.88, 1.0, Math.hypot(l / v.a, s / v.b)));
      const hinge = v.a * Math.sqrt(1 - baseAt * baseAt);
      const atriumTop = base + 0.5 * at.b;
      if (s >= base - 1 && s < atriumTop) blood = Math.max(blood, 1 - smoothstep(0.85 * hinge, hinge, Math.abs(l)));
      // Two leaflets hinge at the annulus: closed they meet across it, open they hang towards the apex.
      const len = 0.95 * hinge;
      const open = (valveOpen * 75 * Math.PI) / 180;
      for (const side of [-1, 1]) {
        const hl = side * hinge;
        const el = hl - side * Math.cos(open) * len;
        const es = base - 0.15 * len - Math.sin(open) * len;
        const dl = el - hl;
        const ds = es - base;
        const t = Math.min(1, Math.max(0, ((l - hl) * dl + (s - base) * ds) / (dl * dl + ds * ds)));
        const d = Math.hypot(l - hl - t * dl, s - base - t * ds);
        leaflets += 0.9 * Math.exp(-((d / (0.006 * H + 0.6)) ** 2));
      }
    }
    // Blood scatters weakly but not to black.
    return r * (1 - blood) + 0.004 * blood + leaflets;
  };

  // Inverse of the radial contraction in the LV's normalised coordinates: a point at reference radius p moves to
  // p * (1 - c * g(p)), with g = 1 inside the cavity falling off across and beyond the wall, so the endocardium
  // moves more than the epicardium and the wall thickens. The map is monotonic, so a table inverts it.
  const g = (p: number): number => (p <= 1 ? 1 : Math.exp(-(((p - 1) / 0.55) ** 2)) * (1 - 0.35 * smoothstep(1, wall, p)));
  const tableSize = 4096;
  const tableMax = 4;
  const inverseTable = (c: number): Float32Array => {
    const fwdP = new Float64Array(tableSize);
    const fwdQ = new Float64Array(tableSize);
    for (let i = 0; i < tableSize; i++) {
      const p = (i / (tableSize - 1)) * tableMax;
      fwdP[i] = p;
      fwdQ[i] = p * (1 - c * g(p));
    }
    const inv = new Float32Array(tableSize);
    let j = 0;
    for (let i = 0; i < tableSize; i++) {
      const q = (i / (tableSize - 1)) * tableMax;
      while (j < tableSize - 2 && fwdQ[j + 1] < q) j++;
      const span = fwdQ[j + 1] - fwdQ[j];
      const t = span > 0 ? Math.min(1, Math.max(0, (q - fwdQ[j]) / span)) : 0;
      inv[i] = fwdP[j] + t * (fwdP[j + 1] - fwdP[j]);
    }
    return inv;
  };

  const sampleSpeckle = (x: number, y: number): number => {
    const r = Math.hypot(x - apexX, y - apexY);
    const th = Math.atan2(x - apexX, y - apexY);
    const fr = Math.min(nr - 1.001, Math.max(0, r));
    const ft = Math.min(nt - 1.001, Math.max(0, ((th + gridHalfAngle) / (2 * gridHalfAngle)) * (nt - 3) + 1));
    const r0 = Math.floor(fr);
    const t0 = Math.floor(ft);
    const dr = fr - r0;
    const dt = ft - t0;
    const i = r0 * nt + t0;
    return (
      speckle[i] * (1 - dr) * (1 - dt) + speckle[i + 1] * (1 - dr) * dt + speckle[i + nt] * dr * (1 - dt) + speckle[i + nt + 1] * dr * dt
    );
  };

  const dynamicRangeDb = 46;
  const cosT = Math.cos(lv.tilt);
  const sinT = Math.sin(lv.tilt);
  const out: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    const phase = (f % framesPerCycle) / framesPerCycle;
    const c = maxContraction * contraction(phase);
    // Mitral inflow: open in early diastole (E) and at the atrial kick (A), closed in systole.
    const valveOpen = phase > 0.38 && phase < 0.62 ? Math.sin((Math.PI * (phase - 0.38)) / 0.24) : phase > 0.8 && phase < 0.97 ? 0.7 * Math.sin((Math.PI * (phase - 0.8)) / 0.17) : 0;
    const inv = inverseTable(c);
    const img = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const r = Math.hypot(x - apexX, y - apexY);
        const th = Math.atan2(x - apexX, y - apexY);
        // Sector mask with a slightly soft edge, as scan conversion gives.
        const edge = Math.min(smoothstep(0, 1.5, (halfAngle - Math.abs(th)) * r), smoothstep(0, 1.5, depth - r));
        if (edge <= 0 || y < apexY) continue;
        // Back to the reference frame.
        const { l, s } = local(lv, x, y);
        const q = Math.hypot(l / lv.a, s / lv.b);
        let rx = x;
        let ry = y;
        if (q > 1e-6 && q < tableMax) {
          const k = inv[Math.min(tableSize - 1, Math.round((q / tableMax) * (tableSize - 1)))] / q;
          rx = lv.cx + k * (l * cosT + s * sinT);
          ry = lv.cy + k * (-l * sinT + s * cosT);
        }
        const refl = reflectivity(rx, ry, valveOpen);
        const env = refl * sampleSpeckle(rx, ry) + 0.004 * Math.abs(rng.gaussian());
        // Near-field clutter close to the probe, and mild depth attenuation left after TGC.
        const nearField = 1 + 2 * Math.exp(-r / (0.05 * H));
        const attenuation = Math.exp(-0.6 * (r / depth)) * (1 - 0.35 * (Math.abs(th) / halfAngle) ** 4);
        const db = 20 * Math.log10(Math.max(1e-6, env * nearField * attenuation));
        const v = (db + dynamicRangeDb - 8) / dynamicRangeDb;
        img[y * W + x] = Math.round(255 * Math.min(1, Math.max(0, v)) * edge);
      }
    }
    out.push(img);
  }
  return out;
}
