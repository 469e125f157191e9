/**
 * Label-map drafts in the catalog database (`<dataDir>/catalog.sqlite`, component 'labels'). One row per
 * draft (the image it labels, its palette, where it started, a revision) and one per saved frame (the pixels as
 * map-codec runs, with a checksum). A save is one transaction: SQLite's WAL keeps the previous committed state
 * whole if the process dies mid-save, and the checksum catches a frame that does not decode to what was saved.
 */
import { AppError } from '../../../shared/errors.ts';
import type { LabelDraftSummary, LabelSource, StoredLabelMap } from '../../../shared/contract/labels.ts';
import { imageKeyId, imageKeyTitle, parseImageKeyId, type ImageKey } from '../../../shared/labels/image-key.ts';
import { labelMapChecksum } from '../../../shared/labels/label-map.ts';
import { decodeRuns, encodeRuns } from '../../../shared/labels/map-codec.ts';
import type { LabelDef } from '../../../shared/labels/palette.ts';
import { migrate, openDatabase, transaction, type Database, type Migration } from '../db/sqlite.ts';

export const LABEL_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'label-map drafts and their frames',
    up: `
      CREATE TABLE label_drafts (
        key_id TEXT PRIMARY KEY,
        key_json TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        frame_count INTEGER NOT NULL,
        palette_json TEXT NOT NULL,
        source_json TEXT NOT NULL,
        revision INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE label_frames (
        key_id TEXT NOT NULL REFERENCES label_drafts(key_id) ON DELETE CASCADE,
        frame INTEGER NOT NULL,
        runs BLOB NOT NULL,
        checksum TEXT NOT NULL,
        labelled_pixels INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (key_id, frame)
      );
      CREATE INDEX label_drafts_updated ON label_drafts(updated_at);
    `,
  },
];

export interface FrameToSave {
  frame: number;
  data: Uint8Array;
}

export interface SaveRequest {
  key: ImageKey;
  width: number;
  height: number;
  frameCount: number;
  frames: FrameToSave[];
  palette: LabelDef[];
  source?: LabelSource;
  expectedRevision: number | null;
}

interface DraftRow {
  key_id: string;
  key_json: string;
  width: number;
  height: number;
  frame_count: number;
  palette_json: string;
  source_json: string;
  revision: number;
  created_at: string;
  updated_at: string;
}

/**
 * Test-only fault injection: CARDIOSYNTH_TEST_LABELS_SAVE_DELAY_MS makes every save pause that long inside its
 * transaction (after writing, before COMMIT) and say so on stderr, so the crash test can kill the process at
 * exactly that point. Unset in normal use.
 */
function injectedDelayMs(): number {
  const v = Number(process.env.CARDIOSYNTH_TEST_LABELS_SAVE_DELAY_MS ?? 0);
  return Number.isFinite(v) && v > 0 ? Math.min(v, 60_000) : 0;
}

export class LabelStore {
  private readonly db: Database;

  constructor(path: string) {
    this.db = openDatabase(path);
    migrate(this.db, 'labels', LABEL_MIGRATIONS);
  }

  close(): void {
    this.db.close();
  }

  draft(key: ImageKey): LabelDraftSummary | null {
    const row = this.db.prepare('SELECT * FROM label_drafts WHERE key_id = ?').get(imageKeyId(key)) as DraftRow | undefined;
    return row ? this.summary(row) : null;
  }

  list(): LabelDraftSummary[] {
    const rows = this.db.prepare('SELECT * FROM label_drafts ORDER BY updated_at DESC, key_id').all() as unknown as DraftRow[];
    return rows.map((r) => this.summary(r));
  }

  get(key: ImageKey, frame: number): StoredLabelMap | null {
    const id = imageKeyId(key);
    const draft = this.db.prepare('SELECT * FROM label_drafts WHERE key_id = ?').get(id) as DraftRow | undefined;
    if (!draft) return null;
    const row = this.db.prepare('SELECT runs, checksum, revision, updated_at FROM label_frames WHERE key_id = ? AND frame = ?').get(id, frame) as
      | { runs: Uint8Array; checksum: string; revision: number; updated_at: string }
      | undefined;
    if (!row) return null;
    let data: Uint8Array;
    try {
      data = decodeRuns(row.runs, draft.width * draft.height);
    } catch (err) {
      throw new AppError('malformed', `label draft ${id}, frame ${frame}: the stored map does not decode (${err instanceof Error ? err.message : String(err)})`);
    }
    const checksum = labelMapChecksum(data);
    if (checksum !== row.checksum) throw new AppError('malformed', `label draft ${id}, frame ${frame}: checksum ${checksum} does not match the saved ${row.checksum}`);
    return { key, frame, width: draft.width, height: draft.height, data, checksum, palette: JSON.parse(draft.palette_json) as LabelDef[], revision: row.revision, updatedAt: row.updated_at };
  }

