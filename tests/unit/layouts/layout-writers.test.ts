/**
 * Layout writers on hand-made items: VolumeTracings geometry on shapes whose answer is known, and the clear
 * errors a caller (export, the phantom CLI) gets for items a layout cannot hold.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tracingMask } from '../../../src/main/services/datasets/index.ts';
import { createCamusWriter, createEchonetWriter, scaleTracingLines, volumeTracingLines } from '../../../src/main/services/layouts/index.ts';
import type { LayoutItem } from '../../../src/main/services/layouts/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'cs-layouts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An upright LV (ellipse, apex at the top) over a left atrium (disc below it), on a W x H map. */
function heart(w: number, h: number, cx: number, apexY: number, halfWidth: number, length: number): Uint8Array {
  const m = new Uint8Array(w * h);
  const cy = apexY + length;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const inLv = ((c - cx) / halfWidth) ** 2 + ((r - cy) / length) ** 2 <= 1 && r <= cy;
      const inLa = (c - cx) ** 2 + (r - (cy + 12)) ** 2 <= 12 ** 2 && r > cy;
      if (inLv) m[r * w + c] = 1;
      else if (inLa) m[r * w + c] = 3;
    }
  }
  return m;
}

const dice = (a: Uint8Array, b: Uint8Array): number => {
  let i = 0;
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    i += a[k] && b[k] ? 1 : 0;
    s += (a[k] ? 1 : 0) + (b[k] ? 1 : 0);
  }
  return (2 * i) / s;
};

describe('volumeTracingLines', () => {
  it('draws the long axis apex -> annulus, then 20 perpendicular chords from apex to base', () => {
    const m = heart(112, 112, 56, 10, 14, 50);
    const lines = volumeTracingLines(m, 112, 112);
    expect(lines).toHaveLength(21);
    const [ax1, ay1, ax2, ay2] = lines[0];
    expect(ax1).toBeCloseTo(56, 0);
    expect(ay1).toBeGreaterThan(9.4);
    expect(ay1).toBeLessThan(10.6);
    expect(ax2).toBeCloseTo(56, 0);
    expect(ay2).toBeCloseTo(60.5, 0); // between the last LV row (60) and the first LA row (61)
    let prevY = 0;
    for (const [x1, y1, x2, y2] of lines.slice(1)) {
      expect(y1).toBeCloseTo(y2, 6); // perpendicular to a vertical axis
      expect(x1).toBeLessThan(x2); // x1 on the image-left wall
      expect(y1).toBeGreaterThan(prevY); // apex first
      prevY = y1;
      expect(x1 + x2).toBeCloseTo(112, 0);
    }
    const lv = m.map((v) => (v === 1 ? 1 : 0));
    expect(dice(tracingMask(lines, 112, 112), lv)).toBeGreaterThan(0.95);
  });

  it('finds the axis without an atrium (principal axis, apex towards the probe) and follows a tilted LV', () => {
    const m = heart(112, 112, 56, 12, 13, 45).map((v) => (v === 3 ? 0 : v));
    const lines = volumeTracingLines(m, 112, 112);
    expect(lines[0][1]).toBeLessThan(lines[0][3]);
    expect(dice(tracingMask(lines, 112, 112), m)).toBeGreaterThan(0.93);
    // Rotate the map by 90 degrees: the chords turn with it and still enclose the cavity.
    const rot = new Uint8Array(112 * 112);
    for (let r = 0; r < 112; r++) for (let c = 0; c < 112; c++) rot[c * 112 + (111 - r)] = heart(112, 112, 56, 10, 14, 50)[r * 112 + c];
    const rl = volumeTracingLines(rot, 112, 112);
    expect(dice(tracingMask(rl, 112, 112), rot.map((v) => (v === 1 ? 1 : 0)))).toBeGreaterThan(0.95);
  });

  it('scales pixel centres onto pixel centres and refuses a map without a cavity', () => {
    expect(scaleTracingLines([[0, 0, 255, 255]], 256, 256, 112, 112)[0]).toEqual([-0.28125, -0.28125, 111.28125, 111.28125]);
    expect(() => volumeTracingLines(new Uint8Array(16), 4, 4)).toThrow(/no LV cavity \(label 1\)/);
  });
});

function item(over: Partial<LayoutItem> = {}): LayoutItem {
  const w = 112;
  const h = 112;
  const labels = heart(w, h, 56, 10, 14, 50);
  return {
    patient: 'patient0007', view: '4CH', width: w, height: h, frames: [new Uint8Array(w * h).fill(90), new Uint8Array(w * h).fill(60)],
    labels: new Map([[0, labels], [1, labels]]), pixelSpacingMm: 0.4, frameRateHz: 25, edFrame: 0, esFrame: 1, ef: 55, edvMl: 100, esvMl: 45,
    quality: 'Good', sex: 'F', age: 50, split: 'train', synthetic: null, ...over,
  };
}

describe('layout writers refuse what their layout cannot hold', () => {
  it('CAMUS: patient names, duplicates, one split per patient, frame indices', async () => {
    const w = createCamusWriter(join(tmp, 'c1'));
    await expect(w.add(item({ patient: 'P7' }))).rejects.toThrow(/patient "P7" must be named patientNNNN/);
    await expect(w.add(item({ esFrame: 2 }))).rejects.toThrow(/patient0007 4CH: ES frame 2 is outside its 2 frames/);
    await expect(w.add(item({ frames: [new Uint8Array(5)] , edFrame: 0, esFrame: 0, labels: new Map() }))).rejects.toThrow(/frame 0 has 5 pixels, expected 112x112/);
    await w.add(item());
    await expect(w.add(item())).rejects.toThrow(/patient0007 4CH was already written/);
    await expect(w.add(item({ view: '2CH', split: 'test' }))).rejects.toThrow(/patient0007 is in the train split/);
    const done = await w.finish();
    expect(readFileSync(join(tmp, 'c1/database_split/subgroup_training.txt'), 'utf8')).toBe('patient0007\n');
    // Real data (synthetic: null) gets no synthetic keys and no provenance note unless asked.
    expect(readFileSync(join(tmp, 'c1/database_nifti/patient0007/Info_4CH.cfg'), 'utf8')).toBe('ED: 1\nES: 2\nNbFrame: 2\nSex: F\nAge: 50\nImageQuality: Good\nEF: 55\nFrameRate: 25\n');
    expect(existsSync(join(tmp, 'c1/cardiosynth-dataset.json'))).toBe(false);
    expect(done.files).toHaveLength(10);
  });

  it('EchoNet: file names, 4CH only, volumes required', async () => {
    const w = createEchonetWriter(join(tmp, 'e1'));
    await expect(w.add(item({ patient: 'a,b' }))).rejects.toThrow(/FileName "a,b" must be/);
    await expect(w.add(item({ view: '2CH' }))).rejects.toThrow(/apical four-chamber videos only/);
    await expect(w.add(item({ edvMl: null }))).rejects.toThrow(/needs EDV and ESV/);
    expect(existsSync(join(tmp, 'e1'))).toBe(false);
  });
});
