/**
 * The one interface every scheduler implements (diffusers' SchedulerMixin, reduced to what the pipeline uses),
 * and what they share: configuration from `scheduler_config.json` keys as diffusers names them, the beta
 * schedules, and the x0 prediction / clipping helpers.
 *
 * Differences from diffusers, on purpose: the pipeline passes the step *index* (diffusers' step_index) rather
 * than the timestep value, so duplicate timesteps and img2img's begin index need no lookup; maths is done in
 * float64 on Float32Array samples (diffusers: float32 tensors); the batch is always one image.
 */
import type { SchedulerName } from '../../../../shared/inference-types.ts';
import { AppError } from '../../../../shared/errors.ts';

/** A source of standard-normal noise with the sample's length (the pipeline's seeded generator). */
export type NoiseSource = () => Float32Array;

export interface Scheduler {
  readonly name: SchedulerName;
  /** The resolved configuration (defaults, overridden by the pack's keys this scheduler knows). */
  readonly config: Readonly<Record<string, unknown>>;
  setTimesteps(steps: number): void;
  /** Timesteps the model sees, one per step (fractional for Euler with linspace spacing). */
  readonly timesteps: readonly number[];
  /** Standard deviation of the initial noise. */
  readonly initNoiseSigma: number;
  /** The model input for step `index` (Euler divides by sqrt(sigma^2 + 1); others return the sample). */
  scaleModelInput(sample: Float32Array, index: number): Float32Array;
  /** One denoising step: the sample at the next (less noisy) timestep. */
  step(modelOutput: Float32Array, index: number, sample: Float32Array, noise: NoiseSource): Float32Array;
  /** Noises a clean sample to the noise level of step `index` (img2img's starting point). */
  addNoise(original: Float32Array, noise: Float32Array, index: number): Float32Array;
}

export const CONFIG_FILE = 'scheduler/scheduler_config.json';

/** Keys every scheduler reads, with diffusers' defaults. */
export const COMMON_DEFAULTS = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear' as string,
  trained_betas: null as number[] | null,
  prediction_type: 'epsilon' as string,
  timestep_spacing: 'leading' as string,
  steps_offset: 0,
  rescale_betas_zero_snr: false,
};

type Defaults = Record<string, unknown>;

function bad(key: string, value: unknown, allowed: string): AppError {
  return new AppError('invalid-pack', `${CONFIG_FILE}: ${key} ${JSON.stringify(value)} is not supported (${allowed})`);
}

/**
 * Defaults overridden by the keys of `raw` that this scheduler knows, each checked to have the default's
 * type (diffusers' from_config: unknown keys are ignored, missing ones take the scheduler's defaults).
 */
export function resolveConfig<D extends Defaults>(defaults: D, raw: Record<string, unknown>): D {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, def] of Object.entries(defaults)) {
    if (!(key in raw) || raw[key] === undefined) continue;
    const v = raw[key];
    if (key === 'trained_betas') {
      if (v !== null && !(Array.isArray(v) && v.every((x) => typeof x === 'number' && x > 0 && x < 1))) throw bad(key, '[…]', 'null or an array of betas in (0, 1)');
      out[key] = v;
      continue;
    }
    if (key === 'lambda_min_clipped' && (v === '-inf' || v === null)) continue;
    if (typeof def === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) throw bad(key, v, 'a number');
    if (typeof def === 'boolean' && typeof v !== 'boolean') throw bad(key, v, 'true or false');
    if (typeof def === 'string' && typeof v !== 'string') throw bad(key, v, 'a string');
    out[key] = v;
  }
  const c = out as typeof COMMON_DEFAULTS;
  if (!Number.isInteger(c.num_train_timesteps) || c.num_train_timesteps < 2 || c.num_train_timesteps > 100_000) throw bad('num_train_timesteps', c.num_train_timesteps, 'an integer from 2 to 100000');
  if (c.trained_betas && c.trained_betas.length !== c.num_train_timesteps) throw bad('trained_betas', `${c.trained_betas.length} values`, `one per training timestep (${c.num_train_timesteps})`);
  if (!['linear', 'scaled_linear', 'squaredcos_cap_v2'].includes(c.beta_schedule)) throw bad('beta_schedule', c.beta_schedule, 'linear, scaled_linear or squaredcos_cap_v2');
  if (!['epsilon', 'v_prediction', 'sample'].includes(c.prediction_type)) throw bad('prediction_type', c.prediction_type, 'epsilon, v_prediction or sample');
  if (!['leading', 'trailing', 'linspace'].includes(c.timestep_spacing)) throw bad('timestep_spacing', c.timestep_spacing, 'leading, trailing or linspace');
  for (const k of ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas']) {
    if (raw[k] === true) throw bad(k, true, 'false: this engine uses the schedule sigmas');
  }
  return out as D;
}

