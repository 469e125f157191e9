/**
 * The catalog over an EchoNet-Dynamic tree made with ffmpeg (MJPEG AVIs, 112x112, yuvj420p, 50 and 32 fps)
 * with malformed CSV rows, an unknown file, a missing and a corrupt video; tracing masks checked pixel for
 * pixel against scikit-image (the rasteriser EchoNet's own loader uses); provenance from a manifest.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/main/services/datasets/catalog/index.ts';
import { tracingMask } from '../../../src/main/services/datasets/index.ts';
import { buildEchonetTree, rectTrace, SIZE } from '../../fixtures/datasets/echonet-tree.ts';
import { sharedFile } from '../../support/shared-data.ts';
import { existsSync } from 'node:fs';
import { createPrng } from '../../../src/main/services/phantom/prng.ts';

const PY = '/usr/bin/python3';
const has = (args: string[], cmd = PY): boolean => { try { execFileSync(cmd, args, { stdio: 'ignore' }); return true; } catch { return false; } };
const hasFfmpeg = has(['-version'], 'ffmpeg');
const hasSkimage = has(['-c', 'import skimage.draw']);
if (!hasFfmpeg) console.warn('catalog-echonet.test: video cases skipped: ffmpeg is missing (apt-get install ffmpeg)');
if (!hasSkimage) console.warn('catalog-echonet.test: mask reference cases skipped: /usr/bin/python3 lacks scikit-image (apt-get install python3-skimage)');

const dir = mkdtempSync(join(tmpdir(), 'cs-catalog-echonet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Seeded uniform numbers in [0, 1): the phantom's mulberry32 stream (same seed, same draws). */
const prng = (seed: number): (() => number) => createPrng(seed).next;

/** A traced frame shaped like EchoNet's: a rotated long axis and 20 chords across it, float coordinates. */
function randomTrace(rand: () => number): Array<[number, number, number, number]> {
  const cx = 20 + rand() * 72;
  const cy = 20 + rand() * 72;
  const theta = (rand() - 0.5) * 1.2 + Math.PI / 2;
  const len = 20 + rand() * 70;
  const ux = Math.cos(theta), uy = Math.sin(theta);
  const lines: Array<[number, number, number, number]> = [[cx - (ux * len) / 2, cy - (uy * len) / 2, cx + (ux * len) / 2, cy + (uy * len) / 2]];
  const halfWidth = 5 + rand() * 25;
  for (let k = 0; k < 20; k++) {
    const s = (k + 0.5) / 20 - 0.5;
    const px = cx + ux * s * len, py = cy + uy * s * len;
    const w = halfWidth * Math.sin(Math.PI * (k + 1) / 21) * (0.7 + 0.6 * rand());
    // Snap some ends to .5 so numpy.rint's half-to-even rounding is exercised.
    const snap = (v: number) => (rand() < 0.15 ? Math.round(v) + 0.5 : v);
    lines.push([snap(px - uy * w), snap(py + ux * w), snap(px + uy * w * (0.5 + rand())), snap(py - ux * w * (0.5 + rand()))]);
  }
  return lines;
}

describe.skipIf(!hasSkimage)(`EchoNet tracing masks vs scikit-image${hasSkimage ? '' : ' (skipped: no python3-skimage)'}`, () => {
  it('fills exactly the pixels skimage.draw.polygon fills, for 400 random traces (partly off the image)', () => {
    const rand = prng(20240611);
    const frames = Array.from({ length: 400 }, () => randomTrace(rand));
    // A few degenerate ones: a line, repeated points, a trace reaching past every edge.
    frames.push(Array.from({ length: 21 }, (_, k) => [10, 10 + k, 10, 10 + k] as [number, number, number, number]));
    frames.push(Array.from({ length: 21 }, () => [50.5, 50.5, 60.5, 50.5] as [number, number, number, number]));
    frames.push(Array.from({ length: 21 }, (_, k) => [-30, -20 + k * 8, 140, -25 + k * 9] as [number, number, number, number]));
    const input = frames.map((lines) => ({ lines, rows: SIZE, columns: SIZE }));
    const ref = JSON.parse(execFileSync(PY, [join(import.meta.dirname, '../../fixtures/datasets/echonet_masks.py')], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 })) as number[][];
    let differing = 0;
    let filled = 0;
    frames.forEach((lines, i) => {
      const ours = tracingMask(lines, SIZE, SIZE);
      const want = new Uint8Array(SIZE * SIZE);
      for (const p of ref[i]) want[p] = 1;
      filled += ref[i].length;
      for (let p = 0; p < ours.length; p++) if (ours[p] !== want[p]) differing++;
    });
    expect(filled).toBeGreaterThan(100_000);
    expect(differing).toBe(0);
  });
});

