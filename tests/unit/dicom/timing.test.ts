/** Frame timing on real files and on copies of a real cine with the timing attributes changed by pydicom. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_FRAME_RATE_HZ } from '../../../src/shared/dicom-types.ts';
import { inspectPaths } from '../../../src/main/services/dicom/index.ts';
import { sharedFile } from '../../support/shared-data.ts';

const ECHO = sharedFile('octave-dicom/US-PAL-8-10x-echo.dcm');
const LOSSLESS = sharedFile('pylibjpeg-data/JPEGLosslessP14SV1_3s_2f_u_08_08.dcm');
const PYTHON = '/usr/bin/python3';
const available = existsSync(ECHO) && existsSync(LOSSLESS) && existsSync(PYTHON);
if (!available) console.warn('timing.test: skipped: needs the shared echo samples and /usr/bin/python3 with pydicom');

const dir = mkdtempSync(join(tmpdir(), 'cs-timing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a copy of `src` with timing attributes deleted, then the given ones set (pydicom keywords). */
function fixture(name: string, set: Record<string, unknown>): string {
  const out = join(dir, name);
  const script = `
import json, sys, pydicom
ds = pydicom.dcmread(sys.argv[1])
for k in ('FrameTime', 'FrameTimeVector', 'CineRate', 'RecommendedDisplayFrameRate', 'FrameIncrementPointer'):
    if k in ds: delattr(ds, k)
for k, v in json.loads(sys.argv[3]).items():
    if k == 'FrameIncrementPointer':
        ds.add_new(0x00280009, 'AT', [int(x, 16) for x in v])
    else:
        setattr(ds, k, v)
ds.save_as(sys.argv[2])
`;
  execFileSync(PYTHON, ['-c', script, ECHO, out, JSON.stringify(set)]);
  return out;
}

async function timingOf(path: string) {
  const r = await inspectPaths([path]);
  expect(r.errors).toEqual([]);
  return r.studies[0];
}

describe.skipIf(!available)(`frame timing ${available ? '' : '(skipped: samples or pydicom missing)'}`, () => {
  it('reads FrameTime 76 ms from the palette echo as 13.16 Hz', async () => {
    const s = await timingOf(ECHO);
    expect(s.frameRateSource).toBe('FrameTime');
    expect(s.frameRateHz).toBeCloseTo(1000 / 76, 6);
  });

  it('prefers FrameTime 31.9652 ms over CineRate 31 in the JPEG lossless cine', async () => {
    const s = await timingOf(LOSSLESS);
    expect(s.frameRateSource).toBe('FrameTime');
    expect(s.frameRateHz).toBeCloseTo(1000 / 31.9652, 6);
  });

  it('uses FrameTimeVector, ignoring the leading 0, with per-frame durations', async () => {
    const v = [0, 20, 20, 40, 20, 20, 20, 20, 20, 20];
    const s = await timingOf(fixture('ftv.dcm', { FrameTimeVector: v, FrameIncrementPointer: ['00181065'] }));
    expect(s.frameRateSource).toBe('FrameTimeVector');
    expect(s.frameRateHz).toBeCloseTo(1000 / (200 / 9), 9);
    expect(s.frameTimesMs).toEqual([20, 20, 40, 20, 20, 20, 20, 20, 20, 200 / 9]);
  });

  it('falls back to CineRate', async () => {
    const s = await timingOf(fixture('cine.dcm', { CineRate: 25 }));
    expect([s.frameRateSource, s.frameRateHz]).toEqual(['CineRate', 25]);
  });

  it('falls back to RecommendedDisplayFrameRate', async () => {
    const s = await timingOf(fixture('rec.dcm', { RecommendedDisplayFrameRate: 48 }));
    expect([s.frameRateSource, s.frameRateHz]).toEqual(['RecommendedDisplayFrameRate', 48]);
  });

  it('ignores a zero FrameTime and uses the next source', async () => {
    const s = await timingOf(fixture('zero.dcm', { FrameTime: 0, CineRate: 40 }));
    expect([s.frameRateSource, s.frameRateHz]).toEqual(['CineRate', 40]);
  });

  it('uses the stated default (never 1 fps) when no timing is present', async () => {
    const s = await timingOf(fixture('none.dcm', {}));
    expect([s.frameRateSource, s.frameRateHz]).toEqual(['default', DEFAULT_FRAME_RATE_HZ]);
    expect(DEFAULT_FRAME_RATE_HZ).toBeGreaterThan(1);
  });

  it('marks single-frame images', async () => {
    const s = await timingOf(sharedFile('pydicom-data/US1_UNCR.dcm'));
    expect([s.frameRateSource, s.frameRateHz]).toEqual(['single-frame', 0]);
  });
});
