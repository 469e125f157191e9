/**
 * The study browser's queries: a filter becomes one parameterised WHERE clause, a sort key one ORDER BY with
 * missing values last, and a page is LIMIT/OFFSET. At EchoNet scale (10,030 studies) a full scan of `studies`
 * takes a few milliseconds, so the indexes only serve the common sort keys; `npm run bench -- catalog`
 * measures the p95 over a mix of filters.
 */
import type { CatalogFacets, CatalogFilter, CatalogPage, CatalogSort, CatalogSortKey } from '../../../../shared/catalog-types.ts';
import type { CardiacView } from '../../../../shared/dataset-types.ts';
import type { Database } from '../../db/sqlite.ts';
import type { CatalogStore } from './catalog-store.ts';
import { ROW_COLUMNS, toCatalogRow, type StudyDbRow } from './study-rows.ts';

type Param = string | number | null;

const SORT_SQL: Record<CatalogSortKey, string> = {
  id: 'id',
  patient: 'patient',
  dataset: 'dataset_id',
  view: 'view',
  ef: 'ef',
  age: 'age',
  frames: 'frames',
  frameRate: 'frame_rate_hz',
  imageQuality: "CASE image_quality WHEN 'Good' THEN 1 WHEN 'Medium' THEN 2 WHEN 'Poor' THEN 3 END",
  split: "CASE split WHEN 'train' THEN 1 WHEN 'val' THEN 2 WHEN 'test' THEN 3 END",
};

/** LIKE with its wildcards taken literally. */
function likeArg(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function whereClause(f: CatalogFilter): { sql: string; params: Param[] } {
  const parts: string[] = [];
  const params: Param[] = [];
  const inList = (col: string, values: readonly string[] | readonly number[] | undefined): void => {
    if (!values || values.length === 0) return;
    parts.push(`${col} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (!f.includeUnavailable) parts.push('available = 1');
  inList('dataset_id', f.datasetIds);
  inList('view', f.views);
  inList('image_quality', f.imageQualities);
  inList('split', f.splits);
  if (f.patient?.trim()) {
    // LIKE ignores ASCII case by itself; lower() would cost a call per row.
    parts.push("patient LIKE ? ESCAPE '\\'");
    params.push(likeArg(f.patient.trim()));
  }
  for (const word of (f.text ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8)) {
    parts.push("search_text LIKE ? ESCAPE '\\'");
    params.push(likeArg(word));
  }
  if (f.phase === 'ED') parts.push('ed_frame IS NOT NULL');
  if (f.phase === 'ES') parts.push('es_frame IS NOT NULL');
  const cond = (sql: string, value: Param): void => {
    parts.push(sql);
    params.push(value);
  };
  if (f.efMin !== undefined) cond('ef >= ?', f.efMin);
  if (f.efMax !== undefined) cond('ef <= ?', f.efMax);
  if (f.ageMin !== undefined) cond('age >= ?', f.ageMin);
  if (f.ageMax !== undefined) cond('age <= ?', f.ageMax);
  if (f.sex) cond('sex = ?', f.sex);
  if (f.hasLabels !== undefined) parts.push(f.hasLabels ? 'has_labels = 1' : 'has_labels = 0');
  if (f.provenance) cond('provenance = ?', f.provenance);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

export function orderClause(sort: CatalogSort): string {
  const expr = SORT_SQL[sort.key];
  const dir = sort.dir === 'desc' ? 'DESC' : 'ASC';
  // Missing values last in both directions; ties broken by id so pages never overlap.
  return `ORDER BY (${expr}) IS NULL, ${expr} ${dir}, id ${dir}`;
}

/**
 * Two steps: the ids of the page (the sorter then carries an id and a sort key per row, not a whole row),
 * then those rows by primary key. Over 10,030 studies this halves the time of a sorted page.
 */
export function queryStudies(db: Database, filter: CatalogFilter, sort: CatalogSort, offset: number, limit: number): CatalogPage {
  const where = whereClause(filter);
  const total = Number((db.prepare(`SELECT COUNT(*) AS n FROM studies ${where.sql}`).get(...where.params) as { n: number }).n);
  const ids = db.prepare(`SELECT id FROM studies ${where.sql} ${orderClause(sort)} LIMIT ? OFFSET ?`).all(...where.params, limit, offset) as Array<{ id: string }>;
  const one = db.prepare(`SELECT ${ROW_COLUMNS} FROM studies WHERE id = ?`);
  const rows = ids.map(({ id }) => one.get(id) as unknown as StudyDbRow).filter(Boolean);
  return { total, offset, rows: rows.map(toCatalogRow) };
}

export function facets(store: CatalogStore): CatalogFacets {
  const db = store.db;
  const range = (col: string): { min: number; max: number } | null => {
    const r = db.prepare(`SELECT MIN(${col}) AS lo, MAX(${col}) AS hi FROM studies WHERE available = 1`).get() as { lo: number | null; hi: number | null };
    return r.lo === null || r.hi === null ? null : { min: Number(r.lo), max: Number(r.hi) };
  };
  const views = (db.prepare('SELECT DISTINCT view FROM studies WHERE available = 1 AND view IS NOT NULL ORDER BY view').all() as Array<{ view: string }>).map((r) => r.view as CardiacView);
  const total = Number((db.prepare('SELECT COUNT(*) AS n FROM studies WHERE available = 1').get() as { n: number }).n);
  return { total, datasets: store.datasets(), views, ef: range('ef'), age: range('age') };
}
