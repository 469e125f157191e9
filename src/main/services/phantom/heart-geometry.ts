/**
 * The parametric heart of one view of one patient, as polygons in millimetres, at any contraction state.
 *
 * Everything is built in the LV's own frame: `s` runs along the long axis from the endocardial apex (s = 0,
 * nearest the probe) to the mitral annulus (s = L), `l` across it (positive towards image right). The cavity
 * is a bullet: an elliptical apical cap on a gently tapering cylinder, truncated at the annulus. The
 * myocardium is the cavity's outline offset along its normals by the wall thickness (thinner at the apex) and
 * left open at the annulus, where the left atrium begins. In 4CH the right ventricle lies against the septum
 * (the image-left wall) and the right atrium below the tricuspid annulus, a little apical of the mitral one.
 *
 * Contraction `q` is the radial fractional shortening (0 at end-diastole): widths scale by (1 - q), the long
 * axis by (1 - 0.45 q) with the apex fixed, so the base descends towards the apex. The wall thickens because
 * the myocardial band keeps its muscle volume (see THICKENING_3D).
 */
import type { PhantomView } from './palette.ts';
import type { PatientParams } from './patient.ts';

/** Closed polygon, interleaved x,y in image millimetres (x right of the probe, y depth). */
export type Polygon = Float64Array;

export interface HeartPolygons {
  cavity: Polygon;
  myocardiumOuter: Polygon;
  leftAtrium: Polygon;
  rightVentricle?: Polygon;
  rightAtrium?: Polygon;
  /** The left atrium grown by the interatrial septum's thickness: the right atrium must stay outside it. */
  rightAtriumExclusion?: Polygon;
  /** Continuous landmarks, image mm. */
  apex: { x: number; y: number };
  annulusMid: { x: number; y: number };
}

export const LONGITUDINAL_RATIO = 0.45;
const SEPTUM_GAP_MM = 3.5;
const BASE_FOOT_MM = 2.5;
/** The in-plane band gains area as the ring's circumference shrinks out of plane (muscle volume is kept in
 * 3D, not in the image plane); this exponent gives the 40-60 % systolic thickening seen in healthy hearts. */
const THICKENING_3D = 0.7;

const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Shoelace area of an interleaved closed polygon. */
export function polygonArea(p: Polygon): number {
  let a = 0;
  const n = p.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) a += p[2 * j] * p[2 * i + 1] - p[2 * i] * p[2 * j + 1];
  return Math.abs(a) / 2;
}

interface State {
  L: number;
  bL: number;
  bR: number;
  wall: number;
}

export class HeartView {
  readonly view: PhantomView;
  readonly patient: PatientParams;
  /** Cavity apex position, image mm, and the long-axis direction. */
  readonly apexX: number;
  readonly apexY: number;
  readonly dx: number;
  readonly dy: number;
  private readonly wallCache = new Map<number, number>();
  private readonly myoArea0: number;

  constructor(patient: PatientParams, view: PhantomView) {
    this.view = view;
    this.patient = patient;
    const v = patient.views[view];
    const theta = (v.axisDeg * Math.PI) / 180;
    this.dx = Math.sin(theta);
    this.dy = Math.cos(theta);
    this.apexX = v.apexOffsetMm;
    this.apexY = patient.apexDepthMm + patient.wallMm * patient.apexWallFraction;
    const s0 = this.baseState(0, patient.wallMm);
    this.myoArea0 = polygonArea(this.outer(s0)) - polygonArea(this.cavity(s0));
    this.wallCache.set(0, patient.wallMm);
  }

  /** Image depth (mm) the sector must reach to show the whole heart at end-diastole plus the patient's margin. */
  requiredDepthMm(): number {
    const p = this.patient;
    const deepest = p.lvLengthMm + Math.max(p.la.lengthMm, this.view === '4CH' ? p.ra.lengthMm - p.rv.tricuspidOffsetMm : 0) + 4;
    return this.apexY + deepest * this.dy + p.depthMarginMm;
  }

