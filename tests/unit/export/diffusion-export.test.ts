/**
 * Synthetic variants from the embedded model pack (resources/packs/phantom-echo-112) through the inference
 * engine process: conditioned on each source study's label maps (or the user's label draft), prompted in the
 * pack's vocabulary, seeded per the recipe, reproducible byte for byte, with full provenance; a still-image
 * pack gives ED + ES stills for CAMUS and is refused for cines. Few steps, so each image takes a fraction of
 * a second on the CPU.
 */
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecipeInput } from '../../../src/shared/export-recipe.ts';
import { CAMUS_LABELS, RIGHT_HEART_LABELS } from '../../../src/shared/labels/palette.ts';
import { encodeMapText } from '../../../src/shared/labels/map-codec.ts';
import { Catalog } from '../../../src/main/services/datasets/catalog/index.ts';
import { openSequence, readNifti } from '../../../src/main/services/datasets/index.ts';
import { doorOptions, ownEngine, runExport } from '../../../src/main/services/export/index.ts';
import { decodePng } from '../../../src/main/services/inference/images/png-decode.ts';
import { resizeNearest } from '../../../src/main/services/inference/images/resample.ts';
import { loadPack } from '../../../src/main/services/inference/index.ts';
import { LabelService } from '../../../src/main/services/labels/index.ts';
import { exportOptions, ROOT, tempDir, treeChecksums } from './helpers.ts';

const tmp = tempDir('diffusion');
const dataDir = join(tmp, 'data');
const PACK = join(ROOT, 'resources/packs/phantom-echo-112');
// A copy of the embedded phantom dataset (3 patients, 2CH + 4CH, 256 px, labelled half sequences).
const source = join(tmp, 'phantom-camus');
cpSync(join(ROOT, 'resources/phantom-camus'), source, { recursive: true });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Row extends Record<string, unknown> {
  item_id: string;
  files: string[];
  prompt: string;
  label_map: string;
}

const manifest = (out: string): Row[] => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).items;
const engineDoor = () => doorOptions({ engine: () => ownEngine(join(ROOT, 'resources'), dataDir, { provider: 'cpu' }) }, ROOT);

function recipe(over: Partial<RecipeInput> = {}, synthetic: Record<string, unknown> = {}): RecipeInput {
  return {
    format: 'cardiosynth-recipe/1', name: 'diffusion-test', layout: 'png', sources: [source], includeReal: false,
    synthetic: { generator: { kind: 'diffusion', pack: 'phantom-echo-112', steps: 6 }, variantsPerStudy: 2, output: 'ed-es', seed: { strategy: 'per-variant', base: 100 }, variations: { quality: ['Good', 'Poor'] }, ...synthetic },
    ...over,
  } as RecipeInput;
}

/** Mean of `image` over the pixels where `labels` is `value`. */
function meanOver(image: Uint8Array, labels: Uint8Array, value: number): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== value) continue;
    s += image[i];
    n++;
  }
  return s / n;
}

describe('diffusion variants from the embedded pack', () => {
  const out = join(tmp, 'png');
  let rows: Row[];
  let packSha: string;
  beforeAll(async () => {
    packSha = (await loadPack(PACK, 'embedded')).summary.sha256;
    await runExport(exportOptions(recipe(), out, dataDir, engineDoor()));
    rows = manifest(out);
  }, 240_000);

  it('makes K variants per study, seeded per the recipe and prompted in the pack\'s words, with their provenance', () => {
    expect(rows).toHaveLength(12);
    for (const [i, r] of rows.entries()) {
      const k = i % 2;
      expect(r).toMatchObject({
        kind: 'synthetic', generator: 'diffusion', model_pack_id: 'phantom-echo-112@1.0.0', model_pack_sha256: packSha,
        seed: 100 + k, scheduler: 'ddim', steps: 6, guidance: 3, control_scale: 1, frames: 2, width: 112, height: 112, ed_frame: 0, es_frame: 1,
      });
      const quality = k === 0 ? 'good' : 'poor';
      expect(r.prompt).toMatch(new RegExp(`^ED: apical (2CH|4CH) echo, ED, ${quality} quality, (female|male), age \\d+-\\d+, EF [<>\\d -]+ \\| ES: apical \\1 echo, ES, ${quality} quality`));
      expect(r.label_map).toMatch(/^S\w+ \(CAMUS sequence ground truth\): ED frame 0, ES frame 15$/);
      // EF measured on the conditioning maps agrees with what the dataset states (the recipe's request).
      expect(Math.abs((r.ef_measured as number) - (r.ef_requested as number))).toBeLessThan(3);
    }
  });

  it('conditions each still on that phase\'s label map: the exported mask is the source\'s, and the image follows it', async () => {
    for (const r of rows.filter((x) => /4CH/.test(x.prompt)).slice(0, 2)) {
      const view = '4CH';
      const patient = rows.indexOf(r) < 4 ? 'patient9001' : rows.indexOf(r) < 8 ? 'patient9002' : 'patient9003';
      const gt = await openSequence(join(source, 'database_nifti', patient, `${patient}_${view}_half_sequence_gt.nii.gz`), { thirdAxisIsTime: true });
      for (const [frame, name] of [[0, '0000'], [gt.summary.frames - 1, '0001']] as const) {
        const expected = resizeNearest(Uint8Array.from(gt.frame(frame).pixels as ArrayLike<number>), 256, 256, 112, 112);
        const mask = decodePng(readFileSync(join(out, 'masks/index', `${r.item_id}_${name}.png`))).samples as Uint8Array;
        expect(Buffer.from(mask).equals(Buffer.from(expected)), `${r.item_id} frame ${frame}`).toBe(true);
        const image = decodePng(readFileSync(join(out, 'images', `${r.item_id}_${name}.png`))).samples as Uint8Array;
        // Echo: blood (LV cavity, 1) dark, myocardium (2) bright.
        expect(meanOver(image, mask, 2) - meanOver(image, mask, 1), r.item_id).toBeGreaterThan(15);
      }
    }
  });

  it('gives the same bytes for the same recipe', async () => {
    const again = join(tmp, 'png-again');
    await runExport(exportOptions(recipe(), again, dataDir, engineDoor()));
    expect(treeChecksums(again)).toEqual(treeChecksums(out));
  }, 240_000);
});

