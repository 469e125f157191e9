/**
 * The CAMUS 2023 and EchoNet-Dynamic layouts, checked by what reads them: nibabel (shapes, affines, label
 * values), ffprobe (MJPG 112x112 yuvj420p at the item's frame rate), the project's own importers (the same
 * metadata as the source), and the study catalog (synthetic items marked synthetic, real ones real). Sources
 * are trees built by nibabel (camus_nifti.py) and ffmpeg (echonet-tree.ts), plus phantom variants.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyRecord } from '../../../src/shared/dataset-types.ts';
import { Catalog } from '../../../src/main/services/datasets/catalog/index.ts';
import { importDataset, tracingMask } from '../../../src/main/services/datasets/index.ts';
import { runExport } from '../../../src/main/services/export/index.ts';
import { buildEchonetTree } from '../../fixtures/datasets/echonet-tree.ts';
import { pythonMissing } from '../../support/python.ts';
import { exportOptions, PY, tempDir } from './helpers.ts';

const noNibabel = pythonMissing(['nibabel', 'numpy']);
const haveFfmpeg = (() => {
  try {
    execFileSync('ffprobe', ['-version']);
    execFileSync('ffmpeg', ['-version']);
    return true;
  } catch {
    return false;
  }
})();
if (noNibabel) console.warn(`dataset-layouts: CAMUS checks skipped: ${noNibabel}`);
if (!haveFfmpeg) console.warn('dataset-layouts: EchoNet checks skipped: ffmpeg/ffprobe missing (apt-get install ffmpeg)');

const tmp = tempDir('datasets');
const dataDir = join(tmp, 'data');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ManifestItem extends Record<string, unknown> {
  item_id: string;
  kind: 'real' | 'synthetic';
  studyId?: string;
  synthetic: boolean;
  files: string[];
}

const manifest = (out: string): { synthetic: boolean; items: ManifestItem[] } => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));

/** What must survive an export and a re-import, for one study. */
function facts(s: StudyRecord): unknown[] {
  return [s.view === 'A4C' ? '4CH' : s.view, s.frames, s.rows, s.columns, s.frameRateHz, s.edFrame, s.esFrame, s.ef, s.edv, s.esv, s.imageQuality, s.sex, s.age, s.split, s.labelValues];
}

