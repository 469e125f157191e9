/**
 * Text + label map -> image, the way diffusers' StableDiffusionControlNet(Img2Img)Pipeline does it, on a
 * pack's ONNX sessions. `run()` reads top to bottom in numbered stages; scheduler maths lives in the
 * schedulers, label encoding in encode-labels.ts, noise in prng.ts (the only source of randomness, so the same
 * pack, inputs and seed on the CPU give byte-identical images).
 */
import * as ort from 'onnxruntime-node';
import { AppError } from '../../../../shared/errors.ts';
import type { SchedulerName } from '../../../../shared/inference-types.ts';
import type { PackManifest } from '../../../../shared/pack-manifest.ts';
import type { PackInterfaces } from '../packs/pack-interfaces.ts';
import { createScheduler, type Scheduler } from '../schedulers/index.ts';
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer.ts';
import { encodeLabels } from './encode-labels.ts';
import { Prng } from './prng.ts';

/** The loaded pack: sessions, tokenizer and what the pipeline needs to know about them. */
export interface PackRuntime {
  manifest: PackManifest;
  interfaces: PackInterfaces;
  schedulerConfig: Record<string, unknown>;
  tokenizer: ClipTokenizer;
  textEncoder: ort.InferenceSession;
  unet: ort.InferenceSession;
  vaeDecoder: ort.InferenceSession;
  vaeEncoder: ort.InferenceSession | null;
}

export interface PipelineInput {
  prompt: string;
  negative: string;
  seed: number;
  steps: number;
  scheduler: SchedulerName;
  guidance: number;
  controlScale: number;
  controlStart: number;
  controlEnd: number;
  /** Label values at the pack's resolution, row by row. */
  labels: Uint8Array;
  /** img2img: a grey image at the pack's resolution (0..255), and how much of it to noise away. */
  init?: Uint8Array | null;
  strength?: number;
}

export interface PipelineHooks {
  /** After each denoising step (1-based); awaited, so it can yield to the event loop. */
  onStep?(step: number, steps: number): void | Promise<void>;
  /** Checked before each model call; true stops the run with AppError('cancelled'). */
  shouldStop?(): boolean;
}

export interface PipelineOutput {
  width: number;
  height: number;
  channels: 1 | 3;
  /** 8-bit pixels, interleaved (HWC). */
  pixels: Uint8Array;
  /** The decoder's output mapped to [0, 1] (x / 2 + 0.5, clamped), NCHW, before rounding to 8 bits. */
  decoded: Float32Array;
  /** Final latents (scaled as the UNet sees them). */
  latents: Float32Array;
  timesteps: number[];
  schedulerConfig: Record<string, unknown>;
  tokens: { prompt: number; negative: number; truncated: boolean };
  timings: { textMs: number; denoiseMs: number; decodeMs: number; totalMs: number };
}

function stop(hooks: PipelineHooks): void {
  if (hooks.shouldStop?.()) throw new AppError('cancelled', 'Generation cancelled');
}

function invalid(what: string): AppError {
  return new AppError('invalid-argument', what);
}

/** Runs `session` and returns one output's data. */
async function runModel(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, output: string): Promise<Float32Array> {
  const out = await session.run(feeds);
  const t = out[output];
  if (!t) throw new AppError('internal', `model returned no "${output}"`);
  return t.data as Float32Array;
}

function repeat(data: Float32Array, times: number): Float32Array {
  const out = new Float32Array(data.length * times);
  for (let i = 0; i < times; i++) out.set(data, i * data.length);
  return out;
}

