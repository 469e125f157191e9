/**
 * Generation conditioned on "the current label map of study S, frame F": a saved label draft (of a catalog
 * study) and a catalog study's ground truth, resolved main-side through the label service and the catalog as
 * services/index.ts wires them; results record which source and revision they used, and open beside the
 * study's frame. The catalog holds a CAMUS-2023 tree written by nibabel (tests/fixtures/datasets/camus_nifti.py);
 * generation uses the tiny random-weight pack.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/main/services/datasets/catalog/index.ts';
import { DicomLibrary } from '../../../src/main/services/dicom/index.ts';
import { decodePng } from '../../../src/main/services/inference/images/png-decode.ts';
import { InferenceService, studySources } from '../../../src/main/services/inference/index.ts';
import { JobsService } from '../../../src/main/services/jobs/index.ts';
import { LabelService } from '../../../src/main/services/labels/index.ts';
import { conditioningSchema, frameSourceSchema } from '../../../src/shared/contract/inference.ts';
import type { GenerateRequest, ResultRecord } from '../../../src/shared/inference-types.ts';
import type { ImageKey } from '../../../src/shared/labels/image-key.ts';
import { labelMapChecksum } from '../../../src/shared/labels/label-map.ts';
import { encodeMapText } from '../../../src/shared/labels/map-codec.ts';
import { CAMUS_LABELS } from '../../../src/shared/labels/palette.ts';
import { pythonMissing } from '../../support/python.ts';
import { tinyPack, tinyPacksMissing } from '../../support/tiny-packs.ts';

const missing = tinyPacksMissing() ?? pythonMissing(['nibabel']);
if (missing) console.warn(`study-conditioning.test.ts skipped: ${missing}`);

const STUDY = 'camus:patient0001:2CH'; // 6 frames of 24 x 32, ED = frame 0, ES = frame 5, labelled everywhere

/** camus_nifti.py's label map of frame t (W 24, H 32). */
function fixtureMap(t: number): Uint8Array {
  const out = new Uint8Array(24 * 32);
  for (let r = 0; r < 32; r++) {
    for (let c = 0; c < 24; c++) {
      let v = 0;
      if (c >= 6 && c < 18 && r >= 20 && r < 28) v = 3;
      else if (c >= 4 && c < 20 && r >= 12 && r < 16) v = 2;
      else if (c >= 4 && c < 20 && r >= 2 + t && r < 10 + t) v = 1;
      out[r * 24 + c] = v;
    }
  }
  return out;
}

describe('conditioning variants in the contract', () => {
  it('accepts a draft of a DICOM file or a catalog study, a ground truth and a study frame, and nothing malformed', () => {
    expect(conditioningSchema.safeParse({ kind: 'draft', key: { kind: 'catalog-study', study: STUDY }, frame: 3 }).success).toBe(true);
    expect(conditioningSchema.safeParse({ kind: 'draft', key: { kind: 'dicom-file', path: '/data/a.dcm' }, frame: 0 }).success).toBe(true);
    expect(conditioningSchema.safeParse({ kind: 'draft', key: { kind: 'catalog-study', study: STUDY } }).success).toBe(false);
    expect(conditioningSchema.safeParse({ kind: 'ground-truth', study: STUDY, frame: -1 }).success).toBe(false);
    expect(conditioningSchema.safeParse({ kind: 'ground-truth', study: STUDY, frame: 2 }).success).toBe(true);
    expect(frameSourceSchema.safeParse({ kind: 'study', study: STUDY, frame: 2 }).success).toBe(true);
    expect(frameSourceSchema.safeParse({ kind: 'study', study: '', frame: 2 }).success).toBe(false);
  });
});