describe.skipIf(noNibabel !== null)('CAMUS 2023 layout', () => {
  const camus = join(tmp, 'camus');
  const out = join(tmp, 'camus-out');
  let source: StudyRecord[];
  let exported: StudyRecord[];
  let items: ManifestItem[];
  beforeAll(async () => {
    execFileSync(PY, [join(import.meta.dirname, '../../fixtures/datasets/camus_nifti.py'), camus]);
    await runExport(exportOptions({
      format: 'cardiosynth-recipe/1', name: 'camus-x1', layout: 'camus', sources: [camus],
      synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 1, width: 64, height: 48, fps: 20, frames: 12 },
    }, out, dataDir));
    source = (await importDataset(camus)).studies;
    const re = await importDataset(out);
    exported = re.studies;
    items = manifest(out).items;
    expect(re.errors.filter((e) => !/no cine/.test(e.message))).toEqual([]);
  });

  it('re-imports through the CAMUS importer with the metadata of the source', () => {
    expect(exported).toHaveLength(8);
    const realIds = new Set(items.filter((i) => i.kind === 'real').map((i) => i.studyId));
    const real = exported.filter((s) => realIds.has(s.id));
    // The source's facts, one study each, whatever the patient folders are called now.
    expect(real.map(facts).sort()).toEqual(source.map(facts).sort());
    // A patient's views stay together, and variants are patients of their own in the same split.
    const folders = new Map(exported.map((s) => [s.id, s.patient]));
    const byItem = new Map(items.map((i) => [i.item_id, i]));
    for (const i of items.filter((x) => x.kind === 'synthetic')) {
      const from = byItem.get(i.item_id.replace(/_syn\d+$/, ''))!;
      expect(folders.get(i.studyId!)).not.toBe(folders.get(from.studyId!));
      expect(i.split).toBe(from.split);
    }
    const split = (name: string): string[] => readFileSync(join(out, 'database_split', `subgroup_${name}.txt`), 'utf8').split('\n').filter(Boolean);
    expect(split('training')).toHaveLength(2);
    expect(split('testing')).toHaveLength(2);
    expect(split('validation')).toEqual([]);
  });

  it('cuts synthetic cines to the ED..ES half sequence, with a ground truth on every frame', () => {
    const syn = exported.filter((s) => items.some((i) => i.kind === 'synthetic' && i.studyId === s.id));
    expect(syn).toHaveLength(4);
    for (const s of syn) {
      expect(s.edFrame).toBe(0);
      expect(s.esFrame).toBe(s.frames! - 1);
      expect(s.frames!).toBeLessThan(12);
      expect(s.frameRateHz).toBe(20);
      expect(s.labels.map((l) => l.kind).sort()).toEqual(['gt', 'gt', 'sequence-gt']);
      const row = items.find((i) => i.studyId === s.id)!;
      expect(row.frames).toBe(s.frames);
      expect(s.ef).toBe(Math.round((row.ef_measured as number) * 10) / 10);
    }
  });

  it('nibabel reads the pixels of the source with its shapes, affines and label values', () => {
    const script = `
import json, sys, glob, os
import nibabel as nib, numpy as np
src, out = sys.argv[1], sys.argv[2]
def load(p):
    im = nib.load(p)
    return np.asarray(im.dataobj), im.affine
res = {'same': 0, 'bad': []}
for p in sorted(glob.glob(os.path.join(src, 'database_nifti', '*', '*.nii.gz'))):
    a, _ = load(p)
    suffix = os.path.basename(p).split('_', 2)[2]
    hits = [q for q in glob.glob(os.path.join(out, 'database_nifti', '*', '*' + os.path.basename(p).split('_')[1] + '_' + suffix))
            if load(q)[0].shape == a.shape and np.array_equal(load(q)[0], a)]
    # (the fixture's 2CH ED images of both patients hold the same pixels, so a file may match twice)
    if not hits: res['bad'].append(p); continue
    b, aff = load(hits[0])
    if b.dtype != np.uint8 or not np.allclose(np.diag(aff), [0.308, 0.154, 1, 1]): res['bad'].append(hits[0] + ' ' + str(b.dtype) + ' ' + str(np.diag(aff)))
    else: res['same'] += 1
gts = sorted(glob.glob(os.path.join(out, 'database_nifti', '*', '*_gt.nii.gz')))
res['gt_values'] = sorted({int(v) for p in gts for v in np.unique(load(p)[0])})
res['shapes'] = sorted({str(load(p)[0].shape) for p in glob.glob(os.path.join(out, 'database_nifti', '*', '*.nii.gz'))})
print(json.dumps(res))
`;
    const r = JSON.parse(execFileSync(PY, ['-c', script, camus, out], { encoding: 'utf8' })) as { same: number; bad: string[]; gt_values: number[]; shapes: string[] };
    expect(r.bad).toEqual([]);
    expect(r.same).toBe(4 * 6); // every source file: half sequence + gt, ED, ES and their gt
    expect(r.gt_values).toEqual([0, 1, 2, 3, 4, 5]); // CAMUS 0-3, and the phantom's right heart in its 4CH variants
    // Source views are 24 x 32 (W, H[, T]); phantom variants 64 x 48.
    expect(r.shapes).toEqual(expect.arrayContaining(['(24, 32)', '(24, 32, 6)', '(64, 48)']));
  });

  it('says in the cfg and manifest which items are synthetic, and the catalog imports them so', async () => {
    const m = manifest(out);
    expect(m.synthetic).toBe(false);
    for (const i of m.items) expect(i.synthetic).toBe(i.kind === 'synthetic');
    const synCfg = m.items.filter((i) => i.kind === 'synthetic').map((i) => i.studyId!.split(':'));
    for (const [, patient, view] of synCfg) expect(readFileSync(join(out, 'database_nifti', patient, `Info_${view}.cfg`), 'utf8')).toMatch(/^Synthetic: yes$/m);
    const catalog = new Catalog(join(tmp, 'catalog-camus'));
    try {
      await catalog.importFolder(out);
      const rows = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 100).rows;
      expect(rows).toHaveLength(8);
      for (const r of rows) expect(r.provenance, r.id).toBe(m.items.find((i) => i.studyId === r.id)!.kind);
      expect(catalog.store.study(rows.find((r) => r.provenance === 'synthetic')!.id).provenanceDetail).toMatchObject({ item: { generator: 'phantom', synthetic: true } });
    } finally {
      catalog.close();
    }
  });

  it('keeps an ED + ES pair of stills as the _ED and _ES images, with no half sequence and no invented frame rate', async () => {
    const stills = join(tmp, 'camus-stills');
    await runExport(exportOptions({
      format: 'cardiosynth-recipe/1', name: 'camus-stills', layout: 'camus', sources: [], includeReal: false,
      synthetic: { generator: { kind: 'phantom' }, output: 'ed-es', width: 64, height: 64, fps: 20, standalone: { patients: 1, views: ['4CH'] } },
    }, stills, dataDir));
    const dir = join(stills, 'database_nifti', 'patient0001');
    expect(existsSync(join(dir, 'patient0001_4CH_half_sequence.nii.gz'))).toBe(false);
    for (const f of ['ED', 'ES', 'ED_gt', 'ES_gt']) expect(existsSync(join(dir, `patient0001_4CH_${f}.nii.gz`)), f).toBe(true);
    const cfg = readFileSync(join(dir, 'Info_4CH.cfg'), 'utf8');
    expect(cfg).toMatch(/^ED: 1\nES: 2\n/);
    expect(cfg).not.toMatch(/NbFrame|FrameRate/);
    const re = await importDataset(stills);
    expect(re.studies[0]).toMatchObject({ view: '4CH', edFrame: 0, esFrame: 1, sequencePath: null });
  });

  it('refuses what CAMUS cannot hold before writing anything, and leaves it out when asked', async () => {
    const bad = join(tmp, 'camus-refused');
    const recipe = {
      format: 'cardiosynth-recipe/1' as const, name: 'camus-bad', layout: 'camus' as const, sources: [join(import.meta.dirname, '../../../resources/default-study')],
      synthetic: { generator: { kind: 'phantom' as const }, output: 'still' as const, width: 64, height: 64, standalone: { patients: 1, views: ['2CH' as const] } },
    };
    await expect(runExport(exportOptions(recipe, bad, dataDir))).rejects.toThrow(
      /3 of the 3 planned items cannot go into the camus layout:\n {2}1 item\(s\): its view is unknown; CAMUS holds apical 2CH and 4CH views; e\.g\. S\w+ \(.*phantom-a4c\.dcm\)\n {2}2 item\(s\): a single still \(one phase\); CAMUS keeps the ED and the ES of each view/,
    );
    expect(existsSync(bad)).toBe(false);
    const warnings: string[] = [];
    const left = join(tmp, 'camus-left-out');
    const r = await runExport(exportOptions({ ...recipe, synthetic: { ...recipe.synthetic, output: 'ed-es' } }, left, dataDir, { skipUnfit: true, onWarning: (w) => warnings.push(w) }));
    expect(warnings.join('\n')).toMatch(/1 of the 3 planned items cannot go into the camus layout:[\s\S]*its view is unknown[\s\S]*They are left out \(--skip-unfit\)/);
    expect(r).toMatchObject({ planned: 2, written: 2 });
    expect(manifest(left).items.every((i) => i.kind === 'synthetic')).toBe(true);
  });
});

