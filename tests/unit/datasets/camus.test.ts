/**
 * CAMUS importers: a 2023 NIfTI tree built by nibabel (tests/fixtures/datasets/camus_nifti.py) and a legacy
 * MetaImage tree (text headers + raw), imported from the root and from folders inside it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectLayout, importDataset, inspectDatasetPaths, openSequence, parseCamusCfg } from '../../../src/main/services/datasets/index.ts';
import { buildLegacyTree, H, pixel, W } from '../../fixtures/datasets/camus-legacy-tree.ts';

const PY = '/usr/bin/python3';
const hasNibabel = (() => { try { execFileSync(PY, ['-c', 'import nibabel']); return true; } catch { return false; } })();
if (!hasNibabel) console.warn('camus.test: CAMUS 2023 cases skipped: /usr/bin/python3 with nibabel is missing');

const dir = mkdtempSync(join(tmpdir(), 'cs-ds-camus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CAMUS cfg', () => {
  it('keeps good lines and reports each malformed one with its line number', () => {
    const { cfg, errors } = parseCamusCfg('ED: 12\nES: 3\nNbFrame: 12\nAge = 48\nSex: X\nImageQuality: Poor\nEF: 41.5\nFrameRate: 33\n', '/d/Info_2CH.cfg');
    expect([cfg.ed, cfg.es, cfg.nbFrame, cfg.age, cfg.sex, cfg.imageQuality, cfg.ef, cfg.frameRate]).toEqual([12, 3, 12, null, null, 'Poor', 41.5, 33]);
    expect(errors.map((e) => e.message)).toEqual(['/d/Info_2CH.cfg: line 4: "Age = 48" is not "Key: value"', '/d/Info_2CH.cfg: line 5: Sex = "X" is not M or F']);
  });
});

describe.skipIf(!hasNibabel)(`CAMUS 2023 NIfTI tree${hasNibabel ? '' : ' (skipped: no nibabel)'}`, () => {
  const root = join(dir, 'CAMUS_public');
  if (hasNibabel) execFileSync(PY, [join(import.meta.dirname, '../../fixtures/datasets/camus_nifti.py'), root]);
  const p2 = join(root, 'database_nifti', 'patient0002');
  const truncated = join(p2, 'patient0002_4CH_half_sequence.nii.gz');
  if (hasNibabel) {
    const gz = readFileSync(truncated);
    writeFileSync(truncated, gz.subarray(0, Math.floor(gz.length / 2)));
  }

  it('detects the layout from the root and from a patient folder', async () => {
    expect(await detectLayout(root)).toMatchObject({ layout: 'camus-nifti', root });
    expect(await detectLayout(p2)).toMatchObject({ layout: 'camus-nifti', root, scope: p2 });
  });

  it('imports every readable view with 0-based ED/ES, clinical fields, splits and labels; the rest is reported', async () => {
    const r = await importDataset(root);
    expect(r.studies.map((s) => s.id)).toEqual(['camus:patient0001:2CH', 'camus:patient0001:4CH', 'camus:patient0002:2CH']);
    const [a, b, c] = r.studies;
    expect(a).toMatchObject({ format: 'camus', patient: 'patient0001', view: '2CH', frames: 6, rows: 32, columns: 24, edFrame: 0, esFrame: 5, ef: 59.5, sex: 'F', age: 66, imageQuality: 'Good', split: 'train', frameRateHz: 25, frameRateSource: 'camus-cfg', labelValues: [0, 1, 2, 3] });
    expect(a.labels.map((l) => [l.kind, l.phase ?? '', l.frames.join(' ')])).toEqual([['sequence-gt', '', '0 1 2 3 4 5'], ['gt', 'ED', '0'], ['gt', 'ES', '5']]);
    expect([b.edFrame, b.esFrame, b.imageQuality]).toEqual([4, 0, 'Medium']); // ED after ES
    expect([c.split, c.age, c.sex, c.warnings.length]).toEqual(['test', 48, 'M', 1]);
    expect(c.warnings[0].message).toBe(`${join(p2, 'Info_2CH.cfg')}: line 5: "Age = 48" is not "Key: value"`);
    const msgs = r.errors.map((e) => e.message);
    expect(msgs).toContain(`${truncated}: truncated gzip stream (unexpected end of file)`);
    expect(msgs).toContain(`${p2}: patient0002 4CH not imported: 1 of its files cannot be read`);
  });

  it('imports only the picked patient when given its folder', async () => {
    const r = await importDataset(join(root, 'database_nifti', 'patient0001'));
    expect(r.studies.map((s) => s.id)).toEqual(['camus:patient0001:2CH', 'camus:patient0001:4CH']);
  });

  it('shows a half_sequence as W columns x H rows per frame, frames along the third axis', async () => {
    const s = await openSequence(join(root, 'database_nifti', 'patient0001', 'patient0001_2CH_half_sequence.nii.gz'), { thirdAxisIsTime: true, frameRateHz: 25, frameRateSource: 'camus-cfg' });
    expect(s.summary).toMatchObject({ dims: [24, 32, 6], rows: 32, columns: 24, frames: 6, frameAxis: 'time', frameRateHz: 25, frameRateSource: 'camus-cfg' });
    expect(s.summary.pixelSpacingMm![0]).toBeCloseTo(0.154, 5);
    expect(s.summary.pixelSpacingMm![1]).toBeCloseTo(0.308, 5);
    const f = s.frame(3);
    for (const [r, c] of [[0, 0], [5, 17], [31, 23]]) expect(f.pixels[r * 24 + c]).toBe((3 * c + 5 * r + 7 * 3) % 256);
    expect(() => s.frame(6)).toThrow(/frame 6 does not exist; it has 6 frame\(s\)/);
  });

  it('inspects one CAMUS file with its view fields and its own label values', async () => {
    const gt = join(root, 'database_nifti', 'patient0001', 'patient0001_4CH_ES_gt.nii.gz');
    const r = await inspectDatasetPaths([gt]);
    expect(r.studies).toEqual([expect.objectContaining({ path: gt, format: 'camus', patient: 'patient0001', view: '4CH', edFrame: 4, esFrame: 0, ef: 61, split: 'train', frames: 1, rows: 32, columns: 24, labels: [0, 1, 2, 3], dataType: 'uint8' })]);
  });
});

describe('CAMUS legacy MetaImage tree', () => {
  const root = join(dir, 'camus-legacy');
  buildLegacyTree(root);

  it('imports training/testing views with LVedv/LVesv/LVef and reports a wrong DimSize', async () => {
    expect((await importDataset(join(root, 'training'))).studies.map((s) => s.patient)).toEqual(['patient0001', 'patient0001']);
    const r = await importDataset(root);
    expect(r.layout).toBe('camus-legacy');
    expect(r.studies.map((s) => [s.id, s.split, s.edFrame, s.esFrame, s.frames, s.rows, s.columns])).toEqual([
      ['camus-legacy:patient0001:2CH', 'train', 0, 4, 5, H, W],
      ['camus-legacy:patient0001:4CH', 'train', 5, 1, 6, H, W],
      ['camus-legacy:patient0051:4CH', 'test', 0, 3, 4, H, W],
    ]);
    expect(r.studies[0]).toMatchObject({ dataset: 'camus-legacy', ef: 50, edv: 120.5, esv: 60.25, labelValues: [0, 1, 2], frameRateSource: 'default' });
    expect(r.studies[2].labels).toEqual([]);
    const seqPath = join(root, 'training', 'patient0002', 'patient0002_2CH_sequence.mhd');
    expect(r.errors.map((e) => e.message)).toContain(`${seqPath}: DimSize = ${W} ${H} 9 of MET_UCHAR needs ${W * H * 9} bytes but ${seqPath.replace('.mhd', '.raw')} has ${W * H * 3}: too little data (wrong DimSize or ElementType?)`);
    const s = await openSequence(r.studies[1].sequencePath!, { thirdAxisIsTime: true });
    expect(s.frame(2).pixels[7 * W + 11]).toBe(pixel(11, 7, 2));
  });

  it('reports a missing .raw as the view not imported', async () => {
    const raw = join(root, 'testing', 'patient0051', 'patient0051_4CH_ES.raw');
    rmSync(raw);
    const r = await importDataset(join(root, 'testing', 'patient0051'));
    expect(r.studies).toEqual([]);
    expect(r.errors[0].message).toBe(`${raw.replace('.raw', '.mhd')}: data file ${raw} is missing`);
  });
});
