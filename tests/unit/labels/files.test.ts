/**
 * Label files: NIfTI (checked with nibabel, the reference reader), index and grey PNGs (checked with ffmpeg's
 * PNG decoder), bit-exact round trips, a real third-party label NIfTI, and the errors for wrong sizes and
 * unknown values, which name the file.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelService, readLabelFile } from '../../../src/main/services/labels/index.ts';
import { labelMapChecksum } from '../../../src/shared/labels/label-map.ts';
import { encodeMapText } from '../../../src/shared/labels/map-codec.ts';
import { CAMUS_LABELS, RIGHT_HEART_LABELS, knownValues } from '../../../src/shared/labels/palette.ts';
import { sharedFile } from '../../support/shared-data.ts';
import { rng } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const IMAGE = join(ROOT, 'resources/default-study/phantom-a4c.dcm'); // 256 x 256, 40 frames, 0.796 mm spacing
const key = { kind: 'dicom-file' as const, path: IMAGE };
const PY = '/usr/bin/python3';
const hasNibabel = existsSync(PY) && spawnSync(PY, ['-c', 'import nibabel']).status === 0;
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!hasNibabel) console.warn('labels files.test: nibabel checks skipped: /usr/bin/python3 with python3-nibabel is missing');
if (!hasFfmpeg) console.warn('labels files.test: ffmpeg PNG checks skipped: ffmpeg is missing');
const OB2 = sharedFile('pydicom-data/OBXXXX1A_rle_2frame.dcm');
const KMEANS = sharedFile('itk-examples/KmeansTest_T1KmeansPrelimSegmentation.nii.gz');

const dir = mkdtempSync(join(tmpdir(), 'cs-labels-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CAMUS-like map: LV cavity inside a myocardium ring, left atrium below, plus noise pixels of every label. */
function heart(seed: number, w = 256, h = 256): Uint8Array {
  const d = new Uint8Array(w * h);
  const rand = rng(seed);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const e = ((x - 128) / 50) ** 2 + ((y - 100) / 80) ** 2;
      d[y * w + x] = e < 0.7 ? 1 : e < 1 ? 2 : ((x - 128) / 45) ** 2 + ((y - 200) / 35) ** 2 < 1 ? 3 : 0;
      if (rand() < 0.01) d[y * w + x] = Math.floor(rand() * 4);
    }
  return d;
}

