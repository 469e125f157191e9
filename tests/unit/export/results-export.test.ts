/**
 * Generated results (what `generate` and the gallery write: PNG + JSON sidecar + labels PNG) exported as the
 * synthetic stills they are, with the provenance their sidecars record and nothing of the paths on this
 * machine; layouts that need ED and ES (CAMUS) or videos (EchoNet) refuse them with the reason.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../../src/shared/inference-types.ts';
import { decodePng } from '../../../src/main/services/inference/images/png-decode.ts';
import { resizeNearest } from '../../../src/main/services/inference/images/resample.ts';
import { cli, ROOT, tempDir } from './helpers.ts';

const tmp = tempDir('results');
const env = { CARDIOSYNTH_DATA_DIR: join(tmp, 'data') };
const results = join(tmp, 'results');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const haveDcmdump = spawnSync('dcmdump', ['--version']).status === 0;

describe('generated results as an export source', () => {
  let sidecars: ResultRecord[];
  beforeAll(() => {
    const labels = join(ROOT, 'resources/phantom-camus/database_nifti/patient9001/patient9001_4CH_ED_gt.nii.gz');
    const g = spawnSync(join(ROOT, 'bin/cardiosynth'), ['generate', '--pack', 'phantom-echo-112', '--prompt', 'apical 4CH echo, ED, poor quality, female, age 40-59, EF 55-70',
      '--labels', labels, '--seed', '7', '--steps', '4', '--scheduler', 'ddim', '--guidance', '3', '--control-scale', '1', '--count', '2', '--out', results, '--provider', 'cpu'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 180_000 });
    expect(g.status, g.stderr).toBe(0);
    sidecars = readdirSync(results).filter((n) => n.endsWith('.json')).sort().map((n) => JSON.parse(readFileSync(join(results, n), 'utf8')) as ResultRecord);
    expect(sidecars).toHaveLength(2);
  }, 200_000);

  it('exports each result as a synthetic still with its sidecar\'s provenance, and no local path', () => {
    const out = join(tmp, 'png');
    const r = cli(['export', '--from', results, '--layout', 'png', '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(out, 'manifest.json'), 'utf8');
    const m = JSON.parse(text);
    expect(m.synthetic).toBe(true);
    expect(m.items.map((i: Record<string, unknown>) => i.seed).sort()).toEqual([7, 8]);
    for (const i of m.items) {
      const s = sidecars.find((x) => x.seed === i.seed)!;
      expect(i).toMatchObject({
        kind: 'synthetic', generator: 'diffusion', model_pack_id: s.pack.key, model_pack_sha256: s.pack.sha256, prompt: s.prompt, negative_prompt: '',
        scheduler: 'ddim', steps: 4, guidance: 3, control_scale: 1, view: '4CH', quality: 'Poor', sex: 'F', frames: 1, width: 112, height: 112, ed_frame: 0, es_frame: null,
        label_map: `file label map (sha256 ${s.labelMap.sha256.slice(0, 16)})`,
      });
      // The pixels and label map are the result's own.
      const image = decodePng(readFileSync(join(out, 'images', `${i.item_id}_0000.png`))).samples;
      expect(Buffer.from(image).equals(Buffer.from(decodePng(readFileSync(join(results, `${s.id}.png`))).samples))).toBe(true);
      const mask = decodePng(readFileSync(join(out, 'masks/index', `${i.item_id}_0000.png`))).samples;
      const given = decodePng(readFileSync(join(results, `${s.id}.labels.png`)));
      expect(Buffer.from(mask).equals(Buffer.from(resizeNearest(given.samples as Uint8Array, given.width, given.height, 112, 112)))).toBe(true);
    }
    for (const secret of [tmp, 'patient9001', ROOT]) expect(text.includes(secret), secret).toBe(false);
  });

  it('takes a single sidecar (a kept result) and writes it as a Secondary Capture marked synthetic', () => {
    const out = join(tmp, 'dicom');
    const sidecar = join(results, `${sidecars[0].id}.json`);
    const r = cli(['export', '--from', sidecar, '--layout', 'dicom', '--out', out], env);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.items).toHaveLength(1);
    if (!haveDcmdump) return;
    const dump = spawnSync('dcmdump', ['+L', '+P', '0008,0016', '+P', '0008,001c', '+P', '0008,0064', '+P', '0020,4000', join(out, m.items[0].files[0])], { encoding: 'utf8' }).stdout;
    expect(dump).toMatch(/\(0008,0016\) UI =SecondaryCaptureImageStorage/);
    expect(dump).toMatch(/\(0008,001c\) CS \[YES\]/i);
    expect(dump).toMatch(/\(0008,0064\) CS \[SYN\]/i);
    expect(dump).toMatch(/seed 7; scheduler ddim; steps 4/);
  });

  it('refuses results for CAMUS and EchoNet, saying why, and names a broken sidecar', () => {
    for (const layout of ['camus', 'echonet']) {
      const r = cli(['export', '--from', results, '--layout', layout, '--out', join(tmp, layout)], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`2 of the 2 planned items cannot go into the ${layout} layout:\\n  2 item\\(s\\): a generated still`));
    }
    writeFileSync(join(results, 'broken.json'), '{"synthetic": true, "pack": ');
    writeFileSync(join(results, 'broken.png'), '');
    writeFileSync(join(results, 'broken.labels.png'), '');
    const r = cli(['export', '--from', results, '--layout', 'png', '--out', join(tmp, 'broken')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: not a readable result sidecar/);
  });
});
