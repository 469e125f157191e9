/** NIfTI-1 writing, checked by nibabel (the reference reader) and by our own reader. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from '../../../src/main/services/datasets/index.ts';
import { writeNifti } from '../../../src/main/services/datasets/nifti-writer.ts';

const PY = '/usr/bin/python3';
const hasNibabel = existsSync(PY) && spawnSync(PY, ['-c', 'import nibabel']).status === 0;
if (!hasNibabel) console.warn('nifti-writer.test: nibabel cases skipped: /usr/bin/python3 with nibabel (python3-nibabel) is missing');

const dir = mkdtempSync(join(tmpdir(), 'cs-nifti-w-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface NibView {
  shape: number[];
  dtype: string;
  affine: number[][];
  qform: number[][];
  sform_code: number;
  qform_code: number;
  zooms: number[];
  sum: number;
  first: number[];
  xyzt_units: string[];
  descrip: string;
}

function nibabel(path: string): NibView {
  const script = `
import json, sys, nibabel as nib, numpy as np
img = nib.load(sys.argv[1])
a = np.asanyarray(img.dataobj)
h = img.header
print(json.dumps({
  'shape': list(a.shape), 'dtype': str(a.dtype), 'affine': img.affine.tolist(), 'qform': img.get_qform().tolist(),
  'sform_code': int(h['sform_code']), 'qform_code': int(h['qform_code']), 'zooms': [float(z) for z in h.get_zooms()],
  'sum': float(a.astype(np.float64).sum()), 'first': a.ravel(order='F')[:6].astype(np.float64).tolist(),
  'xyzt_units': list(h.get_xyzt_units()), 'descrip': h['descrip'].item().decode()}))`;
  const r = spawnSync(PY, ['-c', script, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as NibView;
}

const close = (a: number[][], b: number[][], tol = 1e-4) => a.every((row, i) => row.every((v, j) => Math.abs(v - b[i][j]) < tol));

describe.skipIf(!hasNibabel)('writeNifti', () => {
  it('writes a label cine (uint8, W x H x T) that nibabel reads with the same shape, values, spacing and time step', async () => {
    const [w, h, t] = [7, 5, 3];
    const data = new Uint8Array(w * h * t);
    for (let i = 0; i < data.length; i++) data[i] = i % 4;
    const path = join(dir, 'labels.nii.gz');
    writeNifti(path, { dims: [w, h, t], data, spacing: [0.3, 0.25, 1], timeStepS: 0.04, description: 'synthetic labels', intentName: 'labels' });
    const nib = nibabel(path);
    expect(nib.shape).toEqual([w, h, t]);
    expect(nib.dtype).toBe('uint8');
    expect(nib.sum).toBe(data.reduce((a, b) => a + b, 0));
    expect(nib.first).toEqual([0, 1, 2, 3, 0, 1]);
    expect(nib.zooms[0]).toBeCloseTo(0.3, 6);
    expect(nib.zooms[1]).toBeCloseTo(0.25, 6);
    expect(nib.descrip).toBe('synthetic labels');
    expect(nib.xyzt_units[0]).toBe('mm');
    const ours = await readNifti(path);
    expect(ours.dims).toEqual([w, h, t]);
    expect(Array.from(ours.data)).toEqual(Array.from(data));
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('stores an oblique, left-handed affine in the sform and an equivalent qform', async () => {
    const c = Math.cos(0.4);
    const s = Math.sin(0.4);
    // Rotation about z, spacing (0.5, 0.7, 2), and the third axis flipped (negative determinant).
    const affine = [
      [0.5 * c, -0.7 * s, 0, 10],
      [0.5 * s, 0.7 * c, 0, -20],
      [0, 0, -2, 30],
      [0, 0, 0, 1],
    ];
    const data = new Float32Array(4 * 3 * 2).map((_, i) => i * 0.5 - 3);
    const path = join(dir, 'oblique.nii');
    writeNifti(path, { dims: [4, 3, 2], data, affine });
    const nib = nibabel(path);
    expect(nib.sform_code).toBe(2);
    expect(nib.qform_code).toBe(1);
    expect(close(nib.affine, affine)).toBe(true);
    expect(close(nib.qform, affine)).toBe(true);
    expect(nib.dtype).toBe('float32');
    expect(nib.first).toEqual([-3, -2.5, -2, -1.5, -1, -0.5]);
    const ours = await readNifti(path);
    expect(close(ours.affine, affine)).toBe(true);
  });

  it('refuses a wrong voxel count or file name with a message naming the file, and writes nothing', () => {
    const path = join(dir, 'bad.nii.gz');
    expect(() => writeNifti(path, { dims: [4, 4], data: new Uint8Array(15) })).toThrow(/bad\.nii\.gz: 15 voxels given for shape \[4, 4\] \(16\)/);
    expect(() => writeNifti(join(dir, 'x.png'), { dims: [1], data: new Uint8Array(1) })).toThrow(/x\.png: a NIfTI file name ends in \.nii or \.nii\.gz/);
    expect(existsSync(path)).toBe(false);
  });
});
