/**
 * DDIM (Song et al. 2020), deterministic (eta = 0), as diffusers' DDIMScheduler: x0 from the model output,
 * optionally clipped or thresholded, then x_{t-1} = sqrt(a_prev) x0 + sqrt(1 - a_prev) eps.
 */
import type { Scheduler } from './scheduler.ts';
import { alphasCumprod, checkSteps, CLIP_DEFAULTS, clipX0, COMMON_DEFAULTS, noised, predictX0, resolveConfig, spacedTimesteps, type Prediction } from './scheduler.ts';

export const DDIM_DEFAULTS = { ...COMMON_DEFAULTS, ...CLIP_DEFAULTS, set_alpha_to_one: true };

export class DdimScheduler implements Scheduler {
  readonly name = 'ddim' as const;
  readonly config: typeof DDIM_DEFAULTS;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly ac: Float64Array;
  private steps = 0;

  constructor(raw: Record<string, unknown>) {
    this.config = resolveConfig(DDIM_DEFAULTS, raw);
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

  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array {
    const t = this.timesteps[index];
    const prev = t - Math.floor(this.config.num_train_timesteps / this.steps);
    const aT = this.ac[t];
    const aPrev = prev >= 0 ? this.ac[prev] : this.config.set_alpha_to_one ? 1 : this.ac[0];
    const { x0, eps } = predictX0(this.config.prediction_type as Prediction, modelOutput, sample, aT);
    clipX0(x0, this.config);
    const a = Math.sqrt(aPrev);
    const b = Math.sqrt(1 - aPrev);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) out[i] = a * x0[i] + b * eps[i];
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, index: number): Float32Array {
    return noised(original, noise, this.ac[this.timesteps[index]]);
  }
}
