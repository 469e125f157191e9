/**
 * The one way services open the user's SQLite databases: Node's built-in `node:sqlite` (SQLite 3.5x compiled
 * into Node and Electron), so there is no native addon to build for two ABIs (Node 24 for the CLI and serve,
 * Electron's Node for the app) and nothing to download at install time.
 *
 * Every connection runs in WAL mode: readers never block the writer, and a process killed mid-write leaves the
 * last committed state intact (the uncommitted tail of the WAL is discarded on the next open).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type Database = DatabaseSync;

export interface OpenOptions {
  /** Open an existing file read-only (no migrations, no writes). */
  readOnly?: boolean;
}

/** Opens (creating when needed) the database at `path`, or ':memory:'. */
export function openDatabase(path: string, opts: OpenOptions = {}): Database {
  if (path !== ':memory:' && !opts.readOnly) mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { readOnly: opts.readOnly ?? false });
  // busy_timeout first: another connection (the CLI importing while the app runs) may hold the write lock.
  db.exec('PRAGMA busy_timeout = 10000');
  if (!opts.readOnly) {
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives the process being killed; only an OS crash or
    // power loss can roll back the last few commits, never corrupt the file.
    db.exec('PRAGMA synchronous = NORMAL');
  }
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

/** Runs `fn` in one transaction: all of it commits, or none of it does. Nested calls join the outer one. */
export function transaction<T>(db: Database, fn: () => T): T {
  if (db.isTransaction) return fn();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/** One schema step: `version` counts up from 1 within its component; `up` is SQL or a function. */
export interface Migration {
  version: number;
  description: string;
  up: string | ((db: Database) => void);
}

/**
 * Brings `component`'s tables up to its newest migration. Several components (the catalog, label drafts,
 * the results gallery) share one database file, each with its own numbered migrations, recorded in
 * `schema_migrations`. Each step runs in its own transaction with its record, so a crash between steps leaves
 * a database at an exact earlier version, which the next open continues from. A database written by a newer
 * Cardiosynth (a version this code does not know) is refused rather than silently misread.
 */
export function migrate(db: Database, component: string, migrations: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (component, version)
  )`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations for ${component}: expected version ${i + 1}, found ${m.version}`);
  });
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations WHERE component = ?').get(component) as { v: number | null };
  const current = row.v ?? 0;
  if (current > sorted.length) {
    throw new Error(`the ${component} tables are at schema version ${current}, newer than this Cardiosynth knows (${sorted.length}); use a newer Cardiosynth or another data folder (CARDIOSYNTH_DATA_DIR)`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (component, version, description, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of sorted.slice(current)) {
    transaction(db, () => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(component, m.version, m.description, new Date().toISOString());
    });
  }
  return sorted.length;
}
