/**
 * NIfTI and MetaImage readers against nibabel (files written by nibabel in the test, plus the real files in
 * ../shared/data) and against hand-written MetaImage headers + raw data.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openSequence, readMetaImage, readNifti, readNiftiHeader } from '../../../src/main/services/datasets/index.ts';
import { sharedFile } from '../../support/shared-data.ts';

const PY = '/usr/bin/python3';
const FIX = join(import.meta.dirname, '../../fixtures/datasets');
const REAL_NII = [sharedFile('nibabel-testdata/example4d.nii.gz'), sharedFile('nibabel-testdata/standard.nii.gz'), sharedFile('itk-examples/KmeansTest_T1KmeansPrelimSegmentation.nii.gz')].filter(existsSync);
const ITK = sharedFile('itk-examples');
const hasNibabel = (() => { try { execFileSync(PY, ['-c', 'import nibabel']); return true; } catch { return false; } })();
if (!hasNibabel) console.warn('readers.test: NIfTI cases skipped: /usr/bin/python3 with nibabel is missing');
if (!existsSync(ITK)) console.warn('readers.test: real MetaImage cases skipped: ../shared/data/itk-examples is missing');

const dir = mkdtempSync(join(tmpdir(), 'cs-ds-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Facts { shape: number[]; dtype: string; affine: number[][]; first: Array<number | number[]>; sum: number; zooms: number[] }

describe.skipIf(!hasNibabel)(`NIfTI reader vs nibabel${hasNibabel ? '' : ' (skipped: no nibabel)'}`, () => {
  const facts = hasNibabel ? (JSON.parse(execFileSync(PY, [join(FIX, 'nifti_types.py'), dir, ...REAL_NII], { encoding: 'utf8', maxBuffer: 1 << 26 })) as Record<string, Facts>) : {};
  for (const [path, f] of Object.entries(facts)) {
    it(`reads ${path.split('/').pop()} as nibabel does (shape, affine, scaled values)`, async () => {
      const v = await readNifti(path);
      expect(v.dims).toEqual(f.shape);
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(v.affine[r][c]).toBeCloseTo(f.affine[r][c], 4);
      if (v.components === 3) {
        expect(v.dataType).toBe('rgb24');
        const px = Array.from({ length: f.first.length }, (_, i) => Array.from(v.data.subarray(i * 3, i * 3 + 3)));
        expect(px).toEqual(f.first);
        return;
      }
      const first = Array.from(v.data.subarray(0, f.first.length), (x) => x * v.slope + v.intercept);
      first.forEach((x, i) => expect(x).toBeCloseTo(f.first[i] as number, 4));
      let sum = 0;
      for (let i = 0; i < v.data.length; i++) sum += v.data[i] * v.slope + v.intercept;
      expect(sum).toBeCloseTo(f.sum, 1);
      const h = await readNiftiHeader(path);
      expect(h.dims).toEqual(f.shape);
    });
  }

  it('reports NIfTI-2 time steps and the big-endian order', async () => {
    const v2 = await readNifti(join(dir, 't_nifti2_4d.nii.gz'));
    expect([v2.info.niftiVersion, v2.timeStepS]).toEqual([2, 0.04]);
    const s = await openSequence(join(dir, 't_nifti2_4d.nii.gz'));
    expect([s.summary.frames, s.summary.frameAxis, s.summary.frameRateSource]).toEqual([5, 'time', 'nifti-pixdim']);
    expect(s.summary.frameRateHz).toBeCloseTo(25, 6);
    expect((await readNifti(join(dir, 't_bigendian.nii'))).info.byteOrder).toBe('big');
  });

  it('reports a truncated .nii.gz and a cut .nii naming the file', async () => {
    const gz = readFileSync(join(dir, 't_int16.nii.gz'));
    const cutGz = join(dir, 'cut.nii.gz');
    writeFileSync(cutGz, gz.subarray(0, gz.length - 40));
    await expect(readNifti(cutGz)).rejects.toMatchObject({ kind: 'malformed', message: `${cutGz}: truncated gzip stream (unexpected end of file)` });
    const nii = readFileSync(join(dir, 't_scaled.nii'));
    const cut = join(dir, 'cut.nii');
    writeFileSync(cut, nii.subarray(0, nii.length - 10));
    await expect(readNifti(cut)).rejects.toMatchObject({ kind: 'malformed', message: expect.stringMatching(/cut\.nii: image data truncated: shape \[5, 4, 3\] of int16 needs 120 bytes/) });
    const junk = join(dir, 'junk.nii');
    writeFileSync(junk, Buffer.alloc(400, 7));
    await expect(readNifti(junk)).rejects.toMatchObject({ kind: 'malformed', message: expect.stringContaining(`${junk}: not a NIfTI file`) });
  });
});

describe.skipIf(!existsSync(ITK))(`MetaImage reader on real ITK files${existsSync(ITK) ? '' : ' (skipped: no itk-examples)'}`, () => {
  it('reads the .mhd + .raw and the .mha with an external .raw', async () => {
    const a = await readMetaImage(join(ITK, 'BrainProtonDensitySliceBorder20.mhd'));
    expect([a.dims, a.dataType, a.data.length]).toEqual([[221, 257], 'uint8', 221 * 257]);
    expect(Array.from(a.data.subarray(1000, 1004))).toEqual(Array.from(readFileSync(join(ITK, 'BrainProtonDensitySliceBorder20.raw')).subarray(1000, 1004)));
    const b = await readMetaImage(join(ITK, 'RatLungSlice1.mha'));
    expect([b.dims, b.data.length]).toEqual([[128, 128], 16384]);
    const s = await openSequence(join(ITK, 'BrainProtonDensitySliceBorder20.mhd'));
    expect([s.summary.rows, s.summary.columns, s.summary.frames, s.summary.frameAxis]).toEqual([257, 221, 1, 'none']);
    // Row r, column c is raw byte r * DimSize[0] + c: x is the fastest axis.
    const raw = readFileSync(join(ITK, 'BrainProtonDensitySliceBorder20.raw'));
    expect(s.frame(0).pixels[100 * 221 + 50]).toBe(raw[100 * 221 + 50]);
  });
});

describe('MetaImage reader on written headers', () => {
  const header = (o: Record<string, string>): string => Object.entries(o).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
  const base = { ObjectType: 'Image', NDims: '3', BinaryData: 'True', BinaryDataByteOrderMSB: 'False', CompressedData: 'False', TransformMatrix: '1 0 0 0 1 0 0 0 1', Offset: '1 2 3', ElementSpacing: '0.5 0.25 1', DimSize: '4 3 2' };
  const shorts = Int16Array.from({ length: 24 }, (_, i) => i * 100 - 1000);

  it('reads inline (LOCAL) big-endian shorts, zlib-compressed floats and all element types', async () => {
    const be = Buffer.alloc(48);
    shorts.forEach((v, i) => be.writeInt16BE(v, i * 2));
    const p = join(dir, 'be.mha');
    writeFileSync(p, Buffer.concat([Buffer.from(header({ ...base, BinaryDataByteOrderMSB: 'True', ElementType: 'MET_SHORT', ElementDataFile: 'LOCAL' })), be]));
    const v = await readMetaImage(p);
    expect(Array.from(v.data)).toEqual(Array.from(shorts));
    expect(v.affine).toEqual([[0.5, 0, 0, 1], [0, 0.25, 0, 2], [0, 0, 1, 3], [0, 0, 0, 1]]);
    const floats = Float32Array.from({ length: 24 }, (_, i) => i / 4);
    const z = deflateSync(Buffer.from(floats.buffer));
    const q = join(dir, 'z.mha');
    writeFileSync(q, Buffer.concat([Buffer.from(header({ ...base, CompressedData: 'True', CompressedDataSize: String(z.length), ElementType: 'MET_FLOAT', ElementDataFile: 'LOCAL' })), z]));
    expect(Array.from((await readMetaImage(q)).data)).toEqual(Array.from(floats));
    const types: Array<[string, ArrayLike<number> & { buffer: ArrayBufferLike }]> = [
      ['MET_UCHAR', Uint8Array.from({ length: 24 }, (_, i) => i * 10)], ['MET_CHAR', Int8Array.from({ length: 24 }, (_, i) => i - 12)],
      ['MET_USHORT', Uint16Array.from({ length: 24 }, (_, i) => i * 2000)], ['MET_SHORT', shorts],
      ['MET_UINT', Uint32Array.from({ length: 24 }, (_, i) => i * 1e8)], ['MET_INT', Int32Array.from({ length: 24 }, (_, i) => -i * 1e7)],
      ['MET_FLOAT', floats], ['MET_DOUBLE', Float64Array.from({ length: 24 }, (_, i) => i / 3)],
    ];
    for (const [t, arr] of types) {
      const mhd = join(dir, `${t}.mhd`);
      writeFileSync(mhd, header({ ...base, ElementType: t, ElementDataFile: `${t}.raw` }));
      writeFileSync(join(dir, `${t}.raw`), Buffer.from(arr.buffer));
      expect(Array.from((await readMetaImage(mhd)).data), t).toEqual(Array.from(arr));
    }
  });

  it('reports wrong DimSize, a missing .raw, an unknown ElementType and a corrupt zlib stream', async () => {
    writeFileSync(join(dir, 'w.raw'), Buffer.alloc(40));
    const w = join(dir, 'w.mhd');
    writeFileSync(w, header({ ...base, ElementType: 'MET_SHORT', ElementDataFile: 'w.raw' }));
    await expect(readMetaImage(w)).rejects.toMatchObject({ kind: 'malformed', message: `${w}: DimSize = 4 3 2 of MET_SHORT needs 48 bytes but ${join(dir, 'w.raw')} has 40: too little data (wrong DimSize or ElementType?)` });
    const m = join(dir, 'm.mhd');
    writeFileSync(m, header({ ...base, ElementType: 'MET_SHORT', ElementDataFile: 'nowhere.raw' }));
    await expect(readMetaImage(m)).rejects.toMatchObject({ kind: 'not-found', message: `${m}: data file ${join(dir, 'nowhere.raw')} is missing` });
    const u = join(dir, 'u.mhd');
    writeFileSync(u, header({ ...base, ElementType: 'MET_FLOAT_MATRIX', ElementDataFile: 'w.raw' }));
    await expect(readMetaImage(u)).rejects.toMatchObject({ kind: 'unsupported', message: expect.stringContaining(`${u}: ElementType MET_FLOAT_MATRIX is not supported`) });
    const c = join(dir, 'c.mha');
    writeFileSync(c, Buffer.concat([Buffer.from(header({ ...base, CompressedData: 'True', ElementType: 'MET_SHORT', ElementDataFile: 'LOCAL' })), gzipSync(Buffer.alloc(48)).subarray(0, 12)]));
    await expect(readMetaImage(c)).rejects.toMatchObject({ kind: 'malformed', message: expect.stringContaining(`${c}: CompressedData = True but the zlib stream is corrupt or truncated`) });
  });
});
