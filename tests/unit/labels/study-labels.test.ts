/**
 * Label drafts of catalog studies, keyed by the stable study id, and starting a draft from a study's ground
 * truth: a CAMUS-2023 tree written by nibabel (tests/fixtures/datasets/camus_nifti.py) and a loose NIfTI pair,
 * imported into a catalog; the service reads the grid from the catalog, returns every labelled frame of the
 * ground truth equal to what nibabel wrote, refuses studies without ground truth or with values the palette
 * lacks, and never touches the dataset's files.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/main/services/datasets/catalog/index.ts';
import { LabelService } from '../../../src/main/services/labels/index.ts';
import { imageKeySchema, labelMethods } from '../../../src/shared/contract/labels.ts';
import { imageKeyId, imageKeyTitle, parseImageKeyId, sameImageKey, type ImageKey } from '../../../src/shared/labels/image-key.ts';
import { encodeMapText } from '../../../src/shared/labels/map-codec.ts';
import { CAMUS_LABELS } from '../../../src/shared/labels/palette.ts';
import { buildEchonetTree, SIZE } from '../../fixtures/datasets/echonet-tree.ts';

const PY = '/usr/bin/python3';
const hasNibabel = (() => { try { execFileSync(PY, ['-c', 'import nibabel']); return true; } catch { return false; } })();
const hasFfmpeg = (() => { try { execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
const hasSkimage = (() => { try { execFileSync(PY, ['-c', 'import skimage.draw']); return true; } catch { return false; } })();
if (!hasNibabel) console.warn('study-labels.test: catalog cases skipped: /usr/bin/python3 with nibabel is missing');
if (!hasFfmpeg || !hasSkimage) console.warn('study-labels.test: EchoNet case skipped: it needs ffmpeg and python3-skimage');

/** camus_nifti.py's label map at column c, row r, frame t (W 24, H 32). */
function fixtureLabel(c: number, r: number, t: number): number {
  if (c >= 6 && c < 18 && r >= 20 && r < 28) return 3;
  if (c >= 4 && c < 20 && r >= 12 && r < 16) return 2;
  if (c >= 4 && c < 20 && r >= 2 + t && r < 10 + t) return 1;
  return 0;
}
function fixtureMap(t: number): Uint8Array {
  const out = new Uint8Array(24 * 32);
  for (let r = 0; r < 32; r++) for (let c = 0; c < 24; c++) out[r * 24 + c] = fixtureLabel(c, r, t);
  return out;
}

