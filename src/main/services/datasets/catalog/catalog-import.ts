/**
 * Imports a picked folder into the catalog:
 *  1. detect the layout (CAMUS 2023 / legacy, EchoNet-Dynamic, loose files) and list its input files with
 *     their size and mtime (inventory.ts);
 *  2. if the dataset's last import completed with this importer version and no file was added, removed or
 *     changed since, stop: nothing is read;
 *  3. otherwise run the importer with a probe cache: a media file whose size and mtime are unchanged is not
 *     read again, its earlier result (AVI header, NIfTI shape and labels, parsed cfg, or the read error)
 *     comes from `dataset_files`. Index files (FileList.csv, VolumeTracings.csv, split lists) are re-read.
 *  4. studies are committed in batches of complete studies as the importer produces them; the end marks the
 *     studies it no longer found unavailable and records the per-item issues.
 * Source files are only ever read.
 */
import { resolve } from 'node:path';
import type { CatalogImportSummary, CatalogIssue } from '../../../../shared/catalog-types.ts';
import type { DatasetItemError, StudyRecord } from '../../../../shared/dataset-types.ts';
import { AppError, toErrorData } from '../../../../shared/errors.ts';
import { detectLayout } from '../detect-layout.ts';
import { checkImportFolder, importDataset } from '../import-dataset.ts';
import type { ItemOutcome, Prober } from '../import-context.ts';
import { IMPORTER_VERSION, within, type CatalogStore, type FileRow, type ProbeRow } from './catalog-store.ts';
import { takeInventory, type FileStat } from './inventory.ts';
import { readDatasetProvenance } from './provenance.ts';

/** Errors that come from a file's content: the same bytes give the same error, so they may be cached. */
const CONTENT_ERRORS = new Set(['malformed', 'unsupported', 'decode-failed', 'not-dicom']);

export interface CatalogImportOptions {
  progress?: (done: number, total: number | null, message: string) => void;
  checkpoint?: () => void;
  /** Studies per transaction. */
  batchSize?: number;
  /** Issues returned in the summary (all are stored). */
  summaryIssues?: number;
}

/** True when the inventory matches what the catalog recorded for the covered folder, file for file. */
function unchangedSince(files: Map<string, FileStat>, known: Map<string, FileRow>, coverScope: string): boolean {
  for (const [path, st] of files) {
    const k = known.get(path);
    if (!k || k.size !== st.size || k.mtimeMs !== st.mtimeMs) return false;
  }
  for (const path of known.keys()) if (within(path, coverScope) && !files.has(path)) return false;
  return true;
}

/** Splits the importer's problems into errors (item left out) and warnings (item imported with a problem). */
export function classifyIssues(errors: DatasetItemError[], studies: Array<Pick<StudyRecord, 'warnings'>>): CatalogIssue[] {
  const warned = new Set<string>();
  for (const s of studies) for (const w of s.warnings) warned.add(`${w.path}\u0000${w.message}`);
  const seen = new Set<string>();
  const out: CatalogIssue[] = [];
  for (const e of errors) {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...e, severity: warned.has(key) ? 'warning' : 'error' });
  }
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

