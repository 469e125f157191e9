/**
 * `inspect` fields agree with pydicom, field by field, over every file in ../shared/data and pydicom's Debian
 * test files. Files we refuse must be ones pydicom refuses too, or be listed below with the reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FRAME_RATE_HZ } from '../../../src/shared/dicom-types.ts';
import { inspectPaths } from '../../../src/main/services/dicom/index.ts';
import { SHARED_DATA } from '../../support/shared-data.ts';

const SHARED = SHARED_DATA;
const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const PYTHON = '/usr/bin/python3';
const available = existsSync(SHARED) && existsSync(PYDICOM) && existsSync(PYTHON);
if (!available) console.warn(`inspect.test: skipped: needs ${SHARED}, ${PYDICOM} and ${PYTHON} with pydicom`);

/** Files pydicom reads but we report as errors, and why that is right (or a known dicom-parser limit). */
const KNOWN_REFUSALS: Record<string, RegExp> = {
  'MR_truncated.dcm': /truncated/, // pydicom reads lazily; its Pixel Data is 62 bytes short
  'meta_missing_tsyntax.dcm': /broken DICOM structure/, // contrived: (0001,0001) undefined-length element
  'nested_priv_SQ.dcm': /broken DICOM structure/, // dicom-parser cannot read nested private implicit SQ
  'SC_rgb_jpeg.dcm': /buffer overrun/, // meta says explicit VR, body is implicit; dcmdump refuses it too
  'rtplan_truncated.dcm': /broken DICOM structure/, // truncated inside a sequence item; pydicom stops quietly
  'DICOMDIR-implicit': /missing delimiter|broken/, // DICOMDIR variant, not an image
  'DICOMDIR-nooffset': /broken DICOM structure/, // DICOMDIR variant, not an image
};

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe.skipIf(!available)(`inspect agrees with pydicom ${available ? '' : '(skipped: reference data or pydicom missing)'}`, () => {
  it('matches every field on every file, and refuses only what it should', async () => {
    const files = [...walk(SHARED), ...walk(PYDICOM)];
    const ref = JSON.parse(execFileSync(PYTHON, [join(import.meta.dirname, 'pydicom-fields.py'), ...files], { maxBuffer: 64 << 20 }).toString());
    const ours = await inspectPaths(files);
    const byPath = new Map(ours.studies.map((s) => [s.path, s]));
    const errByPath = new Map(ours.errors.map((e) => [e.path, e]));
    let compared = 0;
    for (const f of files) {
      if (f.endsWith('/DICOMDIR')) continue; // opened as the list of files it references, which are compared themselves
      const r = ref[f];
      const s = byPath.get(f);
      const e = errByPath.get(f);
      expect(s || e, `${f} is neither listed nor an error`).toBeTruthy();
      if (!r.ok) {
        expect(e, `pydicom refuses ${f} (${r.error}) but we loaded it`).toBeTruthy();
        expect(e!.message).toContain(f);
        continue;
      }
      if (!s) {
        const name = f.split('/').pop()!;
        expect(KNOWN_REFUSALS[name], `${f}: we refused (${e!.message}) a file pydicom reads`).toBeDefined();
        expect(e!.message).toMatch(KNOWN_REFUSALS[name]);
        continue;
      }
      const mine = { modality: s.modality, sopClassUid: s.sopClassUid, transferSyntaxUid: s.transferSyntaxUid, frames: s.frames,
        rows: s.rows, columns: s.columns, samplesPerPixel: s.samplesPerPixel, photometric: s.photometric, bitsStored: s.bitsStored };
      const theirs = { modality: r.modality, sopClassUid: r.sopClassUid, transferSyntaxUid: r.transferSyntaxUid, frames: r.frames,
        rows: r.rows, columns: r.columns, samplesPerPixel: r.samplesPerPixel, photometric: r.photometric, bitsStored: r.bitsStored };
      expect(mine, f).toEqual(theirs);
      // Timing, recomputed from the attributes pydicom read.
      if (s.frames <= 1) {
        expect(s.frameRateSource, f).toBe('single-frame');
      } else if (r.frameTime && r.frameTime > 0) {
        expect(s.frameRateSource, f).toBe('FrameTime');
        expect(s.frameRateHz, f).toBeCloseTo(1000 / r.frameTime, 6);
      } else if (r.frameTimeVector) {
        expect(s.frameRateSource, f).toBe('FrameTimeVector');
        const iv: number[] = r.frameTimeVector.slice(1);
        expect(s.frameRateHz, f).toBeCloseTo(1000 / (iv.reduce((a, b) => a + b, 0) / iv.length), 6);
      } else if (r.cineRate) {
        expect([s.frameRateSource, s.frameRateHz], f).toEqual(['CineRate', r.cineRate]);
      } else if (r.recommendedRate) {
        expect([s.frameRateSource, s.frameRateHz], f).toEqual(['RecommendedDisplayFrameRate', r.recommendedRate]);
      } else {
        expect([s.frameRateSource, s.frameRateHz], f).toEqual(['default', DEFAULT_FRAME_RATE_HZ]);
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(80);
    console.log(`inspect.test: ${compared} files compared field by field with pydicom, ${ours.errors.length} refused`);
  });
});
