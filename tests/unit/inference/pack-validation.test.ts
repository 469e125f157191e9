/**
 * Loading validates a pack before anything runs, and each kind of broken pack gets one clear message naming
 * the file and the mismatch: missing files, renamed inputs, wrong rank or dtype, fixed dimensions that
 * disagree with the manifest, truncated models and weight files, manifest, scheduler and tokenizer errors.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPack } from '../../../src/main/services/inference/packs/load-pack.ts';
import { readOnnxHeader } from '../../../src/main/services/inference/packs/onnx-header.ts';
import { PYTHON } from '../../support/python.ts';
import { PACK_SCRIPTS, tinyPack, tinyPacksMissing, type TinyPack } from '../../support/tiny-packs.ts';

const missing = tinyPacksMissing();
if (missing) console.warn(`pack-validation.test.ts skipped: ${missing}`);

describe.skipIf(missing !== null)('model pack validation', () => {
  let ours: TinyPack;
  let diffusers: TinyPack;
  let work: string;
  let n = 0;

  beforeAll(() => {
    ours = tinyPack('ours');
    diffusers = tinyPack('diffusers');
    work = mkdtempSync(join(tmpdir(), 'cardiosynth-badpacks-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** A fresh copy of a good pack to break. */
  function copy(from: TinyPack = ours): string {
    const dir = join(work, `pack${n++}`);
    cpSync(from.dir, dir, { recursive: true });
    return dir;
  }

  function mutate(model: string, ...args: string[]): void {
    const r = spawnSync(PYTHON, [join(PACK_SCRIPTS, 'mutate_onnx.py'), model, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }

  function editJson(path: string, edit: (j: Record<string, unknown>) => void): void {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    edit(j);
    writeFileSync(path, JSON.stringify(j));
  }

  async function refusal(dir: string): Promise<string> {
    try {
      await loadPack(dir, 'added');
    } catch (e) {
      expect((e as { kind?: string }).kind).toBe('invalid-pack');
      return (e as Error).message;
    }
    throw new Error(`${dir} loaded, but it is broken`);
  }

  it('loads both good packs and reports what listings show', async () => {
    const a = await loadPack(ours.dir, 'added');
    expect(a.summary).toMatchObject({ key: 'test-ours-tiny@0.0.1', resolution: { width: 32, height: 32 }, channels: 1, img2img: true, schedulerClass: 'DDIMScheduler', license: 'CC0-1.0' });
    expect(a.summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.summary.sizeBytes).toBeGreaterThan(100_000);
    expect(a.interfaces.unet).toMatchObject({ timestepType: 'int64', scalesRank: 1, output: 'out_sample' });
    const b = await loadPack(diffusers.dir, 'added');
    expect(b.interfaces).toMatchObject({ text: { idsType: 'int32' }, unet: { timestepType: 'float32', scalesRank: 2, output: 'noise_pred' }, vaeEncoder: null });
    expect(b.summary.img2img).toBe(false);
    // The external weights file counts in size and hash.
    expect(b.summary.sizeBytes).toBeGreaterThan(statSync(join(diffusers.dir, 'unet', 'weights.pb')).size);
  });

  it('hashes the manifest and every loaded file: any byte changed changes the sha256', async () => {
    const dir = copy();
    const before = (await loadPack(dir, 'added')).summary.sha256;
    editJson(join(dir, 'cardiosynth.json'), (j) => (j.description = 'changed'));
    const after = (await loadPack(dir, 'added')).summary.sha256;
    expect(after).not.toBe(before);
  });

  it('computes the sha256 the way docs/model-pack.md tells a Python exporter to', async () => {
    for (const p of [ours, diffusers]) {
      const code = `import hashlib, os, sys
pack = sys.argv[1]
files = ["cardiosynth.json", "model_index.json", "scheduler/scheduler_config.json"]
files += [f for f in ["tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json"] if os.path.exists(os.path.join(pack, f))]
for m in ["text_encoder", "unet", "vae_decoder", "vae_encoder"]:
    for f in os.listdir(os.path.join(pack, m)) if os.path.isdir(os.path.join(pack, m)) else []:
        files.append(m + "/" + f)
h = hashlib.sha256()
for rel in sorted(files):
    h.update(rel.encode() + b"\\0" + open(os.path.join(pack, rel), "rb").read())
print(h.hexdigest())`;
      const r = spawnSync(PYTHON, ['-c', code, p.dir], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect((await loadPack(p.dir, 'added')).summary.sha256).toBe(r.stdout.trim());
    }
  });

  it('reads ONNX interfaces with fixed and symbolic dimensions', async () => {
    const h = await readOnnxHeader(join(ours.dir, 'unet', 'model.onnx'));
    expect(h.opset).toBe(17);
    expect(h.inputs.map((i) => i.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states', 'controlnet_conds', 'conditioning_scales']);
    expect(h.inputs[0]).toEqual({ name: 'sample', type: 'float32', dims: ['2B', 4, 8, 8] });
    expect(h.inputs[1]).toEqual({ name: 'timestep', type: 'int64', dims: [1] });
    const d = await readOnnxHeader(join(diffusers.dir, 'unet', 'model.onnx'));
    expect(d.external.length).toBeGreaterThan(10);
    expect(d.external[0].location).toBe('weights.pb');
  });

  const cases: [string, (dir: string) => void, RegExp][] = [
    ['a missing model', (d) => rmSync(join(d, 'unet', 'model.onnx')), /unet\/model\.onnx: missing/],
    ['a missing manifest', (d) => rmSync(join(d, 'cardiosynth.json')), /cardiosynth\.json: missing/],
    ['a missing tokenizer file', (d) => rmSync(join(d, 'tokenizer', 'merges.txt')), /tokenizer\/merges\.txt: missing/],
    ['a renamed input', (d) => mutate(join(d, 'unet', 'model.onnx'), 'rename-input', 'controlnet_conds', 'control_image'), /unet\/model\.onnx: has input "control_image" the pipeline cannot feed/],
    ['a wrong rank', (d) => mutate(join(d, 'unet', 'model.onnx'), 'set-dims', 'controlnet_conds', 'B,4,32,32'), /unet\/model\.onnx: input "controlnet_conds" has rank 4 \[B, 4, 32, 32\], expected 5 \[N=1, B, K=4, H=32, W=32\]/],
    ['a wrong dtype', (d) => mutate(join(d, 'unet', 'model.onnx'), 'set-type', 'sample', 'float16'), /unet\/model\.onnx: input "sample" is float16, expected float32 \(float16 exports are not supported/],
    ['an int32 timestep', (d) => mutate(join(d, 'unet', 'model.onnx'), 'set-type', 'timestep', 'int32'), /input "timestep" is int32, expected float32 or int64/],
    ['a fixed dimension that disagrees with the manifest', (d) => editJson(join(d, 'cardiosynth.json'), (j) => ((j.text as Record<string, number>).width = 64)), /text_encoder\/model\.onnx: output "last_hidden_state" dimension 2 is 32, expected 64 in \[B, T=16, D=64\]/],
    ['a different label channel count', (d) => editJson(join(d, 'cardiosynth.json'), (j) => ((j.conditioning as Record<string, number>).channels = 3)), /input "controlnet_conds" dimension 2 is 4, expected 3/],
    ['a truncated model', (d) => truncateSync(join(d, 'vae_decoder', 'model.onnx'), 5000), /vae_decoder\/model\.onnx: is not a complete ONNX model: .*truncated/],
    ['a file that is not ONNX', (d) => writeFileSync(join(d, 'text_encoder', 'model.onnx'), '<html>not found</html>'), /text_encoder\/model\.onnx: is not a complete ONNX model/],
    ['an empty model', (d) => writeFileSync(join(d, 'text_encoder', 'model.onnx'), ''), /text_encoder\/model\.onnx: is not a complete ONNX model: the file is empty/],
    ['invalid manifest JSON', (d) => writeFileSync(join(d, 'cardiosynth.json'), '{"format": "cardiosynth-pack/1",'), /cardiosynth\.json: is not valid JSON/],
    ['a manifest without resolution', (d) => editJson(join(d, 'cardiosynth.json'), (j) => delete j.resolution), /cardiosynth\.json: resolution: /],
    ['a manifest with a bad id', (d) => editJson(join(d, 'cardiosynth.json'), (j) => (j.id = 'My Pack!')), /cardiosynth\.json: id: lower-case letters/],
    ['a manifest of another format', (d) => editJson(join(d, 'cardiosynth.json'), (j) => (j.format = 'cardiosynth-pack/9')), /cardiosynth\.json: format: /],
    ['a resolution the latent grid cannot divide', (d) => editJson(join(d, 'cardiosynth.json'), (j) => (j.resolution = { width: 30, height: 32 })), /cardiosynth\.json: resolution: 30x32 is not a multiple of latent\.scale_factor 4/],
    ['duplicate label values', (d) => editJson(join(d, 'cardiosynth.json'), (j) => ((j.conditioning as { labels: { value: number }[] }).labels[1].value = 0)), /cardiosynth\.json: conditioning\.labels: label values must be distinct/],
    ['an unsupported beta schedule', (d) => editJson(join(d, 'scheduler', 'scheduler_config.json'), (j) => (j.beta_schedule = 'sigmoid')), /scheduler\/scheduler_config\.json: beta_schedule "sigmoid" is not supported/],
    ['a vocabulary without the start token', (d) => editJson(join(d, 'tokenizer', 'vocab.json'), (j) => delete j['<|startoftext|>']), /tokenizer\/vocab\.json: has no bos_token "<\|startoftext\|>"/],
    ['a tokenizer length that disagrees with the manifest', (d) => editJson(join(d, 'tokenizer', 'tokenizer_config.json'), (j) => (j.model_max_length = 77)), /tokenizer_config\.json: model_max_length 77 differs from the manifest's text\.max_length 16/],
  ];

  it.each(cases)('refuses %s, naming the file and the mismatch', async (_what, breakIt, message) => {
    const dir = copy();
    breakIt(dir);
    const msg = await refusal(dir);
    expect(msg).toMatch(message);
    expect(msg).toContain(dir);
  });

  it('refuses truncated or missing external weights', async () => {
    const dir = copy(diffusers);
    const weights = join(dir, 'unet', 'weights.pb');
    truncateSync(weights, statSync(weights).size - 1000);
    expect(await refusal(dir)).toMatch(/unet\/weights\.pb: is \d+ bytes but unet\/model\.onnx reads up to byte \d+ \(truncated\?\)/);
    rmSync(weights);
    expect(await refusal(dir)).toMatch(/unet\/weights\.pb: missing \(unet\/model\.onnx keeps weights there\)/);
  });
});