  private baseState(q: number, wall: number): State {
    const p = this.patient;
    const wf = p.views[this.view].widthFactor;
    return {
      L: p.lvLengthMm * (1 - LONGITUDINAL_RATIO * q),
      bL: p.lvHalfWidthLeftMm * wf * (1 - q),
      bR: p.lvHalfWidthRightMm * wf * (1 - q),
      wall,
    };
  }

  /** The ED-preserving wall thickness at contraction q (bisection on the band's area, cached per q). */
  wallAt(q: number): number {
    const cached = this.wallCache.get(q);
    if (cached !== undefined) return cached;
    let lo = this.patient.wallMm * 0.5;
    let hi = this.patient.wallMm * 4;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      const st = this.baseState(q, mid);
      const area = polygonArea(this.outer(st)) - polygonArea(this.cavity(st));
      if (area < this.myoArea0 * (1 - q) ** -THICKENING_3D) lo = mid;
      else hi = mid;
    }
    const wall = (lo + hi) / 2;
    if (this.wallCache.size > 4096) this.wallCache.clear();
    this.wallCache.set(q, wall);
    return wall;
  }

  state(q: number): State {
    return this.baseState(q, this.wallAt(q));
  }

  /** Cavity half-width on one side at axial position s. */
  halfWidth(st: State, side: -1 | 1, s: number): number {
    const b = side < 0 ? st.bL : st.bR;
    const cap = this.patient.apexCapFraction * st.L;
    if (s <= 0) return 0;
    if (s < cap) {
      const u = (cap - s) / cap;
      return b * Math.sqrt(Math.max(0, 1 - u * u));
    }
    const t = Math.min(1, (s - cap) / (st.L - cap));
    return b * (1 - this.patient.baseTaper * t);
  }

  /** Wall thickness at axial position s: thinner at the apex. */
  wallThickness(st: State, s: number): number {
    const f = this.patient.apexWallFraction;
    return st.wall * (f + (1 - f) * smoothstep(0, 0.35 * st.L, s));
  }

  /** Open endocardial curve, local (l, s) pairs, from the left annulus over the apex to the right annulus. */
  private endocardium(st: State): number[] {
    const cap = this.patient.apexCapFraction * st.L;
    const capN = 28;
    const bodyN = 18;
    const side = (sign: -1 | 1): number[] => {
      const pts: number[] = [];
      const b = sign < 0 ? st.bL : st.bR;
      for (let i = 1; i <= capN; i++) {
        const t = (i / capN) * (Math.PI / 2);
        pts.push(sign * b * Math.sin(t), cap * (1 - Math.cos(t)));
      }
      for (let i = 1; i <= bodyN; i++) {
        const s = cap + ((st.L - cap) * i) / bodyN;
        pts.push(sign * this.halfWidth(st, sign, s), s);
      }
      return pts;
    };
    const left = side(-1);
    const right = side(1);
    const out: number[] = [];
    for (let i = left.length - 2; i >= 0; i -= 2) out.push(left[i], left[i + 1]);
    out.push(0, 0);
    out.push(...right);
    return out;
  }

  private toImage(local: number[]): Polygon {
    const out = new Float64Array(local.length);
    for (let i = 0; i < local.length; i += 2) {
      const l = local[i];
      const s = local[i + 1];
      out[i] = this.apexX + s * this.dx + l * this.dy;
      out[i + 1] = this.apexY + s * this.dy - l * this.dx;
    }
    return out;
  }

  /** Local-frame coordinates of an image point. */
  toLocal(x: number, y: number): [number, number] {
    const rx = x - this.apexX;
    const ry = y - this.apexY;
    return [rx * this.dy - ry * this.dx, rx * this.dx + ry * this.dy];
  }

  fromLocal(l: number, s: number): [number, number] {
    return [this.apexX + s * this.dx + l * this.dy, this.apexY + s * this.dy - l * this.dx];
  }

  private cavity(st: State): Polygon {
    return this.toImage(this.endocardium(st));
  }

  /** The epicardial outline: the endocardium pushed out along its normals, closed along the annulus line. */
  private outerLocal(st: State): number[] {
    const e = this.endocardium(st);
    const n = e.length / 2;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = Math.max(0, i - 1);
      const b = Math.min(n - 1, i + 1);
      const tl = e[2 * b] - e[2 * a];
      const ts = e[2 * b + 1] - e[2 * a + 1];
      const len = Math.hypot(tl, ts) || 1;
      const nl = ts / len;
      const ns = -tl / len;
      const s = e[2 * i + 1];
      const w = this.wallThickness(st, s);
      out.push(e[2 * i] + nl * w, s + ns * w);
    }
    // The band ends at the annulus line in short feet reaching BASE_FOOT_MM past it beside the valve, so a
    // tilted annulus never leaves a cavity corner touching background when rasterised.
    out[1] = st.L;
    out[2 * n - 1] = st.L;
    const f = BASE_FOOT_MM;
    const lIn = e[0];
    const rIn = e[2 * n - 2];
    return [lIn, st.L, lIn, st.L + f, out[0], st.L + f, ...out, out[2 * n - 2], st.L + f, rIn, st.L + f, rIn, st.L];
  }

  private outer(st: State): Polygon {
    return this.toImage(this.outerLocal(st));
  }

  /** An atrium hanging below an annulus from lA to lB at depth s0, sheared by `tiltDeg`, grown by `grow` mm. */
  private atrium(lA: number, lB: number, s0: number, length: number, half: number, tiltDeg: number, grow: number): number[] {
    const mid = (lA + lB) / 2;
    const aHalf = (lB - lA) / 2;
    const shear = Math.tan((tiltDeg * Math.PI) / 180);
    // Never narrower than the annulus near it, so the valve plane is covered edge to edge.
    const bulge = Math.max(half, aHalf * 1.08);
    const hw = (u: number): number =>
      u < 0.4 ? aHalf + (bulge - aHalf) * Math.sin((Math.PI / 2) * (u / 0.4)) : bulge * Math.sqrt(Math.max(0, 1 - ((u - 0.4) / 0.6) ** 2));
    const n = 40;
    const right: number[] = [];
    const left: number[] = [];
    for (let i = 0; i <= n; i++) {
      const u = i / n;
      const s = s0 + u * (length + grow);
      const c = mid + shear * u * u * length;
      const w = hw(u) + grow * Math.sqrt(u);
      right.push(c + w, s);
      left.push(c - w, s);
    }
    const out = [...right];
    for (let i = left.length - 2; i >= 0; i -= 2) out.push(left[i], left[i + 1]);
    return out;
  }

  /** All polygons at contraction q. */
  polygons(q: number): HeartPolygons {
    const p = this.patient;
    const st = this.state(q);
    const endo = this.endocardium(st);
    const lLeft = endo[0];
    const lRight = endo[endo.length - 2];
    const laRoof = p.lvLengthMm + p.la.lengthMm * (1 + 0.06 * q);
    const laLocal = this.atrium(lLeft, lRight, st.L, laRoof - st.L, p.la.halfWidthMm * (1 + 0.08 * q), p.la.tiltDeg, 0);
    const mid = this.fromLocal((lLeft + lRight) / 2, st.L);
    const result: HeartPolygons = {
      cavity: this.toImage(endo),
      myocardiumOuter: this.outer(st),
      leftAtrium: this.toImage(laLocal),
      apex: { x: this.apexX, y: this.apexY },
      annulusMid: { x: mid[0], y: mid[1] },
    };
    if (this.view === '4CH') {
      const s0 = p.rv.apexFraction * p.lvLengthMm;
      const s1 = st.L - p.rv.tricuspidOffsetMm;
      const width = p.rv.widthMm * (1 - 0.45 * q);
      const septum = (s: number): number => -(this.halfWidth(st, -1, s) + this.wallThickness(st, s)) + 0.8;
      const prof = (t: number): number => Math.sin((Math.PI / 2) * Math.min(1, t / 0.75)) ** 0.8 * (1 - 0.1 * Math.max(0, (t - 0.75) / 0.25));
      const n = 36;
      const rvRight: number[] = [];
      const rvLeft: number[] = [];
      for (let i = 0; i <= n; i++) {
        const s = s0 + ((s1 - s0) * i) / n;
        rvRight.push(septum(s), s);
        rvLeft.push(septum(s) - width * prof(i / n), s);
      }
      const rv = [...rvRight];
      for (let i = rvLeft.length - 2; i >= 0; i -= 2) rv.push(rvLeft[i], rvLeft[i + 1]);
      result.rightVentricle = this.toImage(rv);
      const raRoof = p.lvLengthMm - p.rv.tricuspidOffsetMm + p.ra.lengthMm * (1 + 0.05 * q);
      const lA = septum(s1) - width * prof(1);
      const lB = septum(s1);
      result.rightAtrium = this.toImage(this.atrium(lA, lB, s1, raRoof - s1, p.ra.halfWidthMm * (1 + 0.08 * q), p.ra.tiltDeg, 0));
      result.rightAtriumExclusion = this.toImage(
        this.atrium(lLeft - SEPTUM_GAP_MM, lRight + SEPTUM_GAP_MM, st.L - 1, laRoof - st.L + 1, p.la.halfWidthMm * (1 + 0.08 * q), p.la.tiltDeg, SEPTUM_GAP_MM),
      );
    }
    return result;
  }

  /**
   * A function moving tissue points from their end-diastolic position to where they are at contraction q
   * (image mm, written to `out`). Cavity, wall and nearby tissue follow the walls; the effect fades with
   * distance so far tissue stays still. It carries speckle scatterers with the heart, so it only needs to be
   * smooth and roughly consistent with the polygons, which stay the exact source of the labels.
   */
  deformer(q: number): (x: number, y: number, out: Float64Array) => void {
    const e = this.state(0);
    const c = this.state(q);
    const ratio = c.L / e.L;
    const laSpan = this.patient.la.lengthMm + 20;
    const { apexX, apexY, dx, dy } = this;
    return (x, y, out) => {
      const rx = x - apexX;
      const ry = y - apexY;
      const l = rx * dy - ry * dx;
      const s = rx * dx + ry * dy;
      let s2: number;
      if (s <= 0) s2 = s;
      else if (s <= e.L) s2 = s * ratio;
      else s2 = s - (e.L - c.L) * Math.max(0, 1 - (s - e.L) / laSpan);
      // Lateral mapping evaluated inside the LV's axial span and faded beyond it.
      const sc = Math.min(e.L, Math.max(0.5, s));
      const side: -1 | 1 = l < 0 ? -1 : 1;
      const a = Math.abs(l);
      const w0 = this.halfWidth(e, side, sc);
      const wq = this.halfWidth(c, side, sc * ratio);
      const o0 = w0 + this.wallThickness(e, sc);
      const oq = wq + this.wallThickness(c, sc * ratio);
      let a2: number;
      if (a <= w0) a2 = w0 > 0 ? (a * wq) / w0 : a;
      else if (a <= o0) a2 = wq + ((a - w0) * (oq - wq)) / (o0 - w0);
      else a2 = a + (oq - o0) * Math.exp(-(a - o0) / 15);
      const fade = s < 0 ? Math.exp(s / 8) : s > e.L ? 1 - smoothstep(e.L, e.L + 15, s) : 1;
      const l2 = l + (side * a2 - l) * fade;
      out[0] = apexX + s2 * dx + l2 * dy;
      out[1] = apexY + s2 * dy - l2 * dx;
    };
  }
}
