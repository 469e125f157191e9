/**
 * End-to-end parity: the engine's pipeline (onnxruntime-node on the CPU, TypeScript schedulers, tokenizer and
 * noise) against a PyTorch run of the same graph (the torch modules the tiny packs were exported from), with
 * the numpy schedulers and the same initial noise: relative error of the decoded image and the final latents
 * <= 1e-4, for every scheduler, guidance on and off, a control window, img2img, and both pack interfaces.
 * Also: the same inputs and seed give byte-identical images, and a different seed does not.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPack } from '../../../src/main/services/inference/packs/load-pack.ts';
import { textToImage, type PipelineInput } from '../../../src/main/services/inference/pipeline/text-to-image.ts';
import { openRuntime, type OpenedRuntime } from '../../../src/main/services/inference/worker/open-runtime.ts';
import type { SchedulerName } from '../../../src/shared/inference-types.ts';
import { PYTHON } from '../../support/python.ts';
import { PACK_SCRIPTS, tinyPack, tinyPacksMissing, type PackVariant, type TinyPack } from '../../support/tiny-packs.ts';
import { ellipseLabels, gradientImage } from '../../support/label-maps.ts';

const missing = tinyPacksMissing();
if (missing) console.warn(`pipeline-parity.test.ts skipped: ${missing}`);

interface Case {
  name: string;
  variant: PackVariant;
  input: Omit<PipelineInput, 'labels' | 'init'> & { init?: boolean };
}

const base = { prompt: 'apical 4CH echo, ED, good quality, female, age 40-59, EF 55-70', negative: 'blurry low quality artefact', seed: 1234, steps: 6, guidance: 3.5, controlScale: 1, controlStart: 0, controlEnd: 1 };
const CASES: Case[] = [
  ...(['ddim', 'dpmpp2m', 'euler', 'ddpm'] as SchedulerName[]).map((scheduler) => ({ name: `${scheduler}, guidance 3.5`, variant: 'ours' as const, input: { ...base, scheduler } })),
  { name: 'ddim without guidance (guidance 1)', variant: 'ours', input: { ...base, scheduler: 'ddim', guidance: 1, seed: 7 } },
  { name: 'dpmpp2m, control window 0.25..0.75, scale 0.6', variant: 'ours', input: { ...base, scheduler: 'dpmpp2m', controlStart: 0.25, controlEnd: 0.75, controlScale: 0.6, seed: 99 } },
  { name: 'euler, img2img strength 0.6', variant: 'ours', input: { ...base, scheduler: 'euler', steps: 10, init: true, strength: 0.6 } },
  { name: 'ddim, img2img strength 0.5, 8 steps', variant: 'ours', input: { ...base, scheduler: 'ddim', steps: 8, init: true, strength: 0.5 } },
  { name: 'long prompt truncated to the pack tokens', variant: 'ours', input: { ...base, scheduler: 'ddim', prompt: `${base.prompt}, with speckle noise and a sharp septum and a bright pericardium`, steps: 4 } },
  { name: 'diffusers interfaces (int32 ids, float timestep, [N,1] scales, noise_pred, RGB, grey labels)', variant: 'diffusers', input: { ...base, scheduler: 'dpmpp2m' } },
  { name: 'diffusers interfaces with euler (fractional timesteps as floats)', variant: 'diffusers', input: { ...base, scheduler: 'euler', steps: 7 } },
];

function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

const f32 = (path: string) => {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe.skipIf(missing !== null)('pipeline parity with a PyTorch reference run', () => {
  const packs: Partial<Record<PackVariant, TinyPack>> = {};
  const runtimes: Partial<Record<PackVariant, OpenedRuntime>> = {};
  let dir: string;
  let refs: { latents: Float32Array; image: Float32Array; timesteps: number[] }[] = [];
  const labels = ellipseLabels(32, 32);
  const init = gradientImage(32, 32);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cardiosynth-parity-'));
    writeFileSync(join(dir, 'labels.u8'), labels);
    writeFileSync(join(dir, 'init.u8'), init);
    for (const v of ['ours', 'diffusers'] as const) {
      packs[v] = tinyPack(v);
      runtimes[v] = await openRuntime(await loadPack(packs[v]!.dir, 'added'), 'cpu', 2);
    }
    const requests = CASES.map((c) => ({
      pack: packs[c.variant]!.dir,
      weights: packs[c.variant]!.weights,
      variant: c.variant,
      size: 'tiny',
      prompt: c.input.prompt,
      negative: c.input.negative,
      seed: c.input.seed,
      steps: c.input.steps,
      scheduler: c.input.scheduler,
      guidance: c.input.guidance,
      control_scale: c.input.controlScale,
      control_start: c.input.controlStart,
      control_end: c.input.controlEnd,
      labels: join(dir, 'labels.u8'),
      init: c.input.init ? join(dir, 'init.u8') : null,
      strength: c.input.strength ?? null,
      threads: 2,
    }));
    writeFileSync(join(dir, 'requests.json'), JSON.stringify(requests));
    const r = spawnSync(PYTHON, [join(PACK_SCRIPTS, 'reference_pipeline.py'), join(dir, 'requests.json'), join(dir, 'out')], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`reference_pipeline.py failed:\n${r.stderr}`);
    refs = CASES.map((_, i) => ({
      latents: f32(join(dir, 'out', String(i), 'latents.f32')),
      image: f32(join(dir, 'out', String(i), 'image.f32')),
      timesteps: (JSON.parse(readFileSync(join(dir, 'out', String(i), 'result.json'), 'utf8')) as { timesteps: number[] }).timesteps,
    }));
  }, 600_000);

  afterAll(async () => {
    for (const r of Object.values(runtimes)) await r?.release();
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s: relative error <= 1e-4', async (_name, i) => {
    const c = CASES[i];
    const { init: useInit, ...rest } = c.input;
    const out = await textToImage(runtimes[c.variant]!.runtime, { ...rest, labels, init: useInit ? init : null });
    expect(out.timesteps).toEqual(refs[i].timesteps);
    const imageErr = relError(out.decoded, refs[i].image);
    const latentErr = relError(out.latents, refs[i].latents);
    console.log(`parity ${c.name}: image ${imageErr.toExponential(2)}, latents ${latentErr.toExponential(2)}`);
    expect(imageErr).toBeLessThanOrEqual(1e-4);
    expect(latentErr).toBeLessThanOrEqual(1e-4);
    // The conditioning matters: the random weights are not ignoring the label map.
    if (i === 0) {
      const flipped = labels.map((v) => (v === 0 ? 1 : 0));
      const other = await textToImage(runtimes.ours!.runtime, { ...rest, labels: flipped, init: null });
      expect(relError(other.decoded, out.decoded)).toBeGreaterThan(1e-3);
    }
  });

  it('gives byte-identical images for the same pack, inputs and seed, and different ones for another seed', async () => {
    const input = { ...base, scheduler: 'dpmpp2m' as const, labels, init: null };
    const a = await textToImage(runtimes.ours!.runtime, input);
    const b = await textToImage(runtimes.ours!.runtime, input);
    expect(Buffer.from(a.pixels).equals(Buffer.from(b.pixels))).toBe(true);
    expect(Buffer.from(a.decoded.buffer).equals(Buffer.from(b.decoded.buffer))).toBe(true);
    const c = await textToImage(runtimes.ours!.runtime, { ...input, seed: input.seed + 1 });
    expect(Buffer.from(a.pixels).equals(Buffer.from(c.pixels))).toBe(false);
  });
});