/** SHA-256 and mtime of every file under `dir`, to show nothing was written. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[p] = `${createHash('sha256').update(readFileSync(p)).digest('hex')} ${st.mtimeMs} ${st.size}`;
    }
  };
  walk(dir);
  return out;
}

describe('the catalog-study image key', () => {
  it('has a stable id, parses back, and is titled by the study id', () => {
    const key: ImageKey = { kind: 'catalog-study', study: 'camus:patient0001:4CH' };
    expect(imageKeyId(key)).toBe('catalog-study:camus:patient0001:4CH');
    expect(parseImageKeyId(imageKeyId(key))).toEqual(key);
    expect(parseImageKeyId('catalog-study:')).toBeNull();
    expect(imageKeyTitle(key)).toBe('camus:patient0001:4CH');
    expect(sameImageKey(key, { kind: 'catalog-study', study: 'camus:patient0001:4CH' })).toBe(true);
    expect(sameImageKey(key, { kind: 'catalog-study', study: 'camus:patient0001:2CH' })).toBe(false);
    // DICOM keys are unchanged.
    expect(imageKeyId({ kind: 'dicom-file', path: '/data/a.dcm' })).toBe('dicom-file:/data/a.dcm');
    expect(parseImageKeyId('dicom-file:/data/a.dcm')).toEqual({ kind: 'dicom-file', path: '/data/a.dcm' });
  });

  it('is validated by the contract: a study id, nothing else', () => {
    expect(imageKeySchema.safeParse({ kind: 'catalog-study', study: 'echonet:0X1A' }).success).toBe(true);
    expect(imageKeySchema.safeParse({ kind: 'catalog-study', study: '' }).success).toBe(false);
    expect(imageKeySchema.safeParse({ kind: 'catalog-study', study: 'x', path: '/etc/passwd' }).success).toBe(false);
    expect(imageKeySchema.safeParse({ kind: 'catalog-study', study: 'x'.repeat(513) }).success).toBe(false);
    const gt = labelMethods['labels.import'].args.safeParse({ source: { kind: 'dataset-gt', study: 'camus:patient0001:4CH' }, width: 24, height: 32, frameCount: 5, values: [0, 1, 2, 3] });
    expect(gt.success).toBe(true);
  });
});

describe.skipIf(!hasNibabel)('drafts and ground truth of catalog studies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-study-labels-'));
  const camus = join(dir, 'CAMUS_public');
  const loose = join(dir, 'loose');
  const data = join(dir, 'data');
  let catalog: Catalog;
  let svc: LabelService;
  let before: Record<string, string>;
  const key: ImageKey = { kind: 'catalog-study', study: 'camus:patient0001:4CH' };
  const palette = [...CAMUS_LABELS];
  const values = palette.map((l) => l.value);

  beforeAll(async () => {
    execFileSync(PY, [join(import.meta.dirname, '../../fixtures/datasets/camus_nifti.py'), camus]);
    // Loose files: a label map (label 7: not CAMUS; the catalog takes a file named _gt as labelled by itself)
    // and plain images without labels.
    mkdirSync(loose);
    execFileSync(PY, ['-c', `
import nibabel as nib, numpy as np, sys
d = sys.argv[1]
img = (np.arange(16 * 12).reshape(16, 12) % 200).astype(np.uint8)
gt = np.zeros((16, 12), np.uint8); gt[2:6, 3:9] = 7
for name, arr in (('odd.nii.gz', img), ('odd_gt.nii.gz', gt), ('plain.nii.gz', img)):
    nib.save(nib.Nifti1Image(arr, np.eye(4)), d + '/' + name)
`, loose]);
    catalog = new Catalog(data);
    await catalog.importFolder(camus);
    await catalog.importFolder(loose);
    svc = new LabelService(data, { catalog: () => catalog });
    before = { ...fingerprint(camus), ...fingerprint(loose) };
  });
  afterAll(() => {
    svc?.close();
    catalog?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the ground truth of every labelled frame, as nibabel wrote it, ED/ES from _gt and the rest from the labelled cine', async () => {
    // patient0001 4CH: 5 frames, ED = frame 5 and ES = frame 1 (1-based) in its cfg.
    const res = await svc.import({ source: { kind: 'dataset-gt', study: key.study }, width: 24, height: 32, frameCount: 5, values });
    expect(res.format).toBe('dataset-gt');
    expect(res.at).toEqual([0, 1, 2, 3, 4]);
    res.frames.forEach((m, i) => expect(Buffer.from(m).equals(Buffer.from(fixtureMap(i))), `frame ${i}`).toBe(true));
    expect(res.values).toEqual([0, 1, 2, 3]);
    expect(res.source).toMatchObject({ kind: 'dataset-gt', study: key.study, frames: [0, 1, 2, 3, 4], kinds: ['gt', 'sequence-gt'] });
    const files = res.source!.files.map((f) => f.slice(camus.length + 1));
    expect(files.sort()).toEqual([
      'database_nifti/patient0001/patient0001_4CH_ED_gt.nii.gz',
      'database_nifti/patient0001/patient0001_4CH_ES_gt.nii.gz',
      'database_nifti/patient0001/patient0001_4CH_half_sequence_gt.nii.gz',
    ]);
  });

  it('saves a draft keyed by the study id on the catalog grid, lists it, and reads it back per frame', async () => {
    const gt = await svc.import({ source: { kind: 'dataset-gt', study: key.study }, width: 24, height: 32, frameCount: 5, values });
    const corrected = gt.frames[4].slice();
    corrected[0] = 2; // a correction of the ED map
    const r = await svc.put({
      key,
      width: 24,
      height: 32,
      frameCount: 5,
      frames: gt.at!.map((f, i) => ({ frame: f, map: encodeMapText(f === 4 ? corrected : gt.frames[i]) })),
      palette,
      source: gt.source,
      expectedRevision: null,
    });
    expect(r.revision).toBe(1);
    expect(svc.get(key, 4)!.data).toEqual(corrected);
    expect(svc.get(key, 2)!.data).toEqual(fixtureMap(2));
    const d = svc.draft(key)!;
    expect(d).toMatchObject({ key, keyId: 'catalog-study:camus:patient0001:4CH', title: 'camus:patient0001:4CH', width: 24, height: 32, frameCount: 5, labelledFrames: [0, 1, 2, 3, 4], source: { kind: 'dataset-gt', study: key.study } });
    expect(svc.list().map((x) => x.keyId)).toContain('catalog-study:camus:patient0001:4CH');
    // A draft of another study is separate.
    expect(svc.get({ kind: 'catalog-study', study: 'camus:patient0001:2CH' }, 4)).toBeNull();
  });

  it('refuses a save on the wrong grid, a study not in the catalog, and works without the catalog only where it need not read it', async () => {
    await expect(svc.put({ key, width: 32, height: 24, frameCount: 5, frames: [], palette, expectedRevision: 1 })).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('camus:patient0001:4CH: the image is 24x32 with 5 frame(s), not 32x24') });
    await expect(svc.put({ key: { kind: 'catalog-study', study: 'camus:patient9999:2CH' }, width: 24, height: 32, frameCount: 5, frames: [], palette, expectedRevision: null })).rejects.toMatchObject({ kind: 'not-found' });
    const bare = new LabelService(data);
    expect(bare.get(key, 4)!.revision).toBe(1); // reading drafts needs no catalog
    await expect(bare.import({ source: { kind: 'dataset-gt', study: key.study }, width: 24, height: 32, frameCount: 5, values })).rejects.toMatchObject({ kind: 'unsupported' });
    bare.close();
  });

  it('refuses clearly where there is no ground truth, where the grid differs, and values the palette lacks', async () => {
    const rows = catalog.query({ text: 'nii' }, { key: 'id', dir: 'asc' }, 0, 10).rows;
    const plain = rows.find((r) => r.title === 'plain.nii.gz')!;
    const odd = rows.find((r) => r.title === 'odd_gt.nii.gz')!;
    expect(plain && odd).toBeTruthy();
    const g = (study: string) => catalog.media.view(study);
    const pv = await g(plain.id);
    await expect(svc.import({ source: { kind: 'dataset-gt', study: plain.id }, width: pv.columns, height: pv.rows, frameCount: pv.frames, values })).rejects.toMatchObject({
      kind: 'not-found',
      message: expect.stringContaining('has no ground-truth label map'),
    });
    const ov = await g(odd.id);
    await expect(svc.import({ source: { kind: 'dataset-gt', study: odd.id }, width: ov.columns, height: ov.rows, frameCount: ov.frames, values })).rejects.toMatchObject({
      kind: 'invalid-argument',
      message: expect.stringMatching(/odd_gt\.nii\.gz: frame 0 has label value\(s\) 7 that the palette does not have/),
    });
    // With label 7 in the palette it reads.
    const ok = await svc.import({ source: { kind: 'dataset-gt', study: odd.id }, width: ov.columns, height: ov.rows, frameCount: ov.frames, values: [...values, 7] });
    expect(ok.values).toEqual([0, 7]);
    await expect(svc.import({ source: { kind: 'dataset-gt', study: key.study }, width: 24, height: 32, frameCount: 6, values })).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('24x32 with 5 frame(s), not 24x32 with 6') });
  });

  it('exports a study draft to the data folder by default and never into the dataset folder', async () => {
    const out = await svc.export({ key, format: 'nifti', frame: 'all' });
    expect(out.path).toBe(join(data, 'label-exports', 'camus_patient0001_4CH_labels_all.nii.gz'));
    await expect(svc.export({ key, format: 'png-index', frame: 4, path: join(camus, 'database_nifti', 'patient0001', 'mine.png') })).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('is inside the dataset folder'),
    });
  });

  it('left every file of the datasets as it was', () => {
    expect({ ...fingerprint(camus), ...fingerprint(loose) }).toEqual(before);
  });
});

describe.skipIf(!hasFfmpeg || !hasSkimage)('ground truth of an EchoNet video', () => {
  it('is the two traced frames, rasterised as the LV cavity exactly as echo.py does with scikit-image', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-study-labels-echonet-'));
    const catalog = new Catalog(join(dir, 'data'));
    const svc = new LabelService(join(dir, 'data'), { catalog: () => catalog });
    try {
      const tree = buildEchonetTree(join(dir, 'EchoNet-Dynamic'));
      await catalog.importFolder(tree.root);
      const before = fingerprint(tree.root);
      const study = 'echonet:0XAAAA';
      const res = await svc.import({ source: { kind: 'dataset-gt', study }, width: SIZE, height: SIZE, frameCount: 6, values: [0, 1, 2, 3] });
      expect(res.at).toEqual([1, 4]);
      expect(res.source).toMatchObject({ kind: 'dataset-gt', study, frames: [1, 4], kinds: ['tracing'] });
      expect(res.values).toEqual([0, 1]);
      const tracings = catalog.media.tracings(study);
      const input = res.at!.map((f) => ({ lines: tracings.find((t) => t.frame === f)!.lines, rows: SIZE, columns: SIZE }));
      const ref = JSON.parse(execFileSync(PY, [join(import.meta.dirname, '../../fixtures/datasets/echonet_masks.py')], { input: JSON.stringify(input), encoding: 'utf8' })) as number[][];
      res.frames.forEach((m, i) => {
        const expected = new Uint8Array(SIZE * SIZE);
        for (const k of ref[i]) expected[k] = 1;
        expect(ref[i].length).toBeGreaterThan(100);
        expect(Buffer.from(m).equals(Buffer.from(expected)), `frame ${res.at![i]}`).toBe(true);
      });
      expect(fingerprint(tree.root)).toEqual(before);
    } finally {
      svc.close();
      catalog.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
