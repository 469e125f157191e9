/**
 * The export's own records, in `<out>/.cardiosynth-export/`:
 *   plan.json                 what the export is (plan fingerprint, layout, item count): shards and resumes
 *                             check they belong to it
 *   journal-I-of-K.jsonl      one line per finished item of shard I of K: its files (size, sha256), its
 *                             manifest row and the layout's index data. A line is appended, and flushed, only
 *                             after every file of the item is in place, so the journal never names a file
 *                             that is not whole; a line cut short by a kill is ignored and trimmed.
 *   staging-I-of-K/           files being written (removed at the end of every run)
 * Index files (manifests, split lists, FileList-like CSVs) are derived from the journals at the end, which is
 * what lets `merge` join shards. Nothing here names a source path: ids are pseudonyms.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { ExportLayoutName, ManifestRow } from '../../../shared/export-types.ts';
import type { FileRecord } from './export-io.ts';

export const STATE_DIR = '.cardiosynth-export';
export const PLAN_FORMAT = 'cardiosynth-export-plan/1';

export interface PlanFile {
  format: typeof PLAN_FORMAT;
  fingerprint: string;
  layout: ExportLayoutName;
  recipeName: string;
  /** Items in the whole plan (all shards). */
  total: number;
  /** The label value that maps to grey 255 in grey masks, fixed for the whole export; null without labels. */
  maxLabel: number | null;
  labelNames: Record<string, string>;
}

export interface JournalRecord {
  v: 1;
  index: number;
  id: string;
  files: FileRecord[];
  row: ManifestRow;
  /** Whatever the layout needs to write its index files (split lists, FileList rows, tracings). */
  layout: unknown;
}

export function journalName(index: number, count: number): string {
  return `journal-${index}-of-${count}.jsonl`;
}

export function stagingName(index: number, count: number): string {
  return `staging-${index}-of-${count}`;
}

export function readPlanFile(out: string): PlanFile | null {
  const path = join(out, STATE_DIR, 'plan.json');
  if (!existsSync(path)) return null;
  let plan: PlanFile;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as PlanFile;
  } catch (err) {
    throw new AppError('malformed', `${path}: not a readable export plan (${(err as Error).message})`);
  }
  if (plan.format !== PLAN_FORMAT || typeof plan.fingerprint !== 'string' || !Number.isInteger(plan.total)) {
    throw new AppError('malformed', `${path}: not a ${PLAN_FORMAT} file`);
  }
  return plan;
}

export interface JournalRead {
  records: JournalRecord[];
  /** Byte length of the whole lines; anything after it is a line cut short. */
  goodLength: number;
  size: number;
}

function isRecord(v: unknown): v is JournalRecord {
  const r = v as JournalRecord;
  return !!r && r.v === 1 && Number.isInteger(r.index) && typeof r.id === 'string' && Array.isArray(r.files) && !!r.row;
}

/** Reads a journal; a last line without its newline (a kill mid-append) is left out. Later lines win. */
export function readJournal(path: string): JournalRead {
  if (!existsSync(path)) return { records: [], goodLength: 0, size: 0 };
  const buf = readFileSync(path);
  const end = buf.lastIndexOf(0x0a) + 1;
  const byIndex = new Map<number, JournalRecord>();
  let lineNo = 0;
  for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
    lineNo++;
    if (!line) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new AppError('malformed', `${path}: line ${lineNo} is not JSON; the journal was changed by something else than an export`);
    }
    if (!isRecord(rec)) throw new AppError('malformed', `${path}: line ${lineNo} is not a journal record`);
    byIndex.set(rec.index, rec);
  }
  return { records: [...byIndex.values()].sort((a, b) => a.index - b.index), goodLength: end, size: buf.length };
}

/** Cuts a journal back to its whole lines (after a kill mid-append). */
export function trimJournal(path: string, length: number): void {
  const fd = openSync(path, 'r+');
  try {
    ftruncateSync(fd, length);
  } finally {
    closeSync(fd);
  }
}

/** Whether a record's files are still what it says: present with their sizes (and hashes, when asked). */
export function recordIntact(out: string, r: JournalRecord, checkHashes: boolean): boolean {
  for (const f of r.files) {
    const p = join(out, f.path);
    try {
      if (statSync(p).size !== f.bytes) return false;
      if (checkHashes && createHash('sha256').update(readFileSync(p)).digest('hex') !== f.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

export function listJournals(out: string): Array<{ path: string; index: number; count: number }> {
  const dir = join(out, STATE_DIR);
  if (!existsSync(dir)) return [];
  const found: Array<{ path: string; index: number; count: number }> = [];
  for (const name of readdirSync(dir)) {
    const m = /^journal-(\d+)-of-(\d+)\.jsonl$/.exec(name);
    if (m) found.push({ path: join(dir, name), index: Number(m[1]), count: Number(m[2]) });
  }
  return found.sort((a, b) => a.count - b.count || a.index - b.index);
}

/** Every record of every journal in `out`, one per item index (later journals and lines win). */
export function allRecords(out: string): JournalRecord[] {
  const byIndex = new Map<number, JournalRecord>();
  for (const j of listJournals(out)) for (const r of readJournal(j.path).records) byIndex.set(r.index, r);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