  /** Saves frames in one transaction; returns the new revision. */
  put(req: SaveRequest): { revision: number; updatedAt: string } {
    const id = imageKeyId(req.key);
    const encoded = req.frames.map((f) => {
      if (f.data.length !== req.width * req.height) throw new AppError('invalid-argument', `frame ${f.frame}: ${f.data.length} pixels for a ${req.width}x${req.height} map`);
      if (f.frame >= req.frameCount) throw new AppError('invalid-argument', `frame ${f.frame} is beyond the image's ${req.frameCount} frames`);
      let labelled = 0;
      for (let i = 0; i < f.data.length; i++) if (f.data[i] !== 0) labelled++;
      return { frame: f.frame, runs: encodeRuns(f.data), checksum: labelMapChecksum(f.data), labelled };
    });
    const now = new Date().toISOString();
    return transaction(this.db, () => {
      const existing = this.db.prepare('SELECT * FROM label_drafts WHERE key_id = ?').get(id) as DraftRow | undefined;
      const current = existing?.revision ?? null;
      if (current !== req.expectedRevision) {
        throw new AppError(
          'conflict',
          current === null
            ? `${imageKeyTitle(req.key)}: its label draft was discarded elsewhere; reopen the image to start again`
            : `${imageKeyTitle(req.key)}: the label draft was saved elsewhere (revision ${current}; this editor has ${req.expectedRevision ?? 'none'}); reopen the image to see it`,
        );
      }
      if (existing && (existing.width !== req.width || existing.height !== req.height)) {
        throw new AppError('conflict', `${imageKeyTitle(req.key)}: the draft is ${existing.width}x${existing.height}, not ${req.width}x${req.height}`);
      }
      const revision = (current ?? 0) + 1;
      const palette = JSON.stringify(req.palette);
      if (existing) {
        const source = req.source ? JSON.stringify(req.source) : existing.source_json;
        this.db
          .prepare('UPDATE label_drafts SET frame_count = ?, palette_json = ?, source_json = ?, revision = ?, updated_at = ? WHERE key_id = ?')
          .run(req.frameCount, palette, source, revision, now, id);
      } else {
        this.db
          .prepare('INSERT INTO label_drafts (key_id, key_json, width, height, frame_count, palette_json, source_json, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(id, JSON.stringify(req.key), req.width, req.height, req.frameCount, palette, JSON.stringify(req.source ?? { kind: 'empty' }), revision, now, now);
      }
      const upsert = this.db.prepare(
        `INSERT INTO label_frames (key_id, frame, runs, checksum, labelled_pixels, revision, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key_id, frame) DO UPDATE SET runs = excluded.runs, checksum = excluded.checksum,
           labelled_pixels = excluded.labelled_pixels, revision = excluded.revision, updated_at = excluded.updated_at`,
      );
      for (const f of encoded) upsert.run(id, f.frame, f.runs, f.checksum, f.labelled, revision, now);
      const delay = injectedDelayMs();
      if (delay) {
        process.stderr.write(`cardiosynth: labels: test delay: saving revision ${revision} of ${id}, pausing ${delay} ms before commit\n`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
      }
      return { revision, updatedAt: now };
    });
  }

  discard(key: ImageKey): boolean {
    return transaction(this.db, () => {
      const id = imageKeyId(key);
      this.db.prepare('DELETE FROM label_frames WHERE key_id = ?').run(id);
      return Number(this.db.prepare('DELETE FROM label_drafts WHERE key_id = ?').run(id).changes) > 0;
    });
  }

  private summary(row: DraftRow): LabelDraftSummary {
    const frames = this.db.prepare('SELECT frame, labelled_pixels FROM label_frames WHERE key_id = ? ORDER BY frame').all(row.key_id) as { frame: number; labelled_pixels: number }[];
    const key = (JSON.parse(row.key_json) as ImageKey | null) ?? parseImageKeyId(row.key_id)!;
    return {
      key,
      keyId: row.key_id,
      title: imageKeyTitle(key),
      width: row.width,
      height: row.height,
      frameCount: row.frame_count,
      frames: frames.map((f) => f.frame),
      labelledFrames: frames.filter((f) => f.labelled_pixels > 0).map((f) => f.frame),
      palette: JSON.parse(row.palette_json) as LabelDef[],
      source: JSON.parse(row.source_json) as LabelSource,
      revision: row.revision,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
