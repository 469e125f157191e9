/**
 * Every real DICOM file with pixel data in ../shared/data and in pydicom's Debian test files, decoded frame by
 * frame and compared with an independent reference decode (tests/reference/decode_pixels.py: pydicom + GDCM,
 * pydicom's apply_color_lut / convert_color_space, dcmtk for 12-bit JPEG). Lossless syntaxes must match exactly;
 * lossy ones (JPEG baseline/extended, JPEG 2000 irreversible, near-lossless JPEG-LS) need PSNR >= 40 dB.
 *
 * Files are found by walking both folders (pydicom's dicomdirtests/ images included; README/JSON/dump/gz skipped)
 * and parsed with dicom-parser. Left out of the comparison, and why:
 *   no pixel data: ExplVR_BigEndNoMeta.dcm and ExplVR_LitEndNoMeta.dcm (434-byte headers only), UN_sequence.dcm,
 *     empty_charset_LEI.dcm, no_meta*.dcm, priv_SQ.dcm, reportsi*.dcm, rtplan.dcm,
 *     rtstruct.dcm, test-SR.dcm, waveform_ecg.dcm, the DICOMDIR files and TINY_ALPHA's records. Each one must
 *     throw 'no-pixel-data' (checked below).
 *   JPEG2000-embedded-sequence-delimiter.dcm: pydicom's deliberately corrupted codestream (4 bytes overwritten);
 *     GDCM and OpenJPEG both reject it, so we check for a clean 'decode-failed' instead.
 *   dicom-parser cannot parse (UNPARSEABLE below; parsing is the parse part's job): MR_truncated.dcm (truncated
 *     inside Pixel Data), SC_rgb_jpeg.dcm (corrupt header that dcmtk rejects too), meta_missing_tsyntax.dcm and
 *     rtplan_truncated.dcm, nested_priv_SQ.dcm (no transfer syntax / truncated / odd private sequences; no pixel
 *     data anyway), some DICOMDIR variants.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSet } from 'dicom-parser';
import { decodeFrame } from '../../../src/main/services/dicom/pixels/decode-frame.ts';
import { readPixelModule, TS } from '../../../src/main/services/dicom/pixels/pixel-module.ts';
import { AppError } from '../../../src/shared/errors.ts';
import { loadDataSet } from './parse-for-test.ts';
import { compare, ensureReferences, makePlanarFixture, readHeader, readReferenceFrame, referenceAvailable, type ReferenceHeader } from './reference.ts';
import { SHARED_DATA } from '../../support/shared-data.ts';

const SHARED = SHARED_DATA;
const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
/** Long cines are sampled: only the first MAX_FRAMES frames are compared (every file here has at most 15). */
const MAX_FRAMES = 16;
const LOSSY = new Set<string>([TS.jpegBaseline, TS.jpegExtended, TS.j2k, TS.jpegLsNearLossless]);
const MIN_PSNR = 40;

const UNPARSEABLE = new Set(['MR_truncated.dcm', 'SC_rgb_jpeg.dcm', 'meta_missing_tsyntax.dcm', 'rtplan_truncated.dcm', 'nested_priv_SQ.dcm']);
const CORRUPT_CODESTREAM = 'JPEG2000-embedded-sequence-delimiter.dcm';
const NOT_DICOM = /(^README|\.(txt|json|dump|gz)$)/;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (!NOT_DICOM.test(name) && (dir.startsWith(PYDICOM) || name.endsWith('.dcm'))) out.push(p);
  }
  return out;
}

const haveData = existsSync(SHARED) || existsSync(PYDICOM);
const haveReference = haveData && referenceAvailable();
const allFiles = [...walk(SHARED), ...walk(PYDICOM)];
const unparseable: string[] = [];
const noPixelData: string[] = [];
const compared: string[] = [];
for (const f of allFiles) {
  let ds: DataSet;
  try {
    ds = loadDataSet(f);
  } catch {
    unparseable.push(basename(f));
    continue;
  }
  if (!ds.elements.x7fe00010 && !ds.elements.x7fe00008 && !ds.elements.x7fe00009) noPixelData.push(f);
  else if (basename(f) !== CORRUPT_CODESTREAM) compared.push(f);
}
const planarSource = existsSync(join(SHARED, 'pydicom-data/US1_UNCR.dcm')) ? join(SHARED, 'pydicom-data/US1_UNCR.dcm') : join(PYDICOM, 'SC_rgb_small_odd.dcm');

const reason = !haveData ? `no sample data (${SHARED_DATA}, pydicom test files)` : !haveReference ? '/usr/bin/python3 with pydicom+gdcm+numpy missing' : '';
if (reason) console.warn(`dicom-pixels reference tests skipped: ${reason}`);

const summary: string[] = [];

