/** `cardiosynth labels convert` and `labels list` as a user runs them: exit status, messages, and files. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelService, readLabelFile, writeLabelNifti } from '../../../src/main/services/labels/index.ts';
import { encodeMapText } from '../../../src/shared/labels/map-codec.ts';
import { CAMUS_LABELS, knownValues } from '../../../src/shared/labels/palette.ts';
import { sharedFile } from '../../support/shared-data.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin', 'cardiosynth');
const KMEANS = sharedFile('itk-examples/KmeansTest_T1KmeansPrelimSegmentation.nii.gz');
const dir = mkdtempSync(join(tmpdir(), 'cs-labels-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cardiosynth labels', () => {
  it('is listed in the help and explains its formats', () => {
    expect(run(['--help']).stdout).toMatch(/labels\s+convert label maps/);
    const h = run(['labels', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('round(255 * label / max_label)');
  });

  it('converts NIfTI -> index PNG -> grey PNG -> NIfTI with every value unchanged', async () => {
    // A CAMUS-like 3-frame map written by the service, then converted around the three formats.
    const w = 96;
    const h = 80;
    const frames = [0, 1, 2].map((f) => Uint8Array.from({ length: w * h }, (_, i) => ((i % w) + Math.floor(i / w) * (f + 1)) % 4));
    const src = join(dir, 'cine_gt.nii.gz');
    writeLabelNifti(src, frames, { width: w, height: h, frames: 3, spacingMm: [0.3, 0.4], spacingSource: null }, CAMUS_LABELS);
    const png = join(dir, 'f1.png');
    const a = run(['labels', 'convert', src, '--to', 'png-index', '--out', png, '--frame', '1', '--json']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ from: 'nifti', to: 'png-index', width: 96, height: 80, frames: [1], labels: [0, 1, 2, 3] });
    const grey = join(dir, 'f1_grey.png');
    expect(run(['labels', 'convert', png, '--to', 'png-grey', '--out', grey]).code).toBe(0);
    const back = join(dir, 'f1.nii');
    const c = run(['labels', 'convert', grey, '--to', 'nifti', '--out', back]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/wrote .*f1\.nii \(nifti, 96x80, 1 frame\(s\), labels 0, 1, 2, 3\) from png-grey/);
    const opts = { format: 'auto' as const, known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: null };
    expect((await readLabelFile(back, opts)).frames[0]).toEqual(frames[1]);
    expect((await readLabelFile(grey, opts)).format).toBe('png-grey');
    // The whole cine back to NIfTI keeps its spacing.
    const all = join(dir, 'all.nii.gz');
    expect(run(['labels', 'convert', src, '--to', 'nifti', '--out', all]).code).toBe(0);
    const re = await readLabelFile(all, opts);
    expect(re.frames).toEqual(frames);
    expect(re.spacingMm![0]).toBeCloseTo(0.3, 6);
    expect(re.spacingMm![1]).toBeCloseTo(0.4, 6);
  });

  it.skipIf(!existsSync(KMEANS))('names the file and the unknown values of a real label NIfTI, and converts it with --labels', () => {
    const out = join(dir, 'k.png');
    const bad = run(['labels', 'convert', KMEANS, '--to', 'png-grey', '--frame', '30', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/KmeansTest_T1KmeansPrelimSegmentation\.nii\.gz: label values 4 \(\d+ voxels\), 5 .*, 6 .* are not in the palette \(0, 1, 2, 3\).*--labels/);
    expect(existsSync(out)).toBe(false);
    const ok = run(['labels', 'convert', KMEANS, '--labels', '0-6', '--to', 'png-grey', '--frame', '30', '--out', out, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ maxLabel: 6, width: 128, height: 128 });
  });

  it('exits 2 with a message for bad usage and refuses to overwrite', () => {
    const png = join(dir, 'x.png');
    writeFileSync(png, 'exists');
    const src = join(dir, 'cine_gt.nii.gz');
    const cases: Array<[string[], RegExp]> = [
      [['labels'], /give a subcommand: convert or list/],
      [['labels', 'frobnicate'], /unknown subcommand "frobnicate"/],
      [['labels', 'convert', src, '--out', png], /--to must be one of nifti, png-index, png-grey/],
      [['labels', 'convert', src, '--to', 'png-index'], /--out OUT is required/],
      [['labels', 'convert', src, '--to', 'nifti', '--out', join(dir, 'y.png')], /ends in \.nii or \.nii\.gz/],
      [['labels', 'convert', src, '--to', 'png-index', '--out', png], /x\.png already exists; give --force/],
      [['labels', 'convert', src, '--to', 'png-index', '--out', join(dir, 'z.png')], /holds 3 frames and a PNG holds one: choose it with --frame N/],
      [['labels', 'convert', src, '--to', 'png-index', '--out', join(dir, 'z.png'), '--frame', '7'], /has 3 frame\(s\) \(0 to 2\); --frame 7 is out of range/],
      [['labels', 'convert', src, '--to', 'png-index', '--out', join(dir, 'z.png'), '--labels', '3-1'], /--labels: "3-1" is not within 0..255 in increasing order/],
      [['labels', 'convert', join(dir, 'missing.nii'), '--to', 'png-index', '--out', join(dir, 'z.png')], /\[not-found\] .*missing\.nii: file not found/],
      [['labels', 'convert', png, '--to', 'nifti', '--out', join(dir, 'z.nii')], /\[malformed\] .*x\.png: not a readable PNG/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr + r.stdout, args.join(' ')).toMatch(message);
    }
    expect(readFileSync(png, 'utf8')).toBe('exists');
  });

  it('lists the drafts of the data folder, and creates nothing where there are none', async () => {
    const data = join(dir, 'data');
    const empty = run(['labels', 'list'], { CARDIOSYNTH_DATA_DIR: data });
    expect(empty.stdout).toMatch(/no label drafts in/);
    expect(existsSync(join(data, 'catalog.sqlite'))).toBe(false);
    const svc = new LabelService(data);
    const image = join(ROOT, 'resources/default-study/phantom-a4c.dcm');
    await svc.put({ key: { kind: 'dicom-file', path: image }, width: 256, height: 256, frameCount: 40, frames: [{ frame: 2, map: encodeMapText(new Uint8Array(65536).fill(1, 0, 500)) }], palette: [...CAMUS_LABELS], expectedRevision: null });
    svc.close();
    const r = run(['labels', 'list', '--json'], { CARDIOSYNTH_DATA_DIR: data });
    expect(JSON.parse(r.stdout).drafts).toMatchObject([{ keyId: `dicom-file:${image}`, labelledFrames: [2], revision: 1 }]);
    expect(run(['labels', 'list'], { CARDIOSYNTH_DATA_DIR: data }).stdout).toMatch(/rev 1 {2}256x256 {2}1\/40 frames labelled {2}.*phantom-a4c\.dcm/);
  });
});
