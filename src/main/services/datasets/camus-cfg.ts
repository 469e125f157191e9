/**
 * CAMUS Info_{2CH,4CH}.cfg files: one `Key: value` per line. 2023 release: ED, ES, NbFrame, Sex, Age,
 * ImageQuality, EF, FrameRate; legacy release: LVedv, LVesv, LVef instead of EF. ED/ES are 1-based frame
 * numbers and ED may come after ES. A malformed line or value is reported and skipped; the rest is kept.
 */
import { readFile } from 'node:fs/promises';
import type { DatasetItemError, ImageQuality } from '../../../shared/dataset-types.ts';
import { fileError } from './file-errors.ts';

export interface CamusCfg {
  ed: number | null; // 1-based, as written
  es: number | null;
  nbFrame: number | null;
  sex: 'M' | 'F' | null;
  age: number | null;
  imageQuality: ImageQuality | null;
  ef: number | null;
  edv: number | null;
  esv: number | null;
  frameRate: number | null;
  /** Every key as written, including ones we do not interpret. */
  raw: Record<string, string>;
}

const INT_KEYS = new Set(['ED', 'ES', 'NbFrame']);
const NUM_KEYS = new Set(['Age', 'EF', 'LVef', 'LVedv', 'LVesv', 'FrameRate']);

export function parseCamusCfg(text: string, path: string): { cfg: CamusCfg; errors: DatasetItemError[] } {
  const cfg: CamusCfg = { ed: null, es: null, nbFrame: null, sex: null, age: null, imageQuality: null, ef: null, edv: null, esv: null, frameRate: null, raw: {} };
  const errors: DatasetItemError[] = [];
  const bad = (line: number, why: string): void => { errors.push({ path, code: 'malformed', message: `${path}: line ${line}: ${why}` }); };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((lineText, idx) => {
    const n = idx + 1;
    if (lineText.trim() === '') return;
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.*?)\s*$/.exec(lineText);
    if (!m) return bad(n, `"${lineText.slice(0, 60)}" is not "Key: value"`);
    const [, key, value] = m;
    cfg.raw[key] = value;
    if (value === '') return bad(n, `${key} has no value`);
    if (INT_KEYS.has(key)) {
      const v = Number(value);
      if (!Number.isInteger(v) || v < 1) return bad(n, `${key} = "${value}" is not a positive integer`);
      if (key === 'ED') cfg.ed = v;
      else if (key === 'ES') cfg.es = v;
      else cfg.nbFrame = v;
    } else if (NUM_KEYS.has(key)) {
      const v = Number(value);
      if (!Number.isFinite(v)) return bad(n, `${key} = "${value}" is not a number`);
      if (key === 'Age') cfg.age = v;
      else if (key === 'EF' || key === 'LVef') cfg.ef = v;
      else if (key === 'LVedv') cfg.edv = v;
      else if (key === 'LVesv') cfg.esv = v;
      else if (v > 0) cfg.frameRate = v;
      else bad(n, `FrameRate = "${value}" must be positive`);
    } else if (key === 'Sex') {
      if (value !== 'M' && value !== 'F') return bad(n, `Sex = "${value}" is not M or F`);
      cfg.sex = value;
    } else if (key === 'ImageQuality') {
      if (value !== 'Good' && value !== 'Medium' && value !== 'Poor') return bad(n, `ImageQuality = "${value}" is not Good, Medium or Poor`);
      cfg.imageQuality = value;
    }
  });
  if (cfg.nbFrame !== null) {
    for (const [k, v] of [['ED', cfg.ed], ['ES', cfg.es]] as const) {
      if (v !== null && v > cfg.nbFrame) errors.push({ path, code: 'malformed', message: `${path}: ${k} = ${v} is beyond NbFrame = ${cfg.nbFrame}` });
    }
  }
  return { cfg, errors };
}

export async function readCamusCfg(path: string): Promise<{ cfg: CamusCfg; errors: DatasetItemError[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw fileError(path, err);
  }
  return parseCamusCfg(text, path);
}