export async function importIntoCatalog(store: CatalogStore, picked: string, opts: CatalogImportOptions = {}): Promise<CatalogImportSummary> {
  const t0 = performance.now();
  const dir = resolve(picked);
  const progress = opts.progress ?? (() => undefined);
  const checkpoint = opts.checkpoint ?? (() => undefined);
  await checkImportFolder(dir);
  progress(0, null, `Looking at ${dir}`);
  const detected = await detectLayout(dir);
  const inventory = await takeInventory(detected);
  checkpoint();
  if (detected.layout === 'loose' && inventory.files.size === 0 && !store.datasetByRoot(detected.root)) {
    // A folder with nothing to import is not worth a dataset row in the catalog.
    return {
      datasetId: 0, layout: 'loose', root: detected.root, scope: dir, unchanged: false,
      studies: { total: 0, added: 0, updated: 0, unchanged: 0, unavailable: 0 }, files: { seen: 0, read: 0, cached: 0 },
      errors: 0, warnings: 0, issues: [], seconds: (performance.now() - t0) / 1000,
    };
  }
  const prov = await readDatasetProvenance(detected.root, detected.layout);
  const { before, now: dataset } = store.beginImport(detected.layout, detected.root, prov.kind, prov.detail);
  const seq = dataset.importSeq;
  const known = store.files(dataset.id);
  const base = { datasetId: dataset.id, layout: detected.layout, root: detected.root, scope: dir };

  if (before?.status === 'complete' && before.importerVersion === IMPORTER_VERSION && inventory.files.size > 0 && unchangedSince(inventory.files, known, inventory.coverScope)) {
    store.finishUnchanged(dataset);
    const counts = store.studyCounts(dataset.id);
    const issues = store.issues(dataset.id, 0, opts.summaryIssues ?? 50);
    const all = store.issues(dataset.id, 0, 1_000_000).issues;
    progress(inventory.files.size, inventory.files.size, 'Nothing changed');
    return {
      ...base,
      unchanged: true,
      studies: { total: counts.total - counts.unavailable, added: 0, updated: 0, unchanged: counts.total - counts.unavailable, unavailable: counts.unavailable },
      files: { seen: inventory.files.size, read: 0, cached: inventory.files.size },
      errors: all.filter((i) => i.severity === 'error').length,
      warnings: all.filter((i) => i.severity === 'warning').length,
      issues: issues.issues,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  // Probes: answered from the catalog when the file is unchanged and was probed the same way.
  const reuse = before?.importerVersion === IMPORTER_VERSION;
  const pending: ProbeRow[] = [];
  let read = 0;
  let cached = 0;
  const probe: Prober = async <T,>(path: string, kind: string, run: () => Promise<T>): Promise<T> => {
    const st = inventory.files.get(path);
    // Not in the inventory (missing, or outside the listed folders): nothing to cache; the reader reports it.
    if (!st) return run();
    const k = known.get(path);
    if (k && reuse && k.probeKind === kind && k.probeJson !== null && k.size === st.size && k.mtimeMs === st.mtimeMs) {
      cached++;
      const v = JSON.parse(k.probeJson) as { ok: true; value: T } | { ok: false; error: { kind: string; message: string } };
      if (v.ok) return v.value;
      throw new AppError(toErrorData(v.error).kind, v.error.message);
    }
    read++;
    try {
      const value = await run();
      pending.push({ path, size: st.size, mtimeMs: st.mtimeMs, probeKind: kind, probeJson: JSON.stringify({ ok: true, value }) });
      return value;
    } catch (err) {
      // A file whose content is bad is not read again until it changes; permission and I/O errors may go
      // away without the file changing, so those are retried next time.
      const e = toErrorData(err);
      if (CONTENT_ERRORS.has(e.kind)) pending.push({ path, size: st.size, mtimeMs: st.mtimeMs, probeKind: kind, probeJson: JSON.stringify({ ok: false, error: e }) });
      throw err;
    }
  };

  const counts = { added: 0, updated: 0, unchanged: 0 };
  let batch: StudyRecord[] = [];
  const batchSize = opts.batchSize ?? 250;
  const flush = (): void => {
    if (batch.length === 0 && pending.length === 0) return;
    const c = store.writeBatch(dataset, seq, batch, pending.splice(0), (s) => prov.forStudy(s));
    // Written: the tracing lines (most of an EchoNet study's memory) are not needed here any more.
    for (const s of batch) delete s.tracings;
    counts.added += c.added;
    counts.updated += c.updated;
    counts.unchanged += c.unchanged;
    batch = [];
  };
  const onItem = (item: ItemOutcome): void => {
    if (!item.study) return;
    batch.push(item.study);
    if (batch.length >= batchSize) flush();
  };

  let result;
  try {
    result = await importDataset(dir, {
      detected,
      ctx: { probe, onItem, checkpoint, progress: (done, total, message) => progress(done, total, message) },
    });
  } catch (err) {
    // Keep what was committed (and the probes read so far): a re-import continues from there.
    try {
      flush();
    } catch {
      // the original error matters more
    }
    throw err;
  }
  flush();
  const issues = classifyIssues(prov.error ? [prov.error, ...result.errors] : result.errors, result.studies);
  const { unavailable } = store.finishImport(dataset, seq, inventory.coverScope, inventory.files, issues);
  const total = result.studies.length;
  progress(total, total, 'Done');
  return {
    ...base,
    unchanged: false,
    studies: { total, ...counts, unavailable },
    files: { seen: inventory.files.size, read, cached },
    errors: issues.filter((i) => i.severity === 'error').length,
    warnings: issues.filter((i) => i.severity === 'warning').length,
    issues: issues.slice(0, opts.summaryIssues ?? 50),
    seconds: (performance.now() - t0) / 1000,
  };
}
