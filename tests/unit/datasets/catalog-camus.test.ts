/**
 * The catalog over CAMUS trees: a 2023 NIfTI tree written by nibabel (tests/fixtures/datasets/camus_nifti.py)
 * and a legacy MetaImage tree. Import, per-item problems, incremental re-import, unavailable studies, the
 * browser's filters and sorts, frames and ground-truth label maps checked against the fixture's formulas.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/main/services/datasets/catalog/index.ts';
import { buildLegacyTree, H, pixel, W } from '../../fixtures/datasets/camus-legacy-tree.ts';

const PY = '/usr/bin/python3';
const hasNibabel = (() => { try { execFileSync(PY, ['-c', 'import nibabel']); return true; } catch { return false; } })();
if (!hasNibabel) console.warn('catalog-camus.test: CAMUS 2023 cases skipped: /usr/bin/python3 with nibabel is missing');

const dir = mkdtempSync(join(tmpdir(), 'cs-catalog-camus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture's label map (camus_nifti.py `labels`) at column c, row r, frame t. */
function fixtureLabel(c: number, r: number, t: number): number {
  const inCols = (a: number, b: number): boolean => c >= a && c < b;
  if (inCols(6, 18) && r >= 20 && r < 28) return 3;
  if (inCols(4, 20) && r >= 12 && r < 16) return 2;
  if (inCols(4, 20) && r >= 2 + t && r < 10 + t) return 1;
  return 0;
}