export async function textToImage(rt: PackRuntime, input: PipelineInput, hooks: PipelineHooks = {}): Promise<PipelineOutput> {
  const t0 = performance.now();
  const m = rt.manifest;
  const io = rt.interfaces;
  const W = m.resolution.width;
  const H = m.resolution.height;
  const C = m.latent.channels;
  const h = H / m.latent.scale_factor;
  const w = W / m.latent.scale_factor;
  const T = m.text.max_length;
  const D = m.text.width;
  const K = m.conditioning.channels;
  const latentSize = C * h * w;

  // 1. Check inputs: each error names the bad value.
  if (!Number.isInteger(input.steps) || input.steps < 1 || input.steps > 1000) throw invalid(`steps must be an integer from 1 to 1000, not ${input.steps}`);
  if (!(input.guidance >= 0 && input.guidance <= 50)) throw invalid(`guidance must be from 0 to 50, not ${input.guidance}`);
  if (!(input.controlScale >= 0 && input.controlScale <= 5)) throw invalid(`control scale must be from 0 to 5, not ${input.controlScale}`);
  if (!(input.controlStart >= 0 && input.controlEnd <= 1 && input.controlStart < input.controlEnd)) {
    throw invalid(`the control window must satisfy 0 <= start < end <= 1, not ${input.controlStart}..${input.controlEnd}`);
  }
  if (input.labels.length !== W * H) throw invalid(`the label map has ${input.labels.length} values; the pack needs ${W}x${H} = ${W * H}`);
  const img2img = !!input.init;
  if (img2img) {
    if (!rt.vaeEncoder) throw invalid(`pack ${m.id}@${m.version} has no vae_encoder, so it cannot start from an image (img2img)`);
    if (input.init!.length !== W * H) throw invalid(`the init image has ${input.init!.length} pixels; the pack needs ${W}x${H}`);
    if (!(input.strength !== undefined && input.strength > 0 && input.strength <= 1)) throw invalid(`strength must be in (0, 1], not ${input.strength}`);
  }
  const prng = new Prng(input.seed);
  const scheduler: Scheduler = createScheduler(input.scheduler, rt.schedulerConfig);
  // diffusers: classifier-free guidance when guidance_scale > 1. A UNet with a fixed batch of 2 always gets
  // [negative, prompt]; with guidance 1 the combination below then equals the prompt's prediction.
  const cfg = input.guidance > 1 || io.unet.batch === 2;

  // 2. Encode the prompt (and the negative prompt for guidance).
  stop(hooks);
  const tText = performance.now();
  const encode = async (ids: number[][]): Promise<Float32Array> => {
    const flat = ids.flat();
    const data = io.text.idsType === 'int64' ? BigInt64Array.from(flat, (x) => BigInt(x)) : Int32Array.from(flat);
    return runModel(rt.textEncoder, { input_ids: new ort.Tensor(io.text.idsType, data, [ids.length, T]) }, io.text.output);
  };
  const pos = rt.tokenizer.encode(input.prompt);
  const neg = rt.tokenizer.encode(input.negative);
  let context: Float32Array; // [B, T, D], negative first
  if (io.text.batch === 1) {
    context = new Float32Array((cfg ? 2 : 1) * T * D);
    if (cfg) context.set((await encode([neg.ids])).subarray(0, T * D), 0);
    context.set((await encode([pos.ids])).subarray(0, T * D), cfg ? T * D : 0);
  } else if (cfg || io.text.batch === 2) {
    const both = (await encode([neg.ids, pos.ids])).slice(0, 2 * T * D);
    context = cfg ? both : both.slice(T * D);
  } else context = (await encode([pos.ids])).slice(0, T * D);
  const textMs = performance.now() - tText;

  // 3. The control image from the label map, per the manifest's encoding.
  const control = encodeLabels(input.labels, W, H, m.conditioning);

  // 4. Timesteps; img2img starts part-way (diffusers get_timesteps).
  scheduler.setTimesteps(input.steps);
  let tStart = 0;
  if (img2img) {
    const initSteps = Math.min(Math.floor(input.steps * input.strength!), input.steps);
    tStart = Math.max(input.steps - initSteps, 0);
    if (tStart >= input.steps) throw invalid(`strength ${input.strength} with ${input.steps} steps leaves no step to run; raise strength or steps`);
  }
  const indices = scheduler.timesteps.map((_, i) => i).slice(tStart);

  // 5. Initial latents: seeded noise, or the encoded init image noised to the first timestep.
  let latents: Float32Array;
  if (img2img) {
    const ch = m.channels;
    const img = new Float32Array(ch * W * H);
    for (let i = 0; i < W * H; i++) {
      const v = (input.init![i] / 255) * 2 - 1;
      for (let c = 0; c < ch; c++) img[c * W * H + i] = v;
    }
    const veBatch = io.vaeEncoder!.batch ?? 1;
    const enc = await runModel(rt.vaeEncoder!, { sample: new ort.Tensor('float32', repeat(img, veBatch), [veBatch, ch, H, W]) }, io.vaeEncoder!.output);
    const init = enc.slice(0, latentSize).map((v) => v * m.latent.scaling_factor);
    latents = scheduler.addNoise(init, prng.normal(latentSize), tStart);
  } else {
    const sigma = scheduler.initNoiseSigma;
    latents = prng.normal(latentSize).map((v) => v * sigma);
  }

  // 6. Denoise. The ControlNet scale is zeroed outside [start, end] of the steps (diffusers controlnet_keep).
  const tDenoise = performance.now();
  const total = indices.length;
  const unetBatch = cfg ? 2 : 1;
  const conds = repeat(control, unetBatch);
  for (let j = 0; j < total; j++) {
    stop(hooks);
    const i = indices[j];
    const t = scheduler.timesteps[i];
    const keep = j / total < input.controlStart || (j + 1) / total > input.controlEnd ? 0 : 1;
    const scaled = scheduler.scaleModelInput(latents, i);
    const out = await runUnet(rt, {
      sample: repeat(scaled, unetBatch),
      t,
      context,
      conds,
      scale: input.controlScale * keep,
      batch: unetBatch,
      dims: { C, h, w, T, D, K, H, W },
    });
    let eps: Float32Array;
    if (cfg) {
      eps = new Float32Array(latentSize);
      const g = input.guidance;
      for (let k = 0; k < latentSize; k++) {
        const u = out[k];
        eps[k] = u + g * (out[latentSize + k] - u);
      }
    } else eps = out.subarray(0, latentSize);
    latents = scheduler.step(eps, i, latents, () => prng.normal(latentSize));
    await hooks.onStep?.(j + 1, total);
  }
  const denoiseMs = performance.now() - tDenoise;

  // 7. Decode the latents and map [-1, 1] to 8-bit pixels (diffusers: (x / 2 + 0.5).clamp(0, 1) * 255, rounded).
  stop(hooks);
  const tDecode = performance.now();
  const ch = m.channels;
  const vdBatch = io.vaeDecoder.batch ?? 1;
  const unscaled = repeat(latents.map((v) => v / m.latent.scaling_factor), vdBatch);
  const raw = await runModel(rt.vaeDecoder, { latent_sample: new ort.Tensor('float32', unscaled, [vdBatch, C, h, w]) }, io.vaeDecoder.output);
  const plane = W * H;
  const decoded = new Float32Array(ch * plane);
  const pixels = new Uint8Array(ch * plane);
  for (let c = 0; c < ch; c++) {
    for (let i = 0; i < plane; i++) {
      const v = Math.min(1, Math.max(0, raw[c * plane + i] / 2 + 0.5));
      decoded[c * plane + i] = v;
      pixels[i * ch + c] = Math.round(v * 255);
    }
  }
  const decodeMs = performance.now() - tDecode;

  return {
    width: W,
    height: H,
    channels: ch,
    pixels,
    decoded,
    latents,
    timesteps: indices.map((i) => scheduler.timesteps[i]),
    schedulerConfig: { ...scheduler.config },
    tokens: { prompt: pos.length, negative: neg.length, truncated: pos.truncated || neg.truncated },
    timings: { textMs, denoiseMs, decodeMs, totalMs: performance.now() - t0 },
  };
}

