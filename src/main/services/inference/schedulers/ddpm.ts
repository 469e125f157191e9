/**
 * DDPM (Ho et al. 2020) ancestral sampling as diffusers' DDPMScheduler: the posterior mean from x0 and x_t,
 * plus fixed-variance noise at every step but the last (t > 0). Variance types fixed_small, fixed_small_log
 * and fixed_large; the learned ones need a model that predicts variance, which our packs do not.
 */
import { AppError } from '../../../../shared/errors.ts';
import type { NoiseSource, Scheduler } from './scheduler.ts';
import { alphasCumprod, checkSteps, CLIP_DEFAULTS, clipX0, COMMON_DEFAULTS, CONFIG_FILE, noised, predictX0, resolveConfig, spacedTimesteps, type Prediction } from './scheduler.ts';

export const DDPM_DEFAULTS = { ...COMMON_DEFAULTS, ...CLIP_DEFAULTS, variance_type: 'fixed_small' };

export class DdpmScheduler implements Scheduler {
  readonly name = 'ddpm' as const;
  readonly config: typeof DDPM_DEFAULTS;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly ac: Float64Array;
  private steps = 0;

  constructor(raw: Record<string, unknown>) {
    this.config = resolveConfig(DDPM_DEFAULTS, raw);
    if (!['fixed_small', 'fixed_small_log', 'fixed_large'].includes(this.config.variance_type)) {
      throw new AppError('invalid-pack', `${CONFIG_FILE}: variance_type "${this.config.variance_type}" is not supported with DDPM here (fixed_small, fixed_small_log or fixed_large)`);
    }
    this.ac = alphasCumprod(this.config);
  }

  setTimesteps(steps: number): void {
    checkSteps(steps, this.config.num_train_timesteps);
    this.steps = steps;
    this.timesteps = spacedTimesteps(this.config, steps);
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    const t = this.timesteps[index];
    const prev = t - Math.floor(this.config.num_train_timesteps / this.steps);
    const aT = this.ac[t];
    const aPrev = prev >= 0 ? this.ac[prev] : 1;
    const bT = 1 - aT;
    const bPrev = 1 - aPrev;
    const curA = aT / aPrev;
    const curB = 1 - curA;
    const { x0 } = predictX0(this.config.prediction_type as Prediction, modelOutput, sample, aT);
    clipX0(x0, this.config);
    const cx0 = (Math.sqrt(aPrev) * curB) / bT;
    const cxt = (Math.sqrt(curA) * bPrev) / bT;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) out[i] = cx0 * x0[i] + cxt * sample[i];
    if (t > 0) {
      const variance = Math.max((bPrev / bT) * curB, 1e-20);
      const v = this.config.variance_type;
      const std = v === 'fixed_small' ? Math.sqrt(variance) : v === 'fixed_small_log' ? Math.exp(0.5 * Math.log(variance)) : Math.sqrt(curB);
      const z = noise();
      for (let i = 0; i < out.length; i++) out[i] += std * z[i];
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, index: number): Float32Array {
    return noised(original, noise, this.ac[this.timesteps[index]]);
  }
}
