/**
 * bin/cardiosynth on dataset formats as a user runs it: `import` into a catalog in a temporary data folder,
 * `inspect` with the dataset fields, `render` of NIfTI and AVI frames (checked against the fixtures' known
 * pixel values and ffmpeg's decode).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEchonetTree } from '../../fixtures/datasets/echonet-tree.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin', 'cardiosynth');
const PY = '/usr/bin/python3';
const has = (cmd: string, args: string[]): boolean => { try { execFileSync(cmd, args, { stdio: 'ignore' }); return true; } catch { return false; } };
const hasNibabel = has(PY, ['-c', 'import nibabel']);
const hasFfmpeg = has('ffmpeg', ['-version']);
if (!hasNibabel) console.warn('cli-datasets.test: CAMUS cases skipped: /usr/bin/python3 with nibabel is missing');
if (!hasFfmpeg) console.warn('cli-datasets.test: EchoNet cases skipped: ffmpeg is missing');

const tmp = mkdtempSync(join(tmpdir(), 'cardiosynth-cli-ds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[], dataDir = join(tmp, 'data')) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CARDIOSYNTH_DATA_DIR: dataDir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readPng(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

describe.skipIf(!hasNibabel)(`cli on a CAMUS tree${hasNibabel ? '' : ' (skipped: no nibabel)'}`, () => {
  const root = join(tmp, 'CAMUS_public');
  if (hasNibabel) execFileSync(PY, [join(ROOT, 'tests/fixtures/datasets/camus_nifti.py'), root]);
  const p2 = join(root, 'database_nifti', 'patient0002');
  const truncated = join(p2, 'patient0002_4CH_half_sequence.nii.gz');
  if (hasNibabel) writeFileSync(truncated, readFileSync(truncated).subarray(0, 300));

  it('import fills the catalog, lists each problem, exits 2 for the item it could not import; again: unchanged', () => {
    const r = run(['import', root, '--json']);
    expect(r.code).toBe(2);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ layout: 'camus-nifti', root, unchanged: false, studies: { total: 3, added: 3 }, errors: 2, warnings: 1 });
    expect(s.issues.map((i: { path: string; severity: string }) => [i.severity, i.path])).toEqual([['error', truncated], ['error', p2], ['warning', join(p2, 'Info_2CH.cfg')]]);
    const again = run(['import', join(root, 'database_nifti')]);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/^Unchanged: CAMUS \(2023 NIfTI release\) at /);
    expect(again.stdout).toContain(`catalog:  ${join(tmp, 'data', 'catalog.sqlite')}`);
    expect(again.stdout).toMatch(/studies: {2}3 \(0 added, 0 updated, 3 unchanged\)/);
    expect(again.stdout).toContain(`error   [malformed] ${truncated}: truncated gzip stream`);
  });

  it('import says when a folder holds nothing to import, and makes no dataset of it', () => {
    const empty = join(tmp, 'empty');
    execFileSync('mkdir', ['-p', empty]);
    const r = run(['import', empty, '--json'], join(tmp, 'data-empty'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ datasetId: 0, layout: 'loose', studies: { total: 0 } });
    expect(run(['import', empty], join(tmp, 'data-empty')).stdout).toContain(`nothing to import: no CAMUS or EchoNet-Dynamic layout above ${empty}`);
  });

  it('import exits 2 naming a folder that does not exist', () => {
    const r = run(['import', join(tmp, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`[not-found] ${join(tmp, 'nope')}: folder not found`);
  });

  it('inspect lists every view of the tree with the dataset fields, and one file with its own', () => {
    const r = run(['inspect', root, '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.studies.map((s: { patient: string; view: string }) => `${s.patient} ${s.view}`)).toEqual(['patient0001 2CH', 'patient0001 4CH', 'patient0002 2CH']);
    expect(doc.studies[1]).toEqual({
      path: join(root, 'database_nifti', 'patient0001', 'patient0001_4CH_half_sequence.nii.gz'), format: 'camus', frames: 5, rows: 32, columns: 24,
      frameRateHz: 30, frameRateSource: 'camus-cfg', dataType: null, patient: 'patient0001', view: '4CH', edFrame: 4, esFrame: 0, ef: 61,
      imageQuality: 'Medium', sex: 'F', age: 66, split: 'train', labels: [0, 1, 2, 3], warnings: [],
    });
    expect(doc.errors.map((e: { path: string }) => e.path)).toContain(truncated);
    const one = run(['inspect', join(root, 'database_nifti', 'patient0001', 'patient0001_2CH_ED.nii.gz')]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/camus\s+patient0001\s+2CH\s+1\s+24x32\s+-\s+0\s+5\s+59\.5\s+Good\s+F\s+66\s+train\s+0,1,2,3\s+\S+patient0001_2CH_ED\.nii\.gz/);
    // A warning (a malformed cfg line) is shown, but the file was read: exit 0.
    const warned = run(['inspect', join(p2, 'patient0002_2CH_ES.nii.gz')]);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toContain(`1 warning(s) (the items were read):\n  ${join(p2, 'Info_2CH.cfg')}: line 5: "Age = 48" is not "Key: value"`);
  });

  it('render writes a NIfTI cine frame: --raw the stored values, else windowed over the sequence range', () => {
    const file = join(root, 'database_nifti', 'patient0001', 'patient0001_2CH_half_sequence.nii.gz');
    const raw = join(tmp, 'raw.png');
    expect(run(['render', file, '--frame', '4', '--raw', '--out', raw]).code).toBe(0);
    const png = readPng(raw);
    expect([png.width, png.height]).toEqual([24, 32]);
    for (const [r, c] of [[0, 0], [9, 17], [31, 23]]) expect(png.data[(r * 24 + c) * 4]).toBe((3 * c + 5 * r + 7 * 4) % 256);
    const shown = join(tmp, 'shown.png');
    expect(run(['render', file, '--frame', '4', '--out', shown]).code).toBe(0);
    // The cine's values span min..max; the default window maps that range onto 0..255.
    const s = readPng(shown);
    let lo = 255, hi = 0;
    for (let i = 0; i < 24 * 32; i++) {
      lo = Math.min(lo, s.data[i * 4]);
      hi = Math.max(hi, s.data[i * 4]);
    }
    expect(lo).toBeLessThan(40);
    expect(hi).toBeGreaterThan(200);
    const bad = run(['render', truncated, '--out', join(tmp, 'x.png')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${truncated}: truncated gzip stream`);
  });
});

describe.skipIf(!hasFfmpeg)(`cli on an EchoNet tree${hasFfmpeg ? '' : ' (skipped: no ffmpeg)'}`, () => {
  const tree = hasFfmpeg ? buildEchonetTree(join(tmp, 'EchoNet-Dynamic')) : { root: '', frames: {} as Record<string, Uint8Array[]> };

  it('inspect gives one AVI its FileList row and tracings; render decodes its frame as ffmpeg does', () => {
    const avi = join(tree.root, 'Videos', '0XBBBB.avi');
    const r = run(['inspect', avi, '--json']);
    // Its tracing has a row with a missing field (skipped: an error) and so a frame with 20 rows (a warning).
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.errors.map((e: { message: string }) => e.message)).toEqual([`${join(tree.root, 'VolumeTracings.csv')}: line 85 (0XBBBB): missing X2; row skipped`]);
    expect(doc.studies[0].warnings).toEqual([`${join(tree.root, 'VolumeTracings.csv')}: 0XBBBB.avi frame 3 has 20 rows, expected 21 (long axis + 20 chords)`]);
    expect(run(['inspect', join(tree.root, 'Videos', '0XAAAA.avi')]).code).toBe(0);
    expect(doc.studies).toEqual([expect.objectContaining({ path: avi, format: 'echonet', patient: '0XBBBB', view: 'A4C', edFrame: 3, esFrame: 0, ef: 35, split: 'test', labels: [0, 1], frames: 4, frameRateHz: 32, frameRateSource: 'avi-header' })]);
    const out = join(tmp, 'avi.png');
    expect(run(['render', avi, '--frame', '2', '--raw', '--out', out]).code).toBe(0);
    const ref = execFileSync('ffmpeg', ['-v', 'error', '-i', avi, '-vf', 'select=eq(n\\,2)', '-vframes', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
    const png = readPng(out);
    for (let i = 0; i < 112 * 112; i++) if (png.data[i * 4] !== ref[i]) throw new Error(`pixel ${i}: ${png.data[i * 4]} != ffmpeg ${ref[i]}`);
    const corrupt = run(['render', join(tree.root, 'Videos', '0XCORRUPT.avi'), '--out', out]);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/0XCORRUPT\.avi: not a readable AVI/);
  });

  it('import counts the readable videos and exits 2 listing the bad rows and files', () => {
    const r = run(['import', tree.root, '--json'], join(tmp, 'data-echonet'));
    expect(r.code).toBe(2);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ layout: 'echonet-dynamic', studies: { total: 2 }, errors: 5, warnings: 1 });
  });
});
