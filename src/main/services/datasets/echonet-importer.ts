/**
 * EchoNet-Dynamic: FileList.csv (one row per video), VolumeTracings.csv (21 rows per traced frame) and
 * Videos/<FileName>.avi. Each video is checked from its AVI header (size, frame count, frame rate: no decoding,
 * no process per file) and becomes one study; a row with missing fields, a video that is missing or not a
 * readable AVI, and tracings for a file FileList does not list are reported per item, and the rest imports.
 * Frame rate: the container's (strh dwRate/dwScale), with FileList FPS cross-checked (a warning on mismatch).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetImportResult, DatasetItemError, StudyRecord } from '../../../shared/dataset-types.ts';
import { toErrorData } from '../../../shared/errors.ts';
import { readAviInfo } from './avi-header.ts';
import type { DetectedLayout } from './detect-layout.ts';
import { parseFileList, parseVolumeTracings, videoKey } from './echonet-csv.ts';
import type { FileListRow, VideoTracings } from './echonet-csv.ts';
import { groupTracings, ROWS_PER_TRACED_FRAME } from './echonet-tracings.ts';
import { fileError } from './file-errors.ts';
import { contextTools } from './import-context.ts';
import type { ImportContext } from './import-context.ts';
import { mapPool } from './pool.ts';

export interface EchonetImportOptions {
  concurrency?: number;
  /** Only these videos (FileName without .avi), e.g. for inspecting one AVI. */
  only?: Set<string>;
  ctx?: ImportContext;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw fileError(path, err);
  }
}

export async function importEchonet(detected: DetectedLayout, options: EchonetImportOptions = {}): Promise<DatasetImportResult> {
  const root = detected.root;
  const errors: DatasetItemError[] = [];
  const fileListPath = join(root, 'FileList.csv');
  const tracingsPath = join(root, 'VolumeTracings.csv');
  const fileList = parseFileList(await readText(fileListPath), fileListPath);
  errors.push(...fileList.errors);
  let tracings = new Map<string, VideoTracings>();
  try {
    const t = parseVolumeTracings(await readText(tracingsPath), tracingsPath);
    tracings = t.videos;
    errors.push(...t.errors);
  } catch (err) {
    const d = toErrorData(err);
    errors.push({ path: tracingsPath, code: d.kind, message: `${d.message}; videos import without tracings` });
  }
  const listed = new Map(fileList.rows.map((r) => [r.fileName, r]));
  for (const [name, v] of tracings) {
    if (!listed.has(name) && (!options.only || options.only.has(name))) {
      errors.push({ path: tracingsPath, code: 'not-found', message: `${tracingsPath}: line ${v.firstLine}: ${name}.avi is not listed in FileList.csv (${v.rowCount} tracing rows ignored)` });
    }
  }
  const rows = options.only ? fileList.rows.filter((r) => options.only!.has(r.fileName)) : fileList.rows;
  const tools = contextTools(options.ctx);
  let done = 0;
  const results = await mapPool(rows, options.concurrency ?? 8, async (row) => {
    tools.checkpoint();
    const r = await importVideo(row);
    tools.onItem(r);
    tools.progress(++done, rows.length, `${row.fileName}.avi`);
    return r;
  });
  async function importVideo(row: FileListRow): Promise<{ study: StudyRecord | null; errors: DatasetItemError[] }> {
    const video = join(root, 'Videos', `${row.fileName}.avi`);
    let info;
    try {
      info = await tools.probe(video, 'avi-header', () => readAviInfo(video));
    } catch (err) {
      const d = toErrorData(err);
      const msg = d.kind === 'not-found' ? `${video}: missing: listed in ${fileListPath} line ${row.line}` : d.message;
      return { study: null, errors: [{ path: video, code: d.kind, message: msg }] };
    }
    const warnings: DatasetItemError[] = [];
    const warn = (message: string, path = video): void => { warnings.push({ path, code: 'malformed', message }); };
    if (info.width !== row.frameWidth || info.height !== row.frameHeight) {
      warn(`${video}: frame size ${info.width}x${info.height} differs from FileList.csv line ${row.line} (${row.frameWidth}x${row.frameHeight})`);
    }
    if (info.frames !== row.numberOfFrames) warn(`${video}: ${info.frames} frames but FileList.csv line ${row.line} says NumberOfFrames = ${row.numberOfFrames}`);
    if (Math.abs(info.frameRateHz - row.fps) > 0.5) warn(`${video}: container frame rate ${info.frameRateHz.toFixed(3)} Hz differs from FileList.csv FPS ${row.fps}; using the container's`);
    if (!row.split) warn(`${fileListPath}: line ${row.line} (${row.fileName}): Split = "${row.splitRaw}" is not TRAIN, VAL or TEST`, fileListPath);
    const traced = groupTracings(tracings.get(row.fileName), info.height, info.width);
    // The lines now live in the study; keeping the parsed copy would hold every video's until the end.
    tracings.delete(row.fileName);
    for (const t of traced) {
      if (t.lines.length !== ROWS_PER_TRACED_FRAME) warn(`${tracingsPath}: ${row.fileName}.avi frame ${t.frame} has ${t.lines.length} rows, expected ${ROWS_PER_TRACED_FRAME} (long axis + 20 chords)`, tracingsPath);
      if (t.frame >= info.frames) warn(`${tracingsPath}: ${row.fileName}.avi traced frame ${t.frame} is beyond its ${info.frames} frames`, tracingsPath);
    }
    let es: number | null = null;
    let ed: number | null = null;
    if (traced.length >= 2) {
      // echo.py: first traced frame = small (ES), last = large (ED).
      es = traced[0].frame;
      ed = traced[traced.length - 1].frame;
      if (traced[0].maskArea > traced[traced.length - 1].maskArea) {
        warn(`${tracingsPath}: ${row.fileName}.avi: the first traced frame (${es}, taken as ES) has a larger cavity (${traced[0].maskArea} px) than the last (${ed}, taken as ED, ${traced[traced.length - 1].maskArea} px)`, tracingsPath);
      }
    } else if (traced.length === 1) {
      warn(`${tracingsPath}: ${row.fileName}.avi has one traced frame (${traced[0].frame}); ED/ES unknown`, tracingsPath);
    }
    const study: StudyRecord = {
      id: `echonet:${row.fileName}`,
      dataset: 'echonet-dynamic',
      format: 'echonet',
      patient: row.fileName,
      view: 'A4C',
      sources: [{ role: 'video', path: video }],
      sequencePath: video,
      frames: info.frames,
      rows: info.height,
      columns: info.width,
      frameRateHz: info.frameRateHz,
      frameRateSource: 'avi-header',
      edFrame: ed,
      esFrame: es,
      ef: row.ef,
      edv: row.edv,
      esv: row.esv,
      imageQuality: null,
      sex: null,
      age: null,
      split: row.split,
      labels: traced.length ? [{ kind: 'tracing', path: tracingsPath, frames: traced.map((t) => t.frame) }] : [],
      labelValues: traced.some((t) => t.maskArea > 0) ? [0, 1] : [],
      tracings: traced,
      warnings,
    };
    return { study, errors: warnings };
  }
  const studies: StudyRecord[] = [];
  for (const r of results) {
    if (r.study) studies.push(r.study);
    errors.push(...r.errors);
  }
  return { layout: 'echonet-dynamic', root, studies, errors };
}

export { videoKey };