describe.skipIf(!hasFfmpeg)(`catalog: EchoNet-Dynamic tree${hasFfmpeg ? '' : ' (skipped: no ffmpeg)'}`, () => {
  const tree = hasFfmpeg ? buildEchonetTree(join(dir, 'EchoNet-Dynamic')) : { root: join(dir, 'none'), frames: {} as Record<string, Uint8Array[]> };
  const root = tree.root;
  const catalog = new Catalog(join(dir, 'data'));
  afterAll(() => catalog.close());
  const fileList = join(root, 'FileList.csv');
  const tracings = join(root, 'VolumeTracings.csv');

  it('imports the readable videos and lists every bad row and file as its own problem', async () => {
    const s = await catalog.importFolder(join(root, 'Videos'));
    expect(s).toMatchObject({ layout: 'echonet-dynamic', root, scope: join(root, 'Videos'), studies: { total: 2, added: 2 } });
    const byKind = (sev: string) => s.issues.filter((i) => i.severity === sev).map((i) => i.message);
    expect(byKind('error')).toEqual(expect.arrayContaining([
      `${fileList}: line 4 (0XMISSINGFIELD): missing EF; row skipped`,
      `${tracings}: line 85 (0XBBBB): missing X2; row skipped`,
      `${tracings}: line 86: 0XUNKNOWN.avi is not listed in FileList.csv (21 tracing rows ignored)`,
      `${join(root, 'Videos', '0XNOVIDEO.avi')}: missing: listed in ${fileList} line 6`,
    ]));
    expect(byKind('error').some((m) => m.startsWith(`${join(root, 'Videos', '0XCORRUPT.avi')}: not a readable AVI`))).toBe(true);
    expect(byKind('warning')).toEqual([`${tracings}: 0XBBBB.avi frame 3 has 20 rows, expected 21 (long axis + 20 chords)`]);
    const rows = catalog.query({}, { key: 'ef', dir: 'asc' }, 0, 10).rows;
    expect(rows.map((r) => [r.id, r.view, r.ef, r.split, r.frames, r.frameRateHz, r.edFrame, r.esFrame, r.hasLabels])).toEqual([
      ['echonet:0XBBBB', 'A4C', 35, 'test', 4, 32, 3, 0, true],
      ['echonet:0XAAAA', 'A4C', 55.5, 'train', 6, 50, 1, 4, true],
    ]);
  });

  it('plays a video at its container rate with ED/ES, and decodes frames close to the encoded source', async () => {
    const v = await catalog.media.view('echonet:0XAAAA');
    expect(v).toMatchObject({ frames: 6, rows: 112, columns: 112, frameRateHz: 50, frameRateSource: 'avi-header', edFrame: 1, esFrame: 4, labelledFrames: [1, 4], tracedFrames: [4, 1] });
    for (let n = 0; n < 6; n++) {
      const got = (await catalog.media.frame('echonet:0XAAAA', n)).pixels;
      const want = tree.frames['0XAAAA'][n];
      let se = 0;
      for (let i = 0; i < want.length; i++) se += (got[i] - want[i]) ** 2;
      expect(10 * Math.log10((255 * 255) / (se / want.length))).toBeGreaterThan(35);
    }
  });

  it('rasterises the tracings as LV cavity masks on their traced frames and returns the lines', async () => {
    const es = await catalog.media.labelMap('echonet:0XAAAA', 4);
    expect(es).toMatchObject({ source: 'tracing', phase: 'ES', values: [0, 1], rows: 112, columns: 112, path: tracings });
    let area = 0;
    for (let r = 0; r < 112; r++) for (let c = 0; c < 112; c++) {
      const inside = r >= 30 && r <= 68 && c >= 50 && c <= 60 ? 1 : 0;
      area += es!.labels[r * 112 + c];
      if (es!.labels[r * 112 + c] !== inside) throw new Error(`mask at ${c},${r}`);
    }
    expect(area).toBe(11 * 39);
    expect(await catalog.media.labelMap('echonet:0XAAAA', 2)).toBeNull();
    const lines = catalog.media.tracings('echonet:0XAAAA');
    expect(lines.map((t) => [t.frame, t.phase, t.lines.length])).toEqual([[4, 'ES', 21], [1, 'ED', 21]]);
    expect(lines[0].lines[1]).toEqual([50, 30, 60, 30]);
  });

  it('makes a thumbnail from the decoded ED frame', async () => {
    const t = await catalog.media.thumbnail('echonet:0XAAAA', 64);
    expect([t.width, t.height, t.rgba.length]).toEqual([64, 64, 64 * 64 * 4]);
    expect(catalog.store.thumbnail('echonet:0XAAAA', 64)).toMatchObject({ channels: 1 });
  });

  it('re-reads nothing when unchanged, and only the new video when one is added', async () => {
    expect(await catalog.importFolder(root)).toMatchObject({ unchanged: true, files: { read: 0 } });
    copyFileSync(join(root, 'Videos', '0XAAAA.avi'), join(root, 'Videos', '0XCCCC.avi'));
    appendFileSync(fileList, '0XCCCC,61.2,20,51.5,112,112,50,6,VAL\n');
    appendFileSync(tracings, [...rectTrace('0XCCCC', 5, 52, 58, 30, 2), ...rectTrace('0XCCCC', 0, 40, 70, 30, 3), ''].join('\n'));
    const s = await catalog.importFolder(root);
    // The new AVI is read; the other two readable AVIs and the corrupt one come from the catalog.
    expect(s).toMatchObject({ unchanged: false, studies: { total: 3, added: 1, unchanged: 2 }, files: { read: 1, cached: 3 } });
    expect(catalog.store.study('echonet:0XCCCC')).toMatchObject({ ef: 61.2, split: 'val', edFrame: 0, esFrame: 5 });
  });
});

