/**
 * Decoding video through ffmpeg, deliberately Debian's (or the OS package manager's) binary:
 *  - it is maintained with security fixes, which matters for a decoder fed files downloaded from the web;
 *    the npm alternative that ships a binary inside its tarball (@ffmpeg-installer/linux-x64) is a 2018
 *    static build (4.1) that no longer gets updates, and ffmpeg-static downloads at install time (fails here);
 *  - `.ci/run` already installs Debian's ffmpeg, and ffprobe comes with it for the tests.
 * Fallback: CARDIOSYNTH_FFMPEG names any ffmpeg binary (for example one from `npm i @ffmpeg-installer/ffmpeg`,
 * or a bundled one in a packaged app); it is used instead of the PATH lookup. Without either, decoding fails
 * with a message saying what to install.
 */
import { spawn, spawnSync } from 'node:child_process';
import { AppError } from '../../../shared/errors.ts';

let cached: { bin: string; version: string } | null = null;

export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): { bin: string; version: string } {
  const override = env.CARDIOSYNTH_FFMPEG;
  if (!override && cached) return cached;
  const bin = override || 'ffmpeg';
  const r = spawnSync(bin, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}`;
    throw new AppError('unsupported', override
      ? `CARDIOSYNTH_FFMPEG=${override} does not run (${why})`
      : `decoding AVI video needs ffmpeg: install it (apt-get install ffmpeg) or set CARDIOSYNTH_FFMPEG to an ffmpeg binary (${why})`);
  }
  const version = /ffmpeg version (\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
  const found = { bin, version };
  if (!override) cached = found;
  return found;
}

/**
 * Decodes every frame of a video to 8-bit grey through a pipe (rawvideo, pix_fmt gray). For EchoNet's
 * yuvj420p (full-range) MJPEG, grey is the Y plane unchanged: the echo is grey stored as colour.
 */
export async function decodeGreyFrames(path: string, width: number, height: number, env?: NodeJS.ProcessEnv): Promise<{ frames: Uint8Array[]; ffmpeg: string }> {
  const { bin, version } = resolveFfmpeg(env);
  const args = ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${width}x${height}`, 'pipe:1'];
  const chunks: Buffer[] = [];
  let stderr = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => { if (stderr.length < 4000) stderr += c.toString(); });
    p.once('error', (err) => reject(new AppError('decode-failed', `${path}: cannot run ${bin}: ${err.message}`)));
    p.once('close', (c) => resolve(c));
  });
  const all = Buffer.concat(chunks);
  const size = width * height;
  const n = Math.floor(all.length / size);
  const firstLine = stderr.trim().split('\n')[0] ?? '';
  if (code !== 0 || n === 0) {
    throw new AppError('decode-failed', `${path}: ffmpeg ${version} could not decode the video${firstLine ? `: ${firstLine}` : ` (exit ${code})`}`);
  }
  const frames: Uint8Array[] = [];
  for (let i = 0; i < n; i++) frames.push(new Uint8Array(all.buffer, all.byteOffset + i * size, size));
  return { frames, ffmpeg: version };
}
