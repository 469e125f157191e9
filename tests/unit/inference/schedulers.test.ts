/**
 * Scheduler conformance: every scheduler, over beta schedules, spacings, prediction types and the options
 * packs use, against an independent numpy implementation of diffusers' formulas
 * (tests/fixtures/packs/reference_schedulers.py, run here through Debian's python3-numpy): timesteps, sigmas,
 * the initial noise sigma, the first model input, the sample after the first step and after every later one,
 * and add_noise.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../src/main/services/inference/schedulers/index.ts';
import type { SchedulerName } from '../../../src/shared/inference-types.ts';
import { pythonMissing, runPythonJson } from '../../support/python.ts';

const SCRIPT = join(resolve(import.meta.dirname, '../../fixtures/packs'), 'scheduler_cases.py');
const missing = pythonMissing(['numpy']);
if (missing) console.warn(`schedulers.test.ts: numpy reference skipped: ${missing}`);

interface Case {
  scheduler: SchedulerName;
  config: Record<string, unknown>;
  steps: number;
  sample: number[];
  base: number[];
  noises: number[][];
  add_noise_at: number;
}

interface Reference {
  timesteps: number[];
  sigmas: number[];
  init_noise_sigma: number;
  scaled: number[];
  trajectory: number[][];
  noised: number[];
}

const N = 24;
const wave = (k: number, phase: number) => Array.from({ length: N }, (_, i) => Math.fround(Math.sin(i * k + phase) * 1.3));

function makeCase(scheduler: SchedulerName, config: Record<string, unknown>, steps: number): Case {
  return {
    scheduler,
    config,
    steps,
    sample: wave(1.3, 0.2),
    base: wave(0.7, 1.1),
    noises: Array.from({ length: steps }, (_, s) => wave(0.37 + s * 0.11, s)),
    add_noise_at: Math.floor(steps / 3),
  };
}

const SCHEDULERS: SchedulerName[] = ['ddim', 'ddpm', 'euler', 'dpmpp2m'];
const STEP_COUNTS = [4, 10, 25];

function cases(): Case[] {
  const out: Case[] = [];
  let k = 0;
  for (const s of SCHEDULERS) {
    for (const beta_schedule of ['linear', 'scaled_linear', 'squaredcos_cap_v2']) {
      for (const timestep_spacing of ['leading', 'trailing', 'linspace']) {
        for (const prediction_type of ['epsilon', 'v_prediction']) {
          const cfg: Record<string, unknown> = { beta_schedule, timestep_spacing, prediction_type, clip_sample: false };
          if (beta_schedule === 'scaled_linear') Object.assign(cfg, { beta_start: 0.00085, beta_end: 0.012, steps_offset: 1 });
          out.push(makeCase(s, cfg, STEP_COUNTS[k++ % STEP_COUNTS.length]));
        }
      }
    }
  }
  // Options packs set: Stable Diffusion's DDIM config, clipping and thresholding, zero terminal SNR, trained
  // betas, sample prediction, DDPM variance types, DPM-Solver's heun update, final sigmas, long schedules, and
  // a step count where numpy's arange overshoots.
  const sd = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, steps_offset: 1, set_alpha_to_one: false, clip_sample: false };
  out.push(makeCase('ddim', sd, 25), makeCase('ddim', { ...sd, set_alpha_to_one: true }, 7));
  out.push(makeCase('ddim', { clip_sample: true, clip_sample_range: 0.5 }, 6), makeCase('ddpm', { clip_sample: true }, 6));
  out.push(makeCase('ddim', { thresholding: true, dynamic_thresholding_ratio: 0.9, sample_max_value: 1.5 }, 5));
  out.push(makeCase('dpmpp2m', { thresholding: true, dynamic_thresholding_ratio: 0.8, sample_max_value: 2.0 }, 5));
  for (const s of SCHEDULERS) out.push(makeCase(s, { rescale_betas_zero_snr: true, timestep_spacing: 'trailing', prediction_type: 'v_prediction', clip_sample: false }, 8));
  const trained = Array.from({ length: 1000 }, (_, i) => 0.0002 + (0.015 * i) / 999);
  for (const s of SCHEDULERS) out.push(makeCase(s, { trained_betas: trained, clip_sample: false }, 6));
  for (const s of ['ddim', 'ddpm', 'euler', 'dpmpp2m'] as const) out.push(makeCase(s, { prediction_type: 'sample', clip_sample: false }, 5));
  for (const variance_type of ['fixed_small', 'fixed_small_log', 'fixed_large']) out.push(makeCase('ddpm', { variance_type, clip_sample: false }, 9));
  out.push(makeCase('dpmpp2m', { solver_type: 'heun' }, 10), makeCase('dpmpp2m', { final_sigmas_type: 'sigma_min', lower_order_final: false }, 6));
  out.push(makeCase('dpmpp2m', { final_sigmas_type: 'sigma_min' }, 20), makeCase('dpmpp2m', { lambda_min_clipped: -5.1, timestep_spacing: 'linspace' }, 12));
  out.push(makeCase('euler', { final_sigmas_type: 'sigma_min', timestep_spacing: 'leading', steps_offset: 1 }, 12));
  out.push(makeCase('ddim', { timestep_spacing: 'trailing', clip_sample: false }, 61), makeCase('dpmpp2m', { timestep_spacing: 'trailing' }, 61));
  out.push(makeCase('ddim', { clip_sample: false }, 1), makeCase('euler', {}, 1), makeCase('dpmpp2m', {}, 1));
  return out;
}

/** Runs one case through the engine's scheduler, computing the same fake model as scheduler_cases.py. */
function runEngine(c: Case) {
  const s = createScheduler(c.scheduler, c.config);
  s.setTimesteps(c.steps);
  let x: Float32Array = Float32Array.from(c.sample, (v) => v * s.initNoiseSigma);
  const base = Float32Array.from(c.base);
  const trajectory: Float32Array[] = [];
  let scaled: Float32Array | null = null;
  s.timesteps.forEach((t, i) => {
    const xin = s.scaleModelInput(x, i);
    scaled ??= xin;
    const out = xin.map((v, j) => 0.5 * v * Math.cos(t / 300) + 0.2 * base[j]);
    x = s.step(out, i, x, () => Float32Array.from(c.noises[i]));
    trajectory.push(x);
  });
  const noised = s.addNoise(base, Float32Array.from(c.sample), c.add_noise_at);
  return { s, trajectory, scaled: scaled!, noised };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rel = 2e-5): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= rel * scale)) expect.fail(`${what}[${i}]: ${actual[i]} vs reference ${expected[i]} (|diff| ${d.toExponential(2)} > ${rel} x ${scale.toFixed(3)})`);
  }
}