describe.skipIf(!haveFfmpeg)('EchoNet-Dynamic layout', () => {
  const echonet = join(tmp, 'echonet');
  const out = join(tmp, 'echonet-out');
  let source: StudyRecord[];
  let exported: StudyRecord[];
  let items: ManifestItem[];
  beforeAll(async () => {
    buildEchonetTree(echonet);
    await runExport(exportOptions({
      format: 'cardiosynth-recipe/1', name: 'echonet-x1', layout: 'echonet', sources: [echonet],
      synthetic: { generator: { kind: 'phantom' }, variantsPerStudy: 1, width: 96, height: 80, fps: 24, frames: 10 },
    }, out, dataDir, { skipUnreadable: true }));
    source = (await importDataset(echonet)).studies.filter((s) => s.id === 'echonet:0XAAAA' || s.id === 'echonet:0XBBBB');
    const re = await importDataset(out);
    exported = re.studies;
    items = manifest(out).items;
    expect(re.errors).toEqual([]);
  });

  it('writes MJPG 112x112 yuvj420p videos at each item\'s frame rate, as ffprobe reads them', () => {
    expect(items).toHaveLength(4);
    for (const i of items) {
      const video = join(out, 'Videos', `${i.item_id}.avi`);
      const p = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_tag_string,width,height,pix_fmt,r_frame_rate,nb_read_frames', '-of', 'json', video], { encoding: 'utf8' })).streams[0];
      const [num, den] = String(p.r_frame_rate).split('/').map(Number);
      expect({ tag: p.codec_tag_string, w: p.width, h: p.height, fmt: p.pix_fmt, frames: Number(p.nb_read_frames) }).toEqual({ tag: 'MJPG', w: 112, h: 112, fmt: 'yuvj420p', frames: i.frames });
      expect(num / den).toBeCloseTo(i.fps as number, 2);
      expect(i).toMatchObject({ width: 112, height: 112 });
    }
    expect(items.filter((i) => i.kind === 'real').map((i) => i.fps)).toEqual([50, 32]);
    expect(items.filter((i) => i.kind === 'synthetic').every((i) => i.fps === 24)).toBe(true);
  });

  it('re-imports through the EchoNet importer with the metadata and tracings of the source', () => {
    const real = items.filter((i) => i.kind === 'real').map((i) => exported.find((s) => s.id === i.studyId)!);
    expect(real.map(facts)).toEqual(source.map(facts));
    for (const [k, s] of real.entries()) {
      const from = source[k];
      for (const t of s.tracings!) {
        const before = from.tracings!.find((x) => x.frame === t.frame)!;
        expect(t.lines).toHaveLength(21);
        const a = tracingMask(t.lines, 112, 112);
        const b = tracingMask(before.lines, 112, 112);
        let inter = 0;
        let sum = 0;
        for (let p = 0; p < a.length; p++) {
          inter += a[p] & b[p];
          sum += a[p] + b[p];
        }
        expect((2 * inter) / sum, `${s.id} frame ${t.frame}`).toBeGreaterThan(0.9);
      }
    }
    // Synthetic videos: ED and ES traced from the phantom's LV, EF and volumes from its label maps.
    for (const i of items.filter((x) => x.kind === 'synthetic')) {
      const s = exported.find((x) => x.id === i.studyId)!;
      expect(s.tracings).toHaveLength(2);
      expect([s.edFrame, s.esFrame]).toEqual([i.ed_frame, i.es_frame]);
      expect(s.ef).toBe(Math.round((i.ef_measured as number) * 100) / 100);
      expect(s.edv! > s.esv!).toBe(true);
    }
    const fileList = readFileSync(join(out, 'FileList.csv'), 'utf8').split('\n');
    expect(fileList[0]).toBe('FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split');
    expect(fileList.filter(Boolean)).toHaveLength(5);
  });

  it('marks synthetic videos in the AVI and the manifest, and the catalog imports them so', async () => {
    const syn = items.find((i) => i.kind === 'synthetic')!;
    const tags = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', join(out, 'Videos', `${syn.item_id}.avi`)], { encoding: 'utf8' })).format.tags;
    expect(tags.comment).toMatch(/^SYNTHETIC: cardiosynth phantom, seed \d+, item \w+; not patient data$/);
    const catalog = new Catalog(join(tmp, 'catalog-echonet'));
    try {
      await catalog.importFolder(out);
      const rows = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 100).rows;
      expect(rows.map((r) => [r.id, r.provenance]).sort()).toEqual(items.map((i) => [i.studyId, i.kind]).sort());
    } finally {
      catalog.close();
    }
  });

  it('refuses 2CH views and stills, which EchoNet cannot hold', async () => {
    const recipe = {
      format: 'cardiosynth-recipe/1' as const, name: 'echonet-bad', layout: 'echonet' as const, sources: [],
      synthetic: { generator: { kind: 'phantom' as const }, output: 'ed-es' as const, width: 64, height: 64, standalone: { patients: 1, views: ['2CH' as const, '4CH' as const] } },
    };
    const err = (await runExport(exportOptions(recipe, join(tmp, 'echonet-refused'), dataDir)).then(() => new Error('it exported'), (e: unknown) => e as Error));
    expect(err.message).toMatch(/2 of the 2 planned items cannot go into the echonet layout/);
    expect(err.message).toMatch(/its view is 2CH; EchoNet-Dynamic holds apical four-chamber videos only/);
    expect(err.message).toMatch(/synthetic\.output is "ed-es": stills are not a video/);
  });
});