describe('catalog: provenance and loose files', () => {
  it('reads a manifest.json that marks a dataset (or some of its items) synthetic', async () => {
    const root = join(dir, 'phantom-like');
    execFileSync('mkdir', ['-p', root]);
    // Loose NIfTI written by our own writer is enough to carry the manifest.
    const { writeNifti } = await import('../../../src/main/services/datasets/nifti-writer.ts');
    for (const name of ['a.nii.gz', 'b.nii.gz']) writeNifti(join(root, name), { dims: [8, 6, 3], data: new Uint8Array(144).map((_, i) => i), spacing: [0.3, 0.3, 1] });
    writeFileSync(join(root, 'manifest.json'), JSON.stringify({ synthetic: true, generator: 'cardiosynth phantom', seed: 7 }));
    const catalog = new Catalog(join(dir, 'data-prov'));
    try {
      const s = await catalog.importFolder(root);
      expect(s.studies.total).toBe(2);
      expect(catalog.query({ provenance: 'synthetic' }, { key: 'id', dir: 'asc' }, 0, 10).total).toBe(2);
      const st = catalog.store.study(catalog.query({}, { key: 'id', dir: 'asc' }, 0, 1).rows[0].id);
      expect(st).toMatchObject({ provenance: 'synthetic', provenanceDetail: { generator: 'cardiosynth phantom', seed: 7 } });
      expect(catalog.store.datasets()[0].provenance).toBe('synthetic');
      // Per item: one study synthetic (with its own entry), the other real.
      const [first, second] = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 10).rows.map((r) => r.id);
      writeFileSync(join(root, 'manifest.json'), JSON.stringify({ items: [{ id: first, synthetic: true, prompt: 'apical 4CH, EF 35', seed: 3 }] }));
      expect((await catalog.importFolder(root)).studies).toMatchObject({ updated: 2 });
      expect(catalog.store.study(first)).toMatchObject({ provenance: 'synthetic', provenanceDetail: { item: { prompt: 'apical 4CH, EF 35', seed: 3 } } });
      expect(catalog.store.study(second)).toMatchObject({ provenance: 'real' });
      expect(catalog.store.study(second).provenanceDetail.item).toBeUndefined();
      writeFileSync(join(root, 'manifest.json'), '{ not json');
      const bad = await catalog.importFolder(root);
      expect(bad.issues.map((i) => i.message)).toEqual([expect.stringMatching(/manifest\.json: not valid JSON .*taken as real$/)]);
      expect(catalog.query({ provenance: 'real' }, { key: 'id', dir: 'asc' }, 0, 10).total).toBe(2);
    } finally {
      catalog.close();
    }
  });

  it('imports loose NIfTI and MetaImage files, each bad file reported and the rest imported', async () => {
    const root = join(dir, 'loose');
    execFileSync('mkdir', ['-p', join(root, 'sub')]);
    const { writeNifti } = await import('../../../src/main/services/datasets/nifti-writer.ts');
    writeNifti(join(root, 'cine.nii.gz'), { dims: [10, 8, 5], data: new Uint8Array(400).map((_, i) => i % 251), spacing: [0.5, 0.5, 1] });
    writeNifti(join(root, 'sub', 'cine_seg.nii.gz'), { dims: [10, 8, 5], data: new Uint8Array(400).map((_, i) => i % 3), spacing: [0.5, 0.5, 1] });
    writeFileSync(join(root, 'broken.nii.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]));
    writeFileSync(join(root, 'bad.mhd'), 'NDims = 2\nDimSize = 4 4\nElementType = MET_UCHAR\nElementDataFile = bad.raw\n');
    writeFileSync(join(root, 'bad.raw'), Buffer.alloc(10));
    const catalog = new Catalog(join(dir, 'data-loose'));
    try {
      const s = await catalog.importFolder(root);
      expect(s).toMatchObject({ layout: 'loose', studies: { total: 2 }, errors: 2 });
      expect(s.issues.map((i) => i.path).sort()).toEqual([join(root, 'bad.mhd'), join(root, 'broken.nii.gz')]);
      const rows = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 10).rows;
      expect(rows.map((r) => [r.format, r.title, r.frames, r.hasLabels]).sort()).toEqual([['nifti', 'cine.nii.gz', 5, false], ['nifti', 'cine_seg.nii.gz', 5, true]]);
      expect(rows.every((r) => /^nifti:[0-9a-f]{16}$/.test(r.id))).toBe(true);
      const seg = rows.find((r) => r.hasLabels)!;
      const lm = await catalog.media.labelMap(seg.id, 2);
      expect(lm).toMatchObject({ source: 'sequence-gt', values: [0, 1, 2], rows: 8, columns: 10 });
      expect(lm!.labels[3]).toBe((2 * 80 + 3) % 3);
    } finally {
      catalog.close();
    }
  });

  const ITK = sharedFile('itk-examples');
  const hasNibabel = has(['-c', 'import nibabel']);
  it.skipIf(!existsSync(ITK) || !hasNibabel)(`imports the real NIfTI and MetaImage samples in ${ITK}, label map equal to nibabel's${existsSync(ITK) && hasNibabel ? '' : ' (skipped: samples or nibabel missing)'}`, async () => {
    const catalog = new Catalog(join(dir, 'data-itk'));
    try {
      const s = await catalog.importFolder(ITK);
      expect(s).toMatchObject({ layout: 'loose', studies: { total: 3 }, errors: 0 });
      const rows = catalog.query({}, { key: 'id', dir: 'asc' }, 0, 10).rows;
      expect(rows.map((r) => [r.title, r.format, r.frames, r.columns, r.rows, r.hasLabels]).sort()).toEqual([
        ['BrainProtonDensitySliceBorder20.mhd', 'metaimage', 1, 221, 257, false],
        ['KmeansTest_T1KmeansPrelimSegmentation.nii.gz', 'nifti', 62, 128, 128, true],
        ['RatLungSlice1.mha', 'metaimage', 1, 128, 128, false],
      ]);
      const seg = rows.find((r) => r.hasLabels)!;
      const file = join(ITK, 'KmeansTest_T1KmeansPrelimSegmentation.nii.gz');
      // nibabel's array is (x, y, z): our frame k, row r, column c is arr[c, r, k].
      const ref = JSON.parse(execFileSync(PY, ['-c', `import nibabel as nib, numpy as np, json; a = np.asanyarray(nib.load(${JSON.stringify(file)}).dataobj)[:, :, 30]; print(json.dumps({"values": sorted(int(v) for v in np.unique(a)), "flat": a.T.ravel().astype(int).tolist()}))`], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { values: number[]; flat: number[] };
      const lm = await catalog.media.labelMap(seg.id, 30);
      expect(lm).toMatchObject({ source: 'sequence-gt', rows: 128, columns: 128, values: ref.values });
      expect(Array.from(lm!.labels)).toEqual(ref.flat);
      const f = await catalog.media.frame(rows.find((r) => r.title.startsWith('Brain'))!.id, 0);
      expect([f.rows, f.columns, f.kind]).toEqual([257, 221, 'grey']);
    } finally {
      catalog.close();
    }
  });
});
