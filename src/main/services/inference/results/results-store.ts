/**
 * The gallery: generated images in <dataDir>/results, indexed in the catalog database (component "results")
 * with whether the user kept them. The files are the truth (each sidecar is a complete record); the index is
 * for listing fast and for the keep flag. Discarding removes the image, its sidecar and its label map.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import type { ResultImage, ResultRecord, ResultSummary } from '../../../../shared/inference-types.ts';
import { migrate, openDatabase, type Database } from '../../db/sqlite.ts';
import { decodePng } from '../images/png-decode.ts';
import { resizeNearest } from '../images/resample.ts';
import { writeResultFiles, type ResultPixels } from './result-files.ts';

const MIGRATIONS = [
  {
    version: 1,
    description: 'generated images and their keep flag',
    up: `CREATE TABLE inference_results (
      id TEXT PRIMARY KEY,
      created TEXT NOT NULL,
      kept INTEGER NOT NULL DEFAULT 0,
      job_id TEXT,
      record TEXT NOT NULL
    );
    CREATE INDEX inference_results_created ON inference_results (created)`,
  },
];

interface Row {
  id: string;
  created: string;
  kept: number;
  job_id: string | null;
  record: string;
}

export class ResultsStore {
  readonly dir: string;
  private db: Database | null = null;
  private readonly dbPath: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'results');
    this.dbPath = join(dataDir, 'catalog.sqlite');
  }

  /** Opened on first use, so listing packs or a CLI run to --out never touches the catalog. */
  private open(): Database {
    if (!this.db) {
      this.db = openDatabase(this.dbPath);
      migrate(this.db, 'results', MIGRATIONS);
    }
    return this.db;
  }

  /** Writes the files and records the result (not yet kept). */
  add(record: ResultRecord, img: ResultPixels, jobId: string | null): ResultSummary {
    const files = writeResultFiles(this.dir, record, img);
    const full: ResultRecord = { ...record, files, labelMap: { ...record.labelMap, savedAs: files.labels } };
    this.open().prepare('INSERT INTO inference_results (id, created, kept, job_id, record) VALUES (?, ?, 0, ?, ?)').run(full.id, full.created, jobId, JSON.stringify(full));
    return { id: full.id, created: full.created, kept: false, jobId, record: full };
  }

  list(): ResultSummary[] {
    const rows = this.open().prepare('SELECT id, created, kept, job_id, record FROM inference_results ORDER BY created DESC, id DESC').all() as unknown as Row[];
    return rows.map((r) => ({ id: r.id, created: r.created, kept: r.kept === 1, jobId: r.job_id, record: JSON.parse(r.record) as ResultRecord }));
  }

  get(id: string): ResultSummary {
    const r = this.open().prepare('SELECT id, created, kept, job_id, record FROM inference_results WHERE id = ?').get(id) as unknown as Row | undefined;
    if (!r) throw new AppError('not-found', `No generated image ${id} in the gallery`);
    return { id: r.id, created: r.created, kept: r.kept === 1, jobId: r.job_id, record: JSON.parse(r.record) as ResultRecord };
  }

  keep(id: string, kept: boolean): ResultSummary {
    this.get(id);
    this.open().prepare('UPDATE inference_results SET kept = ? WHERE id = ?').run(kept ? 1 : 0, id);
    return this.get(id);
  }

  /** Deletes the image, its sidecar and label map, then the index row. */
  discard(id: string): void {
    const r = this.get(id);
    for (const f of [r.record.files.image, r.record.files.labels, r.record.files.sidecar]) {
      try {
        rmSync(f, { force: true });
      } catch (e) {
        throw new AppError('io', `${f}: cannot delete (${(e as Error).message})`);
      }
    }
    this.open().prepare('DELETE FROM inference_results WHERE id = ?').run(id);
  }

  /** The image, and its label map at the image's (the pack's) resolution. */
  image(id: string): ResultImage {
    const r = this.get(id);
    const img = this.readPng(id, r.record.files.image);
    const l = this.labels(id);
    return { id, width: img.width, height: img.height, channels: img.channels === 3 ? 3 : 1, pixels: img.samples as Uint8Array, labels: resizeNearest(l.labels, l.width, l.height, img.width, img.height) };
  }

  /** The label map as it was given, at its own size. */
  labels(id: string): { width: number; height: number; labels: Uint8Array } {
    const png = this.readPng(id, this.get(id).record.files.labels);
    return { width: png.width, height: png.height, labels: png.samples as Uint8Array };
  }

  private readPng(id: string, path: string) {
    try {
      return decodePng(readFileSync(path), path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('not-found', `${path}: the file of result ${id} is gone`);
      throw e;
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }
}
