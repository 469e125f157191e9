/**
 * The catalog's SQLite tables (schema.ts): writes in batches during an import, and the reads behind the
 * contract. Every batch is one transaction holding complete studies (the study row with its files, labels
 * and tracings), so a process killed mid-import leaves the catalog at its last committed batch and never
 * holds half a study. WAL mode (db/sqlite.ts) keeps readers (the UI) unblocked while an import writes.
 */
import { basename, sep } from 'node:path';
import type { CatalogDataset, CatalogIssue, CatalogStudy, Provenance, TracingFrameLines } from '../../../../shared/catalog-types.ts';
import type { DatasetLayout, LabelMapRef, StudyRecord, StudySource } from '../../../../shared/dataset-types.ts';
import { AppError } from '../../../../shared/errors.ts';
import { migrate, openDatabase, transaction, type Database } from '../../db/sqlite.ts';
import type { StudyProvenance } from './provenance.ts';
import { CATALOG_COMPONENT, CATALOG_MIGRATIONS } from './schema.ts';
import { recordHash, searchText, studyTitle, toCatalogStudy, type StudyDbRow } from './study-rows.ts';

/** Bump when importers change what they produce: cached probes and "unchanged" shortcuts are then ignored. */
export const IMPORTER_VERSION = 1;

export interface FileRow {
  size: number;
  mtimeMs: number;
  probeKind: string | null;
  probeJson: string | null;
}

export interface ProbeRow extends FileRow {
  path: string;
}

export interface DatasetRow {
  id: number;
  layout: DatasetLayout;
  root: string;
  name: string;
  provenance: Provenance;
  provenanceJson: string;
  status: 'importing' | 'complete';
  importerVersion: number;
  importSeq: number;
}

export interface BatchCounts {
  added: number;
  updated: number;
  unchanged: number;
}

export const within = (path: string, scope: string): boolean => path === scope || path.startsWith(scope.endsWith(sep) ? scope : scope + sep);

const STUDY_COLUMNS = [
  'id', 'dataset_id', 'layout', 'format', 'title', 'patient', 'view', 'frames', 'rows', 'columns', 'frame_rate_hz', 'frame_rate_source',
  'ed_frame', 'es_frame', 'ef', 'edv', 'esv', 'image_quality', 'sex', 'age', 'split', 'has_labels', 'label_values', 'provenance',
  'provenance_json', 'sequence_path', 'warnings_json', 'search_text', 'record_hash', 'available', 'problem', 'seen_seq', 'imported_at', 'updated_at',
] as const;
const UPDATED_ON_CONFLICT = STUDY_COLUMNS.filter((c) => c !== 'id' && c !== 'imported_at');

export class CatalogStore {
  readonly db: Database;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.db = openDatabase(path);
    // 32 MiB of page cache (SQLite's default is 2 MiB): the browser's queries scan `studies`, which at
    // EchoNet scale is a few MiB, so it stays in memory between queries.
    this.db.exec('PRAGMA cache_size = -32768');
    migrate(this.db, CATALOG_COMPONENT, CATALOG_MIGRATIONS);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  // ---- datasets ----

  /** Creates or reopens the dataset row for an import and marks it importing under a new sequence number. */
  beginImport(layout: DatasetLayout, root: string, provenance: Provenance, provenanceDetail: Record<string, unknown>): { before: DatasetRow | null; now: DatasetRow } {
    return transaction(this.db, () => {
      const before = this.datasetByRoot(root);
      const at = new Date().toISOString();
      if (!before) {
        this.db
          .prepare('INSERT INTO datasets (layout, root, name, provenance, provenance_json, status, importer_version, import_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)')
          .run(layout, root, basename(root) || root, provenance, JSON.stringify(provenanceDetail), 'importing', IMPORTER_VERSION, at);
      } else {
        this.db
          .prepare("UPDATE datasets SET layout = ?, provenance = ?, provenance_json = ?, status = 'importing', import_seq = import_seq + 1 WHERE id = ?")
          .run(layout, provenance, JSON.stringify(provenanceDetail), before.id);
      }
      return { before, now: this.datasetByRoot(root)! };
    });
  }

  datasetByRoot(root: string): DatasetRow | null {
    const r = this.db.prepare('SELECT * FROM datasets WHERE root = ?').get(root) as Record<string, unknown> | undefined;
    return r ? toDatasetRow(r) : null;
  }

  datasetRow(id: number): DatasetRow {
    const r = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    if (!r) throw new AppError('not-found', `no dataset with id ${id} in the catalog`);
    return toDatasetRow(r);
  }

