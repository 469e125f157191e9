/**
 * Drafts in catalog.sqlite through the label service: save, fetch, list, conflicts, validation, and a crash
 * test that kills a writer process mid-save again and again and checks the survivor is one whole revision.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabelService } from '../../../src/main/services/labels/index.ts';
import { LabelStore } from '../../../src/main/services/labels/label-store.ts';
import { openDatabase } from '../../../src/main/services/db/sqlite.ts';
import { labelMapChecksum } from '../../../src/shared/labels/label-map.ts';
import { encodeMapText } from '../../../src/shared/labels/map-codec.ts';
import { CAMUS_LABELS } from '../../../src/shared/labels/palette.ts';
import { contentOf, CRASH_FRAMES } from './crash-content.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
/** The embedded default study: a real 256 x 256, 40-frame US cine, so geometry comes from a real header. */
const IMAGE = join(ROOT, 'resources/default-study/phantom-a4c.dcm');
const key = { kind: 'dicom-file' as const, path: IMAGE };
const dir = mkdtempSync(join(tmpdir(), 'cs-labels-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function disc(label: number, r: number, size = 256): Uint8Array {
  const d = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((x - 128) ** 2 + (y - 120) ** 2 < r * r) d[y * size + x] = label;
  return d;
}

describe('label drafts', () => {
  it('saves frames, fetches the current map of frame F, lists and discards drafts', async () => {
    const svc = new LabelService(join(dir, 'a'));
    expect(svc.draft(key)).toBeNull();
    expect(svc.get(key, 3)).toBeNull();
    const a = disc(1, 40);
    const b = disc(2, 60);
    const r1 = await svc.put({ key, width: 256, height: 256, frameCount: 40, frames: [{ frame: 3, map: encodeMapText(a) }], palette: [...CAMUS_LABELS], expectedRevision: null });
    expect(r1.revision).toBe(1);
    const r2 = await svc.put({ key, width: 256, height: 256, frameCount: 40, frames: [{ frame: 3, map: encodeMapText(b) }, { frame: 7, map: encodeMapText(new Uint8Array(256 * 256)) }], palette: [...CAMUS_LABELS], source: { kind: 'file', path: '/x/gt.nii.gz', format: 'nifti' }, expectedRevision: 1 });
    expect(r2.revision).toBe(2);
    const got = svc.get(key, 3)!;
    expect(got.data).toEqual(b);
    expect(got.checksum).toBe(labelMapChecksum(b));
    expect(got.revision).toBe(2);
    const d = svc.draft(key)!;
    expect(d).toMatchObject({ width: 256, height: 256, frameCount: 40, frames: [3, 7], labelledFrames: [3], revision: 2, title: 'phantom-a4c.dcm', source: { kind: 'file', format: 'nifti' } });
    expect(svc.list().map((x) => x.keyId)).toEqual([`dicom-file:${IMAGE}`]);
    // Another process (the CLI, a second window) sees the same draft.
    const other = new LabelService(join(dir, 'a'));
    expect(other.get(key, 3)!.checksum).toBe(got.checksum);
    other.close();
    expect(svc.discard(key)).toBe(true);
    expect(svc.draft(key)).toBeNull();
    expect(svc.get(key, 3)).toBeNull();
    svc.close();
  });

  it('refuses a save based on an old revision, a wrong size, values outside the palette and a relative key, writing nothing', async () => {
    const svc = new LabelService(join(dir, 'b'));
    const base = { key, width: 256, height: 256, frameCount: 40, palette: [...CAMUS_LABELS] };
    await svc.put({ ...base, frames: [{ frame: 0, map: encodeMapText(disc(1, 30)) }], expectedRevision: null });
    await svc.put({ ...base, frames: [{ frame: 0, map: encodeMapText(disc(1, 31)) }], expectedRevision: 1 });
    await expect(svc.put({ ...base, frames: [{ frame: 0, map: encodeMapText(disc(2, 50)) }], expectedRevision: 1 })).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/saved elsewhere \(revision 2; this editor has 1\)/) });
    await expect(svc.put({ ...base, frames: [], expectedRevision: null })).rejects.toMatchObject({ kind: 'conflict' });
    await expect(svc.put({ ...base, width: 128, height: 128, frames: [], expectedRevision: 2 })).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/is 256x256 with 40 frame\(s\), not 128x128/) });
    await expect(svc.put({ ...base, frames: [{ frame: 0, map: encodeMapText(disc(4, 10)) }], expectedRevision: 2 })).rejects.toMatchObject({ kind: 'invalid-argument', message: expect.stringMatching(/value 4 .* not in the palette/) });
    await expect(svc.put({ ...base, frames: [{ frame: 0, map: encodeMapText(new Uint8Array(100)) }], expectedRevision: 2 })).rejects.toMatchObject({ kind: 'invalid-argument', message: expect.stringMatching(/does not decode/) });
    expect(() => svc.get({ kind: 'dicom-file', path: 'relative.dcm' }, 0)).toThrow(/absolute path/);
    expect(svc.get(key, 0)!.data).toEqual(disc(1, 31));
    expect(svc.draft(key)!.revision).toBe(2);
    svc.close();
  });

  it('reports a stored frame whose bytes were damaged instead of returning wrong labels', async () => {
    const svc = new LabelService(join(dir, 'c'));
    await svc.put({ key, width: 256, height: 256, frameCount: 40, frames: [{ frame: 1, map: encodeMapText(disc(2, 70)) }], palette: [...CAMUS_LABELS], expectedRevision: null });
    svc.close();
    const db = openDatabase(join(dir, 'c', 'catalog.sqlite'));
    db.prepare("UPDATE label_frames SET checksum = '00000000000000'").run();
    db.close();
    const again = new LabelService(join(dir, 'c'));
    expect(() => again.get(key, 1)).toThrow(/checksum .* does not match/);
    again.close();
  });
});

