/**
 * Runs a pack written by training/train_pack.py directly through onnxruntime-node: text encoder, classifier-free
 * guided DDIM over the ControlNet UNet, VAE decoder. It exists so training can measure what users run (the
 * exported ONNX, not the PyTorch weights) and so tests and benchmarks can check packs before the workstation's
 * inference engine (src/main/services/inference) is there; it knows only this project's own packs (int64
 * input_ids, float32 timestep, one-hot label conditioning) and is not the engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

export interface PackManifest {
  id: string;
  resolution: { width: number; height: number };
  latent: { channels: number; scale_factor: number; scaling_factor: number };
  text: { max_length: number; width: number };
  conditioning: { channels: number; labels: { value: number; name: string }[] };
  defaults?: { steps?: number; guidance?: number; control_scale?: number };
  metrics?: Record<string, unknown>;
}

export interface SchedulerConfig {
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: string;
  steps_offset: number;
  set_alpha_to_one: boolean;
  prediction_type: string;
}

export interface PackSessions {
  dir: string;
  manifest: PackManifest;
  scheduler: SchedulerConfig;
  text: ort.InferenceSession;
  unet: ort.InferenceSession;
  vaeDecoder: ort.InferenceSession;
}

export async function loadPack(dir: string, threads = 2): Promise<PackSessions> {
  const manifest = JSON.parse(readFileSync(join(dir, 'cardiosynth.json'), 'utf8')) as PackManifest;
  const scheduler = JSON.parse(readFileSync(join(dir, 'scheduler', 'scheduler_config.json'), 'utf8')) as SchedulerConfig;
  if (scheduler.beta_schedule !== 'scaled_linear' || scheduler.prediction_type !== 'epsilon') {
    throw new Error(`${dir}: pack-runner handles scaled_linear epsilon schedulers only, not ${scheduler.beta_schedule}/${scheduler.prediction_type}`);
  }
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const [text, unet, vaeDecoder] = await Promise.all(['text_encoder', 'unet', 'vae_decoder'].map((m) => ort.InferenceSession.create(join(dir, m, 'model.onnx'), opts)));
  return { dir, manifest, scheduler, text, unet, vaeDecoder };
}

export async function releasePack(p: PackSessions): Promise<void> {
  await Promise.all([p.text.release(), p.unet.release(), p.vaeDecoder.release()]);
}

/** diffusers' alphas_cumprod for a scaled_linear schedule, in float64 as torch computes it. */
export function alphasCumprod(s: SchedulerConfig): Float64Array {
  const n = s.num_train_timesteps;
  const a = Math.sqrt(s.beta_start);
  const b = Math.sqrt(s.beta_end);
  const out = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const beta = (a + ((b - a) * i) / (n - 1)) ** 2;
    prod *= 1 - beta;
    out[i] = prod;
  }
  return out;
}

/** DDIM "leading" timesteps with steps_offset, highest first. */
export function ddimTimesteps(s: SchedulerConfig, steps: number): number[] {
  const ratio = Math.floor(s.num_train_timesteps / steps);
  return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + s.steps_offset);
}

/** input_ids [B, T] (int64) -> last_hidden_state [B, T, D]. */
export async function encodeText(p: PackSessions, ids: number[][]): Promise<Float32Array> {
  const t = p.manifest.text.max_length;
  const data = BigInt64Array.from(ids.flat(), (v) => BigInt(v));
  const out = await p.text.run({ input_ids: new ort.Tensor('int64', data, [ids.length, t]) });
  return out.last_hidden_state.data as Float32Array;
}

/** One-hot label map (manifest conditioning) for one H x W map: [K, H, W]. */
export function oneHot(p: PackSessions, labels: Uint8Array): Float32Array {
  const k = p.manifest.conditioning.channels;
  const values = p.manifest.conditioning.labels.map((l) => l.value);
  const n = labels.length;
  const out = new Float32Array(k * n);
  for (let i = 0; i < n; i++) {
    const c = values.indexOf(labels[i]);
    if (c >= 0 && c < k) out[c * n + i] = 1;
  }
  return out;
}

/** One UNet evaluation: sample [B, C, h, w], one timestep, context [B, T, D], conds [1, B, K, H, W]. */
export async function unetStep(p: PackSessions, sample: Float32Array, batch: number, timestep: number, context: Float32Array, conds: Float32Array, controlScale: number): Promise<Float32Array> {
  const { channels: c, scale_factor: f } = p.manifest.latent;
  const { width: w, height: h } = p.manifest.resolution;
  const k = p.manifest.conditioning.channels;
  const { max_length: t, width: d } = p.manifest.text;
  const out = await p.unet.run({
    sample: new ort.Tensor('float32', sample, [batch, c, h / f, w / f]),
    timestep: new ort.Tensor('float32', Float32Array.of(timestep), [1]),
    encoder_hidden_states: new ort.Tensor('float32', context, [batch, t, d]),
    controlnet_conds: new ort.Tensor('float32', conds, [1, batch, k, h, w]),
    conditioning_scales: new ort.Tensor('float32', Float32Array.of(controlScale), [1]),
  });
  return out.out_sample.data as Float32Array;
}

