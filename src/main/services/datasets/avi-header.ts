/**
 * Reads what an AVI container says about its video stream without spawning anything: frame size, frame count
 * and frame rate (strh dwRate/dwScale), codec fourcc. Importing 10,030 EchoNet videos cannot afford one
 * ffprobe process per file; the tests check these numbers against ffprobe.
 */
import { open } from 'node:fs/promises';
import { AppError } from '../../../shared/errors.ts';
import { fileError } from './file-errors.ts';

export interface AviInfo {
  width: number;
  height: number;
  frames: number;
  frameRateHz: number;
  /** e.g. MJPG */
  codec: string;
  fileBytes: number;
}

/** The header lists come first; ffmpeg's AVIs put hdrl within the first few KiB (with JUNK padding). */
const HEAD_BYTES = 64 * 1024;

export async function readAviInfo(path: string): Promise<AviInfo> {
  let buf: Buffer;
  let fileBytes: number;
  try {
    const fh = await open(path, 'r');
    try {
      fileBytes = (await fh.stat()).size;
      buf = Buffer.alloc(Math.min(HEAD_BYTES, fileBytes));
      await fh.read(buf, 0, buf.length, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fileError(path, err);
  }
  const bad = (why: string): AppError => new AppError('malformed', `${path}: not a readable AVI: ${why}`);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'AVI ') throw bad('no RIFF AVI signature');
  let avih: { usPerFrame: number; frames: number; width: number; height: number } | null = null;
  let video: { rate: number; scale: number; length: number; handler: string } | null = null;
  let codec = '';
  let moviEnd = -1;
  // Walks chunks; descends into LIST hdrl/strl, stops at LIST movi (its end must fit in the file).
  const walk = (start: number, end: number, depth: number): void => {
    let p = start;
    let streamType = '';
    while (p + 8 <= end && p + 8 <= buf.length) {
      const id = buf.toString('latin1', p, p + 4);
      const size = buf.readUInt32LE(p + 4);
      const body = p + 8;
      if (id === 'LIST') {
        const kind = buf.toString('latin1', body, body + 4);
        if (kind === 'movi') {
          moviEnd = body + size;
          return;
        }
        if ((kind === 'hdrl' || kind === 'strl') && depth < 4) walk(body + 4, Math.min(body + size, buf.length), depth + 1);
      } else if (id === 'avih' && body + 40 <= buf.length) {
        avih = { usPerFrame: buf.readUInt32LE(body), frames: buf.readUInt32LE(body + 16), width: buf.readUInt32LE(body + 32), height: buf.readUInt32LE(body + 36) };
      } else if (id === 'strh' && body + 36 <= buf.length) {
        streamType = buf.toString('latin1', body, body + 4);
        if (streamType === 'vids' && !video) {
          video = { handler: buf.toString('latin1', body + 4, body + 8), scale: buf.readUInt32LE(body + 20), rate: buf.readUInt32LE(body + 24), length: buf.readUInt32LE(body + 32) };
        }
      } else if (id === 'strf' && streamType === 'vids' && !codec && body + 20 <= buf.length) {
        codec = buf.toString('latin1', body + 16, body + 20);
      }
      p = body + size + (size & 1);
    }
  };
  walk(12, buf.length, 0);
  const a = avih as { usPerFrame: number; frames: number; width: number; height: number } | null;
  const v = video as { rate: number; scale: number; length: number; handler: string } | null;
  if (!a) throw bad('no avih main header');
  if (!v) throw bad('no video stream header');
  if (moviEnd < 0) throw bad('no movi list (no frames)');
  if (moviEnd > fileBytes + 1) throw bad(`truncated: the movi list ends at byte ${moviEnd} but the file has ${fileBytes} bytes`);
  const frameRateHz = v.scale > 0 && v.rate > 0 ? v.rate / v.scale : a.usPerFrame > 0 ? 1e6 / a.usPerFrame : 0;
  if (!(frameRateHz > 0)) throw bad('states no frame rate');
  const frames = v.length || a.frames;
  if (!(a.width > 0 && a.height > 0)) throw bad(`frame size ${a.width}x${a.height}`);
  return { width: a.width, height: a.height, frames, frameRateHz, codec: (codec || v.handler).replace(/\0/g, ''), fileBytes };
}