interface UnetCall {
  sample: Float32Array;
  t: number;
  context: Float32Array;
  conds: Float32Array;
  scale: number;
  batch: number;
  dims: { C: number; h: number; w: number; T: number; D: number; K: number; H: number; W: number };
}

/** One UNet call on a batch of 1 or 2, split into single calls when the model fixes its batch at 1. */
async function runUnet(rt: PackRuntime, c: UnetCall): Promise<Float32Array> {
  const io = rt.interfaces.unet;
  const { C, h, w, T, D, K, H, W } = c.dims;
  const call = async (b: number, sample: Float32Array, context: Float32Array, conds: Float32Array) => {
    const tCount = io.timestepShape === 'batch' ? b : 1;
    const tDims = io.timestepShape === 'scalar' ? [] : [tCount];
    // int64 timesteps are truncated as numpy's astype does in diffusers' ONNX pipeline (Euler's are fractional).
    const timestep = io.timestepType === 'int64'
      ? new ort.Tensor('int64', BigInt64Array.from({ length: tCount }, () => BigInt(Math.trunc(c.t))), tDims)
      : new ort.Tensor('float32', Float32Array.from({ length: tCount }, () => c.t), tDims);
    const feeds: Record<string, ort.Tensor> = {
      sample: new ort.Tensor('float32', sample, [b, C, h, w]),
      timestep,
      encoder_hidden_states: new ort.Tensor('float32', context, [b, T, D]),
      controlnet_conds: new ort.Tensor('float32', conds, [1, b, K, H, W]),
      conditioning_scales: new ort.Tensor('float32', Float32Array.of(c.scale), io.scalesRank === 2 ? [1, 1] : [1]),
    };
    return runModel(rt.unet, feeds, io.output);
  };
  if (c.batch === 1 || io.batch !== 1) return call(c.batch, c.sample, c.context, c.conds);
  const n = C * h * w;
  const out = new Float32Array(2 * n);
  for (let b = 0; b < 2; b++) {
    const r = await call(1, c.sample.slice(b * n, (b + 1) * n), c.context.slice(b * T * D, (b + 1) * T * D), c.conds.slice(b * K * H * W, (b + 1) * K * H * W));
    out.set(r.subarray(0, n), b * n);
  }
  return out;
}
