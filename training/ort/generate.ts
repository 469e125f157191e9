/**
 * `node training/ort/generate.ts REQUEST.json`: generates images from a pack with onnxruntime-node for
 * training/train_pack.py's evaluation. REQUEST.json: {"pack", "count", "steps", "guidance", "controlScale",
 * "uncondIds": [..], "condIds": [[..] per case], "labels": "labels.u8" (count x H x W), "noise": "noise.f32"
 * (count x C x h x w), "out": "images.u8"}; relative files are beside REQUEST.json. Prints one JSON line with
 * timings on stdout.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { generate, loadPack, releasePack } from './pack-runner.ts';

interface Request {
  pack: string;
  count: number;
  steps: number;
  guidance: number;
  controlScale: number;
  uncondIds: number[];
  condIds: number[][];
  labels: string;
  noise: string;
  out: string;
  threads?: number;
}

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node training/ort/generate.ts REQUEST.json\n');
  process.exit(2);
}
const req = JSON.parse(readFileSync(path, 'utf8')) as Request;
const at = (f: string): string => resolve(dirname(path), f);
const pack = await loadPack(resolve(dirname(path), req.pack), req.threads ?? 2);
const { width, height } = pack.manifest.resolution;
const plane = width * height;
const { channels, scale_factor: f } = pack.manifest.latent;
const zn = channels * (height / f) * (width / f);
const labels = new Uint8Array(readFileSync(at(req.labels)));
const noiseBytes = readFileSync(at(req.noise));
const noise = new Float32Array(noiseBytes.buffer, noiseBytes.byteOffset, noiseBytes.byteLength / 4);
const out = new Uint8Array(req.count * plane);
const t0 = performance.now();
for (let i = 0; i < req.count; i++) {
  const img = await generate(pack, {
    condIds: req.condIds[i], uncondIds: req.uncondIds, labels: labels.subarray(i * plane, (i + 1) * plane),
    noise: noise.slice(i * zn, (i + 1) * zn), steps: req.steps, guidance: req.guidance, controlScale: req.controlScale,
  });
  out.set(img, i * plane);
  if ((i + 1) % 8 === 0) process.stderr.write(`generate: ${i + 1}/${req.count}\n`);
}
const ms = performance.now() - t0;
await releasePack(pack);
const target = at(req.out);
writeFileSync(`${target}.partial`, out);
renameSync(`${target}.partial`, target);
process.stdout.write(`${JSON.stringify({ count: req.count, ms_per_image: ms / req.count, steps: req.steps })}\n`);