describe.skipIf(!hasNibabel)(`catalog: CAMUS 2023 NIfTI tree${hasNibabel ? '' : ' (skipped: no nibabel)'}`, () => {
  const root = join(dir, 'CAMUS_public');
  if (hasNibabel) execFileSync(PY, [join(import.meta.dirname, '../../fixtures/datasets/camus_nifti.py'), root]);
  const p2 = join(root, 'database_nifti', 'patient0002');
  const truncated = join(p2, 'patient0002_4CH_half_sequence.nii.gz');
  const good = hasNibabel ? readFileSync(truncated) : Buffer.alloc(0);
  if (hasNibabel) writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
  const catalog = new Catalog(join(dir, 'data'));
  afterAll(() => catalog.close());

  it('imports each readable view, reports the truncated file and the malformed cfg line per item', async () => {
    const s = await catalog.importFolder(root);
    expect(s).toMatchObject({ layout: 'camus-nifti', root, unchanged: false, studies: { total: 3, added: 3, updated: 0, unchanged: 0, unavailable: 0 }, errors: 2, warnings: 1 });
    expect(s.issues.map((i) => [i.severity, i.message])).toEqual([
      ['error', `${truncated}: truncated gzip stream (unexpected end of file)`],
      ['error', `${p2}: patient0002 4CH not imported: 1 of its files cannot be read`],
      ['warning', `${join(p2, 'Info_2CH.cfg')}: line 5: "Age = 48" is not "Key: value"`],
    ]);
    // The problems stay with the dataset for the UI, errors first.
    const ds = catalog.store.datasets();
    expect(ds).toEqual([expect.objectContaining({ layout: 'camus-nifti', root, name: 'CAMUS_public', studyCount: 3, status: 'complete', errorCount: 2, warningCount: 1, provenance: 'real' })]);
    expect(catalog.store.issues(ds[0].id, 0, 10).issues.map((i) => i.severity)).toEqual(['error', 'error', 'warning']);
  });

  it('holds complete studies only: the unreadable view is absent, every present one has all its files', async () => {
    const all = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 100);
    expect(all.rows.map((r) => r.id)).toEqual(['camus:patient0001:2CH', 'camus:patient0001:4CH', 'camus:patient0002:2CH']);
    for (const r of all.rows) {
      const st = catalog.store.study(r.id);
      expect(st.sources.map((x) => x.role).sort()).toEqual(['ED', 'ED_gt', 'ES', 'ES_gt', 'sequence', 'sequence_gt']);
      expect(st.labels).toHaveLength(3);
    }
    const st = catalog.store.study('camus:patient0001:4CH');
    expect(st).toMatchObject({ patient: 'patient0001', view: '4CH', edFrame: 4, esFrame: 0, ef: 61, imageQuality: 'Medium', sex: 'F', age: 66, split: 'train', frameRateHz: 30, frameRateSource: 'camus-cfg', hasLabels: true, labelValues: [0, 1, 2, 3], available: true, provenance: 'real' });
    expect(st.provenanceDetail).toMatchObject({ source: 'CAMUS (2023 NIfTI release)', root });
    expect(catalog.store.study('camus:patient0002:2CH').warnings).toHaveLength(1);
  });

  it('filters and sorts server-side by every browser field', () => {
    const ids = (f: Parameters<Catalog['query']>[0], key: Parameters<Catalog['query']>[1]['key'] = 'id', dir: 'asc' | 'desc' = 'asc') => catalog.query(f, { key, dir }, 0, 100).rows.map((r) => r.id);
    expect(ids({ views: ['2CH'] })).toEqual(['camus:patient0001:2CH', 'camus:patient0002:2CH']);
    expect(ids({ efMin: 45, efMax: 60 })).toEqual(['camus:patient0001:2CH']);
    expect(ids({}, 'ef', 'desc')).toEqual(['camus:patient0001:4CH', 'camus:patient0001:2CH', 'camus:patient0002:2CH']);
    expect(ids({ splits: ['test'] })).toEqual(['camus:patient0002:2CH']);
    expect(ids({ imageQualities: ['Good', 'Poor'] }, 'imageQuality')).toEqual(['camus:patient0001:2CH', 'camus:patient0002:2CH']);
    expect(ids({ sex: 'M' })).toEqual(['camus:patient0002:2CH']);
    expect(ids({ ageMin: 60 })).toEqual(['camus:patient0001:2CH', 'camus:patient0001:4CH']);
    expect(ids({ text: '0002 2ch' })).toEqual(['camus:patient0002:2CH']);
    expect(ids({ text: 'half_sequence_gt.nii' })).toHaveLength(3);
    expect(ids({ patient: 'PATIENT0001' })).toHaveLength(2);
    expect(ids({ phase: 'ES', hasLabels: true, provenance: 'real' })).toHaveLength(3);
    expect(ids({ hasLabels: false })).toEqual([]);
    expect(ids({ provenance: 'synthetic' })).toEqual([]);
    expect(ids({ text: '100%_' })).toEqual([]); // LIKE wildcards are literal
    const page = catalog.query({}, { key: 'id', dir: 'asc' }, 1, 1);
    expect([page.total, page.offset, page.rows.map((r) => r.id)]).toEqual([3, 1, ['camus:patient0001:4CH']]);
    const f = catalog.facets();
    expect(f).toMatchObject({ total: 3, views: ['2CH', '4CH'], ef: { min: 40, max: 61 }, age: { min: 48, max: 66 } });
  });

  it('re-imports nothing when nothing changed', async () => {
    const s = await catalog.importFolder(root);
    expect(s).toMatchObject({ unchanged: true, studies: { total: 3, unchanged: 3 }, files: { read: 0 }, errors: 2, warnings: 1 });
    expect(s.files.cached).toBe(s.files.seen);
  });

  it('re-reads only the changed file, and brings in the repaired view', async () => {
    const cfg = join(root, 'database_nifti', 'patient0001', 'Info_2CH.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('EF: 59.5', 'EF: 57.0'));
    writeFileSync(truncated, good);
    const s = await catalog.importFolder(root);
    // The changed cfg and the repaired cine (with its view's other files, never read because the view failed).
    expect(s).toMatchObject({ unchanged: false, studies: { total: 4, added: 1, updated: 1, unchanged: 2 }, errors: 0, warnings: 1 });
    expect(s.files.read).toBe(2);
    expect(catalog.store.study('camus:patient0001:2CH').ef).toBe(57);
    expect(catalog.store.study('camus:patient0002:4CH')).toMatchObject({ frames: 7, edFrame: 0, esFrame: 6, available: true });
  });

  it('marks a study whose cine disappeared unavailable, keeps its row, and restores it when the file is back', async () => {
    const seq = join(root, 'database_nifti', 'patient0001', 'patient0001_2CH_half_sequence.nii.gz');
    const bytes = readFileSync(seq);
    rmSync(seq);
    // A folder inside one patient limits the import to that patient.
    const s = await catalog.importFolder(join(root, 'database_nifti', 'patient0001'));
    expect(s.scope).toBe(join(root, 'database_nifti', 'patient0001'));
    expect(s.studies).toMatchObject({ total: 2, updated: 1 });
    // The view still imports (its ED/ES images and gts are there) but without a cine.
    expect(catalog.store.study('camus:patient0001:2CH')).toMatchObject({ sequencePath: null, frames: null, available: true });
    const v = await catalog.media.view('camus:patient0001:2CH');
    expect(v).toMatchObject({ frames: 2, edFrame: 0, esFrame: 1, labelledFrames: [0, 1] });
    // Remove the whole view: the study is kept but unavailable, and hidden unless asked for.
    const files = catalog.store.study('camus:patient0001:2CH').sources.map((x) => x.path);
    const kept = files.map((f) => [f, readFileSync(f)] as const);
    for (const f of files) rmSync(f);
    rmSync(join(root, 'database_nifti', 'patient0001', 'Info_2CH.cfg'));
    const s2 = await catalog.importFolder(join(root, 'database_nifti', 'patient0001'));
    expect(s2.studies).toMatchObject({ total: 1, unavailable: 1 });
    expect(catalog.query({}, { key: 'id', dir: 'asc' }, 0, 10).rows.map((r) => r.id)).not.toContain('camus:patient0001:2CH');
    const hidden = catalog.query({ includeUnavailable: true, views: ['2CH'] }, { key: 'id', dir: 'asc' }, 0, 10).rows;
    expect(hidden.find((r) => r.id === 'camus:patient0001:2CH')).toMatchObject({ available: false });
    expect(catalog.store.study('camus:patient0001:2CH').problem).toMatch(/missing or unreadable/);
    await expect(catalog.media.view('camus:patient0001:2CH')).rejects.toMatchObject({ kind: 'not-found' });
    // The other patient was outside the picked folder and is untouched.
    expect(catalog.store.study('camus:patient0002:4CH').available).toBe(true);
    for (const [f, b] of kept) writeFileSync(f, b);
    writeFileSync(seq, bytes);
    writeFileSync(join(root, 'database_nifti', 'patient0001', 'Info_2CH.cfg'), 'ED: 1\nES: 6\nNbFrame: 6\nSex: F\nAge: 66\nImageQuality: Good\nEF: 57.0\nFrameRate: 25.0\n');
    const s3 = await catalog.importFolder(root);
    expect(s3.studies).toMatchObject({ total: 4, unavailable: 0 });
    expect(catalog.store.study('camus:patient0001:2CH')).toMatchObject({ available: true, problem: null, frames: 6 });
  });

  it('serves frames in the fixture axis order at the cfg frame rate, with ED/ES and labelled frames', async () => {
    const v = await catalog.media.view('camus:patient0001:4CH');
    expect(v).toMatchObject({ frames: 5, rows: 32, columns: 24, frameRateHz: 30, frameRateSource: 'camus-cfg', edFrame: 4, esFrame: 0, labelledFrames: [0, 1, 2, 3, 4], tracedFrames: [] });
    const f = await catalog.media.frame('camus:patient0001:4CH', 3);
    expect(f.instanceId).toBe('camus:patient0001:4CH');
    // The fixture's pixels are 0.154 mm high and 0.308 mm wide, as CAMUS's are: the viewer keeps that aspect.
    expect(f.pixelSpacingMm![0]).toBeCloseTo(0.154, 5);
    expect(f.pixelSpacingMm![1]).toBeCloseTo(0.308, 5);
    for (const [r, c] of [[0, 0], [7, 13], [31, 23]]) expect(f.pixels[r * 24 + c]).toBe((3 * c + 5 * r + 7 * 3) % 256);
    await expect(catalog.media.frame('camus:patient0001:4CH', 5)).rejects.toThrow(/frame 5 does not exist/);
  });

  it('gives the ground-truth label map of a frame: the ED/ES gt first, the labelled cine elsewhere', async () => {
    const id = 'camus:patient0001:4CH';
    const check = (m: { labels: Uint8Array; rows: number; columns: number }, t: number): void => {
      for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.columns; c++) if (m.labels[r * m.columns + c] !== fixtureLabel(c, r, t)) throw new Error(`label at ${c},${r} frame ${t}: ${m.labels[r * m.columns + c]} != ${fixtureLabel(c, r, t)}`);
    };
    const ed = await catalog.media.labelMap(id, 4);
    expect(ed).toMatchObject({ source: 'gt', phase: 'ED', values: [0, 1, 2, 3], rows: 32, columns: 24 });
    expect(ed!.path).toMatch(/patient0001_4CH_ED_gt\.nii\.gz$/);
    check(ed!, 4);
    const mid = await catalog.media.labelMap(id, 2);
    expect(mid).toMatchObject({ source: 'sequence-gt', phase: null });
    check(mid!, 2);
    const asSeq = await catalog.media.labelMap(id, 4, 'sequence-gt');
    expect(asSeq!.source).toBe('sequence-gt');
    check(asSeq!, 4);
    expect(await catalog.media.labelMap(id, 2, 'tracing')).toBeNull();
  });

  it('caches thumbnails of the ED frame in the catalog', async () => {
    const id = 'camus:patient0002:4CH';
    expect(catalog.store.thumbnail(id, 48)).toBeNull();
    const t = await catalog.media.thumbnail(id, 48);
    // 24 x 32 pixels of 0.308 x 0.154 mm: 7.4 mm wide, 4.9 mm high, so wider than high, within 48 x 48.
    expect([t.width, t.height]).toEqual([48, 32]);
    const stored = catalog.store.thumbnail(id, 48);
    expect(stored).toMatchObject({ width: 48, height: 32, channels: 1 });
    expect(await catalog.media.thumbnail(id, 48)).toEqual(t);
  });

  it('keeps study ids when the dataset is imported from a new location (no duplicates)', async () => {
    const moved = join(dir, 'moved', 'CAMUS_public');
    execFileSync('mkdir', ['-p', join(dir, 'moved')]);
    execFileSync('cp', ['-a', root, join(dir, 'moved')]);
    const s = await catalog.importFolder(moved);
    expect(s.studies).toMatchObject({ total: 4, added: 0, updated: 4 });
    expect(catalog.query({}, { key: 'id', dir: 'asc' }, 0, 100).total).toBe(4);
    expect(catalog.store.study('camus:patient0001:2CH').sequencePath).toBe(join(moved, 'database_nifti', 'patient0001', 'patient0001_2CH_half_sequence.nii.gz'));
  });
});