export interface GenerateRequest {
  condIds: number[];
  uncondIds: number[];
  labels: Uint8Array;
  /** Initial latent noise [C, h, w] (standard normal). */
  noise: Float32Array;
  steps: number;
  guidance: number;
  controlScale: number;
}

/** Classifier-free guided DDIM (eta 0) from `noise`, decoded to 8-bit grey [H * W]. */
export async function generate(p: PackSessions, r: GenerateRequest): Promise<Uint8Array> {
  const ac = alphasCumprod(p.scheduler);
  const ratio = Math.floor(p.scheduler.num_train_timesteps / r.steps);
  const final = p.scheduler.set_alpha_to_one ? 1 : ac[0];
  const ctx = await encodeText(p, [r.uncondIds, r.condIds]);
  const hint = oneHot(p, r.labels);
  const conds = new Float32Array(hint.length * 2);
  conds.set(hint, 0);
  conds.set(hint, hint.length);
  const n = r.noise.length;
  let x = Float32Array.from(r.noise);
  const pair = new Float32Array(2 * n);
  for (const t of ddimTimesteps(p.scheduler, r.steps)) {
    pair.set(x, 0);
    pair.set(x, n);
    const eps2 = await unetStep(p, pair, 2, t, ctx, conds, r.controlScale);
    const aT = ac[t];
    const prev = t - ratio;
    const aPrev = prev >= 0 ? ac[prev] : final;
    const next = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const eps = eps2[i] + r.guidance * (eps2[n + i] - eps2[i]);
      const x0 = (x[i] - Math.sqrt(1 - aT) * eps) / Math.sqrt(aT);
      next[i] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps;
    }
    x = next;
  }
  return decode(p, x);
}

/** Scaled latents [C, h, w] -> 8-bit grey image. */
export async function decode(p: PackSessions, scaled: Float32Array): Promise<Uint8Array> {
  const { channels: c, scale_factor: f, scaling_factor: sf } = p.manifest.latent;
  const { width: w, height: h } = p.manifest.resolution;
  const z = Float32Array.from(scaled, (v) => v / sf);
  const out = await p.vaeDecoder.run({ latent_sample: new ort.Tensor('float32', z, [1, c, h / f, w / f]) });
  const img = out.sample.data as Float32Array;
  return Uint8Array.from(img, (v) => Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5));
}

export interface ReferenceDiffs {
  /** Largest absolute difference between onnxruntime and PyTorch, and the largest PyTorch magnitude, per model. */
  text_encoder: { maxAbsDiff: number; maxAbs: number };
  unet: { maxAbsDiff: number; maxAbs: number };
  vae_decoder: { maxAbsDiff: number; maxAbs: number };
}

/** Runs the pack's models on report/reference/'s inputs and compares with the PyTorch outputs stored there. */
export async function compareWithReference(p: PackSessions): Promise<ReferenceDiffs> {
  const dir = join(p.dir, 'report', 'reference');
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { input_ids: number[]; timestep: number; control_scale: number; files: Record<string, string> };
  const f32 = (name: string): Float32Array => {
    const b = readFileSync(join(dir, ref.files[name]));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const diff = (a: Float32Array, b: Float32Array): { maxAbsDiff: number; maxAbs: number } => {
    if (a.length !== b.length) throw new Error(`${dir}: output has ${a.length} values, reference ${b.length}`);
    let m = 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
      s = Math.max(s, Math.abs(b[i]));
    }
    return { maxAbsDiff: m, maxAbs: s };
  };
  const ctx = await encodeText(p, [ref.input_ids]);
  const labels = new Uint8Array(readFileSync(join(dir, ref.files.labels)));
  const sample = f32('sample');
  const eps = await unetStep(p, sample, 1, ref.timestep, ctx, oneHot(p, labels), ref.control_scale);
  const { channels: c, scale_factor: f, scaling_factor: sf } = p.manifest.latent;
  const { width: w, height: h } = p.manifest.resolution;
  const z = Float32Array.from(sample, (v) => v / sf);
  const dec = (await p.vaeDecoder.run({ latent_sample: new ort.Tensor('float32', z, [1, c, h / f, w / f]) })).sample.data as Float32Array;
  return { text_encoder: diff(ctx, f32('text_encoder')), unet: diff(eps, f32('unet')), vae_decoder: diff(dec, f32('vae_decoder')) };
}
