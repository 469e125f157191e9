/**
 * Euler (Karras et al. 2022, Algorithm 2 without churn) as diffusers' EulerDiscreteScheduler: sigmas
 * interpolated at the (possibly fractional) timesteps, inputs scaled by 1/sqrt(sigma^2 + 1), one Euler step of
 * the probability-flow ODE per model call.
 */
import { AppError } from '../../../../shared/errors.ts';
import type { Scheduler } from './scheduler.ts';
import { alphasCumprod, checkSteps, COMMON_DEFAULTS, CONFIG_FILE, interp, resolveConfig, spacedTimesteps } from './scheduler.ts';

export const EULER_DEFAULTS = { ...COMMON_DEFAULTS, timestep_spacing: 'linspace', interpolation_type: 'linear', final_sigmas_type: 'zero', timestep_type: 'discrete' };

export class EulerDiscreteScheduler implements Scheduler {
  readonly name = 'euler' as const;
  readonly config: typeof EULER_DEFAULTS;
  timesteps: number[] = [];
  sigmas: number[] = [];
  initNoiseSigma = 1;
  private readonly allSigmas: Float64Array;

  constructor(raw: Record<string, unknown>) {
    this.config = resolveConfig(EULER_DEFAULTS, raw);
    const c = this.config;
    if (c.interpolation_type !== 'linear') throw new AppError('invalid-pack', `${CONFIG_FILE}: interpolation_type "${c.interpolation_type}" is not supported (linear)`);
    if (!['zero', 'sigma_min'].includes(c.final_sigmas_type)) throw new AppError('invalid-pack', `${CONFIG_FILE}: final_sigmas_type "${c.final_sigmas_type}" is not supported (zero or sigma_min)`);
    if (c.timestep_type !== 'discrete') throw new AppError('invalid-pack', `${CONFIG_FILE}: timestep_type "${c.timestep_type}" is not supported (discrete)`);
    const ac = alphasCumprod(c);
    this.allSigmas = ac.map((a) => Math.sqrt((1 - a) / a));
  }

  setTimesteps(steps: number): void {
    const c = this.config;
    checkSteps(steps, c.num_train_timesteps);
    const ts = spacedTimesteps(c, steps, false);
    const all = this.allSigmas;
    const sigmas = ts.map((t) => interp(t, all));
    const last = c.final_sigmas_type === 'zero' ? 0 : all[0];
    this.sigmas = [...sigmas, last];
    this.timesteps = ts;
    const max = Math.max(...this.sigmas);
    this.initNoiseSigma = c.timestep_spacing === 'linspace' || c.timestep_spacing === 'trailing' ? max : Math.sqrt(max * max + 1);
  }

  scaleModelInput(sample: Float32Array, index: number): Float32Array {
    const s = this.sigmas[index];
    const k = 1 / Math.sqrt(s * s + 1);
    return sample.map((x) => x * k);
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array {
    const s = this.sigmas[index];
    const dt = this.sigmas[index + 1] - s;
    const p = this.config.prediction_type;
    const out = new Float32Array(sample.length);
    const vA = -s / Math.sqrt(s * s + 1);
    const vB = 1 / (s * s + 1);
    for (let i = 0; i < out.length; i++) {
      const x = sample[i];
      const x0 = p === 'epsilon' ? x - s * modelOutput[i] : p === 'v_prediction' ? modelOutput[i] * vA + x * vB : modelOutput[i];
      out[i] = x + ((x - x0) / s) * dt;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, index: number): Float32Array {
    const s = this.sigmas[index];
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = original[i] + noise[i] * s;
    return out;
  }
}
