/**
 * The two EchoNet-Dynamic CSVs. Plain comma-separated values without quoting (as released). A row with a
 * missing or non-numeric field is reported with its line number and skipped; the other rows are kept.
 */
import type { DatasetItemError, DatasetSplit } from '../../../shared/dataset-types.ts';

export interface FileListRow {
  line: number;
  fileName: string; // without .avi
  ef: number;
  esv: number;
  edv: number;
  frameHeight: number;
  frameWidth: number;
  fps: number;
  numberOfFrames: number;
  split: DatasetSplit | null;
  splitRaw: string;
}

/** One video's tracing rows, grouped by frame in file order: [x1, y1, x2, y2] per row (long axis first). */
export interface VideoTracings {
  /** Line of its first row in VolumeTracings.csv. */
  firstLine: number;
  rowCount: number;
  frames: Map<number, Array<[number, number, number, number]>>;
}

const FILELIST_COLUMNS = ['FileName', 'EF', 'ESV', 'EDV', 'FrameHeight', 'FrameWidth', 'FPS', 'NumberOfFrames', 'Split'] as const;
const TRACING_COLUMNS = ['FileName', 'X1', 'Y1', 'X2', 'Y2', 'Frame'] as const;
const SPLITS: Record<string, DatasetSplit> = { TRAIN: 'train', VAL: 'val', TEST: 'test' };

export function videoKey(name: string): string {
  return name.trim().replace(/\.avi$/i, '');
}

interface Row<C extends string> {
  line: number;
  get: (c: C) => string;
}

/**
 * Visits each non-empty data row. One row object is reused and lines are found with indexOf rather than a
 * split of the whole text, so a 421,000-row VolumeTracings.csv costs its parsed values, not a closure and an
 * array per row. Returns false when the header lacks a required column (reported in `errors`).
 */
function eachRow<C extends string>(text: string, path: string, columns: readonly C[], errors: DatasetItemError[], visit: (row: Row<C>) => void): boolean {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let pos = 0;
  let lineNo = 0;
  const nextLine = (): string | null => {
    if (pos > body.length) return null;
    let end = body.indexOf('\n', pos);
    if (end < 0) end = body.length;
    const line = body.slice(pos, end > pos && body.charCodeAt(end - 1) === 13 ? end - 1 : end);
    pos = end + 1;
    lineNo++;
    return line;
  };
  const header = (nextLine() ?? '').split(',').map((x) => x.trim());
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = columns.filter((c) => !index.has(c));
  if (missing.length) {
    errors.push({ path, code: 'malformed', message: `${path}: header lacks column(s) ${missing.join(', ')} (found: ${header.join(',')})` });
    return false;
  }
  const at = columns.map((c) => index.get(c)!);
  let cells: string[] = [];
  const row: Row<C> = { line: 0, get: (c) => (cells[at[columns.indexOf(c)]] ?? '').trim() };
  for (let line = nextLine(); line !== null; line = nextLine()) {
    if (line.trim() === '') continue;
    cells = line.split(',');
    row.line = lineNo;
    visit(row);
  }
  return true;
}

function numberFields<C extends string>(row: Row<C>, cols: readonly C[], path: string, errors: DatasetItemError[], label: string): Record<C, number> | null {
  const out = {} as Record<C, number>;
  const empty: string[] = [];
  const bad: string[] = [];
  for (const c of cols) {
    const s = row.get(c);
    if (s === '') empty.push(c);
    else if (!Number.isFinite(Number(s))) bad.push(`${c} = "${s}"`);
    else out[c] = Number(s);
  }
  if (empty.length || bad.length) {
    const why = [empty.length ? `missing ${empty.join(', ')}` : '', bad.length ? `not a number: ${bad.join(', ')}` : ''].filter(Boolean).join('; ');
    errors.push({ path, code: 'malformed', message: `${path}: line ${row.line} (${label}): ${why}; row skipped` });
    return null;
  }
  return out;
}

export function parseFileList(text: string, path: string): { rows: FileListRow[]; errors: DatasetItemError[] } {
  const errors: DatasetItemError[] = [];
  const rows: FileListRow[] = [];
  eachRow(text, path, FILELIST_COLUMNS, errors, (r) => {
    const name = videoKey(r.get('FileName'));
    if (!name) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line}: missing FileName; row skipped` });
      return;
    }
    const n = numberFields(r, ['EF', 'ESV', 'EDV', 'FrameHeight', 'FrameWidth', 'FPS', 'NumberOfFrames'] as const, path, errors, name);
    if (!n) return;
    const splitRaw = r.get('Split');
    if (!splitRaw) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line} (${name}): missing Split; row skipped` });
      return;
    }
    rows.push({
      line: r.line, fileName: name, ef: n.EF, esv: n.ESV, edv: n.EDV, frameHeight: n.FrameHeight, frameWidth: n.FrameWidth,
      fps: n.FPS, numberOfFrames: n.NumberOfFrames, split: SPLITS[splitRaw.toUpperCase()] ?? null, splitRaw,
    });
  });
  return { rows, errors };
}

/** Parses VolumeTracings.csv straight into per-video groups (421,260 rows in the full dataset: no row objects). */
export function parseVolumeTracings(text: string, path: string): { videos: Map<string, VideoTracings>; errors: DatasetItemError[] } {
  const errors: DatasetItemError[] = [];
  const videos = new Map<string, VideoTracings>();
  eachRow(text, path, TRACING_COLUMNS, errors, (r) => {
    const name = videoKey(r.get('FileName'));
    if (!name) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line}: missing FileName; row skipped` });
      return;
    }
    const n = numberFields(r, ['X1', 'Y1', 'X2', 'Y2', 'Frame'] as const, path, errors, name);
    if (!n) return;
    if (!Number.isInteger(n.Frame) || n.Frame < 0) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line} (${name}): Frame = ${n.Frame} is not a 0-based frame index; row skipped` });
      return;
    }
    let v = videos.get(name);
    if (!v) videos.set(name, (v = { firstLine: r.line, rowCount: 0, frames: new Map() }));
    v.rowCount++;
    let lines = v.frames.get(n.Frame);
    if (!lines) v.frames.set(n.Frame, (lines = []));
    lines.push([n.X1, n.Y1, n.X2, n.Y2]);
  });
  return { videos, errors };
}
