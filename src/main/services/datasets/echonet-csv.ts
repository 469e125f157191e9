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

export interface TracingRow {
  line: number;
  fileName: string; // without .avi
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  frame: number;
}

const FILELIST_COLUMNS = ['FileName', 'EF', 'ESV', 'EDV', 'FrameHeight', 'FrameWidth', 'FPS', 'NumberOfFrames', 'Split'] as const;
const TRACING_COLUMNS = ['FileName', 'X1', 'Y1', 'X2', 'Y2', 'Frame'] as const;
const SPLITS: Record<string, DatasetSplit> = { TRAIN: 'train', VAL: 'val', TEST: 'test' };

export function videoKey(name: string): string {
  return name.trim().replace(/\.avi$/i, '');
}

function table<C extends string>(text: string, path: string, columns: readonly C[], errors: DatasetItemError[]): Array<{ line: number; get: (c: C) => string }> | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((s) => s.trim());
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = columns.filter((c) => !index.has(c));
  if (missing.length) {
    errors.push({ path, code: 'malformed', message: `${path}: header lacks column(s) ${missing.join(', ')} (found: ${header.join(',')})` });
    return null;
  }
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = lines[i].split(',');
    rows.push({ line: i + 1, get: (c: C) => (cells[index.get(c)!] ?? '').trim() });
  }
  return rows;
}

function numberFields<C extends string>(row: { line: number; get: (c: C) => string }, cols: readonly C[], path: string, errors: DatasetItemError[], label: string): Record<C, number> | null {
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
  const t = table(text, path, FILELIST_COLUMNS, errors);
  const rows: FileListRow[] = [];
  for (const r of t ?? []) {
    const name = videoKey(r.get('FileName'));
    if (!name) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line}: missing FileName; row skipped` });
      continue;
    }
    const n = numberFields(r, ['EF', 'ESV', 'EDV', 'FrameHeight', 'FrameWidth', 'FPS', 'NumberOfFrames'] as const, path, errors, name);
    if (!n) continue;
    const splitRaw = r.get('Split');
    if (!splitRaw) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line} (${name}): missing Split; row skipped` });
      continue;
    }
    rows.push({
      line: r.line, fileName: name, ef: n.EF, esv: n.ESV, edv: n.EDV, frameHeight: n.FrameHeight, frameWidth: n.FrameWidth,
      fps: n.FPS, numberOfFrames: n.NumberOfFrames, split: SPLITS[splitRaw.toUpperCase()] ?? null, splitRaw,
    });
  }
  return { rows, errors };
}

export function parseVolumeTracings(text: string, path: string): { rows: TracingRow[]; errors: DatasetItemError[] } {
  const errors: DatasetItemError[] = [];
  const t = table(text, path, TRACING_COLUMNS, errors);
  const rows: TracingRow[] = [];
  for (const r of t ?? []) {
    const name = videoKey(r.get('FileName'));
    if (!name) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line}: missing FileName; row skipped` });
      continue;
    }
    const n = numberFields(r, ['X1', 'Y1', 'X2', 'Y2', 'Frame'] as const, path, errors, name);
    if (!n) continue;
    if (!Number.isInteger(n.Frame) || n.Frame < 0) {
      errors.push({ path, code: 'malformed', message: `${path}: line ${r.line} (${name}): Frame = ${n.Frame} is not a 0-based frame index; row skipped` });
      continue;
    }
    rows.push({ line: r.line, fileName: name, x1: n.X1, y1: n.Y1, x2: n.X2, y2: n.Y2, frame: n.Frame });
  }
  return { rows, errors };
}
