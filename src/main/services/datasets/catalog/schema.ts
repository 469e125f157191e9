/**
 * The catalog's tables in <dataDir>/catalog.sqlite, component `catalog` in schema_migrations. Other components
 * (label drafts, the generation gallery) keep their own tables in the same file under their own names.
 *
 *   datasets          one imported dataset root: layout, provenance, import status
 *   studies           one viewable study (CAMUS patient view, EchoNet video, loose file) with its clinical
 *                     fields, split, provenance and the text the browser searches; never deleted by a
 *                     re-import (marked unavailable instead) so work keyed on its id is not orphaned
 *   study_files       the files of a study and their role (cine, ED/ES images, ground truths, video)
 *   study_labels      the label maps of a study and the frames they label
 *   study_tracings    EchoNet tracing lines per traced frame
 *   study_thumbnails  cached thumbnails (grey or RGB bytes), dropped when the study changes
 *   dataset_files     every input file seen at the last import with its size and mtime, and what reading it
 *                     gave (the probe): what makes a re-import read only what changed
 *   dataset_issues    the per-item problems of a dataset's last import
 */
import type { Migration } from '../../db/sqlite.ts';

export const CATALOG_COMPONENT = 'catalog';

export const CATALOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'datasets, studies, their files, labels, tracings, thumbnails, file probes and import issues',
    up: `
      CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        layout TEXT NOT NULL,
        root TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        provenance TEXT NOT NULL DEFAULT 'real' CHECK (provenance IN ('real', 'synthetic')),
        provenance_json TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL DEFAULT 'importing' CHECK (status IN ('importing', 'complete')),
        importer_version INTEGER NOT NULL DEFAULT 0,
        import_seq INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        imported_at TEXT
      );
      CREATE TABLE studies (
        id TEXT PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        layout TEXT NOT NULL,
        format TEXT NOT NULL,
        title TEXT NOT NULL,
        patient TEXT,
        view TEXT,
        frames INTEGER,
        rows INTEGER,
        columns INTEGER,
        frame_rate_hz REAL,
        frame_rate_source TEXT,
        ed_frame INTEGER,
        es_frame INTEGER,
        ef REAL,
        edv REAL,
        esv REAL,
        image_quality TEXT,
        sex TEXT,
        age REAL,
        split TEXT,
        has_labels INTEGER NOT NULL DEFAULT 0,
        label_values TEXT NOT NULL DEFAULT '[]',
        provenance TEXT NOT NULL DEFAULT 'real' CHECK (provenance IN ('real', 'synthetic')),
        provenance_json TEXT NOT NULL DEFAULT '{}',
        sequence_path TEXT,
        warnings_json TEXT NOT NULL DEFAULT '[]',
        search_text TEXT NOT NULL,
        record_hash TEXT NOT NULL,
        available INTEGER NOT NULL DEFAULT 1,
        problem TEXT,
        seen_seq INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX studies_by_dataset ON studies (dataset_id, seen_seq);
      CREATE INDEX studies_by_ef ON studies (ef);
      CREATE INDEX studies_by_patient ON studies (patient);
      CREATE INDEX studies_by_view ON studies (view);
      CREATE TABLE study_files (
        study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        path TEXT NOT NULL,
        PRIMARY KEY (study_id, role)
      );
      CREATE TABLE study_labels (
        study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        kind TEXT NOT NULL,
        path TEXT NOT NULL,
        phase TEXT,
        frames_json TEXT NOT NULL,
        PRIMARY KEY (study_id, ord)
      );
      CREATE TABLE study_tracings (
        study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        frame INTEGER NOT NULL,
        ord INTEGER NOT NULL,
        lines_json TEXT NOT NULL,
        mask_area INTEGER NOT NULL,
        PRIMARY KEY (study_id, frame)
      );
      CREATE TABLE study_thumbnails (
        study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        channels INTEGER NOT NULL,
        pixels BLOB NOT NULL,
        PRIMARY KEY (study_id, size)
      );
      CREATE TABLE dataset_files (
        path TEXT PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        probe_kind TEXT,
        probe_json TEXT
      );
      CREATE INDEX dataset_files_by_dataset ON dataset_files (dataset_id);
      CREATE TABLE dataset_issues (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
        path TEXT NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (dataset_id, ord)
      );
    `,
  },
];