describe.skipIf(!haveReference)(`decodeFrame matches the pydicom/GDCM reference${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let refDirs = new Map<string, string>();
  let planarFixture = '';

  beforeAll(() => {
    planarFixture = makePlanarFixture(planarSource);
    refDirs = ensureReferences([...compared, planarFixture], MAX_FRAMES);
  });

  afterAll(() => {
    console.log(`pixel decode vs reference:\n${summary.sort().join('\n')}`);
  });

  async function checkFile(file: string, label: string): Promise<void> {
    const header: ReferenceHeader = readHeader(refDirs.get(file)!);
    expect(header.ok, `reference decoder failed on ${label}: ${header.error}`).toBe(true);
    const ds: DataSet = loadDataSet(file);
    const pm = readPixelModule(ds);
    expect(pm.frames).toBe(header.frames);
    const lossy = LOSSY.has(pm.transferSyntaxUid);
    let worstPsnr = Infinity;
    let offByOne = 0;
    for (let i = 0; i < header.written!; i++) {
      const frame = await decodeFrame(ds, i);
      expect(frame.kind, `${label} frame ${i} kind`).toBe(header.kind);
      expect([frame.rows, frame.columns]).toEqual([header.rows, header.columns]);
      const ref = readReferenceFrame(refDirs.get(file)!, header, i);
      const peak = frame.kind === 'rgb' ? 255 : 2 ** Math.min(pm.bitsStored, 32) - 1;
      const c = compare(frame.pixels, ref, peak);
      worstPsnr = Math.min(worstPsnr, c.psnr);
      if (lossy) {
        expect(c.psnr, `${label} frame ${i}: PSNR ${c.psnr.toFixed(1)} dB, max diff ${c.maxAbsDiff}`).toBeGreaterThanOrEqual(MIN_PSNR);
      } else {
        expect(c.differing, `${label} frame ${i}: ${c.differing} values differ (max ${c.maxAbsDiff})`).toBe(0);
      }
      offByOne += c.differing;
      // min/max must describe the pixels we return.
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of frame.pixels) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (frame.kind === 'grey') expect([frame.minPixel, frame.maxPixel]).toEqual([lo, hi]);
    }
    const how = worstPsnr === Infinity ? 'exact' : `PSNR ${worstPsnr.toFixed(1)} dB (${offByOne} values differ)`;
    summary.push(`  ${label.padEnd(48)} ${pm.transferSyntaxUid.padEnd(24)} ${pm.photometric.padEnd(14)} ${header.written}/${header.frames} frames ${header.handler?.padEnd(14)} ${how}`);
  }

  for (const file of compared) {
    const label = file.startsWith(PYDICOM) ? file.slice(PYDICOM.length + 1) : basename(file);
    it(`${label}`, async () => checkFile(file, label));
  }

  it('PlanarConfiguration 1 fixture built from a real RGB file decodes like the reference', async () => {
    const ds = loadDataSet(planarFixture);
    expect(readPixelModule(ds).planarConfiguration).toBe(1);
    await checkFile(planarFixture, `planar(${basename(planarSource)})`);
    // and it is the same image as the PlanarConfiguration 0 original
    const original = await decodeFrame(loadDataSet(planarSource), 0);
    const planar = await decodeFrame(ds, 0);
    expect(compare(planar.pixels, original.pixels, 255).exact).toBe(true);
  });
});

describe.skipIf(!haveData)(`files that must fail cleanly${haveData ? '' : ' (skipped: no sample data)'}`, () => {
  it('a deliberately corrupted JPEG 2000 codestream reports decode-failed', async () => {
    const file = join(PYDICOM, CORRUPT_CODESTREAM);
    if (!existsSync(file)) return;
    const err = await decodeFrame(loadDataSet(file), 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('decode-failed');
    expect((err as AppError).message).toMatch(/JPEG 2000/);
  });

  it('objects without pixel data report no-pixel-data', async () => {
    for (const file of noPixelData) {
      const err = await decodeFrame(loadDataSet(file), 0).catch((e: unknown) => e);
      expect((err as AppError).kind, basename(file)).toBe('no-pixel-data');
    }
    expect(noPixelData.length).toBeGreaterThan(10);
  });

  it('only the known-bad files are beyond dicom-parser', () => {
    // DICOMDIR variants (no pixel data) that dicom-parser rejects are also the parse part's business.
    expect(unparseable.filter((n) => !UNPARSEABLE.has(n) && !n.startsWith('DICOMDIR'))).toEqual([]);
  });

  it('Pixel Data cut short by truncation reports malformed', async () => {
    const file = join(PYDICOM, 'MR_truncated.dcm');
    if (!existsSync(file)) return;
    // dicom-parser throws on the overrun but hands back what it read, Pixel Data element included.
    const thrown = (() => {
      try {
        loadDataSet(file);
      } catch (e) {
        return e as { dataSet?: DataSet };
      }
      return {};
    })();
    expect(thrown.dataSet?.elements.x7fe00010).toBeDefined();
    const err = await decodeFrame(thrown.dataSet!, 0).catch((e: unknown) => e);
    expect((err as AppError).kind).toBe('malformed');
    expect((err as AppError).message).toMatch(/Pixel Data is \d+ bytes but frame 0 needs 8192/);
  });

  it('frame index out of range reports not-found', async () => {
    const file = join(PYDICOM, 'SC_rgb_rle_2frame.dcm');
    if (!existsSync(file)) return;
    const ds = loadDataSet(file);
    for (const bad of [2, -1, 0.5]) {
      const err = await decodeFrame(ds, bad).catch((e: unknown) => e);
      expect((err as AppError).kind).toBe('not-found');
      expect((err as AppError).message).toMatch(/2 frame/);
    }
  });

  it('PALETTE COLOR with paletteAsIndices returns the stored indexes', async () => {
    const file = join(SHARED, 'octave-dicom/US-PAL-8-10x-echo.dcm');
    if (!existsSync(file)) return;
    const ds = loadDataSet(file);
    const idx = await decodeFrame(ds, 3, { paletteAsIndices: true });
    const rgb = await decodeFrame(ds, 3);
    expect(idx.kind).toBe('grey');
    expect(idx.pixels).toBeInstanceOf(Uint8Array);
    expect(rgb.pixels.length).toBe(idx.pixels.length * 3);
    expect(idx.maxPixel).toBeGreaterThan(idx.minPixel);
  });
});
