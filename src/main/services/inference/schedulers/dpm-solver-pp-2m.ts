/**
 * DPM-Solver++(2M) (Lu et al. 2022) as diffusers' DPMSolverMultistepScheduler with algorithm_type
 * "dpmsolver++" and solver_order 2: the model output is turned into x0, and each step combines the last two
 * x0 predictions (first order on the first step and, with lower_order_final, on the last). This scheduler is
 * always the ++ 2M variant whatever the pack's algorithm_type and solver_order say; the other keys apply.
 */
import { AppError } from '../../../../shared/errors.ts';
import type { Scheduler } from './scheduler.ts';
import { alphasCumprod, checkSteps, CLIP_DEFAULTS, clipX0, COMMON_DEFAULTS, CONFIG_FILE, interp, resolveConfig, roundHalfEven } from './scheduler.ts';

export const DPMPP_2M_DEFAULTS = {
  ...COMMON_DEFAULTS,
  ...CLIP_DEFAULTS,
  clip_sample: false,
  timestep_spacing: 'linspace',
  solver_type: 'midpoint',
  lower_order_final: true,
  euler_at_final: false,
  final_sigmas_type: 'zero',
  lambda_min_clipped: -Infinity,
};

/** alpha_t and sigma_t of the VP form from a sigma of the VE form. */
function alphaSigma(s: number): [number, number] {
  const a = 1 / Math.sqrt(s * s + 1);
  return [a, s * a];
}

export class DpmSolverPp2mScheduler implements Scheduler {
  readonly name = 'dpmpp2m' as const;
  readonly config: typeof DPMPP_2M_DEFAULTS;
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  sigmas: number[] = [];
  private readonly ac: Float64Array;
  private outputs: Float64Array[] = [];
  private lowerOrderNums = 0;

  constructor(raw: Record<string, unknown>) {
    this.config = resolveConfig(DPMPP_2M_DEFAULTS, raw);
    const c = this.config;
    if (!['midpoint', 'heun'].includes(c.solver_type)) throw new AppError('invalid-pack', `${CONFIG_FILE}: solver_type "${c.solver_type}" is not supported (midpoint or heun)`);
    if (!['zero', 'sigma_min'].includes(c.final_sigmas_type)) throw new AppError('invalid-pack', `${CONFIG_FILE}: final_sigmas_type "${c.final_sigmas_type}" is not supported (zero or sigma_min)`);
    this.ac = alphasCumprod(c);
  }

  setTimesteps(steps: number): void {
    const c = this.config;
    const n = c.num_train_timesteps;
    checkSteps(steps, n);
    // Timesteps whose lambda falls below lambda_min_clipped are left out of the schedule.
    let clipped = 0;
    for (let i = n - 1; i >= 0; i--) {
      const lambda = Math.log(Math.sqrt(this.ac[i])) - Math.log(Math.sqrt(1 - this.ac[i]));
      if (lambda < c.lambda_min_clipped) clipped++;
      else break;
    }
    const last = n - clipped;
    const ts: number[] = [];
    if (c.timestep_spacing === 'linspace') {
      // np.linspace(0, last - 1, steps + 1).round()[::-1][:-1]
      const step = (last - 1) / steps;
      for (let i = steps; i >= 1; i--) ts.push(roundHalfEven(i === steps ? last - 1 : i * step));
    } else if (c.timestep_spacing === 'leading') {
      const ratio = Math.floor(last / (steps + 1));
      for (let i = steps; i >= 1; i--) ts.push(i * ratio + c.steps_offset);
    } else {
      const ratio = n / steps;
      for (let k = 0; k < steps; k++) ts.push(roundHalfEven(last + k * -ratio) - 1);
    }
    const all = this.ac.map((a) => Math.sqrt((1 - a) / a));
    const finalSigma = c.final_sigmas_type === 'zero' ? 0 : all[0];
    this.timesteps = ts;
    this.sigmas = [...ts.map((t) => interp(t, all)), finalSigma];
    this.outputs = [];
    this.lowerOrderNums = 0;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, index: number, sample: Float32Array): Float32Array {
    const c = this.config;
    const n = this.timesteps.length;
    const [aS, sS] = alphaSigma(this.sigmas[index]);
    // 1. the model output as a data (x0) prediction
    const x0 = new Float64Array(sample.length);
    for (let i = 0; i < x0.length; i++) {
      const o = modelOutput[i];
      const x = sample[i];
      x0[i] = c.prediction_type === 'epsilon' ? (x - sS * o) / aS : c.prediction_type === 'v_prediction' ? aS * x - sS * o : o;
    }
    clipX0(x0, c, false);
    const lowerOrderFinal = index === n - 1 && (c.euler_at_final || (c.lower_order_final && n < 15) || c.final_sigmas_type === 'zero');
    this.outputs = [...this.outputs, x0].slice(-2);

    // 2. the update in lambda = log(alpha / sigma)
    const [aT, sT] = alphaSigma(this.sigmas[index + 1]);
    const lamT = Math.log(aT) - Math.log(sT); // sT = 0 at the end: lambda = +inf, exp(-h) = 0, x_t = x0
    const lamS = Math.log(aS) - Math.log(sS);
    const h = lamT - lamS;
    const ratio = sT / sS;
    const phi = aT * (Math.exp(-h) - 1);
    const out = new Float32Array(sample.length);
    if (this.lowerOrderNums < 1 || lowerOrderFinal) {
      for (let i = 0; i < out.length; i++) out[i] = ratio * sample[i] - phi * x0[i];
    } else {
      const [aS1, sS1] = alphaSigma(this.sigmas[index - 1]);
      const lamS1 = Math.log(aS1) - Math.log(sS1);
      const r0 = (lamS - lamS1) / h;
      const [m1, m0] = this.outputs;
      const heun = c.solver_type === 'heun';
      const k1 = heun ? aT * ((Math.exp(-h) - 1) / h + 1) : -0.5 * phi;
      for (let i = 0; i < out.length; i++) {
        const d1 = (m0[i] - m1[i]) / r0;
        out[i] = ratio * sample[i] - phi * m0[i] + k1 * d1;
      }
    }
    if (this.lowerOrderNums < 2) this.lowerOrderNums++;
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, index: number): Float32Array {
    const [a, s] = alphaSigma(this.sigmas[index]);
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = a * original[i] + s * noise[i];
    return out;
  }
}