describe('catalog: CAMUS legacy MetaImage tree', () => {
  const root = join(dir, 'camus-legacy');
  buildLegacyTree(root);
  const catalog = new Catalog(join(dir, 'data-legacy'));
  afterAll(() => catalog.close());

  it('imports the readable views and reports the wrong DimSize as its view not imported', async () => {
    const s = await catalog.importFolder(root);
    expect(s.layout).toBe('camus-legacy');
    expect(s.studies.total).toBe(3);
    const seqPath = join(root, 'training', 'patient0002', 'patient0002_2CH_sequence.mhd');
    const errors = s.issues.filter((i) => i.severity === 'error').map((i) => i.message);
    expect(errors).toContain(`${seqPath}: DimSize = ${W} ${H} 9 of MET_UCHAR needs ${W * H * 9} bytes but ${seqPath.replace('.mhd', '.raw')} has ${W * H * 3}: too little data (wrong DimSize or ElementType?)`);
    expect(catalog.query({ splits: ['test'] }, { key: 'id', dir: 'asc' }, 0, 10).rows.map((r) => r.id)).toEqual(['camus-legacy:patient0051:4CH']);
    const st = catalog.store.study('camus-legacy:patient0001:4CH');
    expect(st).toMatchObject({ ef: 50, edv: 120.5, esv: 60.25, edFrame: 5, esFrame: 1, frameRateSource: 'default', labelValues: [0, 1, 2] });
    const f = await catalog.media.frame(st.id, 2);
    expect(f.pixels[7 * W + 11]).toBe(pixel(11, 7, 2));
    const lm = await catalog.media.labelMap(st.id, 5);
    expect(lm).toMatchObject({ source: 'gt', phase: 'ED', values: [0, 1, 2] });
    expect(await catalog.media.labelMap(st.id, 3)).toBeNull();
  });

  it('detects a changed file by its mtime even when its size is the same', async () => {
    const cfg = join(root, 'training', 'patient0001', 'Info_2CH.cfg');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('LVef: 50', 'LVef: 51'));
    utimesSync(cfg, new Date(), new Date(Date.now() + 5000));
    const s = await catalog.importFolder(root);
    expect(s).toMatchObject({ unchanged: false, files: { read: 1 } });
    expect(catalog.store.study('camus-legacy:patient0001:2CH').ef).toBe(51);
  });

  it('removes a dataset with its studies, files, probes and issues, and leaves its files alone', async () => {
    const other = join(dir, 'legacy-copy');
    execFileSync('cp', ['-a', root, other]);
    // The copy holds the same studies (same ids): importing it moves them, so give it its own patient.
    execFileSync('mv', [join(other, 'testing', 'patient0051'), join(other, 'testing', 'patient0099')]);
    for (const f of execFileSync('ls', [join(other, 'testing', 'patient0099')], { encoding: 'utf8' }).trim().split('\n')) {
      if (f.includes('patient0051')) execFileSync('mv', [join(other, 'testing', 'patient0099', f), join(other, 'testing', 'patient0099', f.replace('patient0051', 'patient0099'))]);
    }
    execFileSync('sh', ['-c', `sed -i 's/patient0051/patient0099/' ${join(other, 'testing', 'patient0099')}/*.mhd`]);
    await catalog.importFolder(join(other, 'testing'));
    expect(catalog.store.study('camus-legacy:patient0099:4CH').available).toBe(true);
    const ds = catalog.store.datasets().find((d) => d.root === root)!;
    await catalog.media.thumbnail('camus-legacy:patient0001:2CH', 32);
    const before = catalog.query({ includeUnavailable: true }, { key: 'id', dir: 'asc' }, 0, 100).total;
    const removed = catalog.store.removeDataset(ds.id);
    expect(removed).toBe(before - 1);
    expect(catalog.query({ includeUnavailable: true }, { key: 'id', dir: 'asc' }, 0, 100).rows.map((r) => r.id)).toEqual(['camus-legacy:patient0099:4CH']);
    const db = catalog.store.db;
    for (const t of ['study_files', 'study_labels', 'study_thumbnails']) {
      expect(Number((db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE study_id LIKE 'camus-legacy:patient0001%'`).get() as { n: number }).n), t).toBe(0);
    }
    expect(Number((db.prepare('SELECT COUNT(*) AS n FROM dataset_files WHERE dataset_id = ?').get(ds.id) as { n: number }).n)).toBe(0);
    expect(() => catalog.store.issues(ds.id, 0, 10)).toThrow(/no dataset with id/);
    expect(readFileSync(join(root, 'training', 'patient0001', 'Info_2CH.cfg'), 'utf8')).toContain('LVef: 51');
  });
});