describe('crash safety', () => {
  it('a writer killed mid-save 6 times always leaves one whole, readable revision, and the next start continues from it', async () => {
    // The writer pauses 20 ms inside each transaction (the store's test hook) so most kills land between the
    // frames being written and COMMIT: the case that must leave the previous revision untouched.
    let killedInsideTransaction = 0;
    const dbPath = join(dir, 'crash', 'catalog.sqlite');
    const image = '/nonexistent/crash-image.dcm';
    const writer = join(import.meta.dirname, 'crash-writer.ts');
    let lastRevision = 0;
    for (let round = 0; round < 6; round++) {
      const env = { ...process.env, CARDIOSYNTH_TEST_LABELS_SAVE_DELAY_MS: '20' };
      const child = spawn(process.execPath, [writer, dbPath, image], { stdio: ['ignore', 'pipe', 'pipe'], env });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await new Promise<void>((res, rej) => {
        child.stdout.once('data', () => res());
        child.once('exit', (code) => rej(new Error(`writer exited ${code}: ${err}`)));
      });
      // Let it save for a while (each save is a few ms), then kill it without warning.
      await new Promise((r) => setTimeout(r, 150 + round * 70));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const store = new LabelStore(dbPath);
      const k = { kind: 'dicom-file' as const, path: image };
      const d = store.draft(k)!;
      expect(d.revision).toBeGreaterThan(lastRevision);
      const started = [...err.matchAll(/saving revision (\d+)/g)].map((m) => Number(m[1]));
      if (started.at(-1) === d.revision + 1) killedInsideTransaction++;
      lastRevision = d.revision;
      for (let f = 0; f < CRASH_FRAMES; f++) {
        const m = store.get(k, f)!;
        expect(m.revision, `frame ${f}`).toBe(d.revision);
        expect(m.checksum, `frame ${f} of revision ${d.revision}`).toBe(labelMapChecksum(contentOf(d.revision, f)));
      }
      const db = openDatabase(dbPath, { readOnly: true });
      expect((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check).toBe('ok');
      db.close();
      store.close();
    }
    expect(lastRevision).toBeGreaterThan(6);
    expect(killedInsideTransaction).toBeGreaterThan(0);
  });
});