  datasets(): CatalogDataset[] {
    const rows = this.db
      .prepare(`SELECT d.*, (SELECT COUNT(*) FROM studies s WHERE s.dataset_id = d.id AND s.available = 1) AS study_count,
          (SELECT COUNT(*) FROM dataset_issues i WHERE i.dataset_id = d.id AND i.severity = 'error') AS error_count,
          (SELECT COUNT(*) FROM dataset_issues i WHERE i.dataset_id = d.id AND i.severity = 'warning') AS warning_count
        FROM datasets d ORDER BY d.name, d.id`)
      .all() as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: Number(r.id),
      layout: r.layout as DatasetLayout,
      root: String(r.root),
      name: String(r.name),
      provenance: r.provenance as Provenance,
      studyCount: Number(r.study_count),
      status: r.status as 'importing' | 'complete',
      importedAt: (r.imported_at as string | null) ?? null,
      errorCount: Number(r.error_count),
      warningCount: Number(r.warning_count),
    }));
  }

  /** Deletes a dataset with its studies, files, probes and issues (its source files are not touched). */
  removeDataset(id: number): number {
    this.datasetRow(id);
    return transaction(this.db, () => {
      const n = Number((this.db.prepare('SELECT COUNT(*) AS n FROM studies WHERE dataset_id = ?').get(id) as { n: number }).n);
      this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
      return n;
    });
  }

  issues(datasetId: number, offset: number, limit: number): { total: number; issues: CatalogIssue[] } {
    this.datasetRow(datasetId);
    const total = Number((this.db.prepare('SELECT COUNT(*) AS n FROM dataset_issues WHERE dataset_id = ?').get(datasetId) as { n: number }).n);
    const issues = this.db
      .prepare("SELECT severity, path, code, message FROM dataset_issues WHERE dataset_id = ? ORDER BY severity = 'warning', ord LIMIT ? OFFSET ?")
      .all(datasetId, limit, offset) as unknown as CatalogIssue[];
    return { total, issues: issues.map((i) => ({ path: i.path, code: i.code, message: i.message, severity: i.severity })) };
  }

  // ---- files and probes ----

  files(datasetId: number): Map<string, FileRow> {
    const out = new Map<string, FileRow>();
    const rows = this.db.prepare('SELECT path, size, mtime_ms, probe_kind, probe_json FROM dataset_files WHERE dataset_id = ?').all(datasetId) as Array<Record<string, unknown>>;
    for (const r of rows) out.set(String(r.path), { size: Number(r.size), mtimeMs: Number(r.mtime_ms), probeKind: (r.probe_kind as string | null) ?? null, probeJson: (r.probe_json as string | null) ?? null });
    return out;
  }

  // ---- studies ----

  /**
   * Writes complete studies and the probes read for them in one transaction. A study whose stored digest is
   * unchanged is only marked as seen by this import; a changed one is rewritten with its files, labels and
   * tracings, and its cached thumbnails are dropped.
   */
  writeBatch(dataset: DatasetRow, seq: number, studies: StudyRecord[], probes: ProbeRow[], provenance: (s: StudyRecord) => StudyProvenance): BatchCounts {
    const counts: BatchCounts = { added: 0, updated: 0, unchanged: 0 };
    const at = new Date().toISOString();
    const db = this.db;
    transaction(db, () => {
      const putProbe = db.prepare(
        'INSERT INTO dataset_files (path, dataset_id, size, mtime_ms, probe_kind, probe_json) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET dataset_id = excluded.dataset_id, size = excluded.size, mtime_ms = excluded.mtime_ms, probe_kind = excluded.probe_kind, probe_json = excluded.probe_json',
      );
      for (const p of probes) putProbe.run(p.path, dataset.id, p.size, p.mtimeMs, p.probeKind, p.probeJson);
      const existing = db.prepare('SELECT record_hash, available, dataset_id FROM studies WHERE id = ?');
      const seen = db.prepare('UPDATE studies SET seen_seq = ? WHERE id = ?');
      const upsert = db.prepare(
        `INSERT INTO studies (${STUDY_COLUMNS.join(', ')}) VALUES (${STUDY_COLUMNS.map(() => '?').join(', ')})
         ON CONFLICT(id) DO UPDATE SET ${UPDATED_ON_CONFLICT.map((c) => `${c} = excluded.${c}`).join(', ')}`,
      );
      const clear = ['study_files', 'study_labels', 'study_tracings', 'study_thumbnails'].map((t) => db.prepare(`DELETE FROM ${t} WHERE study_id = ?`));
      const putFile = db.prepare('INSERT INTO study_files (study_id, role, path) VALUES (?, ?, ?)');
      const putLabel = db.prepare('INSERT INTO study_labels (study_id, ord, kind, path, phase, frames_json) VALUES (?, ?, ?, ?, ?, ?)');
      const putTracing = db.prepare('INSERT OR REPLACE INTO study_tracings (study_id, frame, ord, lines_json, mask_area) VALUES (?, ?, ?, ?, ?)');
      for (const s of studies) {
        const prov = provenance(s);
        const hash = recordHash(s, prov.kind, prov.detail);
        const before = existing.get(s.id) as { record_hash: string; available: number; dataset_id: number } | undefined;
        if (before && before.record_hash === hash && before.available === 1 && before.dataset_id === dataset.id) {
          seen.run(seq, s.id);
          counts.unchanged++;
          continue;
        }
        if (before) counts.updated++;
        else counts.added++;
        upsert.run(
          s.id, dataset.id, s.dataset, s.format, studyTitle(s), s.patient, s.view, s.frames, s.rows, s.columns, s.frameRateHz, s.frameRateSource,
          s.edFrame, s.esFrame, s.ef, s.edv, s.esv, s.imageQuality, s.sex, s.age, s.split, s.labels.length > 0 ? 1 : 0, JSON.stringify(s.labelValues), prov.kind,
          JSON.stringify(prov.item ? { item: prov.item } : {}), s.sequencePath, JSON.stringify(s.warnings), searchText(s, dataset.name), hash, 1, null, seq, at, at,
        );
        for (const c of clear) c.run(s.id);
        for (const f of s.sources) putFile.run(s.id, f.role, f.path);
        s.labels.forEach((l, i) => putLabel.run(s.id, i, l.kind, l.path, l.phase ?? null, JSON.stringify(l.frames)));
        (s.tracings ?? []).forEach((t, i) => putTracing.run(s.id, t.frame, i, JSON.stringify(t.lines), t.maskArea));
      }
    });
    return counts;
  }

  /**
   * Ends an import: studies of this dataset inside `coverScope` that it did not see are marked unavailable
   * (kept, so work keyed on their ids survives), the file inventory and issues are replaced, and the
   * dataset is marked complete. One transaction.
   */
  finishImport(dataset: DatasetRow, seq: number, coverScope: string, inventory: Map<string, { size: number; mtimeMs: number }>, issues: CatalogIssue[]): { unavailable: number } {
    const db = this.db;
    return transaction(db, () => {
      const at = new Date().toISOString();
      const unseen = db.prepare('SELECT id, sequence_path, (SELECT path FROM study_files f WHERE f.study_id = s.id LIMIT 1) AS first_path, available FROM studies s WHERE dataset_id = ? AND seen_seq < ?').all(dataset.id, seq) as Array<{ id: string; sequence_path: string | null; first_path: string | null; available: number }>;
      const mark = db.prepare('UPDATE studies SET available = 0, problem = ?, updated_at = ? WHERE id = ?');
      let unavailable = 0;
      for (const u of unseen) {
        const p = u.sequence_path ?? u.first_path ?? '';
        if (!within(p, coverScope)) continue;
        if (u.available === 1) mark.run(`missing or unreadable at the import of ${at.slice(0, 19).replace('T', ' ')}; see the dataset's import problems`, at, u.id);
        unavailable++;
      }
      const known = this.files(dataset.id);
      const putFile = db.prepare(
        'INSERT INTO dataset_files (path, dataset_id, size, mtime_ms, probe_kind, probe_json) VALUES (?, ?, ?, ?, NULL, NULL) ON CONFLICT(path) DO UPDATE SET dataset_id = excluded.dataset_id, size = excluded.size, mtime_ms = excluded.mtime_ms, probe_kind = NULL, probe_json = NULL',
      );
      for (const [path, st] of inventory) {
        const k = known.get(path);
        if (!k || k.size !== st.size || k.mtimeMs !== st.mtimeMs) putFile.run(path, dataset.id, st.size, st.mtimeMs);
      }
      const drop = db.prepare('DELETE FROM dataset_files WHERE path = ?');
      for (const path of known.keys()) if (!inventory.has(path) && within(path, coverScope)) drop.run(path);
      db.prepare('DELETE FROM dataset_issues WHERE dataset_id = ?').run(dataset.id);
      const putIssue = db.prepare('INSERT INTO dataset_issues (dataset_id, ord, severity, path, code, message) VALUES (?, ?, ?, ?, ?, ?)');
      issues.forEach((i, n) => putIssue.run(dataset.id, n, i.severity, i.path, i.code, i.message));
      db.prepare("UPDATE datasets SET status = 'complete', importer_version = ?, imported_at = ? WHERE id = ?").run(IMPORTER_VERSION, at, dataset.id);
      return { unavailable };
    });
  }

  /** Ends an import that found nothing changed: only the status and time move. */
  finishUnchanged(dataset: DatasetRow): void {
    this.db.prepare("UPDATE datasets SET status = 'complete', imported_at = ? WHERE id = ?").run(new Date().toISOString(), dataset.id);
  }

  studyCounts(datasetId: number): { total: number; unavailable: number } {
    const r = this.db.prepare('SELECT COUNT(*) AS total, SUM(available = 0) AS unavailable FROM studies WHERE dataset_id = ?').get(datasetId) as { total: number; unavailable: number | null };
    return { total: Number(r.total), unavailable: Number(r.unavailable ?? 0) };
  }

  study(id: string): CatalogStudy {
    const r = this.db.prepare('SELECT * FROM studies WHERE id = ?').get(id) as StudyDbRow | undefined;
    if (!r) throw new AppError('not-found', `no study ${id} in the catalog`);
    const ds = this.db.prepare('SELECT root, provenance_json FROM datasets WHERE id = ?').get(r.dataset_id) as { root: string; provenance_json: string };
    const root = ds.root;
    const sources = this.db.prepare('SELECT role, path FROM study_files WHERE study_id = ? ORDER BY rowid').all(id) as unknown as StudySource[];
    const labels = (this.db.prepare('SELECT kind, path, phase, frames_json FROM study_labels WHERE study_id = ? ORDER BY ord').all(id) as Array<Record<string, unknown>>).map(
      (l): LabelMapRef => ({ kind: l.kind as LabelMapRef['kind'], path: String(l.path), frames: JSON.parse(String(l.frames_json)) as number[], ...(l.phase ? { phase: l.phase as 'ED' | 'ES' } : {}) }),
    );
    const tracedFrames = (this.db.prepare('SELECT frame FROM study_tracings WHERE study_id = ? ORDER BY ord').all(id) as Array<{ frame: number }>).map((t) => Number(t.frame));
    const study = toCatalogStudy(r, { datasetRoot: root, sources: sources.map((s) => ({ role: s.role, path: s.path })), labels, tracedFrames });
    // The dataset's provenance (release, manifest fields) with the item's own entry, if any.
    study.provenanceDetail = { ...(JSON.parse(ds.provenance_json) as Record<string, unknown>), ...study.provenanceDetail };
    return study;
  }

  tracings(id: string): Array<TracingFrameLines & { maskArea: number }> {
    const s = this.study(id);
    const rows = this.db.prepare('SELECT frame, lines_json, mask_area FROM study_tracings WHERE study_id = ? ORDER BY ord').all(id) as Array<{ frame: number; lines_json: string; mask_area: number }>;
    return rows.map((r) => ({
      frame: Number(r.frame),
      phase: r.frame === s.edFrame ? 'ED' : r.frame === s.esFrame ? 'ES' : null,
      lines: JSON.parse(r.lines_json) as Array<[number, number, number, number]>,
      maskArea: Number(r.mask_area),
    }));
  }

  thumbnail(id: string, size: number): { width: number; height: number; channels: number; pixels: Uint8Array } | null {
    const r = this.db.prepare('SELECT width, height, channels, pixels FROM study_thumbnails WHERE study_id = ? AND size = ?').get(id, size) as { width: number; height: number; channels: number; pixels: Uint8Array } | undefined;
    return r ? { width: Number(r.width), height: Number(r.height), channels: Number(r.channels), pixels: new Uint8Array(r.pixels) } : null;
  }

  putThumbnail(id: string, size: number, t: { width: number; height: number; channels: number; pixels: Uint8Array }): void {
    this.db.prepare('INSERT OR REPLACE INTO study_thumbnails (study_id, size, width, height, channels, pixels) VALUES (?, ?, ?, ?, ?, ?)').run(id, size, t.width, t.height, t.channels, t.pixels);
  }
}

function toDatasetRow(r: Record<string, unknown>): DatasetRow {
  return {
    id: Number(r.id),
    layout: r.layout as DatasetLayout,
    root: String(r.root),
    name: String(r.name),
    provenance: r.provenance as Provenance,
    provenanceJson: String(r.provenance_json),
    status: r.status as 'importing' | 'complete',
    importerVersion: Number(r.importer_version),
    importSeq: Number(r.import_seq),
  };
}
