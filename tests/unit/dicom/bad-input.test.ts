/**
 * Bad input never crashes or hangs: each bad file lands in `errors` naming the file and the problem, and the
 * rest of the folder still loads. Fixtures are built from a real file in a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DicomLibrary, inspectPaths } from '../../../src/main/services/dicom/index.ts';
import { sharedFile } from '../../support/shared-data.ts';

const GOOD = '/usr/lib/python3/dist-packages/pydicom/data/test_files/MR_small.dcm'; // explicit LE, native pixels
const RLE = sharedFile('octave-dicom/US-PAL-8-10x-echo.dcm'); // encapsulated, 10 frames
const available = existsSync(GOOD) && existsSync(RLE);
if (!available) console.warn('bad-input.test: skipped: needs pydicom test files and ../shared/data');

const dir = mkdtempSync(join(tmpdir(), 'cs-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T = 10_000; // per-test timeout: nothing may hang

async function onlyError(path: string) {
  const r = await inspectPaths([path]);
  expect(r.studies).toEqual([]);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0].message).toContain(path);
  return r.errors[0];
}

describe.skipIf(!available)(`bad input ${available ? '' : '(skipped: sample files missing)'}`, () => {
  it('reports a zero-byte file', async () => {
    const p = join(dir, 'empty.dcm');
    writeFileSync(p, '');
    const e = await onlyError(p);
    expect([e.code, e.message]).toEqual(['not-dicom', `${p}: is empty (0 bytes)`]);
  }, T);

  it('reports random garbage (with and without a fake DICM magic)', async () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const bytes = Buffer.from(Array.from({ length: 5000 }, rand));
    const p = join(dir, 'garbage.dcm');
    writeFileSync(p, bytes);
    expect((await onlyError(p)).code).toBe('not-dicom');
    bytes.write('DICM', 128, 'latin1');
    const q = join(dir, 'garbage-dicm.dcm');
    writeFileSync(q, bytes);
    expect((await onlyError(q)).code).toBe('malformed');
  }, T);

  for (const [label, src] of [['native', GOOD], ['encapsulated', RLE]] as const) {
    it(`reports truncation of a ${label} file at 40 cut points across header and pixel data`, async () => {
      const whole = readFileSync(src);
      const cuts = Array.from({ length: 40 }, (_, i) => Math.max(1, Math.floor(((i + 1) / 41) * whole.length)));
      // Include cuts inside the header proper.
      cuts.push(10, 131, 140, 300, 600, 1000);
      const paths = cuts.map((c) => {
        const p = join(dir, `trunc-${label}-${c}.dcm`);
        writeFileSync(p, whole.subarray(0, c));
        return p;
      });
      const r = await inspectPaths(paths);
      expect(r.studies.map((s) => s.path)).toEqual([]);
      expect(r.errors).toHaveLength(paths.length);
      for (const e of r.errors) {
        expect(['malformed', 'not-dicom']).toContain(e.code);
        expect(e.message.startsWith(e.path)).toBe(true);
      }
      // Past the preamble every cut is recognised as broken DICOM, not as "not DICOM".
      expect(r.errors.filter((e) => Number(e.path.match(/-(\d+)\.dcm$/)![1]) > 200).every((e) => e.code === 'malformed')).toBe(true);
    }, 30_000);
  }

  it('reports a lying element length', async () => {
    const bytes = Buffer.from(readFileSync(GOOD));
    // (0008,0060) Modality CS: explicit VR, 2-byte length after the VR.
    const at = bytes.indexOf(Buffer.from([0x08, 0x00, 0x60, 0x00, 0x43, 0x53]));
    expect(at).toBeGreaterThan(0);
    bytes.writeUInt16LE(0xfff0, at + 6);
    const p = join(dir, 'lying.dcm');
    writeFileSync(p, bytes);
    const e = await onlyError(p);
    expect(e.code).toBe('malformed');
    expect(e.message).toMatch(/length|truncated|overrun/);
  }, T);

  it('reports a lying Pixel Data length', async () => {
    const bytes = Buffer.from(readFileSync(GOOD));
    const at = bytes.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57]));
    bytes.writeUInt32LE(bytes.readUInt32LE(at + 8) + 1000, at + 8);
    const p = join(dir, 'lying-px.dcm');
    writeFileSync(p, bytes);
    const e = await onlyError(p);
    expect(e.code).toBe('malformed');
    expect(e.message).toContain('Pixel Data claims');
  }, T);

  it('reports an undefined-length sequence without delimiters', async () => {
    // A raw explicit-LE data set: SOPClassUID, then (0008,1140) SQ of undefined length holding an item of
    // undefined length, and the file ends without item or sequence delimiters.
    const ui = Buffer.from('1.2.840.10008.5.1.4.1.1.7\0', 'latin1');
    const head = Buffer.alloc(8);
    head.writeUInt16LE(0x0008, 0); head.writeUInt16LE(0x0016, 2); head.write('UI', 4, 'latin1'); head.writeUInt16LE(ui.length, 6);
    const sq = Buffer.alloc(12);
    sq.writeUInt16LE(0x0008, 0); sq.writeUInt16LE(0x1140, 2); sq.write('SQ', 4, 'latin1'); sq.writeUInt32LE(0xffffffff, 8);
    const item = Buffer.alloc(8);
    item.writeUInt16LE(0xfffe, 0); item.writeUInt16LE(0xe000, 2); item.writeUInt32LE(0xffffffff, 4);
    const inner = Buffer.alloc(8 + 4);
    inner.writeUInt16LE(0x0008, 0); inner.writeUInt16LE(0x1150, 2); inner.write('UI', 4, 'latin1'); inner.writeUInt16LE(4, 6); inner.write('1.2\0', 8, 'latin1');
    const preamble = Buffer.alloc(132); preamble.write('DICM', 128, 'latin1');
    const meta = Buffer.alloc(8 + 20);
    meta.writeUInt16LE(0x0002, 0); meta.writeUInt16LE(0x0010, 2); meta.write('UI', 4, 'latin1'); meta.writeUInt16LE(20, 6); meta.write('1.2.840.10008.1.2.1\0', 8, 'latin1');
    for (const [name, bytes] of [
      ['nodelim-raw.dcm', Buffer.concat([head, ui, sq, item, inner])],
      ['nodelim-p10.dcm', Buffer.concat([preamble, meta, head, ui, sq, item, inner])],
    ] as const) {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      const e = await onlyError(p);
      expect(e.code).toBe('malformed');
      expect(e.message).toMatch(/delimiter|eof|truncated/);
    }
  }, T);

  it('reports a directory, a FIFO, a dangling symlink, a permissionless file and symlink loops; the rest loads', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    copyFileSync(GOOD, join(folder, 'good.dcm'));
    copyFileSync(RLE, join(folder, 'sub', 'echo.dcm'));
    writeFileSync(join(folder, 'README.txt'), 'a document beside the study: skipped quietly\n');
    writeFileSync(join(folder, 'IM0001'), ''); // zero-byte file named like a DICOM export
    writeFileSync(join(folder, 'garbage.dcm'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251)));
    writeFileSync(join(folder, 'truncated.dcm'), readFileSync(GOOD).subarray(0, 4000));
    execFileSync('mkfifo', [join(folder, 'pipe.dcm')]);
    symlinkSync(join(folder, 'missing.dcm'), join(folder, 'dangling.dcm'));
    symlinkSync(folder, join(folder, 'sub', 'loop-to-top')); // directory loop
    symlinkSync(join(folder, 'self-b'), join(folder, 'self-a')); // link loop a -> b -> a
    symlinkSync(join(folder, 'self-a'), join(folder, 'self-b'));
    copyFileSync(GOOD, join(folder, 'noperm.dcm'));
    chmodSync(join(folder, 'noperm.dcm'), 0o000); // root can still read it; non-root gets 'unreadable'

    const lib = new DicomLibrary();
    const r = await lib.open([folder, join(folder, 'sub'), join(dir, 'nonexistent')]);
    const loaded = r.studies.flatMap((s) => s.series.flatMap((se) => se.instances.map((i) => i.path))).sort();
    const asRoot = process.getuid?.() === 0;
    expect(loaded).toEqual([join(folder, 'good.dcm'), ...(asRoot ? [join(folder, 'noperm.dcm')] : []), join(folder, 'sub', 'echo.dcm')].sort());
    const byPath = new Map(r.errors.map((e) => [e.path, e]));
    expect(byPath.get(join(folder, 'truncated.dcm'))?.code).toBe('malformed');
    expect(byPath.get(join(folder, 'IM0001'))?.message).toMatch(/empty|zero/i);
    expect(byPath.get(join(folder, 'garbage.dcm'))?.code).toBe('not-dicom');
    expect(byPath.has(join(folder, 'README.txt'))).toBe(false);
    expect(byPath.get(join(folder, 'pipe.dcm'))?.message).toMatch(/not a regular file/);
    expect(byPath.get(join(folder, 'dangling.dcm'))?.message).toMatch(/does not exist|dangling/);
    expect(byPath.get(join(folder, 'self-a'))?.message).toMatch(/symlink loop/);
    expect(byPath.get(join(dir, 'nonexistent'))?.code).toBe('not-found');
    if (!asRoot) expect(byPath.get(join(folder, 'noperm.dcm'))?.message).toMatch(/permission denied/);
    for (const e of r.errors) expect(e.message).toContain(e.path);
    // Re-opening does not duplicate.
    await lib.open([folder]);
    expect(lib.list().studies.flatMap((s) => s.series.flatMap((se) => se.instances))).toHaveLength(loaded.length);
  }, T);

  it('reports a path that is a directory or a FIFO when opened as a file', async () => {
    const { readDicomFile } = await import('../../../src/main/services/dicom/parse-file.ts');
    await expect(readDicomFile(dir)).rejects.toMatchObject({ kind: 'unreadable', message: `${dir}: is a directory, not a file` });
    const fifo = join(dir, 'fifo2');
    execFileSync('mkfifo', [fifo]);
    await expect(readDicomFile(fifo)).rejects.toMatchObject({ kind: 'unreadable' });
  }, T);
});
