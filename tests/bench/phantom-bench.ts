/**
 * Bench group `phantom`: how fast phantom label cines and B-mode frames are made (112 and 256 px), and the
 * embedded default pack's label adherence (from its manifest, measured at training on ONNX-generated images)
 * and CPU time per generated image through onnxruntime-node (training/ort/pack-runner.ts, until the inference
 * engine lands).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBmodeRenderer, generatePhantom } from '../../src/main/services/phantom/index.ts';
import { generate, loadPack, releasePack } from '../../training/ort/pack-runner.ts';
import { figure, median, type Figure } from './figures.ts';

export const DEFAULT_PACK = join('resources', 'packs', 'phantom-echo-112');

function phantomFigures(): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  for (const size of [112, 256]) {
    const frames = 40;
    const labelRates: number[] = [];
    const bmodeRates: number[] = [];
    let setupMs = 0;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      const s = generatePhantom({ seed: `bench-${rep}`, view: '4CH', efPercent: 55, width: size, height: size, frames, frameRateHz: 50 });
      labelRates.push(frames / ((performance.now() - t0) / 1000));
      const t1 = performance.now();
      const r = createBmodeRenderer({ geometry: s.geometry, motion: s.motion }, { quality: 'Medium', seed: rep });
      setupMs = performance.now() - t1;
      const t2 = performance.now();
      for (let f = 0; f < frames; f++) r.render(f, s.labels[f]);
      bmodeRates.push(frames / ((performance.now() - t2) / 1000));
    }
    out[`phantom.label_frames_per_s.${size}`] = figure(median(labelRates), 'frames/s', { op: '>=', limit: size === 112 ? 100 : 30 },
      `generatePhantom, 4CH, ${frames} frames at ${size}x${size} including the EF solve; median of 3 seeds`);
    // Targets from use: the default pack's 8000 training frames at 112 px in under 10 minutes (>= 15 frames/s
    // with labels), a 16-frame 256 px CAMUS half sequence in under 4 s.
    out[`phantom.bmode_frames_per_s.${size}`] = figure(median(bmodeRates), 'frames/s', { op: '>=', limit: size === 112 ? 15 : 4 },
      `B-mode render (scatterers moved with the tissue, PSF, TGC, log compression, scan conversion), Medium quality, after a ${Math.round(setupMs)} ms per-cine setup; median of 3`);
  }
  return out;
}

async function packFigures(repoRoot: string): Promise<Record<string, Figure>> {
  const dir = join(repoRoot, DEFAULT_PACK);
  if (!existsSync(join(dir, 'cardiosynth.json'))) {
    return { 'pack.default.label_adherence_dice': figure(null, 'Dice', { op: '>=', limit: 0.85 }, `skipped: ${dir} has no pack`) };
  }
  const m = JSON.parse(readFileSync(join(dir, 'cardiosynth.json'), 'utf8'));
  const d = m.metrics?.label_adherence_dice;
  const names: Record<string, string> = Object.fromEntries(m.conditioning.labels.map((l: { value: number; name: string }) => [String(l.value), l.name]));
  const out: Record<string, Figure> = {
    'pack.default.label_adherence_dice': figure(d?.mean ?? null, 'Dice', { op: '>=', limit: 0.85 },
      `from ${DEFAULT_PACK}/cardiosynth.json: mean over labels 1..${m.conditioning.channels - 1} of the Dice between each held-out conditioning map and the segmentation of the image the ONNX pack generated for it (${d?.images} maps, ${d?.steps} DDIM steps, guidance ${d?.guidance}); the segmenter scores ${d?.segmenter_on_real_images} on the real phantom images`,
      { per_label: Object.fromEntries(Object.entries(d?.per_label ?? {}).map(([k, v]) => [`${k} ${names[k] ?? ''}`.trim(), v])) }),
  };
  const p = await loadPack(dir, 2);
  try {
    const ref = JSON.parse(readFileSync(join(dir, 'report', 'reference', 'reference.json'), 'utf8'));
    const labels = new Uint8Array(readFileSync(join(dir, 'report', 'reference', 'labels.u8')));
    const { width, height } = p.manifest.resolution;
    const { channels, scale_factor: f } = p.manifest.latent;
    const noise = new Float32Array(channels * (height / f) * (width / f)).map((_, i) => Math.sin(i * 12.9898) % 1);
    const steps = m.defaults?.steps ?? 25;
    const uncond = [ref.input_ids[0], ...new Array(76).fill(ref.input_ids[0] + 1)];
    const req = { condIds: ref.input_ids, uncondIds: uncond, labels, noise, steps, guidance: m.defaults?.guidance ?? 3, controlScale: 1 };
    await generate(p, req); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await generate(p, req);
      times.push(performance.now() - t0);
    }
    out['pack.default.cpu_ms_per_image'] = figure(median(times), 'ms', { op: '<=', limit: 5000 },
      `${width}x${height}, ${steps} DDIM steps with classifier-free guidance (UNet batch 2) + text encoder + VAE decoder, onnxruntime-node CPU, 2 intra-op threads; median of 3 after a warm-up`);
  } finally {
    await releasePack(p);
  }
  return out;
}

export async function phantomBench(repoRoot: string): Promise<Record<string, Figure>> {
  return { ...phantomFigures(), ...(await packFigures(repoRoot)) };
}