const label = (c: Case) => `${c.scheduler} ${JSON.stringify(c.config).replace(/"trained_betas":\[[^\]]*\]/, '"trained_betas":[…]')} x${c.steps}`;

describe.skipIf(missing !== null)('schedulers match the numpy reference of diffusers formulas', () => {
  const all = cases();
  const reference = missing ? [] : runPythonJson<Reference[]>(SCRIPT, all);

  it.each(all.map((c, i) => [label(c), i] as const))('%s', (_name, i) => {
    const c = all[i];
    const ref = reference[i];
    const { s, trajectory, scaled, noised } = runEngine(c);
    expect(s.timesteps.length).toBe(c.steps);
    expectClose(s.timesteps, ref.timesteps, 'timesteps', 1e-9);
    if (ref.sigmas.length) expectClose((s as unknown as { sigmas: number[] }).sigmas, ref.sigmas, 'sigmas', 1e-9);
    expect(s.initNoiseSigma).toBeCloseTo(ref.init_noise_sigma, 6);
    expectClose(scaled, ref.scaled, 'first model input');
    expectClose(trajectory[0], ref.trajectory[0], 'after one step');
    for (let k = 1; k < trajectory.length; k++) expectClose(trajectory[k], ref.trajectory[k], `after step ${k + 1}`);
    expectClose(noised, ref.noised, 'add_noise');
    for (const v of trajectory[trajectory.length - 1]) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('scheduler configuration', () => {
  it('reads diffusers keys, ignores keys it does not know, and records the resolved config', () => {
    const s = createScheduler('euler', { _class_name: 'PNDMScheduler', skip_prk_steps: true, beta_schedule: 'scaled_linear', steps_offset: 1, set_alpha_to_one: false });
    expect(s.config).toMatchObject({ beta_schedule: 'scaled_linear', steps_offset: 1, timestep_spacing: 'linspace' });
    expect(s.config).not.toHaveProperty('skip_prk_steps');
    expect(s.config).not.toHaveProperty('set_alpha_to_one');
  });

  it.each([
    [{ beta_schedule: 'sigmoid' }, /beta_schedule "sigmoid" is not supported \(linear, scaled_linear or squaredcos_cap_v2\)/],
    [{ prediction_type: 'flow' }, /prediction_type "flow"/],
    [{ timestep_spacing: 'karras' }, /timestep_spacing "karras"/],
    [{ use_karras_sigmas: true }, /use_karras_sigmas true is not supported/],
    [{ num_train_timesteps: 'many' }, /num_train_timesteps "many" is not supported \(a number\)/],
    [{ trained_betas: [0.1, 0.2] }, /trained_betas "2 values" is not supported \(one per training timestep \(1000\)\)/],
  ])('refuses %j naming the key and the file', (config, message) => {
    expect(() => createScheduler('dpmpp2m', config)).toThrow(message);
    expect(() => createScheduler('dpmpp2m', config)).toThrow(/scheduler\/scheduler_config\.json/);
  });

  it('refuses DDPM learned variances and more steps than training timesteps', () => {
    expect(() => createScheduler('ddpm', { variance_type: 'learned_range' })).toThrow(/variance_type "learned_range"/);
    const s = createScheduler('ddim', { num_train_timesteps: 50 });
    expect(() => s.setTimesteps(51)).toThrow(/steps 51 is more than the 50 timesteps/);
    expect(() => s.setTimesteps(0)).toThrow(/positive integer/);
  });
});
