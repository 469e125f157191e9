/**
 * Our lossless JPEG decoder against dcmtk: real files re-encoded by dcmcjpeg with every selection value (1-7) and
 * with a point transform, decoded by us and by dcmdjpeg, compared sample for sample. Restart markers, which
 * dcmcjpeg cannot write, are checked on a stream assembled here around known samples.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DicomLibrary } from '../../../src/main/services/dicom/index.ts';
import { decodeJpegLossless } from '../../../src/main/services/dicom/pixels/jpeg-lossless-decoder.ts';
import { sharedFile } from '../../support/shared-data.ts';

const PYDICOM = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
const SOURCES = [join(PYDICOM, 'MR_small.dcm'), join(PYDICOM, 'CT_small.dcm'), sharedFile('pydicom-data/US1_UNCR.dcm')].filter(existsSync);
const haveDcmtk = spawnSync('dcmcjpeg', ['--version']).status === 0;
if (!haveDcmtk) console.warn('jpeg-lossless.test: dcmtk cases skipped: dcmcjpeg/dcmdjpeg missing (apt-get install dcmtk)');

const dir = mkdtempSync(join(tmpdir(), 'cs-jpegll-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

async function frame0(path: string) {
  const lib = new DicomLibrary();
  const opened = await lib.open([path]);
  const id = opened.studies[0].series[0].instances[0].id;
  return lib.frame(id, 0);
}

describe.skipIf(!haveDcmtk || SOURCES.length === 0)('lossless JPEG decoder vs dcmdjpeg', () => {
  const cases = SOURCES.flatMap((src) => [
    ...[1, 2, 3, 4, 5, 6, 7].map((sv) => ({ src, sv, pt: 0 })),
    { src, sv: 7, pt: 2 },
  ]);
  it.each(cases)('$src selection value $sv point transform $pt', async ({ src, sv, pt }) => {
    const name = `${src.split('/').pop()}-sv${sv}-pt${pt}`;
    const enc = join(dir, `${name}.jpg.dcm`);
    const ref = join(dir, `${name}.ref.dcm`);
    run('dcmcjpeg', ['+el', '+sv', String(sv), '+pt', String(pt), src, enc]);
    run('dcmdjpeg', [enc, ref]);
    const ours = await frame0(enc);
    const theirs = await frame0(ref);
    expect([ours.rows, ours.columns, ours.kind]).toEqual([theirs.rows, theirs.columns, theirs.kind]);
    expect(ours.pixels.length).toBe(theirs.pixels.length);
    let diff = 0;
    for (let i = 0; i < ours.pixels.length; i++) if (ours.pixels[i] !== theirs.pixels[i]) diff++;
    expect(diff, `${diff} samples differ`).toBe(0);
  });
});

/** A lossless JPEG stream (predictor 1, one component) with a restart marker every `rowsPerRestart` rows. */
function encodeWithRestarts(samples: Uint8Array, width: number, height: number, rowsPerRestart: number): Uint8Array {
  // Huffman table: category c (0..8) gets the 4-bit code c (a complete enough canonical table: 9 codes of length 4).
  const bytes: number[] = [0xff, 0xd8];
  const seg = (marker: number, body: number[]) => bytes.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255, ...body);
  seg(0xc3, [8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  const counts = new Array(16).fill(0);
  counts[3] = 9;
  seg(0xc4, [0x00, ...counts, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
  seg(0xdd, [(width * rowsPerRestart) >> 8, (width * rowsPerRestart) & 255]);
  seg(0xda, [1, 1, 0x00, 1, 0, 0]);
  let acc = 0;
  let nbits = 0;
  const put = (v: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) {
      acc = (acc << 1) | ((v >> i) & 1);
      if (++nbits === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0);
        acc = 0;
        nbits = 0;
      }
    }
  };
  const flush = () => {
    if (nbits) put(0x7f, 8 - nbits); // pad with 1-bits
  };
  let rst = 0;
  for (let y = 0; y < height; y++) {
    if (y > 0 && y % rowsPerRestart === 0) {
      flush();
      bytes.push(0xff, 0xd0 + (rst++ % 8));
    }
    const first = y % rowsPerRestart === 0;
    for (let x = 0; x < width; x++) {
      const v = samples[y * width + x];
      const pred = first ? (x === 0 ? 128 : samples[y * width + x - 1]) : x === 0 ? samples[(y - 1) * width] : samples[y * width + x - 1];
      let d = (v - pred) | 0;
      if (d > 127) d -= 256;
      if (d < -128) d += 256;
      const mag = Math.abs(d);
      const cat = mag === 0 ? 0 : 32 - Math.clz32(mag);
      put(cat, 4);
      if (cat) put(d > 0 ? d : d + (1 << cat) - 1, cat);
    }
  }
  flush();
  bytes.push(0xff, 0xd9);
  return Uint8Array.from(bytes);
}

describe('lossless JPEG decoder', () => {
  it('resets prediction at restart markers and decodes every row', () => {
    const [w, h] = [37, 23];
    const samples = new Uint8Array(w * h).map((_, i) => (i * 37 + ((i / w) | 0) * 11) & 255);
    const img = decodeJpegLossless(encodeWithRestarts(samples, w, h, 4));
    expect([img.width, img.height, img.components, img.precision]).toEqual([w, h, 1, 8]);
    expect(Array.from(img.data)).toEqual(Array.from(samples));
  });

  it('names the problem in a stream it cannot decode', () => {
    const good = encodeWithRestarts(new Uint8Array(16).fill(9), 4, 4, 2);
    const noSof = good.slice();
    noSof[3] = 0xc1; // SOF3 -> SOF1
    expect(() => decodeJpegLossless(noSof)).toThrow(/frame marker FFC1 is not lossless/);
    expect(() => decodeJpegLossless(good.subarray(2))).toThrow(/does not start with an SOI marker/);
  });
});