function nibabel(path: string): { shape: number[]; dtype: string; zooms: number[]; sha: string; intent: string } {
  const script = `
import json, sys, hashlib, nibabel as nib, numpy as np
img = nib.load(sys.argv[1]); a = np.asanyarray(img.dataobj)
# Frame t as the editor stores it: rows of W values, i.e. a[:, :, t] transposed, C order.
frames = [a] if a.ndim == 2 else [a[:, :, t] for t in range(a.shape[2])]
sha = hashlib.sha256(b''.join(np.ascontiguousarray(f.T).astype(np.uint8).tobytes() for f in frames)).hexdigest()
print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), 'zooms': [float(z) for z in img.header.get_zooms()], 'sha': sha, 'intent': img.header['intent_name'].item().decode()}))`;
  const r = spawnSync(PY, ['-c', script, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function sha256(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** The grey values of a PNG as ffmpeg decodes them. */
function ffmpegGrey(path: string): Uint8Array {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return new Uint8Array(r.stdout);
}

async function serviceWithDraft(name: string, frames: Map<number, Uint8Array>, palette = [...CAMUS_LABELS]): Promise<LabelService> {
  const svc = new LabelService(join(dir, name));
  await svc.put({ key, width: 256, height: 256, frameCount: 40, frames: [...frames].map(([frame, d]) => ({ frame, map: encodeMapText(d) })), palette, expectedRevision: null });
  return svc;
}

describe('label files', () => {
  it.skipIf(!hasNibabel)('exports a 40-frame draft as a CAMUS-style uint8 (W, H, T) NIfTI that nibabel reads bit-exactly, and reads it back', async () => {
    const maps = new Map([[0, heart(1)], [12, heart(2)], [39, heart(3)]]);
    const svc = await serviceWithDraft('nifti', maps);
    const out = join(dir, 'out', 'cine_gt.nii.gz');
    const r = await svc.export({ key, format: 'nifti', frame: 'all', path: out });
    expect(r.frames).toHaveLength(40);
    const all = Array.from({ length: 40 }, (_, f) => maps.get(f) ?? new Uint8Array(256 * 256));
    const nib = nibabel(out);
    expect(nib).toMatchObject({ shape: [256, 256, 40], dtype: 'uint8', intent: 'labels', sha: sha256(...all) });
    // The default study's pixel spacing (its calibrated ultrasound region, 0.0796 cm) becomes the NIfTI's.
    expect(nib.zooms.map((z: number) => Math.round(z * 1e6) / 1e6)).toEqual([0.796091, 0.796091, 1]);
    const back = await readLabelFile(out, { format: 'auto', known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: { width: 256, height: 256, frameCount: 40 } });
    expect(back.frames.map(labelMapChecksum)).toEqual(all.map(labelMapChecksum));
    // One frame: a 2-D (W, H) file, as CAMUS's ED/ES _gt.
    const one = await svc.export({ key, format: 'nifti', frame: 12, path: join(dir, 'out', 'f12_gt.nii') });
    expect(nibabel(one.path)).toMatchObject({ shape: [256, 256], sha: sha256(maps.get(12)!) });
    await expect(svc.export({ key, format: 'nifti', frame: 12, path: one.path })).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/f12_gt\.nii: already exists/) });
    await expect(svc.export({ key, format: 'nifti', frame: 12, path: IMAGE })).rejects.toMatchObject({ kind: 'invalid-argument' }); // not a .nii name
    svc.close();
  });

  it.skipIf(!hasFfmpeg)('writes index and grey PNGs that ffmpeg decodes to the labels and to round(255 * label / 3), and reads both back bit-exactly', async () => {
    const m = heart(4);
    const svc = await serviceWithDraft('png', new Map([[5, m]]));
    const idx = await svc.export({ key, format: 'png-index', frame: 5 });
    expect(idx.path).toBe(join(dir, 'png', 'label-exports', 'phantom-a4c_labels_f5.png'));
    expect(ffmpegGrey(idx.path)).toEqual(m);
    const grey = await svc.export({ key, format: 'png-grey', frame: 5 });
    expect(ffmpegGrey(grey.path)).toEqual(m.map((v) => [0, 85, 170, 255][v]));
    const opts = { format: 'auto' as const, known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: { width: 256, height: 256, frameCount: 40 } };
    const a = await readLabelFile(idx.path, opts);
    const b = await readLabelFile(grey.path, opts);
    expect([a.format, b.format]).toEqual(['png-index', 'png-grey']);
    expect(a.frames[0]).toEqual(m);
    expect(b.frames[0]).toEqual(m);
    expect(a.values).toEqual([0, 1, 2, 3]);
    await expect(svc.export({ key, format: 'png-index', frame: 'all' })).rejects.toMatchObject({ kind: 'invalid-argument' });
    svc.close();
  });

  it.skipIf(!hasFfmpeg)('reads grey PNGs that other tools wrote (ffmpeg RGB, 16-bit) and refuses non-grey colour and off-level greys, naming the file', async () => {
    const m = heart(5, 64, 48);
    const raw = join(dir, 'm.gray');
    writeFileSync(raw, m.map((v) => [0, 85, 170, 255][v]));
    const rgb = join(dir, 'ffmpeg-rgb.png');
    expect(spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', '64x48', '-i', raw, '-pix_fmt', 'rgb24', rgb]).status).toBe(0);
    const g16 = join(dir, 'ffmpeg-16.png');
    writeFileSync(raw, m);
    expect(spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', '64x48', '-i', raw, '-pix_fmt', 'gray16be', g16]).status).toBe(0);
    const opts = { format: 'auto' as const, known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: null };
    expect((await readLabelFile(rgb, opts)).frames[0]).toEqual(m);
    // gray -> gray16be scales v to v * 257: 0, 257, 514, 771 are no labels and no 8-bit grey levels.
    await expect(readLabelFile(g16, opts)).rejects.toThrow(/ffmpeg-16\.png: values 257 \(\d+ px\), 514 \(\d+ px\), 771 \(\d+ px\) are not labels of the palette \(0, 1, 2, 3\) nor grey levels round\(255 \* label \/ 3\) \(0, 85, 170, 255\)/);
    const off = join(dir, 'off-level.png');
    writeFileSync(raw, m.map((v) => [0, 84, 170, 255][v]));
    expect(spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', '64x48', '-i', raw, off]).status).toBe(0);
    await expect(readLabelFile(off, { ...opts, format: 'png-grey' })).rejects.toThrow(/off-level\.png: grey levels 84 \(\d+ px\) is not round\(255 \* label \/ 3\) of a palette label \(0, 85, 170, 255\)/);
    const colour = join(dir, 'colour.png');
    writeFileSync(raw, Uint8Array.from({ length: 64 * 48 * 3 }, (_, i) => (i % 3 === 0 ? 200 : 10)));
    expect(spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '64x48', '-i', raw, colour]).status).toBe(0);
    await expect(readLabelFile(colour, opts)).rejects.toThrow(/colour\.png: a colour PNG whose pixel \(x 0, y 0\) is not grey/);
    await expect(readLabelFile(rgb, { ...opts, expect: { width: 256, height: 256, frameCount: 40 } })).rejects.toThrow(/ffmpeg-rgb\.png: the label map is 64x48 \(columns x rows\) but the image is 256x256/);
  });

  it('reads an indexed-colour PNG by its palette indices', async () => {
    // A 4 x 2 palette PNG written by hand from the PNG spec (IHDR colour type 3, PLTE, one IDAT, IEND).
    const crcTable = Array.from({ length: 256 }, (_, n) => {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      return c >>> 0;
    });
    const crc = (b: Buffer) => {
      let c = 0xffffffff;
      for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
      return (c ^ 0xffffffff) >>> 0;
    };
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const out = Buffer.alloc(body.length + 8);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc(body), body.length + 4);
      return out;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(4, 0);
    ihdr.writeUInt32BE(2, 4);
    ihdr[8] = 8;
    ihdr[9] = 3;
    const plte = Buffer.from([0, 0, 0, 255, 59, 48, 52, 199, 89, 10, 132, 255]);
    const rows = Buffer.from([0, 0, 1, 2, 3, 0, 3, 2, 1, 0]);
    const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
    const path = join(dir, 'indexed.png');
    writeFileSync(path, png);
    const r = await readLabelFile(path, { format: 'auto', known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: null });
    expect(r.format).toBe('png-index');
    expect([...r.frames[0]]).toEqual([0, 1, 2, 3, 3, 2, 1, 0]);
  });

  it.skipIf(!existsSync(KMEANS) || !hasNibabel)('reads a real third-party label NIfTI (ITK K-means, values 0-6): unknown values are named, a wider palette reads it exactly', async () => {
    const camus = { format: 'auto' as const, known: knownValues(CAMUS_LABELS), maxLabel: 3, expect: null };
    await expect(readLabelFile(KMEANS, camus)).rejects.toThrow(/KmeansTest_T1KmeansPrelimSegmentation\.nii\.gz: label values 4 \(\d+ voxels\), 5 \(\d+ voxels\), 6 \(\d+ voxels\) are not in the palette \(0, 1, 2, 3\)/);
    const known = knownValues([...CAMUS_LABELS, ...RIGHT_HEART_LABELS, { value: 6, name: 'x', color: '#ffffff' }]);
    const r = await readLabelFile(KMEANS, { ...camus, known, maxLabel: 6 });
    expect([r.width, r.height, r.frames.length]).toEqual([128, 128, 62]);
    expect(r.values).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sha256(...r.frames)).toBe(nibabel(KMEANS).sha);
    await expect(readLabelFile(KMEANS, { ...camus, known, maxLabel: 6, expect: { width: 128, height: 128, frameCount: 40 } })).rejects.toThrow(/holds 62 frames \(shape \[128, 128, 62\]\) but the image has 40/);
    await expect(readLabelFile(KMEANS, { ...camus, known, maxLabel: 6, expect: { width: 256, height: 256, frameCount: 62 } })).rejects.toThrow(/is 128x128 .* but the image is 256x256/);
  });

  it.skipIf(!existsSync(OB2))('takes the pixel spacing of a real ultrasound DICOM from its calibrated region into the NIfTI', async () => {
    const k = { kind: 'dicom-file' as const, path: OB2 };
    const svc = new LabelService(join(dir, 'ob'));
    const g = await svc.geometry(k);
    expect(g).toMatchObject({ width: 800, height: 600, frames: 2, spacingSource: 'SequenceOfUltrasoundRegions (PhysicalDeltaX/Y)' });
    expect(g.spacingMm![0]).toBeCloseTo(0.26228787661969974, 9); // PhysicalDeltaX 0.0262 cm
    const m = new Uint8Array(800 * 600).fill(2, 1000, 90_000);
    await svc.put({ key: k, width: 800, height: 600, frameCount: 2, frames: [{ frame: 1, map: encodeMapText(m) }], palette: [...CAMUS_LABELS], expectedRevision: null });
    const out = await svc.export({ key: k, format: 'nifti', frame: 'all', path: join(dir, 'ob.nii.gz') });
    if (hasNibabel) {
      const nib = nibabel(out.path);
      expect(nib.shape).toEqual([800, 600, 2]);
      expect(nib.zooms[0]).toBeCloseTo(0.2622878766, 6);
      expect(nib.zooms[1]).toBeCloseTo(0.2622878766, 6);
      expect(nib.sha).toBe(sha256(new Uint8Array(800 * 600), m));
    }
    svc.close();
  });

  it('reads a model pack palette from its manifest, adding background when the pack leaves it out', () => {
    const pack = join(dir, 'pack');
    mkdirSync(pack, { recursive: true });
    writeFileSync(join(pack, 'cardiosynth.json'), JSON.stringify({ format: 'cardiosynth-pack/1', conditioning: { kind: 'label-map', labels: [{ value: 1, name: 'LV', color: '#ff0000' }, { value: 4, name: 'RV', color: '#ffff00' }] } }));
    const svc = new LabelService(join(dir, 'pp'));
    expect(svc.packPalette(pack).labels.map((l) => `${l.value}:${l.name}`)).toEqual(['0:background', '1:LV', '4:RV']);
    writeFileSync(join(pack, 'cardiosynth.json'), JSON.stringify({ conditioning: { labels: [{ value: 300, name: 'x', color: '#000000' }] } }));
    expect(() => svc.packPalette(pack)).toThrow(/cardiosynth\.json: conditioning\.labels\.0\.value: Too big/);
    expect(() => svc.packPalette(join(dir, 'nothing'))).toThrow(/not found/);
    expect(readFileSync(join(pack, 'cardiosynth.json'), 'utf8')).toContain('300'); // never modified
  });
});
