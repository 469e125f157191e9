/**
 * bin/cardiosynth as a user runs it: a subprocess, its exit status, stdout and stderr. Pixel checks compare
 * the written PNGs with the services' own decode + renderDisplay, and the 16-bit PNG also with ffmpeg.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDisplay } from '../../../src/main/services/dicom/display.ts';
import { DicomLibrary } from '../../../src/main/services/dicom/index.ts';
import { SHARED_DATA } from '../../support/shared-data.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin', 'cardiosynth');
const DATA = SHARED_DATA;

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(BIN, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cardiosynth-cli-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('cli: usage', () => {
  it('prints help for the program and each command with exit 0', () => {
    const top = run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/inspect[\s\S]*import[\s\S]*render[\s\S]*serve/);
    for (const cmd of ['inspect', 'import', 'render', 'serve']) {
      const r = run([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain(`Usage: cardiosynth ${cmd}`);
    }
  });

  it('exits 2 with a message on usage errors', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage: cardiosynth/],
      [['frobnicate'], /unknown command "frobnicate"/],
      [['inspect'], /at least one file or folder/],
      [['inspect', '--bogus', 'x'], /bogus/],
      [['render', 'x.dcm'], /--out F.png is required/],
      [['render', 'x.dcm', '--out', join(tmp, 'x.png'), '--frame', 'one'], /--frame must be an integer/],
      [['render', 'x.dcm', '--out', join(tmp, 'x.png'), '--frame', '-1'], /frame/],
      [['render', '--out', join(tmp, 'x.png')], /give the file to render/],
      [['import'], /give the dataset folder to import/],
      [['import', 'a', 'b'], /exactly one folder/],
      [['serve', 'extra'], /unexpected argument "extra"/],
      [['serve', '--port', '70000'], /--port must be an integer from 0 to 65535/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr + r.stdout, args.join(' ')).toMatch(message);
    }
  });
});

const DICOM_DIRS = ['pydicom-data', 'cornerstone3d', 'dicomparser', 'octave-dicom', 'pylibjpeg-data', 'pydicom-deb'].map((d) => join(DATA, d));
const haveData = DICOM_DIRS.every((d) => existsSync(d));
if (!haveData) console.warn(`cli test: ${DATA} is missing; the tests on real files are skipped`);

interface Study {
  path: string;
  [k: string]: unknown;
}

describe.skipIf(!haveData)(`cli: inspect (real files in ${SHARED_DATA})`, () => {
  it('prints one JSON document with the required fields and exits 0 over ../shared/data', () => {
    const r = run(['inspect', DATA, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { studies: Study[]; errors: unknown[] };
    expect(Object.keys(doc).sort()).toEqual(['errors', 'studies']);
    expect(doc.errors).toEqual([]);
    const dicom = doc.studies.filter((s) => s.format === 'dicom');
    expect(dicom.length).toBeGreaterThanOrEqual(20);
    const types: Record<string, string> = {
      path: 'string', format: 'string', modality: 'string', sopClassUid: 'string', transferSyntaxUid: 'string',
      frames: 'number', rows: 'number', columns: 'number', samplesPerPixel: 'number', photometric: 'string',
      bitsStored: 'number', frameRateHz: 'number', frameRateSource: 'string',
    };
    for (const s of dicom) for (const [k, t] of Object.entries(types)) expect(typeof s[k], `${s.path} ${k}`).toBe(t);
    // The NIfTI and MetaImage samples beside them are described too, with the dataset fields.
    const others = doc.studies.filter((s) => s.format !== 'dicom').map((s) => [String(s.path).split('/').slice(-2).join('/'), s.format]).sort();
    expect(others).toEqual([
      ['itk-examples/BrainProtonDensitySliceBorder20.mhd', 'metaimage'],
      ['itk-examples/KmeansTest_T1KmeansPrelimSegmentation.nii.gz', 'nifti'],
      ['itk-examples/RatLungSlice1.mha', 'metaimage'],
      ['nibabel-testdata/example4d.nii.gz', 'nifti'],
      ['nibabel-testdata/standard.nii.gz', 'nifti'],
    ]);
    // Values dcmdump reports for two of them.
    const emri = doc.studies.find((s) => s.path.endsWith('pydicom-data/emri_small.dcm'));
    expect(emri).toMatchObject({ format: 'dicom', modality: 'MR', transferSyntaxUid: '1.2.840.10008.1.2.1', frames: 10, rows: 64, columns: 64, samplesPerPixel: 1, photometric: 'MONOCHROME2', bitsStored: 12 });
    const echo = doc.studies.find((s) => s.path.endsWith('octave-dicom/US-PAL-8-10x-echo.dcm'));
    expect(echo).toMatchObject({ modality: 'US', transferSyntaxUid: '1.2.840.10008.1.2.5', frames: 10, photometric: 'PALETTE COLOR', frameRateSource: 'FrameTime' });
    expect(echo!.frameRateHz as number).toBeCloseTo(1000 / 76, 3);
  });

  it('prints a readable table without --json', () => {
    const r = run(['inspect', join(DATA, 'octave-dicom')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/US-PAL-8-10x-echo\.dcm/);
    expect(r.stdout).toMatch(/PALETTE COLOR/);
    expect(r.stdout).toMatch(/1 file\(s\) read, 0 failed/);
  });

  it('exits 2 for a folder with one garbage file, listing it in errors and the others in studies', () => {
    const dir = mkdtempSync(join(tmp, 'mixed-'));
    copyFileSync(join(DATA, 'pydicom-data', 'emri_small.dcm'), join(dir, 'a.dcm'));
    copyFileSync(join(DATA, 'octave-dicom', 'US-PAL-8-10x-echo.dcm'), join(dir, 'b.dcm'));
    // Garbage behind a DICOM preamble: folder scans skip content that is not DICOM-like at all (scan.ts), so
    // the garbage must claim to be DICOM to be read, and then fail.
    const garbage = Buffer.alloc(2048, 0x5a);
    garbage.fill(0, 0, 128);
    garbage.write('DICM', 128, 'latin1');
    writeFileSync(join(dir, 'garbage.dcm'), garbage);
    const r = run(['inspect', dir, '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { studies: Study[]; errors: Array<{ path: string; code: string; message: string }> };
    expect(doc.studies.map((s) => s.path).sort()).toEqual([join(dir, 'a.dcm'), join(dir, 'b.dcm')]);
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0].path).toBe(join(dir, 'garbage.dcm'));
    expect(typeof doc.errors[0].code).toBe('string');
    expect(doc.errors[0].message).toContain('garbage.dcm');
  });

  it('exits 2 for a path that does not exist', () => {
    const r = run(['inspect', join(tmp, 'nope.dcm'), '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { errors: Array<{ path: string }> };
    expect(doc.errors.map((e) => e.path)).toEqual([join(tmp, 'nope.dcm')]);
  });
});

async function decoded(file: string, frame: number) {
  const lib = new DicomLibrary();
  const opened = await lib.open([file]);
  const inst = opened.studies[0].series[0].instances[0];
  return lib.frame(inst.id, frame);
}

/** Bit depth and colour type straight from the IHDR chunk. */
function ihdr(buf: Buffer): { bitDepth: number; colorType: number } {
  expect(buf.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { bitDepth: buf[24], colorType: buf[25] };
}

describe.skipIf(!haveData)(`cli: render (real files in ${SHARED_DATA})`, () => {
  it('writes a grey frame exactly as renderDisplay shows it', async () => {
    const file = join(DATA, 'pydicom-data', 'emri_small.dcm');
    const outFile = join(tmp, 'emri3.png');
    const r = run(['render', file, '--frame', '3', '--out', outFile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const buf = readFileSync(outFile);
    expect(ihdr(buf)).toEqual({ bitDepth: 8, colorType: 0 });
    const png = PNG.sync.read(buf);
    const want = renderDisplay(await decoded(file, 3));
    expect([png.width, png.height]).toEqual([want.width, want.height]);
    const grey = new Uint8Array(want.width * want.height);
    for (let i = 0; i < grey.length; i++) grey[i] = png.data[i * 4];
    expect(Buffer.from(grey).equals(Buffer.from(want.data))).toBe(true);
    expect(new Set(grey).size).toBeGreaterThan(10);
  });

  it('writes a palette-colour echo frame as RGB, equal to renderDisplay', async () => {
    const file = join(DATA, 'octave-dicom', 'US-PAL-8-10x-echo.dcm');
    const outFile = join(tmp, 'pal9.png');
    const r = run(['render', file, '--frame', '9', '--out', outFile]);
    expect(r.code).toBe(0);
    const buf = readFileSync(outFile);
    expect(ihdr(buf)).toEqual({ bitDepth: 8, colorType: 2 });
    const png = PNG.sync.read(buf);
    const want = renderDisplay(await decoded(file, 9));
    expect(want.channels).toBe(3);
    const rgb = new Uint8Array(want.width * want.height * 3);
    for (let i = 0; i < want.width * want.height; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = png.data[i * 4 + c];
    expect(Buffer.from(rgb).equals(Buffer.from(want.data))).toBe(true);
  });

  it('--raw writes the 16-bit stored values of 16-bit data as a 16-bit big-endian PNG', async () => {
    const file = join(DATA, 'pydicom-data', 'emri_small.dcm');
    const outFile = join(tmp, 'emri-raw.png');
    const r = run(['render', file, '--frame', '5', '--out', outFile, '--raw']);
    expect(r.code).toBe(0);
    const buf = readFileSync(outFile);
    expect(ihdr(buf)).toEqual({ bitDepth: 16, colorType: 0 });
    const frame = await decoded(file, 5);
    expect(frame.pixels).toBeInstanceOf(Uint16Array);
    const png = PNG.sync.read(buf, { skipRescale: true });
    const got = new Uint16Array(frame.rows * frame.columns);
    for (let i = 0; i < got.length; i++) got[i] = (png.data as unknown as Uint16Array)[i * 4];
    expect(Array.from(got)).toEqual(Array.from(frame.pixels));
    expect(Math.max(...got)).toBeGreaterThan(255);
    // An independent reader: ffmpeg's raw big-endian 16-bit grey must match too.
    const ff = spawnSync('ffmpeg', ['-v', 'error', '-i', outFile, '-f', 'rawvideo', '-pix_fmt', 'gray16be', '-'], { maxBuffer: 1 << 24 });
    if (ff.error) {
      console.warn('cli test: ffmpeg not found; the independent 16-bit PNG check is skipped');
      return;
    }
    const be = ff.stdout as Buffer;
    expect(be.length).toBe(got.length * 2);
    for (let i = 0; i < got.length; i++) expect(be.readUInt16BE(i * 2)).toBe(got[i]);
  });

  it('--raw writes 8-bit stored values of 8-bit grey data as an 8-bit PNG (the embedded default study)', async (ctx) => {
    const dir = join(ROOT, 'resources', 'default-study');
    const file = existsSync(dir) ? readdirSync(dir).map((n) => join(dir, n)).find((p) => p.endsWith('.dcm')) : undefined;
    if (!file) {
      console.warn(`cli test: no .dcm in ${dir}; the 8-bit --raw check is skipped`);
      ctx.skip();
      return;
    }
    const frame = await decoded(file, 1);
    expect(frame.pixels).toBeInstanceOf(Uint8Array);
    const outFile = join(tmp, 'default-raw.png');
    const r = run(['render', file, '--frame', '1', '--out', outFile, '--raw']);
    expect(r.code).toBe(0);
    const buf = readFileSync(outFile);
    expect(ihdr(buf)).toEqual({ bitDepth: 8, colorType: 0 });
    const png = PNG.sync.read(buf);
    const got = new Uint8Array(frame.rows * frame.columns);
    for (let i = 0; i < got.length; i++) got[i] = png.data[i * 4];
    expect(Buffer.from(got).equals(Buffer.from(frame.pixels.buffer, frame.pixels.byteOffset, frame.pixels.byteLength))).toBe(true);
  });

  it('--raw offsets signed 16-bit data by +32768 and says so', async (ctx) => {
    const file = '/usr/lib/python3/dist-packages/pydicom/data/test_files/CT_small.dcm';
    if (!existsSync(file)) {
      console.warn(`cli test: ${file} (Debian python3-pydicom) is missing; the signed --raw check is skipped`);
      ctx.skip();
      return;
    }
    const frame = await decoded(file, 0);
    expect(frame.pixels).toBeInstanceOf(Int16Array);
    const outFile = join(tmp, 'ct-raw.png');
    const r = run(['render', file, '--out', outFile, '--raw']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('+ 32768');
    const buf = readFileSync(outFile);
    expect(ihdr(buf)).toEqual({ bitDepth: 16, colorType: 0 });
    const png = PNG.sync.read(buf, { skipRescale: true });
    for (let i = 0; i < frame.pixels.length; i++) expect((png.data as unknown as Uint16Array)[i * 4]).toBe(frame.pixels[i] + 32768);
  });

  it('exits 2 naming the file for bad input', () => {
    const garbage = join(tmp, 'garbage.dcm');
    writeFileSync(garbage, 'not dicom');
    const cases: Array<[string[], string]> = [
      [['render', garbage, '--out', join(tmp, 'g.png')], garbage],
      [['render', join(tmp, 'missing.dcm'), '--out', join(tmp, 'm.png')], join(tmp, 'missing.dcm')],
      [['render', join(DATA, 'pydicom-data', 'emri_small.dcm'), '--frame', '10', '--out', join(tmp, 'f.png')], 'emri_small.dcm'],
      [['render', join(DATA, 'pydicom-data', 'US1_UNCR.dcm'), '--raw', '--out', join(tmp, 'c.png')], 'US1_UNCR.dcm'],
    ];
    for (const [args, name] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(name);
    }
    expect(existsSync(join(tmp, 'g.png'))).toBe(false);
  });
});