/** Betas of the training noise schedule (diffusers' three schedules, or trained_betas). */
export function betas(c: typeof COMMON_DEFAULTS): Float64Array {
  const n = c.num_train_timesteps;
  if (c.trained_betas) return Float64Array.from(c.trained_betas);
  const out = new Float64Array(n);
  if (c.beta_schedule === 'linear') {
    for (let i = 0; i < n; i++) out[i] = c.beta_start + ((c.beta_end - c.beta_start) * i) / (n - 1);
  } else if (c.beta_schedule === 'scaled_linear') {
    const a = Math.sqrt(c.beta_start);
    const b = Math.sqrt(c.beta_end);
    for (let i = 0; i < n; i++) out[i] = (a + ((b - a) * i) / (n - 1)) ** 2;
  } else {
    // squaredcos_cap_v2 (GLIDE's cosine schedule, betas_for_alpha_bar with max_beta 0.999)
    const f = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < n; i++) out[i] = Math.min(1 - f((i + 1) / n) / f(i / n), 0.999);
  }
  return out;
}

/** Cumulative products of (1 - beta), after the zero-terminal-SNR rescale when configured. */
export function alphasCumprod(c: typeof COMMON_DEFAULTS): Float64Array {
  let b = betas(c);
  const n = b.length;
  const ac = new Float64Array(n);
  let p = 1;
  for (let i = 0; i < n; i++) ac[i] = p *= 1 - b[i];
  if (c.rescale_betas_zero_snr) {
    // Lin et al. 2023 (diffusers rescale_zero_terminal_snr): shift and scale sqrt(alpha_bar) so the last is 0.
    const s = ac.map(Math.sqrt);
    const s0 = s[0];
    const sT = s[n - 1];
    const ab = s.map((x) => ((x - sT) * s0) / (s0 - sT)).map((x) => x * x);
    b = new Float64Array(n);
    b[0] = 1 - ab[0];
    for (let i = 1; i < n; i++) b[i] = 1 - ab[i] / ab[i - 1];
    p = 1;
    for (let i = 0; i < n; i++) ac[i] = p *= 1 - b[i];
    // diffusers: avoid an infinite sigma at the last timestep.
    ac[n - 1] = 2 ** -24;
  }
  return ac;
}

/**
 * Timesteps of `steps` inference steps under the configured spacing (DDPM, DDIM and Euler share this; DPM-Solver
 * has its own). `round` is false for Euler's linspace, which keeps fractional timesteps.
 */
export function spacedTimesteps(c: typeof COMMON_DEFAULTS, steps: number, round = true): number[] {
  const n = c.num_train_timesteps;
  const out: number[] = [];
  if (c.timestep_spacing === 'linspace') {
    // np.linspace(0, n - 1, steps)[::-1]: i * step, the last exactly n - 1
    const step = steps === 1 ? 0 : (n - 1) / (steps - 1);
    for (let i = steps - 1; i >= 0; i--) {
      const t = i === steps - 1 && steps > 1 ? n - 1 : i * step;
      out.push(round ? roundHalfEven(t) : t);
    }
  } else if (c.timestep_spacing === 'leading') {
    const ratio = Math.floor(n / steps);
    for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + c.steps_offset);
  } else {
    // trailing: np.round(np.arange(n, 0, -n / steps)) - 1. numpy's arange yields one element too many for some
    // step counts (61, 103, 121, 122 of 1000: a last timestep of -1); diffusers inherits that, we keep `steps`.
    const ratio = n / steps;
    for (let k = 0; k < steps; k++) out.push(roundHalfEven(n + k * -ratio) - 1);
  }
  return out;
}

