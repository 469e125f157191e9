/**
 * `bin/cardiosynth phantom` as a user runs it, read back by the project's importers (CAMUS, EchoNet, inspect)
 * and by nibabel and ffprobe, which nobody here wrote: same metadata, same pixels, the real axis order, and
 * synthetic markings where the layouts have room.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset, inspectDatasetPaths, openSequence, tracingMask } from '../../../src/main/services/datasets/index.ts';
import { planPhantomDataset, renderPhantomStudy } from '../../../src/main/services/phantom/index.ts';
import type { PhantomDatasetOptions } from '../../../src/main/services/phantom/index.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin', 'cardiosynth');
const PY = '/usr/bin/python3';
const has = (cmd: string, args: string[]): boolean => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const hasNibabel = has(PY, ['-c', 'import nibabel']);
const hasFfmpeg = has('ffmpeg', ['-version']) && has('ffprobe', ['-version']);
if (!hasNibabel) console.warn('phantom-cli.test: nibabel checks skipped: /usr/bin/python3 with nibabel is missing');
if (!hasFfmpeg) console.warn('phantom-cli.test: EchoNet cases skipped: ffmpeg/ffprobe are missing (apt-get install ffmpeg)');

const tmp = mkdtempSync(join(tmpdir(), 'cs-phantom-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(BIN, ['phantom', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out.map((f) => relative(dir, f)).sort();
}

const dice = (a: Uint8Array, b: Uint8Array): number => {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] && b[i] ? 1 : 0;
    sa += a[i] ? 1 : 0;
    sb += b[i] ? 1 : 0;
  }
  return (2 * inter) / (sa + sb);
};

describe('phantom --layout camus', () => {
  const out = join(tmp, 'camus');
  const args = ['--out', out, '--n', '3', '--size', '96x80', '--frames', '6', '--ef', '35:60', '--seed', '5', '--json'];
  const r = run(args);
  const options: PhantomDatasetOptions = { layout: 'camus', views: ['2CH', '4CH'], patients: 3, efRange: [35, 60], frames: 6, width: 96, height: 80, seed: '5' };
  const plans = planPhantomDataset(options);

  it('writes the CAMUS 2023 tree and a JSON summary', () => {
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.studies).toHaveLength(6);
    const files = listFiles(out);
    for (const p of ['patient0001', 'patient0002', 'patient0003']) {
      for (const v of ['2CH', '4CH']) {
        for (const s of ['ED', 'ES', 'ED_gt', 'ES_gt', 'half_sequence', 'half_sequence_gt']) expect(files).toContain(`database_nifti/${p}/${p}_${v}_${s}.nii.gz`);
        expect(files).toContain(`database_nifti/${p}/Info_${v}.cfg`);
      }
    }
    expect(files.filter((f) => f.startsWith('database_split/'))).toEqual(['database_split/subgroup_testing.txt', 'database_split/subgroup_training.txt', 'database_split/subgroup_validation.txt']);
    expect(files.some((f) => f.includes('.partial'))).toBe(false);
    const note = JSON.parse(readFileSync(join(out, 'cardiosynth-dataset.json'), 'utf8'));
    expect(note).toMatchObject({ synthetic: true, seed: '5', generator: 'cardiosynth phantom' });
    expect(note.command).toBe(`cardiosynth phantom ${args.filter((a) => a !== '--json').join(' ')}`);
    expect(readFileSync(join(out, 'database_nifti/patient0001/Info_2CH.cfg'), 'utf8')).toMatch(/^ED: 1\nES: 6\nNbFrame: 6\nSex: [MF]\nAge: \d+\nImageQuality: (Good|Medium|Poor)\nEF: [\d.]+\nFrameRate: [\d.]+\nSynthetic: yes\nSource: cardiosynth phantom, seed 5\n$/);
  });

  it('imports through the CAMUS importer with the metadata it was made with', async () => {
    const d = await importDataset(out);
    expect(d.layout).toBe('camus-nifti');
    expect(d.errors).toEqual([]);
    expect(d.studies.map((s) => s.id)).toEqual(plans.map((p) => `camus:${p.patient}:${p.view}`));
    for (const [i, s] of d.studies.entries()) {
      const p = plans[i];
      const item = renderPhantomStudy(p, options);
      expect(s).toMatchObject({
        format: 'camus', patient: p.patient, view: p.view, frames: 6, rows: 80, columns: 96, edFrame: 0, esFrame: 5,
        ef: p.efPercent, imageQuality: p.quality, sex: item.sex, age: item.age, split: p.split, frameRateHz: p.frameRateHz, frameRateSource: 'camus-cfg',
        labelValues: p.view === '4CH' ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3], warnings: [],
      });
      expect(s.labels.map((l) => [l.kind, l.phase ?? '', l.frames.join(' ')])).toEqual([['sequence-gt', '', '0 1 2 3 4 5'], ['gt', 'ED', '0'], ['gt', 'ES', '5']]);
      // The viewer's reader shows exactly the rendered frames, rows down and columns across.
      const seq = await openSequence(s.sequencePath!, { thirdAxisIsTime: true });
      expect(Buffer.from(seq.frame(3).pixels as Uint8Array).equals(Buffer.from(item.frames[3]))).toBe(true);
      expect(seq.summary.pixelSpacingMm![0]).toBeCloseTo(item.pixelSpacingMm!, 5);
    }
    expect(new Set(d.studies.map((s) => s.split))).toEqual(new Set(['train', 'val', 'test']));
    const gt = join(out, 'database_nifti/patient0002/patient0002_4CH_ES_gt.nii.gz');
    const ins = await inspectDatasetPaths([gt]);
    expect(ins.errors).toEqual([]);
    expect(ins.studies[0]).toMatchObject({ path: gt, format: 'camus', patient: 'patient0002', view: '4CH', frames: 1, rows: 80, columns: 96, labels: [0, 1, 2, 3, 4, 5], ef: plans[3].efPercent });
  });

  it.skipIf(!hasNibabel)('stores nibabel shape (W, H, T), an affine diag(dx, dy, 1) and a SYNTHETIC description', () => {
    const p = plans[1];
    const item = renderPhantomStudy(p, options);
    const script = `
import json, sys, nibabel as nib, numpy as np
out = {}
for name in sys.argv[1:]:
    img = nib.load(name)
    a = np.asanyarray(img.dataobj)
    out[name] = {'shape': list(a.shape), 'dtype': str(a.dtype), 'affine': img.affine.tolist(), 'descrip': img.header['descrip'].tobytes().decode().rstrip('\\x00'),
                 'frame2': a[:, :, 2].T.flatten().tolist() if a.ndim == 3 else a.T.flatten().tolist()}
print(json.dumps(out))`;
    const stem = join(out, 'database_nifti', p.patient, `${p.patient}_${p.view}`);
    const files = [`${stem}_half_sequence_gt.nii.gz`, `${stem}_ES.nii.gz`];
    const facts = JSON.parse(execFileSync(PY, ['-c', script, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    const seqGt = facts[files[0]];
    expect(seqGt.shape).toEqual([96, 80, 6]);
    expect(seqGt.dtype).toBe('uint8');
    expect(seqGt.descrip).toMatch(/^SYNTHETIC \(cardiosynth phantom, seed 5\) patient0001 4CH label cine$/);
    const sp = item.pixelSpacingMm!;
    expect(seqGt.affine.map((row: number[]) => row.map((v) => Number(v.toFixed(5))))).toEqual([[Number(sp.toFixed(5)), 0, 0, 0], [0, Number(sp.toFixed(5)), 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    // nibabel's a[:, :, t].T is the row-major label map we rendered.
    expect(seqGt.frame2).toEqual(Array.from(item.labels.get(2)!));
    const es = facts[files[1]];
    expect(es.shape).toEqual([96, 80]);
    expect(es.frame2).toEqual(Array.from(item.frames[item.esFrame]));
  });

  it('gives the same bytes for the same seed', () => {
    const again = join(tmp, 'camus-again');
    const r2 = run(['--out', again, '--n', '3', '--size', '96x80', '--frames', '6', '--ef', '35:60', '--seed', '5']);
    expect(r2.code, r2.stderr).toBe(0);
    const files = listFiles(out);
    expect(listFiles(again)).toEqual(files);
    for (const f of files.filter((x) => x !== 'cardiosynth-dataset.json')) expect(readFileSync(join(again, f)).equals(readFileSync(join(out, f))), f).toBe(true);
  });
});

describe.skipIf(!hasFfmpeg)('phantom --layout echonet', () => {
  const out = join(tmp, 'echonet');
  const r = hasFfmpeg ? run(['--out', out, '--layout', 'echonet', '--n', '3', '--fps', '40', '--frames', '30', '--ef', '30:65', '--seed', '9']) : { code: 0, stderr: '', stdout: '' };
  const options: PhantomDatasetOptions = { layout: 'echonet', views: ['4CH'], patients: 3, efRange: [30, 65], frames: 30, frameRateHz: 40, width: 112, height: 112, seed: '9' };
  const plans = planPhantomDataset(options);

  it('writes Videos/*.avi, FileList.csv and VolumeTracings.csv with the released columns', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(listFiles(out)).toEqual(['FileList.csv', 'Videos/PHANTOM_0001.avi', 'Videos/PHANTOM_0002.avi', 'Videos/PHANTOM_0003.avi', 'VolumeTracings.csv', 'cardiosynth-dataset.json']);
    const list = readFileSync(join(out, 'FileList.csv'), 'utf8').trim().split('\n');
    expect(list[0]).toBe('FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split');
    const tr = readFileSync(join(out, 'VolumeTracings.csv'), 'utf8').trim().split('\n');
    expect(tr[0]).toBe('FileName,X1,Y1,X2,Y2,Frame');
    expect(tr.length - 1).toBe(3 * 2 * 21);
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_tag_string,pix_fmt,width,height,r_frame_rate,nb_frames:format_tags=comment', '-of', 'json', join(out, 'Videos/PHANTOM_0002.avi')], { encoding: 'utf8' }));
    expect(probe.streams[0]).toMatchObject({ codec_tag_string: 'MJPG', pix_fmt: 'yuvj420p', width: 112, height: 112, r_frame_rate: '40/1' });
    expect(probe.format.tags.comment).toMatch(/^SYNTHETIC: cardiosynth phantom, seed 9; not patient data$/);
  });

  it('imports through the EchoNet importer with its metadata, ED/ES from the tracings, and the LV traced faithfully', async () => {
    const d = await importDataset(out);
    expect(d.layout).toBe('echonet-dynamic');
    expect(d.errors).toEqual([]);
    for (const [i, s] of d.studies.entries()) {
      const p = plans[i];
      const item = renderPhantomStudy(p, options);
      expect(s).toMatchObject({ id: `echonet:${p.patient}`, view: 'A4C', frames: 30, rows: 112, columns: 112, frameRateHz: 40, ef: p.efPercent, split: p.split, edFrame: item.edFrame, esFrame: item.esFrame, warnings: [] });
      expect(s.edv).toBeCloseTo(item.edvMl!, 3);
      expect(s.esv).toBeCloseTo(item.esvMl!, 3);
      // echo.py's mask from our tracings against the LV of the label map they were traced from.
      for (const t of s.tracings!) {
        const lv = item.labels.get(t.frame)!.map((v) => (v === 1 ? 1 : 0));
        expect(dice(tracingMask(t.lines, 112, 112), lv), `${p.patient} frame ${t.frame}`).toBeGreaterThan(0.93);
      }
      const seq = await openSequence(s.sequencePath!);
      let err = 0;
      const a = seq.frame(7).pixels as Uint8Array;
      for (let k = 0; k < a.length; k++) err += Math.abs(a[k] - item.frames[7][k]);
      expect(err / a.length).toBeLessThan(4); // MJPEG at -q:v 2
    }
  });
});

describe('phantom: bad usage', () => {
  it('refuses a folder that is not empty and writes nothing', () => {
    const dir = join(tmp, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const r = run(['--out', dir, '--n', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} exists and is not an empty folder`);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('names the bad option', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--layout', 'echonet', '--view', '2CH'], /EchoNet-Dynamic holds apical four-chamber videos only/],
      [['--ef', '5:90'], /--ef 5:90: MIN and MAX must lie within 10:85/],
      [['--size', '20x20'], /--size must be WxH/],
      [['--layout', 'nifti'], /--layout must be camus or echonet/],
      [['--frames', '8', '--fps', '30'], /give --frames or --fps, not both/],
      [['--quality', 'great'], /--quality takes Good, Medium and\/or Poor/],
    ];
    for (const [args, msg] of cases) {
      const r = run(['--out', join(tmp, 'never'), ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    expect(readdirSync(tmp)).not.toContain('never');
  });
});
