/**
 * The training command end to end at smoke size (CI): a phantom dataset from the CLI, `train_pack.py --smoke`
 * (a few dozen steps of tiny models), and the exported pack loaded by onnxruntime-node: its layout and manifest,
 * one denoising step (and the text encoder and decoder) matching PyTorch on the same inputs, and a generated
 * image. Also runs the Python unit tests (the tokenizer against CLIP's behaviour).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareWithReference, generate, loadPack, releasePack } from '../../../training/ort/pack-runner.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const PY = '/usr/bin/python3';
const hasTorch = (() => {
  try {
    execFileSync(PY, ['-c', 'import torch, onnx, nibabel, matplotlib, PIL'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const why = 'needs /usr/bin/python3 with torch, onnx, nibabel, matplotlib, PIL (apt-get install python3-torch python3-onnx python3-nibabel python3-matplotlib python3-pil)';
if (!hasTorch) console.warn(`smoke-train.test: skipped: ${why}`);

const tmp = mkdtempSync(join(tmpdir(), 'cs-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!hasTorch)(`training${hasTorch ? '' : ` (skipped: ${why})`}`, () => {
  it('passes the Python unit tests (CLIP tokenizer)', () => {
    const r = spawnSync(PY, ['-m', 'unittest', 'discover', '-s', join(ROOT, 'training', 'tests')], { encoding: 'utf8', cwd: join(ROOT, 'training') });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Ran \d+ tests[\s\S]*OK/);
  });

  it('trains a smoke pack that onnxruntime-node loads and runs as PyTorch does', { timeout: 900_000 }, async () => {
    const data = join(tmp, 'data');
    const gen = spawnSync(join(ROOT, 'bin', 'cardiosynth'), ['phantom', '--out', data, '--n', '4', '--size', '64x64', '--frames', '4', '--seed', '3'], { encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    const pack = join(tmp, 'pack');
    const train = spawnSync(PY, [join(ROOT, 'training', 'train_pack.py'), '--data', data, '--out', pack, '--smoke', '--size', '64', '--id', 'smoke-pack', '--threads', '1'], { encoding: 'utf8', timeout: 600_000 });
    expect(train.status, train.stderr.slice(-3000)).toBe(0);
    for (const f of ['cardiosynth.json', 'model_index.json', 'scheduler/scheduler_config.json', 'tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/tokenizer_config.json',
      'tokenizer/special_tokens_map.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx', 'vae_encoder/model.onnx', 'report/loss.png', 'report/samples.png', 'report/metrics.json']) {
      expect(existsSync(join(pack, f)), f).toBe(true);
    }
    const m = JSON.parse(readFileSync(join(pack, 'cardiosynth.json'), 'utf8'));
    expect(m).toMatchObject({
      format: 'cardiosynth-pack/1', id: 'smoke-pack', resolution: { width: 64, height: 64 }, channels: 1, frames: 1,
      latent: { channels: 4, scale_factor: 4 }, text: { max_length: 77, width: 32 },
      conditioning: { kind: 'label-map', encoding: 'one-hot', channels: 6 },
      provenance: { synthetic_training_data: true, seed: 1234, knows: 'phantom hearts only: not trained on any patient data' },
    });
    expect(m.conditioning.labels.map((l: { value: number }) => l.value)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(m.provenance.command).toContain('--smoke');
    expect(m.provenance.data).toContain('cardiosynth phantom --out');
    expect(m.provenance.commit).toMatch(/^[0-9a-f]{40}(-dirty)?$|^unknown$/);
    expect(Object.keys(m.prompt.fields)).toEqual(['view', 'phase', 'quality', 'sex', 'age', 'ef']);
    expect(m.metrics.label_adherence_dice.per_label).toBeTypeOf('object');
    const metrics = JSON.parse(readFileSync(join(pack, 'report', 'metrics.json'), 'utf8'));
    expect(metrics.label_adherence_dice.generated_with).toContain('onnxruntime-node');

    const p = await loadPack(pack);
    try {
      const d = await compareWithReference(p);
      for (const [name, v] of Object.entries(d)) expect(v.maxAbsDiff, name).toBeLessThan(1e-4 * Math.max(1, v.maxAbs));
      const ref = JSON.parse(readFileSync(join(pack, 'report', 'reference', 'reference.json'), 'utf8'));
      const img = await generate(p, {
        condIds: ref.input_ids, uncondIds: [ref.input_ids[0], ...new Array(76).fill(ref.input_ids[0] + 1)],
        labels: new Uint8Array(readFileSync(join(pack, 'report', 'reference', 'labels.u8'))), noise: new Float32Array(4 * 16 * 16).fill(0.5),
        steps: 2, guidance: 3, controlScale: 1,
      });
      expect(img.length).toBe(64 * 64);
      expect(new Set(img).size).toBeGreaterThan(10);
    } finally {
      await releasePack(p);
    }
  });
});