/** numpy's round: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function checkSteps(steps: number, max: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new AppError('invalid-argument', `steps must be a positive integer, not ${steps}`);
  if (steps > max) throw new AppError('invalid-argument', `steps ${steps} is more than the ${max} timesteps the model was trained with`);
}

/** np.interp over x = 0..ys.length-1. */
export function interp(x: number, ys: Float64Array): number {
  if (x <= 0) return ys[0];
  const last = ys.length - 1;
  if (x >= last) return ys[last];
  const i = Math.floor(x);
  const f = x - i;
  return ys[i] + (ys[i + 1] - ys[i]) * f;
}

export type Prediction = 'epsilon' | 'v_prediction' | 'sample';

/**
 * x0 and epsilon from a model output, given alpha_bar at t (DDIM/DDPM form): epsilon x0 = (x - sqrt(1-a) e) /
 * sqrt(a); v-prediction x0 = sqrt(a) x - sqrt(1-a) v, e = sqrt(a) v + sqrt(1-a) x; sample: x0 = output.
 */
export function predictX0(pred: Prediction, out: Float32Array, x: Float32Array, alphaBar: number): { x0: Float64Array; eps: Float64Array } {
  const n = x.length;
  const sa = Math.sqrt(alphaBar);
  const sb = Math.sqrt(1 - alphaBar);
  const x0 = new Float64Array(n);
  const eps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (pred === 'epsilon') {
      x0[i] = (x[i] - sb * out[i]) / sa;
      eps[i] = out[i];
    } else if (pred === 'v_prediction') {
      x0[i] = sa * x[i] - sb * out[i];
      eps[i] = sa * out[i] + sb * x[i];
    } else {
      x0[i] = out[i];
      eps[i] = (x[i] - sa * out[i]) / sb;
    }
  }
  return { x0, eps };
}

export interface ClipConfig {
  clip_sample: boolean;
  clip_sample_range: number;
  thresholding: boolean;
  dynamic_thresholding_ratio: number;
  sample_max_value: number;
}

export const CLIP_DEFAULTS: ClipConfig = { clip_sample: true, clip_sample_range: 1.0, thresholding: false, dynamic_thresholding_ratio: 0.995, sample_max_value: 1.0 };

/** Dynamic thresholding (Imagen) when configured, else clipping to +-clip_sample_range when configured. */
export function clipX0(x0: Float64Array, c: ClipConfig, allowClip = true): void {
  if (c.thresholding) {
    const abs = Float64Array.from(x0, Math.abs).sort();
    // torch.quantile / np.quantile, linear interpolation
    const pos = c.dynamic_thresholding_ratio * (abs.length - 1);
    const lo = Math.floor(pos);
    const q = lo + 1 < abs.length ? abs[lo] + (abs[lo + 1] - abs[lo]) * (pos - lo) : abs[lo];
    const s = Math.min(Math.max(q, 1), c.sample_max_value);
    for (let i = 0; i < x0.length; i++) x0[i] = Math.min(Math.max(x0[i], -s), s) / s;
  } else if (allowClip && c.clip_sample) {
    const r = c.clip_sample_range;
    for (let i = 0; i < x0.length; i++) x0[i] = Math.min(Math.max(x0[i], -r), r);
  }
}

/** sqrt(alpha_bar) * x0 + sqrt(1 - alpha_bar) * noise. */
export function noised(original: Float32Array, noise: Float32Array, alphaBar: number): Float32Array {
  const a = Math.sqrt(alphaBar);
  const b = Math.sqrt(1 - alphaBar);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = a * original[i] + b * noise[i];
  return out;
}