describe('diffusion for CAMUS, from label drafts and phantom hearts', () => {
  it('conditions on the user\'s label draft where there is one, and keeps ED + ES stills as CAMUS _ED/_ES images', async () => {
    const catalog = new Catalog(dataDir);
    const labels = new LabelService(dataDir, { catalog: () => catalog });
    try {
      await catalog.importFolder(source);
      const study = 'camus:patient9002:4CH';
      // The user's correction of the ED frame: the LV cavity grown by 3 px into the myocardium.
      const gt = await openSequence(join(source, 'database_nifti/patient9002/patient9002_4CH_half_sequence_gt.nii.gz'), { thirdAxisIsTime: true });
      const ed = Uint8Array.from(gt.frame(0).pixels as ArrayLike<number>);
      const draft = ed.slice();
      for (let y = 0; y < 256; y++) for (let x = 0; x < 256; x++) if (ed[y * 256 + x] === 2 && [[3, 0], [-3, 0], [0, 3], [0, -3]].some(([dx, dy]) => ed[(y + dy) * 256 + x + dx] === 1)) draft[y * 256 + x] = 1;
      await labels.put({ key: { kind: 'catalog-study', study }, width: 256, height: 256, frameCount: gt.summary.frames, frames: [{ frame: 0, map: encodeMapText(draft) }], palette: [...CAMUS_LABELS, ...RIGHT_HEART_LABELS], expectedRevision: null });

      const out = join(tmp, 'camus');
      const door = { ...doorOptions({ catalog: () => catalog, drafts: labels, engine: () => ownEngine(join(ROOT, 'resources'), dataDir, { provider: 'cpu' }) }, ROOT) };
      await runExport(exportOptions(recipe({ layout: 'camus', sources: [{ catalog: { studies: [study] } }], includeReal: true }, { variantsPerStudy: 1 }), out, dataDir, door));
      const rows = manifest(out);
      expect(rows.map((r) => [r.kind, r.generator])).toEqual([['synthetic', 'phantom'], ['synthetic', 'diffusion']]);
      expect(rows[0].label_map).toBe('label draft revision 1 (frames 0) over CAMUS sequence ground truth');
      expect(rows[1].label_map).toMatch(/^S\w+ \(label draft revision 1 \(frames 0\) over CAMUS sequence ground truth\): ED frame 0, ES frame \d+$/);
      const dir = join(out, 'database_nifti', 'patient0002');
      const edGt = await readNifti(join(dir, 'patient0002_4CH_ED_gt.nii.gz'));
      expect(edGt.dims).toEqual([112, 112]);
      expect(Buffer.from(edGt.data as Uint8Array).equals(Buffer.from(resizeNearest(draft, 256, 256, 112, 112)))).toBe(true);
      expect(readFileSync(join(dir, 'Info_4CH.cfg'), 'utf8')).toMatch(/^ED: 1\nES: 2\n[\s\S]*Source: cardiosynth diffusion, model phantom-echo-112@1\.0\.0, seed 100,/);
      // The real study's own export carries the draft on frame 0 too.
      const real = await readNifti(join(out, 'database_nifti/patient0001/patient0001_4CH_half_sequence_gt.nii.gz'));
      expect(Buffer.from((real.data as Uint8Array).subarray(0, 256 * 256)).equals(Buffer.from(draft))).toBe(true);

      // A draft edited since the export started is a different export: a resume refuses instead of mixing.
      await labels.put({ key: { kind: 'catalog-study', study }, width: 256, height: 256, frameCount: gt.summary.frames, frames: [{ frame: 0, map: encodeMapText(ed) }], palette: [...CAMUS_LABELS, ...RIGHT_HEART_LABELS], expectedRevision: 1 });
      await expect(runExport(exportOptions(recipe({ layout: 'camus', sources: [{ catalog: { studies: [study] } }], includeReal: true }, { variantsPerStudy: 1 }), out, dataDir, { ...door, resume: true })))
        .rejects.toThrow(/holds a different export/);
    } finally {
      labels.close();
      catalog.close();
    }
  }, 240_000);

  it('conditions stand-alone variants on a phantom heart drawn from their seed', async () => {
    const out = join(tmp, 'standalone');
    await runExport(exportOptions(recipe({ sources: [] }, { standalone: { patients: 1, views: ['4CH'] }, variations: { quality: [], efBand: ['EF <40'] } }), out, dataDir, engineDoor()));
    const [r] = manifest(out);
    expect(r.label_map).toMatch(/^phantom heart \(seed 100, 4CH, EF (2|3)\d\.\d%\): ED frame 0, ES frame \d+$/);
    expect(r.prompt).toMatch(/EF <40/);
    expect(r.ef_measured as number).toBeLessThan(43);
    expect(['M', 'F']).toContain(r.sex);
  }, 120_000);

  it('refuses a cine from a still-image pack, saying what it can give', async () => {
    await expect(runExport(exportOptions(recipe({ layout: 'echonet' }, { output: 'cine' }), join(tmp, 'cine'), dataDir, engineDoor())))
      .rejects.toThrow(/diffusion:phantom-echo-112@1\.0\.0 makes still images, not cines .* Set synthetic\.output to "ed-es"/);
  });
});
