/**
 * Writes studies in the EchoNet-Dynamic layout, the one EchoNet's `echo.py` and its users' loaders read:
 *
 *   Videos/<FileName>.avi   MJPEG (fourcc MJPG), 112 x 112, yuvj420p (grey stored as colour), at the item's FPS
 *   FileList.csv            FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split
 *   VolumeTracings.csv      FileName,X1,Y1,X2,Y2,Frame: per traced frame the long axis then 20 disc chords,
 *                           ES first then ED (echo.py takes the first traced frame as ES, the last as ED)
 *
 * Videos go through the system ffmpeg (datasets/ffmpeg.ts says why); frames of another size are scaled to
 * 112 x 112 as EchoNet's preprocessing did, and their tracings with them. Tracings come from the LV of the
 * ED and ES label maps (volume-tracings.ts). Synthetic videos carry an AVI comment saying so, and a note sits
 * at the root; the CSVs keep exactly the released columns so existing loaders read them unchanged. Each file
 * is written to a temporary name and renamed; the CSVs are written last, so a dataset whose run was
 * interrupted has no FileList.csv and is not mistaken for a complete one.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { resolveFfmpeg } from '../datasets/ffmpeg.ts';
import { partialPathFor, writeFileAtomic } from '../files/atomic-write.ts';
import type { DatasetWriter } from './camus-writer.ts';
import type { LayoutItem, LayoutSplit } from './layout-item.ts';
import { checkLayoutItem, formatNumber } from './layout-item.ts';
import { scaleTracingLines, volumeTracingLines } from './volume-tracings.ts';

export const ECHONET_SIZE = 112;
const SPLIT_NAMES: Record<LayoutSplit, string> = { train: 'TRAIN', val: 'VAL', test: 'TEST' };
const FILE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

export interface EchonetWriterOptions {
  provenance?: Record<string, unknown>;
  /** MJPEG quality (ffmpeg -q:v, 2 best .. 31 worst). */
  jpegQuality?: number;
  env?: NodeJS.ProcessEnv;
}

