/** The shared SQLite opener and per-component migrations. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, transaction, type Migration } from '../../../src/main/services/db/sqlite.ts';

const dir = mkdtempSync(join(tmpdir(), 'cs-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const steps: Migration[] = [
  { version: 1, description: 'items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)' },
  { version: 2, description: 'item size', up: 'ALTER TABLE items ADD COLUMN size INTEGER NOT NULL DEFAULT 0' },
];

describe('sqlite', () => {
  it('opens in WAL mode and applies each component’s migrations once, in order', () => {
    const path = join(dir, 'a.sqlite');
    const db = openDatabase(path);
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    expect(migrate(db, 'alpha', steps.slice(0, 1))).toBe(1);
    expect(migrate(db, 'alpha', steps)).toBe(2);
    expect(migrate(db, 'beta', [{ version: 1, description: 'other', up: 'CREATE TABLE other (x)' }])).toBe(1);
    db.prepare('INSERT INTO items (name, size) VALUES (?, ?)').run('x', 3);
    db.close();
    const again = openDatabase(path);
    expect(migrate(again, 'alpha', steps)).toBe(2);
    const versions = again.prepare('SELECT component, version FROM schema_migrations ORDER BY component, version').all();
    expect(versions.map((r) => `${r.component}:${r.version}`)).toEqual(['alpha:1', 'alpha:2', 'beta:1']);
    again.close();
  });

  it('refuses a database newer than the code, and rolls back a failed step entirely', () => {
    const db = openDatabase(join(dir, 'b.sqlite'));
    migrate(db, 'alpha', steps);
    expect(() => migrate(db, 'alpha', steps.slice(0, 1))).toThrow(/schema version 2, newer than this Cardiosynth knows \(1\)/);
    const bad: Migration[] = [...steps, { version: 3, description: 'broken', up: 'CREATE TABLE t3 (a); CREATE TABLE items (dup)' }];
    expect(() => migrate(db, 'alpha', bad)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't3'").get()).toBeUndefined();
    expect(() => transaction(db, () => {
      db.prepare('INSERT INTO items (name) VALUES (?)').run('gone');
      throw new Error('abort');
    })).toThrow('abort');
    expect(db.prepare("SELECT COUNT(*) AS n FROM items WHERE name = 'gone'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('keeps every committed row when the writing process is killed mid-transaction', () => {
    const path = join(dir, 'c.sqlite');
    const db = openDatabase(path);
    migrate(db, 'alpha', steps);
    db.close();
    // A child commits 100 rows, then starts a big transaction and is SIGKILLed inside it.
    const script = `
      import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, '../../../src/main/services/db/sqlite.ts'))};
      const db = openDatabase(${JSON.stringify(path)});
      const ins = db.prepare('INSERT INTO items (name) VALUES (?)');
      for (let i = 0; i < 100; i++) ins.run('committed');
      db.exec('BEGIN');
      for (let i = 0; i < 50000; i++) ins.run('uncommitted');
      process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.signal).toBe('SIGKILL');
    const after = openDatabase(path);
    expect(after.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    expect(after.prepare("SELECT name, COUNT(*) AS n FROM items GROUP BY name").all()).toEqual([{ name: 'committed', n: 100 }]);
    after.close();
  });
});
