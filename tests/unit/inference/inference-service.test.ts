/**
 * The inference service as the doors use it: packs found where they should be, label maps read from every
 * file form (written by PIL and nibabel) into the same conditioning, generation jobs with incrementing and
 * random seeds whose results carry complete provenance (sidecar JSON and PNG text chunks, synthetic marker),
 * keep/discard, results resampled beside their source, cancel mid-batch, and a killed worker failing only its job.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomLibrary } from '../../../src/main/services/dicom/index.ts';
import { decodePng } from '../../../src/main/services/inference/images/png-decode.ts';
import { InferenceService, seedsFor } from '../../../src/main/services/inference/index.ts';
import { JobsService } from '../../../src/main/services/jobs/index.ts';
import type { GenerateRequest, ResultRecord } from '../../../src/shared/inference-types.ts';
import { PYTHON, pythonMissing } from '../../support/python.ts';
import { ellipseLabels } from '../../support/label-maps.ts';
import { PACK_SCRIPTS, tinyPack, tinyPacksMissing } from '../../support/tiny-packs.ts';

const missing = tinyPacksMissing() ?? pythonMissing(['PIL', 'nibabel']);
if (missing) console.warn(`inference-service.test.ts skipped: ${missing}`);

const W = 48;
const H = 40;

describe.skipIf(missing !== null)('inference service', () => {
  let root: string;
  let files: string;
  let jobs: JobsService;
  let svc: InferenceService;
  const base = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({
    pack: 'test-ours-tiny@0.0.1',
    prompt: 'apical 4CH echo, ED, good quality',
    negative: '',
    conditioning: { kind: 'file', path: join(files, 'index.png') },
    scheduler: 'ddim',
    steps: 4,
    guidance: 3,
    controlScale: 1,
    controlStart: 0,
    controlEnd: 1,
    seedMode: 'increment',
    seed: 10,
    count: 1,
    provider: 'auto',
    ...over,
  });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cardiosynth-inference-'));
    files = join(root, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'labels.u8'), ellipseLabels(W, H));
    const r = spawnSync(PYTHON, [join(PACK_SCRIPTS, 'label_files.py'), join(files, 'labels.u8'), String(W), String(H), files], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    // One pack embedded with the app, one in the user's data folder, one added by path.
    cpSync(tinyPack('ours').dir, join(root, 'resources', 'packs', 'ours'), { recursive: true });
    cpSync(tinyPack('diffusers').dir, join(root, 'data', 'packs', 'diffusers'), { recursive: true });
    mkdirSync(join(root, 'data', 'packs', 'broken', 'unet'), { recursive: true });
    writeFileSync(join(root, 'data', 'packs', 'broken', 'model_index.json'), '{}');
    jobs = new JobsService();
    svc = new InferenceService({ resourcesDir: join(root, 'resources'), dataDir: join(root, 'data'), version: '9.9.9', jobs, dicom: new DicomLibrary(), threads: 1 });
  });

  afterAll(async () => {
    await svc?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists embedded, data-folder and added packs with what a researcher checks, and broken ones with their error', async () => {
    const list = await svc.listPacks();
    expect(list.packs.map((p) => [p.key, p.source])).toEqual([
      ['test-ours-tiny@0.0.1', 'embedded'],
      ['test-diffusers-tiny@0.0.1', 'user-data'],
    ]);
    // The pack used when none was chosen: the embedded one.
    expect(list.defaultKey).toBe('test-ours-tiny@0.0.1');
    const p = list.packs[0];
    expect(p).toMatchObject({ name: expect.stringContaining('random weights'), license: 'CC0-1.0', resolution: { width: 32, height: 32 }, img2img: true });
    expect(p.conditioning.labels.map((l) => l.name)).toEqual(['background', 'LV cavity', 'myocardium', 'left atrium']);
    expect(p.provenance).toMatchObject({ synthetic_training_data: true });
    expect(list.problems).toHaveLength(1);
    expect(list.problems[0].message).toMatch(/broken\/cardiosynth\.json: missing/);
    // Adding the same pack again by folder: listed once, the duplicate is a problem.
    const again = await svc.packs.addFolder(tinyPack('ours').dir);
    expect(again.folders).toEqual([tinyPack('ours').dir]);
    expect(again.problems.some((x) => /already provided by/.test(x.message))).toBe(true);
    await expect(svc.packs.addFolder(files)).rejects.toThrow(/holds no model pack/);
    await svc.packs.removeFolder(tinyPack('ours').dir);
  });

  it('reads the same label map from index, palette, grey-encoded, colour and 16-bit PNGs and from NIfTI', async () => {
    const expected = (await svc.previewLabels({ kind: 'file', path: join(files, 'index.png') }, 'test-ours-tiny')).labels;
    expect(new Set(expected)).toEqual(new Set([0, 1, 2, 3]));
    const forms: [string, number | undefined, string][] = [
      ['palette.png', undefined, 'index'],
      ['grey.png', undefined, 'grey'],
      ['colour.png', undefined, 'colour'],
      ['grey16.png', undefined, 'index'],
      ['labels.nii.gz', 0, 'nifti'],
    ];
    for (const [name, frame, encoding] of forms) {
      const p = await svc.previewLabels({ kind: 'file', path: join(files, name), frame }, 'test-ours-tiny@0.0.1');
      expect(p.info.encodingDetected, name).toBe(encoding);
      expect(p.info).toMatchObject({ width: W, height: H });
      expect(Buffer.from(p.labels).equals(Buffer.from(expected)), name).toBe(true);
    }
    const blank = await svc.previewLabels({ kind: 'file', path: join(files, 'labels.nii.gz'), frame: 1 }, 'test-ours-tiny');
    expect(blank.info.values).toEqual([0]);
    const inline = await svc.previewLabels({ kind: 'inline', width: W, height: H, data: Buffer.from(ellipseLabels(W, H)).toString('base64') }, 'test-ours-tiny');
    expect(Buffer.from(inline.labels).equals(Buffer.from(expected))).toBe(true);
    // The diffusers-style pack uses the grey encoding and the same labels.
    const d = await svc.previewLabels({ kind: 'file', path: join(files, 'grey.png') }, 'test-diffusers-tiny');
    expect(Buffer.from(d.labels).equals(Buffer.from(expected))).toBe(true);
  });

  it('maps label values the pack does not know to background and says which', async () => {
    const odd = ellipseLabels(W, H).map((v) => (v === 3 ? 5 : v));
    const p = await svc.previewLabels({ kind: 'inline', width: W, height: H, data: Buffer.from(odd).toString('base64') }, 'test-ours-tiny');
    expect(p.unknownValues).toEqual([5]);
    expect(new Set(p.labels)).toEqual(new Set([0, 1, 2]));
  });

  it('refuses bad input at once with a clear error', async () => {
    await expect(svc.generate(base({ conditioning: { kind: 'file', path: join(files, 'nope.png') } }))).rejects.toMatchObject({ kind: 'not-found', message: expect.stringContaining('nope.png: no such file') });
    await expect(svc.generate(base({ conditioning: { kind: 'file', path: join(files, 'labels.u8') } }))).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/labels\.u8: label maps are read from PNG/) });
    await expect(svc.generate(base({ pack: 'no-such-pack' }))).rejects.toMatchObject({ kind: 'not-found', message: expect.stringMatching(/No model pack no-such-pack \(known: .*test-ours-tiny@0\.0\.1/) });
    await expect(svc.generate(base({ pack: join(root, 'data', 'packs', 'broken') }))).rejects.toMatchObject({ kind: 'invalid-pack' });
    await expect(svc.generate(base({ pack: 'test-diffusers-tiny', init: { kind: 'file', path: join(files, 'source.png') }, strength: 0.5 }))).rejects.toThrow(/has no vae_encoder/);
    await expect(svc.generate(base({ conditioning: { kind: 'file', path: join(files, 'labels.nii.gz'), frame: 9 } }))).rejects.toThrow(/frame 9 does not exist/);
  });

  it('generates a batch with incrementing seeds, each saved with full provenance and a synthetic marker', async () => {
    const job = await svc.generate(base({ count: 2, seed: 10, source: { kind: 'file', path: join(files, 'source.png') } }));
    const done = await jobs.wait(job.id);
    expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.outputs).toHaveLength(2);
    expect(done.detail.provider).toMatchObject({ active: 'cpu' });
    const results = svc.listResults();
    const mine = results.filter((r) => done.outputs.includes(r.id));
    expect(mine.map((r) => r.record.seed).sort()).toEqual([10, 11]);
    const rec = mine.find((r) => r.record.seed === 10)!.record;
    expect(rec).toMatchObject({
      synthetic: true,
      pack: { key: 'test-ours-tiny@0.0.1', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      prompt: base().prompt,
      scheduler: { name: 'ddim', class: 'DDIMScheduler', config: { beta_schedule: 'scaled_linear', steps_offset: 1 } },
      steps: 4,
      guidance: 3,
      controlScale: 1,
      controlStart: 0,
      controlEnd: 1,
      strength: null,
      labelMap: { kind: 'file', path: join(files, 'index.png'), encodingDetected: 'index', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      source: { kind: 'file', path: join(files, 'source.png') },
      provider: { active: 'cpu', requested: 'auto' },
      generator: { name: 'Cardiosynth', version: '9.9.9' },
    });
    expect(rec.notice).toMatch(/SYNTHETIC/);
    expect(rec.timings.totalMs).toBeGreaterThan(0);
    // Files: image, sidecar and label map; the PNG carries the same record as text.
    const sidecar = JSON.parse(readFileSync(rec.files.sidecar, 'utf8')) as ResultRecord;
    expect(sidecar).toEqual(rec);
    const png = decodePng(readFileSync(rec.files.image));
    expect(png).toMatchObject({ width: 32, height: 32, channels: 1 });
    expect(png.text.Synthetic).toBe('true');
    expect(JSON.parse(png.text.cardiosynth)).toEqual(rec);
    expect(png.text.parameters).toMatch(/Seed: 10, Size: 32x32, Model: test-ours-tiny@0\.0\.1/);
    // The label map is saved as given (its own size); the image's view of it is at the pack's resolution.
    const savedLabels = decodePng(readFileSync(rec.files.labels));
    expect(savedLabels).toMatchObject({ width: W, height: H });
    expect(Buffer.from(savedLabels.samples).equals(Buffer.from(ellipseLabels(W, H)))).toBe(true);
    expect(svc.results.image(rec.id).labels).toHaveLength(32 * 32);
    // Beside its source at the source's size.
    const cmp = await svc.compare(rec.id);
    expect(cmp).toMatchObject({ width: W, height: H });
    expect(cmp.source).toHaveLength(W * H * 4);
    expect(cmp.result).toHaveLength(W * H * 4);
    expect(Buffer.from(cmp.labels).equals(Buffer.from(ellipseLabels(W, H)))).toBe(true);
    // Keep one, discard the other.
    expect(svc.results.keep(rec.id, true).kept).toBe(true);
    const other = mine.find((r) => r.id !== rec.id)!;
    svc.results.discard(other.id);
    expect(existsSync(other.record.files.image)).toBe(false);
    expect(existsSync(other.record.files.sidecar)).toBe(false);
    expect(svc.listResults().map((r) => r.id)).not.toContain(other.id);
    expect(svc.listResults().find((r) => r.id === rec.id)?.kept).toBe(true);
  });

  it('gives identical bytes for the same seed from grey-encoded and index label maps; random seeds are recorded', async () => {
    const a = await jobs.wait((await svc.generate(base({ seed: 5 }))).id);
    const b = await jobs.wait((await svc.generate(base({ seed: 5, conditioning: { kind: 'file', path: join(files, 'grey.png') } }))).id);
    const img = (id: string) => Buffer.from(svc.results.image(id).pixels);
    expect(img(a.outputs[0]).equals(img(b.outputs[0]))).toBe(true);
    const r = await jobs.wait((await svc.generate(base({ seedMode: 'random', count: 2 }))).id);
    const seeds = r.outputs.map((id) => svc.results.get(id).record.seed);
    expect(seeds[0]).not.toBe(seeds[1]);
    expect(r.detail.seeds).toEqual(seeds);
    expect(seedsFor('fixed', 3, 3)).toEqual([3, 3, 3]);
  });

  it('starts from a real frame (img2img) and records the frame and strength', async () => {
    const job = await jobs.wait((await svc.generate(base({ init: { kind: 'file', path: join(files, 'source.png') }, strength: 0.5, steps: 6 }))).id);
    expect(job.state).toBe('succeeded');
    const rec = svc.results.get(job.outputs[0]).record;
    expect(rec).toMatchObject({ strength: 0.5, init: { kind: 'file', path: join(files, 'source.png'), sha256: expect.any(String) }, source: { kind: 'file' } });
  });

  it('cancels mid-batch: images already made are kept, the rest are not made', async () => {
    const job = await svc.generate(base({ count: 3, steps: 300 }));
    while (jobs.get(job.id).progress.item !== 2) await new Promise((r) => setTimeout(r, 20));
    jobs.cancel(job.id);
    const done = await jobs.wait(job.id);
    expect(done.state).toBe('cancelled');
    expect(done.outputs).toHaveLength(1);
  }, 120_000);

  it('fails only the job whose worker was killed; the next job runs', async () => {
    const job = await svc.generate(base({ count: 1, steps: 400 }));
    while ((jobs.get(job.id).progress.step ?? 0) < 2) await new Promise((r) => setTimeout(r, 10));
    svc.engine.kill();
    const failed = await jobs.wait(job.id);
    expect(failed).toMatchObject({ state: 'failed', error: { kind: 'internal', message: expect.stringMatching(/engine stopped unexpectedly/) } });
    const next = await jobs.wait((await svc.generate(base())).id);
    expect(next.state).toBe('succeeded');
    expect((await svc.status()).restarts).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