/** Encodes grey frames as an EchoNet-style MJPEG AVI at `path`, atomically. */
export async function writeMjpegAvi(path: string, frames: Uint8Array[], width: number, height: number, fps: number, options: { comment?: string; jpegQuality?: number; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const { bin, version } = resolveFfmpeg(options.env);
  const tmp = partialPathFor(path);
  const args = ['-v', 'error', '-nostdin', '-y', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${width}x${height}`, '-r', formatNumber(fps, 3), '-i', 'pipe:0'];
  if (width !== ECHONET_SIZE || height !== ECHONET_SIZE) args.push('-vf', `scale=${ECHONET_SIZE}:${ECHONET_SIZE}:flags=area`);
  args.push('-c:v', 'mjpeg', '-q:v', String(options.jpegQuality ?? 2), '-pix_fmt', 'yuvj420p', '-vtag', 'MJPG', '-bitexact');
  if (options.comment) args.push('-metadata', `comment=${options.comment}`);
  args.push('-f', 'avi', tmp);
  mkdirSync(join(path, '..'), { recursive: true });
  let stderr = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    p.stderr.on('data', (c: Buffer) => { if (stderr.length < 4000) stderr += c.toString(); });
    p.once('error', (err) => reject(new AppError('io', `${path}: cannot run ${bin}: ${err.message}`)));
    p.once('close', resolve);
    p.stdin.on('error', () => { /* ffmpeg exited early; its exit code and stderr say why */ });
    for (const f of frames) p.stdin.write(f);
    p.stdin.end();
  }).catch((err) => {
    rmSync(tmp, { force: true });
    throw err;
  });
  if (code !== 0) {
    rmSync(tmp, { force: true });
    throw new AppError('io', `${path}: ffmpeg ${version} could not encode the video: ${stderr.trim().split('\n')[0] || `exit ${code}`}`);
  }
  renameSync(tmp, path);
}

const csvNumber = (v: number): string => formatNumber(v, 4);

export const ECHONET_FILELIST_HEADER = 'FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split';
export const ECHONET_TRACINGS_HEADER = 'FileName,X1,Y1,X2,Y2,Frame';

/** The item's FileList.csv row (the item's EDV and ESV must be known; `add` checks). */
export function echonetFileListRow(item: LayoutItem): string {
  return [item.patient, formatNumber(item.ef, 2), csvNumber(item.esvMl ?? NaN), csvNumber(item.edvMl ?? NaN), ECHONET_SIZE, ECHONET_SIZE, formatNumber(item.frameRateHz, 3), item.frames.length, SPLIT_NAMES[item.split]].join(',');
}

/**
 * The item's VolumeTracings.csv rows: ES then ED (echo.py takes the first traced frame as ES), 21 rows each,
 * traced on the item's own grid and scaled to the 112 x 112 video. Frames without a label map get none.
 */
export function echonetTracingRows(item: LayoutItem): string[] {
  const rows: string[] = [];
  for (const frame of [item.esFrame, item.edFrame]) {
    const l = item.labels.get(frame);
    if (!l) continue;
    const lines = scaleTracingLines(volumeTracingLines(l, item.width, item.height), item.width, item.height, ECHONET_SIZE, ECHONET_SIZE);
    for (const [x1, y1, x2, y2] of lines) rows.push(`${item.patient}.avi,${csvNumber(x1)},${csvNumber(y1)},${csvNumber(x2)},${csvNumber(y2)},${frame}`);
  }
  return rows;
}

export function createEchonetWriter(root: string, options: EchonetWriterOptions = {}): DatasetWriter {
  const files: string[] = [];
  const fileList: string[] = [ECHONET_FILELIST_HEADER];
  const tracings: string[] = [ECHONET_TRACINGS_HEADER];
  const seen = new Set<string>();
  let synthetic: string | null = null;
  return {
    async add(item) {
      checkLayoutItem(item);
      const name = item.patient;
      if (!FILE_NAME.test(name)) throw new AppError('invalid-argument', `EchoNet layout: FileName "${name}" must be 1-100 letters, digits, _ or -`);
      if (seen.has(name)) throw new AppError('conflict', `EchoNet layout: ${name}.avi was already written`);
      if (item.view !== '4CH') throw new AppError('invalid-argument', `EchoNet layout: ${name} is a ${item.view} view; EchoNet-Dynamic holds apical four-chamber videos only`);
      if (item.stills) throw new AppError('invalid-argument', `EchoNet layout: ${name} is separate stills, not a video; EchoNet-Dynamic holds videos only`);
      if (item.edvMl === null || item.esvMl === null) throw new AppError('invalid-argument', `EchoNet layout: ${name} needs EDV and ESV (FileList.csv columns)`);
      seen.add(name);
      if (item.synthetic) synthetic ??= item.synthetic.source;
      const video = join(root, 'Videos', `${name}.avi`);
      const comment = item.synthetic ? `SYNTHETIC: ${item.synthetic.source}; not patient data` : undefined;
      await writeMjpegAvi(video, item.frames, item.width, item.height, item.frameRateHz, { comment, jpegQuality: options.jpegQuality, env: options.env });
      files.push(video);
      tracings.push(...echonetTracingRows(item));
      fileList.push(echonetFileListRow(item));
      return [video];
    },
    async finish() {
      const tr = join(root, 'VolumeTracings.csv');
      writeFileAtomic(tr, `${tracings.join('\n')}\n`);
      const fl = join(root, 'FileList.csv');
      writeFileAtomic(fl, `${fileList.join('\n')}\n`);
      files.push(tr, fl);
      if (options.provenance || synthetic) {
        const p = join(root, 'cardiosynth-dataset.json');
        const doc = { layout: 'echonet-dynamic', synthetic: synthetic !== null, ...(synthetic ? { notice: `Synthetic data (${synthetic}): not acquired from any patient.` } : {}), ...options.provenance };
        writeFileAtomic(p, `${JSON.stringify(doc, null, 2)}\n`);
        files.push(p);
      }
      return { root, files: [...files] };
    },
  };
}