describe.skipIf(missing !== null)('generation from drafts and ground truth', () => {
  let root: string;
  let catalog: Catalog;
  let labels: LabelService;
  let jobs: JobsService;
  let svc: InferenceService;
  const key: ImageKey = { kind: 'catalog-study', study: STUDY };
  const base = (over: Partial<GenerateRequest>): GenerateRequest => ({
    pack: 'test-ours-tiny@0.0.1',
    prompt: 'apical 2CH echo, ED, good quality',
    negative: '',
    conditioning: { kind: 'ground-truth', study: STUDY, frame: 0 },
    scheduler: 'ddim',
    steps: 3,
    guidance: 3,
    controlScale: 1,
    controlStart: 0,
    controlEnd: 1,
    seedMode: 'fixed',
    seed: 7,
    count: 1,
    provider: 'cpu',
    ...over,
  });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'cardiosynth-study-cond-'));
    execFileSync('/usr/bin/python3', [join(import.meta.dirname, '../../fixtures/datasets/camus_nifti.py'), join(root, 'CAMUS')]);
    cpSync(tinyPack('ours').dir, join(root, 'resources', 'packs', 'ours'), { recursive: true });
    const data = join(root, 'data');
    catalog = new Catalog(data);
    await catalog.importFolder(join(root, 'CAMUS'));
    labels = new LabelService(data, { catalog: () => catalog });
    jobs = new JobsService();
    svc = new InferenceService({ resourcesDir: join(root, 'resources'), dataDir: data, version: '9.9.9', jobs, dicom: new DicomLibrary(), threads: 1, studies: studySources(labels, () => catalog) });
  });

  afterAll(async () => {
    await svc?.dispose();
    labels?.close();
    catalog?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('reads a study frame\'s ground truth, naming the file and the kind it came from', async () => {
    const p = await svc.previewLabels({ kind: 'ground-truth', study: STUDY, frame: 0 }, 'test-ours-tiny');
    expect(p.info).toMatchObject({ kind: 'ground-truth', study: STUDY, frame: 0, groundTruth: 'gt', encodingDetected: 'ground-truth', width: 24, height: 32, values: [0, 1, 2, 3] });
    expect(p.info.path).toMatch(/patient0001_2CH_ED_gt\.nii\.gz$/);
    const mid = await svc.previewLabels({ kind: 'ground-truth', study: STUDY, frame: 2 }, 'test-ours-tiny');
    expect(mid.info).toMatchObject({ groundTruth: 'sequence-gt' });
    expect(mid.info.path).toMatch(/patient0001_2CH_half_sequence_gt\.nii\.gz$/);
    // The same map as a file and as the study's ground truth condition identically.
    const asFile = await svc.previewLabels({ kind: 'file', path: mid.info.path!, frame: 2 }, 'test-ours-tiny');
    expect(Buffer.from(mid.labels).equals(Buffer.from(asFile.labels))).toBe(true);
    await expect(svc.previewLabels({ kind: 'ground-truth', study: STUDY, frame: 6 }, 'test-ours-tiny')).rejects.toMatchObject({ kind: 'not-found', message: expect.stringContaining('frame 6 does not exist') });
    await expect(svc.previewLabels({ kind: 'ground-truth', study: 'camus:patient0009:2CH', frame: 0 }, 'test-ours-tiny')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('reads the saved draft of a frame with its revision and checksum; refuses a frame without one', async () => {
    await expect(svc.previewLabels({ kind: 'draft', key, frame: 1 }, 'test-ours-tiny')).rejects.toMatchObject({ kind: 'not-found', message: expect.stringContaining(`${STUDY}: frame 1 (0-based) has no saved label map`) });
    const corrected = fixtureMap(1);
    for (let r = 20; r < 28; r++) for (let c = 2; c < 22; c++) corrected[r * 24 + c] = 3; // the researcher widens the LA
    await labels.put({ key, width: 24, height: 32, frameCount: 6, frames: [{ frame: 1, map: encodeMapText(fixtureMap(1)) }], palette: [...CAMUS_LABELS], expectedRevision: null });
    await labels.put({ key, width: 24, height: 32, frameCount: 6, frames: [{ frame: 1, map: encodeMapText(corrected) }], palette: [...CAMUS_LABELS], expectedRevision: 1 });
    const p = await svc.previewLabels({ kind: 'draft', key, frame: 1 }, 'test-ours-tiny');
    expect(p.info).toMatchObject({ kind: 'draft', key, frame: 1, revision: 2, checksum: labelMapChecksum(corrected), encodingDetected: 'draft', width: 24, height: 32, values: [0, 1, 2, 3] });
  });

  it('generates from the draft, records its source and revision, saves that map, and opens beside the study frame', async () => {
    const job = await svc.generate(base({ conditioning: { kind: 'draft', key, frame: 1 }, source: { kind: 'study', study: STUDY, frame: 1 } }));
    const done = await jobs.wait(job.id);
    expect(done.state).toBe('succeeded');
    const rec: ResultRecord = svc.results.get(done.outputs[0]).record;
    const draft = labels.get(key, 1)!;
    expect(rec.labelMap).toMatchObject({ kind: 'draft', key, frame: 1, revision: draft.revision, checksum: draft.checksum });
    expect(rec.source).toEqual({ kind: 'study', study: STUDY, frame: 1 });
    // The sidecar on disk says the same, and the label map saved with the image is the draft, at its own size.
    const sidecar = JSON.parse(readFileSync(rec.files.sidecar, 'utf8')) as ResultRecord;
    expect(sidecar.labelMap).toMatchObject({ kind: 'draft', revision: draft.revision, checksum: draft.checksum });
    const saved = decodePng(readFileSync(rec.files.labels), rec.files.labels);
    expect([saved.width, saved.height]).toEqual([24, 32]);
    expect(Buffer.from(saved.samples as Uint8Array).equals(Buffer.from(draft.data))).toBe(true);
    const cmp = await svc.compare(rec.id);
    expect(cmp).toMatchObject({ width: 24, height: 32, sourceLabel: `${STUDY}, frame 2 of 6` });
    expect(cmp.pixelAspect).toBeCloseTo(0.154 / 0.308, 6);
    expect(cmp.source).not.toBeNull();
    expect(Buffer.from(cmp.labels).equals(Buffer.from(draft.data))).toBe(true);
  });

  it('generates from the ground truth the same image as from the same map given as a file', async () => {
    const gt = await jobs.wait((await svc.generate(base({ conditioning: { kind: 'ground-truth', study: STUDY, frame: 0 } }))).id);
    const rec = svc.results.get(gt.outputs[0]).record;
    expect(rec.labelMap).toMatchObject({ kind: 'ground-truth', study: STUDY, frame: 0, groundTruth: 'gt' });
    const file = await jobs.wait((await svc.generate(base({ conditioning: { kind: 'file', path: rec.labelMap.path! } }))).id);
    const a = svc.results.image(gt.outputs[0]).pixels;
    const b = svc.results.image(file.outputs[0]).pixels;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('reads the draft of a DICOM file the same way, and starts img2img from a study frame', async () => {
    const dicom: ImageKey = { kind: 'dicom-file', path: join(import.meta.dirname, '../../../resources/default-study/phantom-a4c.dcm') };
    const map = new Uint8Array(256 * 256);
    map.fill(1, 100 * 256, 140 * 256);
    await labels.put({ key: dicom, width: 256, height: 256, frameCount: 40, frames: [{ frame: 3, map: encodeMapText(map) }], palette: [...CAMUS_LABELS], expectedRevision: labels.draft(dicom)?.revision ?? null });
    const p = await svc.previewLabels({ kind: 'draft', key: dicom, frame: 3 }, 'test-ours-tiny');
    expect(p.info).toMatchObject({ kind: 'draft', key: dicom, frame: 3, name: 'phantom-a4c.dcm', width: 256, height: 256, values: [0, 1] });
    const job = await jobs.wait((await svc.generate(base({ init: { kind: 'study', study: STUDY, frame: 5 }, strength: 0.5 }))).id);
    expect(job.state).toBe('succeeded');
    const rec = svc.results.get(job.outputs[0]).record;
    expect(rec.init).toEqual({ kind: 'study', study: STUDY, frame: 5 });
    expect(rec.source).toEqual({ kind: 'study', study: STUDY, frame: 5 });
    await expect(svc.generate(base({ init: { kind: 'study', study: STUDY, frame: 6 }, strength: 0.5 }))).rejects.toThrow(/frame 6/);
  });

  it('says what to do where drafts and studies cannot be read (the CLI gives files)', async () => {
    const bare = new InferenceService({ resourcesDir: join(root, 'resources'), dataDir: join(root, 'bare'), version: '9.9.9', jobs, dicom: new DicomLibrary(), threads: 1 });
    await expect(bare.previewLabels({ kind: 'draft', key, frame: 1 }, 'test-ours-tiny')).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringContaining('give a label file') });
    await expect(bare.generate(base({ source: { kind: 'study', study: STUDY, frame: 0 } }))).rejects.toMatchObject({ kind: 'unsupported' });
    await bare.dispose();
  });
});
