/**
 * Image + mask PNG pairs and the manifests, read back by third-party readers (PIL, numpy, Python's csv), from
 * phantom hearts and from CAMUS, EchoNet-Dynamic and loose NIfTI sources built with nibabel and ffmpeg.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_COLUMNS } from '../../../src/shared/export-types.ts';
import { generatePhantom, createBmodeRenderer } from '../../../src/main/services/phantom/index.ts';
import { runExport } from '../../../src/main/services/export/index.ts';
import { buildEchonetTree } from '../../fixtures/datasets/echonet-tree.ts';
import { exportOptions, phantomRecipe, PY, tempDir } from './helpers.ts';

const has = (mod: string): boolean => {
  try {
    execFileSync(PY, ['-c', `import ${mod}`]);
    return true;
  } catch {
    return false;
  }
};
const havePil = has('PIL');
const haveNibabel = has('nibabel');
const haveFfmpeg = (() => { try { execFileSync('ffmpeg', ['-version']); return true; } catch { return false; } })();
if (!havePil) console.warn('png-export: PIL (python3-pil) missing: PNG read-back checks skipped');

/** PNG facts as PIL and numpy see them. */
function pngFacts(paths: string[]): Array<{ mode: string; size: [number, number]; values: number[]; sum: number }> {
  const script = `
import json, sys
import numpy as np
from PIL import Image
out = []
for p in sys.argv[1:]:
    im = Image.open(p)
    a = np.asarray(im)
    out.append({'mode': im.mode, 'size': list(im.size), 'values': sorted(int(v) for v in np.unique(a))[:300], 'sum': int(a.astype(np.int64).sum())})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(PY, ['-c', script, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}

/** manifest.csv through Python's csv module: the rows as dicts. */
function csvRows(path: string): Array<Record<string, string>> {
  return JSON.parse(execFileSync(PY, ['-c', 'import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline="")))))', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}

const tmp = tempDir('png');
const dataDir = join(tmp, 'data');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('PNG pairs of phantom hearts', () => {
  const out = join(tmp, 'phantom');
  let manifest: { items: Array<Record<string, unknown>>; labels: { max_label: number; names: Record<string, string> }; counts: Record<string, number> };
  beforeAll(async () => {
    await runExport(exportOptions(phantomRecipe({ png: { frames: 'all' } }), out, dataDir));
    manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  });

  it('writes every frame with its index and grey masks, which PIL reads as the phantom drew them', () => {
    expect(manifest.counts).toMatchObject({ items: 6, synthetic: 6, real: 0, patients: 3 });
    expect(manifest.labels.max_label).toBe(5);
    const item = manifest.items[1]; // the 4CH of the first patient: all six labels
    const seq = generatePhantom({ seed: item.seed as number, view: '4CH', efPercent: item.ef_requested as number, frameRateHz: 12, frames: 6, width: 64, height: 64 });
    const renderer = createBmodeRenderer({ geometry: seq.geometry, motion: seq.motion }, { quality: 'Good', seed: item.seed as number });
    const files = item.files as string[];
    expect(files).toHaveLength(18);
    if (!havePil) return;
    for (let f = 0; f < 6; f++) {
      const name = `${item.item_id}_${String(f).padStart(4, '0')}.png`;
      const [image, index, grey] = pngFacts([join(out, 'images', name), join(out, 'masks/index', name), join(out, 'masks/grey', name)]);
      expect(image).toMatchObject({ mode: 'L', size: [64, 64] });
      expect(image.sum).toBe(renderer.render(f, seq.labels[f]).image.reduce((a, b) => a + b, 0));
      expect(index.mode).toBe('L');
      expect(index.values).toEqual([...new Set(seq.labels[f])].sort((a, b) => a - b));
      expect(index.sum).toBe(seq.labels[f].reduce((a, b) => a + b, 0));
      expect(grey.values).toEqual(index.values.map((v) => Math.round((255 * v) / 5)));
    }
  });

  it('carries the manifest columns in CSV and JSON, agreeing, and split lists and a label legend', () => {
    const rows = csvRows(join(out, 'manifest.csv'));
    expect(Object.keys(rows[0])).toEqual([...MANIFEST_COLUMNS]);
    expect(rows).toHaveLength(6);
    for (const [i, r] of rows.entries()) {
      const j = manifest.items[i];
      expect(r.item_id).toBe(j.item_id);
      expect(r.kind).toBe('synthetic');
      expect(r.model_pack_id).toBe('cardiosynth-phantom@0.0.0-test');
      expect(r.seed).toBe(String(j.seed));
      expect(r.prompt).toBe(j.prompt);
      expect(r.prompt).toMatch(/^apical (2CH|4CH) echo, good quality, EF /);
      expect(Number(r.ef_measured)).toBeCloseTo(Number(r.ef_requested), -1);
      expect(r.files.split(';')).toEqual(j.files);
      expect(r.created_at).toBe('2026-01-01T00:00:00.000Z');
      expect(r.software_version).toBe('0.0.0-test');
      expect(['M', 'F']).toContain(r.sex);
    }
    const listed = ['train', 'val', 'test'].flatMap((s) => readFileSync(join(out, 'splits', `${s}.txt`), 'utf8').split('\n').filter(Boolean));
    expect(listed.sort()).toEqual(manifest.items.flatMap((i) => (i.files as string[]).filter((f) => f.startsWith('images/'))).sort());
    const legend = JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8'));
    expect(legend.labels.map((l: { value: number; grey: number }) => [l.value, l.grey])).toEqual([[0, 0], [1, 51], [2, 102], [3, 153], [4, 204], [5, 255]]);
    expect(legend.labels[1].name).toBe('LV cavity');
  });
});

describe.skipIf(!haveNibabel)('PNG pairs from CAMUS and loose NIfTI', () => {
  const camus = join(tmp, 'camus');
  const out = join(tmp, 'camus-png');
  beforeAll(async () => {
    execFileSync(PY, [join(import.meta.dirname, '../../fixtures/datasets/camus_nifti.py'), camus]);
    await runExport(exportOptions({ format: 'cardiosynth-recipe/1', name: 'camus', layout: 'png', sources: [camus] }, out, dataDir));
  });

  it('exports each patient view with its ground truth, metadata and split', () => {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const rows = m.items as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.view, r.frames, r.ed_frame, r.es_frame, r.ef_measured, r.quality, r.sex, r.age, r.fps, r.split])).toEqual([
      ['2CH', 6, 0, 5, 59.5, 'Good', 'F', 66, 25, 'train'],
      ['4CH', 5, 4, 0, 61, 'Medium', 'F', 66, 30, 'train'],
      ['2CH', 4, 0, 3, 40, 'Poor', 'M', 48, 40, 'test'],
      ['4CH', 7, 0, 6, 42, 'Good', 'M', 48, 45, 'test'],
    ]);
    expect(rows[0].patient_id).toBe(rows[1].patient_id);
    expect(rows[0].label_map).toBe('CAMUS sequence ground truth');
    expect(m.labels).toMatchObject({ max_label: 3, names: { 1: 'LV cavity', 2: 'myocardium', 3: 'left atrium' } });
    expect(rows.every((r) => r.kind === 'real' && r.generator === null)).toBe(true);
    // labelled frames: every frame of the half sequence has its ground truth.
    expect((rows[0].files as string[]).filter((f) => f.startsWith('masks/index/'))).toHaveLength(6);
    if (!havePil) return;
    // Pixel (column c, row r, frame t) of the fixture is (3c + 5r + 7t) % 256: the axis order survived.
    const name = `${rows[0].item_id}_0002.png`;
    const [image, index, grey] = pngFacts([join(out, 'images', name), join(out, 'masks/index', name), join(out, 'masks/grey', name)]);
    expect(image.size).toEqual([24, 32]);
    let sum = 0;
    for (let r = 0; r < 32; r++) for (let c = 0; c < 24; c++) sum += (3 * c + 5 * r + 14) % 256;
    expect(image.sum).toBe(sum);
    expect(index.values).toEqual([0, 1, 2, 3]);
    expect(grey.values).toEqual([0, 85, 170, 255]);
  });

  it('writes only the ED and ES frames when the recipe asks for them', async () => {
    const edEs = join(tmp, 'camus-ed-es');
    await runExport(exportOptions({ format: 'cardiosynth-recipe/1', name: 'camus', layout: 'png', sources: [camus], png: { frames: 'ed-es' } }, edEs, dataDir));
    const rows = JSON.parse(readFileSync(join(edEs, 'manifest.json'), 'utf8')).items as Array<Record<string, unknown>>;
    expect(rows.map((r) => (r.files as string[]).filter((f) => f.startsWith('images/')).map((f) => Number(f.slice(-8, -4))))).toEqual([[0, 5], [0, 4], [0, 3], [0, 6]]);
  });

  it('pairs a loose image with its _gt label map', async () => {
    const loose = join(tmp, 'loose');
    mkdirSync(loose, { recursive: true });
    execFileSync(PY, ['-c', `
import nibabel as nib, numpy as np, sys
img = (np.arange(20*10*3).reshape(20, 10, 3) % 200).astype(np.uint8)
lab = np.zeros((20, 10, 3), np.uint8); lab[5:15, 2:8, :] = 2; lab[8:12, 4:6, 1] = 7
nib.save(nib.Nifti1Image(img, np.diag([0.5, 0.5, 1, 1])), sys.argv[1] + '/case1.nii.gz')
nib.save(nib.Nifti1Image(lab, np.diag([0.5, 0.5, 1, 1])), sys.argv[1] + '/case1_gt.nii.gz')
nib.save(nib.Nifti1Image(lab, np.eye(4)), sys.argv[1] + '/orphan_seg.nii.gz')
`, loose]);
    const warnings: string[] = [];
    await runExport(exportOptions({ format: 'cardiosynth-recipe/1', name: 'loose', layout: 'png', sources: [loose] }, join(tmp, 'loose-png'), dataDir, { onWarning: (w) => warnings.push(w) }));
    expect(warnings.join('\n')).toMatch(/orphan_seg\.nii\.gz: a label map with no image named orphan beside it/);
    const m = JSON.parse(readFileSync(join(tmp, 'loose-png', 'manifest.json'), 'utf8'));
    expect(m.items).toHaveLength(1);
    expect(m.labels.max_label).toBe(7);
    expect(m.items[0]).toMatchObject({ frames: 3, width: 20, height: 10, label_map: 'label map file beside the image' });
    if (havePil) {
      const [grey] = pngFacts([join(tmp, 'loose-png', 'masks/grey', `${m.items[0].item_id}_0001.png`)]);
      expect(grey.values).toEqual([0, 73, 255]);
    }
  });
});

describe.skipIf(!haveFfmpeg)('PNG pairs from EchoNet-Dynamic', () => {
  it('exports the readable videos with their LV masks from VolumeTracings, and names the unreadable ones', async () => {
    const root = join(tmp, 'echonet');
    buildEchonetTree(root);
    const recipe = { format: 'cardiosynth-recipe/1' as const, name: 'echonet', layout: 'png' as const, sources: [root] };
    await expect(runExport(exportOptions(recipe, join(tmp, 'echonet-stop'), dataDir))).rejects.toThrow(/source\(s\) cannot be read; nothing was written[\s\S]*0XCORRUPT[\s\S]*--skip-unreadable/);
    expect(existsSync(join(tmp, 'echonet-stop'))).toBe(false);
    const warnings: string[] = [];
    await runExport(exportOptions(recipe, join(tmp, 'echonet-png'), dataDir, { skipUnreadable: true, onWarning: (w) => warnings.push(w) }));
    expect(warnings.some((w) => /skipped: .*0XCORRUPT/.test(w))).toBe(true);
    const m = JSON.parse(readFileSync(join(tmp, 'echonet-png', 'manifest.json'), 'utf8'));
    const rows = m.items as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.view, r.frames, r.fps, r.split, r.ef_measured])).toEqual([['A4C', 6, 50, 'train', 55.5], ['A4C', 4, 32, 'test', 35]]);
    expect(m.labels).toMatchObject({ max_label: 1 });
    // The two traced frames of each video are the labelled ones.
    expect((rows[0].files as string[]).filter((f) => f.startsWith('images/')).map((f) => f.slice(-8))).toEqual(['0001.png', '0004.png']);
    if (havePil) {
      const [mask] = pngFacts([join(tmp, 'echonet-png', 'masks/grey', `${rows[0].item_id}_0001.png`)]);
      expect(mask.values).toEqual([0, 255]);
    }
  });
});
