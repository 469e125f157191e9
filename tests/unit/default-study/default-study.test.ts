import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_STUDY_DIR,
  DEFAULT_STUDY_FILE,
  DEFAULT_STUDY_OPTIONS,
  renderPhantomCine,
  writeDefaultStudy,
} from '../../../src/main/services/default-study/index.ts';
import { LabelService } from '../../../src/main/services/labels/index.ts';
import { PHANTOM_LABELS } from '../../../src/main/services/phantom/index.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const committed = join(root, DEFAULT_STUDY_DIR, DEFAULT_STUDY_FILE);
const tool = (name: string): boolean => {
  const found = ['/usr/bin', '/usr/local/bin'].some((d) => existsSync(join(d, name)));
  if (!found) console.warn(`default-study tests: ${name} not installed; its checks are skipped`);
  return found;
};
const { rows, columns, frames } = DEFAULT_STUDY_OPTIONS;

let dir = '';
let fresh = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cardiosynth-default-study-'));
  fresh = writeDefaultStudy(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded default study', () => {
  it('is committed, small, and byte-identical to a fresh regeneration', () => {
    expect(existsSync(committed), `${committed} missing: run npm run make:default-study`).toBe(true);
    expect(statSync(committed).size).toBeLessThanOrEqual(3 * 1024 * 1024);
    const a = readFileSync(committed);
    const b = readFileSync(fresh);
    expect(b.equals(a), 'the generator changed: run `npm run make:default-study` and commit the result').toBe(true);
  });

  it('is a phantom heart that beats: the LV shrinks to end-systole and the beat loops', () => {
    // One beat at 25 Hz and 60 bpm is 25 frames; frame 25 starts the next beat.
    const cine = renderPhantomCine({ seed: 'motion-check', rows: 96, columns: 96, frames: 26, frameTimeMs: 40 });
    const lv = (f: number): number => cine.labels[f].reduce((n, v) => n + (v === PHANTOM_LABELS.lvCavity ? 1 : 0), 0);
    expect(cine.edFrame).toBe(0);
    expect(lv(cine.esFrame)).toBeLessThan(lv(0) * 0.75);
    // The image follows its labels: blood is dark, so the LV cavity is darker than the myocardium around it.
    const mean = (f: number, label: number): number => {
      let s = 0;
      let n = 0;
      cine.labels[f].forEach((v, i) => {
        if (v !== label) return;
        s += cine.frames[f][i];
        n++;
      });
      return s / n;
    };
    expect(mean(0, PHANTOM_LABELS.lvCavity) + 40).toBeLessThan(mean(0, PHANTOM_LABELS.myocardium));
    // Frame 25 is frame 0 of the next beat: the same heart and the same speckle (it moves with the tissue);
    // only the electronic noise is new, so it differs from frame 0 far less than end-systole does.
    expect(Buffer.from(cine.labels[25]).equals(Buffer.from(cine.labels[0]))).toBe(true);
    const diff = (a: number, b: number): number => cine.frames[a].reduce((s, v, i) => s + Math.abs(v - cine.frames[b][i]), 0) / cine.frames[a].length;
    console.log(`default study loop: mean |frame 25 - frame 0| ${diff(0, 25).toFixed(2)}, |ES - ED| ${diff(0, cine.esFrame).toFixed(2)}`);
    expect(diff(0, 25)).toBeLessThan(diff(0, cine.esFrame) / 3);
  });

  it('carries its pixel spacing as a calibrated ultrasound region, which the label tools read', async () => {
    const labels = new LabelService(dir);
    try {
      const g = await labels.geometry({ kind: 'dicom-file', path: fresh });
      expect(g).toMatchObject({ width: columns, height: rows, frames, spacingSource: 'SequenceOfUltrasoundRegions (PhysicalDeltaX/Y)' });
      expect(g.spacingMm![0]).toBeCloseTo(renderPhantomCine({ ...DEFAULT_STUDY_OPTIONS, frames: 8 }).pixelSpacingMm, 9);
    } finally {
      labels.close();
    }
  });
});

describe.skipIf(!tool('dciodvfy'))('default study passes dciodvfy (skipped: dciodvfy not installed, apt-get install dicom3tools)', () => {
  it('reports no errors for the US Multi-frame IOD', () => {
    // dciodvfy reports on stderr and its exit status does not reflect errors, so read the report itself.
    const all = execFileSync('sh', ['-c', 'dciodvfy "$1" 2>&1 || true', 'sh', fresh], { encoding: 'utf8' });
    expect(all).toContain('USMultiFrameImage');
    expect(all.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
  });
});

describe.skipIf(!tool('dcmdump'))('default study headers (skipped: dcmdump not installed, apt-get install dcmtk)', () => {
  it('says what it is: synthetic US multi-frame, 8-bit MONOCHROME2, RLE, with cine timing', () => {
    const dump = execFileSync('dcmdump', ['+P', '0002,0010', '+P', '0008,0016', '+P', '0010,0010', '+P', '0008,0008', '+P', '0028,0004',
      '+P', '0028,0100', '+P', '0018,1063', '+P', '0018,0040', '+P', '0028,0009', '+P', '0028,0008', '+P', '0028,0301', '+P', '0020,4000', fresh], { encoding: 'utf8' });
    expect(dump).toContain('=RLELossless');
    expect(dump).toContain('=UltrasoundMultiframeImageStorage');
    expect(dump).toContain('[Phantom^Default]');
    expect(dump).toContain('[DERIVED\\SECONDARY]');
    expect(dump).toContain('[MONOCHROME2]');
    expect(dump).toMatch(/\(0028,0100\) US 8 /);
    expect(dump).toContain(`FrameTime`);
    expect(dump).toContain(`[${DEFAULT_STUDY_OPTIONS.frameTimeMs}]`);
    expect(dump).toContain('(0018,1063)');
    expect(dump).toContain(`[${frames}]`);
    expect(dump).toMatch(/BurnedInAnnotation/);
    expect(dump).toMatch(/SYNTHETIC IMAGE/);
  });
});

/** In an uncompressed file written by dcmdrle/gdcmconv the pixel data is the last element, so its value is the file's tail. */
const tailPixels = (path: string): Uint8Array => {
  const buf = readFileSync(path);
  return buf.subarray(buf.length - rows * columns * frames);
};

describe('reference decoders agree with the frames we rendered', () => {
  const expected = (): Uint8Array => Buffer.concat(renderPhantomCine(DEFAULT_STUDY_OPTIONS).frames);

  it.skipIf(!tool('dcmdrle'))('dcmdrle decodes every frame exactly (skipped when dcmtk is absent)', () => {
    const out = join(dir, 'dcmdrle.dcm');
    execFileSync('dcmdrle', [fresh, out]);
    expect(Buffer.from(tailPixels(out)).equals(expected())).toBe(true);
  });

  it.skipIf(!tool('gdcmconv'))('gdcmconv --raw decodes every frame exactly (skipped when libgdcm-tools is absent)', () => {
    const out = join(dir, 'gdcm.dcm');
    execFileSync('gdcmconv', ['--raw', fresh, out]);
    expect(Buffer.from(tailPixels(out)).equals(expected())).toBe(true);
  });
});
