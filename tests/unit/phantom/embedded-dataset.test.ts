/**
 * The embedded phantom dataset (resources/phantom-camus): the demo dataset imported at first start. It imports
 * cleanly as CAMUS with both views of every patient, and the command recorded in it rebuilds it byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../src/main/services/datasets/index.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const DIR = join(ROOT, 'resources', 'phantom-camus');
const tmp = mkdtempSync(join(tmpdir(), 'cs-embedded-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const files = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
};

describe('embedded phantom dataset', () => {
  it('imports as CAMUS: three synthetic patients, 2CH and 4CH, labelled cines', async () => {
    const d = await importDataset(DIR);
    expect(d.layout).toBe('camus-nifti');
    expect(d.errors).toEqual([]);
    // Numbered past CAMUS's patient0001-0500: catalog ids come from the names, and the demo sits in users'
    // catalogs beside the real CAMUS, whose studies must never be taken for (or moved into) the demo's.
    expect(d.studies.map((s) => s.id)).toEqual(['patient9001', 'patient9002', 'patient9003'].flatMap((p) => [`camus:${p}:2CH`, `camus:${p}:4CH`]));
    for (const s of d.studies) {
      expect(s).toMatchObject({ frames: 16, rows: 256, columns: 256, edFrame: 0, esFrame: 15, frameRateSource: 'camus-cfg' });
      expect(s.labels.map((l) => l.kind)).toEqual(['sequence-gt', 'gt', 'gt']);
      expect(readFileSync(join(DIR, 'database_nifti', s.patient!, `Info_${s.view}.cfg`), 'utf8')).toContain('Synthetic: yes\n');
    }
    const note = JSON.parse(readFileSync(join(DIR, 'cardiosynth-dataset.json'), 'utf8'));
    expect(note.synthetic).toBe(true);
  });

  it('is rebuilt byte for byte by the command it records', () => {
    const note = JSON.parse(readFileSync(join(DIR, 'cardiosynth-dataset.json'), 'utf8'));
    const args: string[] = note.command.split(' ').slice(2);
    const out = join(tmp, 'again');
    args[args.indexOf('--out') + 1] = out;
    const r = spawnSync(join(ROOT, 'bin', 'cardiosynth'), ['phantom', ...args], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(files(out)).toEqual(files(DIR));
    for (const f of files(DIR).filter((x) => x !== 'cardiosynth-dataset.json')) expect(readFileSync(join(out, f)).equals(readFileSync(join(DIR, f))), `${f} differs: run npm run make:phantom-dataset`).toBe(true);
  });
});
