/**
 * Keyed pseudonyms: the key is made once per user data folder (readable by its owner only), is what makes
 * pseudonyms stable across exports, and without it a pseudonym cannot be recomputed from a guessed id.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultKeyPath, loadOrCreateKey, Pseudonymizer } from '../../../src/main/services/export/index.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir('pseudonym');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pseudonym key and pseudonyms', () => {
  it('creates the key once, owner-only, and reads the same key after', () => {
    const path = defaultKeyPath(join(tmp, 'data'));
    const a = loadOrCreateKey(path);
    expect(a).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKey(path).equals(a)).toBe(true);
    expect(readFileSync(path, 'utf8').trim()).toBe(a.toString('hex'));
    writeFileSync(path, 'not a key\n');
    expect(() => loadOrCreateKey(path)).toThrow(/pseudonym-key: the pseudonym key must be 64 hexadecimal digits/);
  });

  it('gives stable, key-dependent, domain-separated pseudonyms and UIDs', () => {
    const p = new Pseudonymizer(Buffer.alloc(32, 1));
    const q = new Pseudonymizer(Buffer.alloc(32, 2));
    expect(p.patient('13US1')).toMatch(/^P[0-9a-f]{10}$/);
    expect(p.patient('13US1')).toBe(new Pseudonymizer(Buffer.alloc(32, 1)).patient('13US1'));
    expect(q.patient('13US1')).not.toBe(p.patient('13US1'));
    expect(p.source('13US1').slice(1, 11)).not.toBe(p.patient('13US1').slice(1));
    // Not a plain hash of the id: knowing the id without the key gives nothing.
    expect(p.patient('13US1').slice(1)).not.toBe(createHash('sha256').update('13US1').digest('hex').slice(0, 10));
    const uid = p.uid('item-1', 'sop-instance');
    expect(uid).toMatch(/^2\.25\.\d{30,39}$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(p.uid('item-1', 'series')).not.toBe(uid);
    expect(() => new Pseudonymizer(Buffer.alloc(8))).toThrow(/shorter than 128 bits/);
  });
});
