/**
 * dicom.first_frame_ms.<file> and dicom.decode_fps.<transfer syntax>, in this process, through the DICOM
 * service's public API (the same calls the doors make).
 */
import { relative } from 'node:path';
import { DicomLibrary, readDicomFile } from '../../src/main/services/dicom/index.ts';
import { decodeFrame } from '../../src/main/services/dicom/pixels/decode-frame.ts';
import type { InstanceSummary } from '../../src/shared/dicom-types.ts';
import { figure, median, type Figure } from './figures.ts';

/** Our own targets (the issue names none for these): a first frame within half a second feels immediate, and a
 * syntax decoding at 30 frames/s or more can feed cine playback at a typical echo rate without buffering. */
const FIRST_FRAME_TARGET_MS = 500;
const DECODE_FPS_TARGET = 30;
const RUNS = 5;

export const TS_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** The DICOM files with pixel data under `dir`, as the service sees them. */
export async function listImages(dir: string): Promise<InstanceSummary[]> {
  const lib = new DicomLibrary();
  const { instances } = await lib.openFlat([dir]);
  return instances.filter((i) => i.frames > 0).sort((a, b) => a.path.localeCompare(b.path));
}

export async function firstFrameFigures(dir: string, images: InstanceSummary[]): Promise<Record<string, Figure>> {
  const out: Record<string, Figure> = {};
  for (const img of images) {
    const times: number[] = [];
    let failure = '';
    // One unmeasured run first: it pays one-time costs (module and WASM codec initialisation, JIT) that a
    // running workstation has already paid; each measured run then uses a fresh library (no caches).
    for (let run = 0; run <= RUNS && !failure; run++) {
      const lib = new DicomLibrary();
      const t0 = performance.now();
      try {
        const opened = await lib.open([img.path]);
        const inst = opened.studies[0]?.series[0]?.instances[0];
        if (!inst) throw new Error(opened.errors[0]?.message ?? 'nothing opened');
        await lib.frame(inst.id, 0);
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e);
        break;
      }
      if (run > 0) times.push(performance.now() - t0);
    }
    const key = `dicom.first_frame_ms.${relative(dir, img.path)}`;
    out[key] = failure
      ? figure(null, 'ms', { op: '<=', limit: FIRST_FRAME_TARGET_MS }, `failed: ${failure}`, { pass: false })
      : figure(median(times), 'ms', { op: '<=', limit: FIRST_FRAME_TARGET_MS }, `open + header parse + decode of frame 0 in a fresh DicomLibrary; median of ${RUNS} after one warm-up run`, {
          transferSyntaxUid: img.transferSyntaxUid,
          size: `${img.rows}x${img.columns}x${img.samplesPerPixel}`,
          frames: img.frames,
        });
    if (failure) out[key].pass = false;
  }
  return out;
}

export async function decodeFpsFigures(images: InstanceSummary[]): Promise<Record<string, Figure>> {
  const bySyntax = new Map<string, { frames: number; ms: number; pixels: number; files: string[]; errors: string[] }>();
  for (const img of images) {
    const agg = bySyntax.get(img.transferSyntaxUid) ?? { frames: 0, ms: 0, pixels: 0, files: [], errors: [] };
    bySyntax.set(img.transferSyntaxUid, agg);
    agg.files.push(img.path);
    try {
      const parsed = await readDicomFile(img.path);
      const opts = { transferSyntaxUid: parsed.transferSyntaxUid };
      await decodeFrame(parsed.dataSet, 0, opts); // warm-up (codec initialisation)
      // Cycle through the frames for at least 300 ms and at least one full pass.
      let n = 0;
      const t0 = performance.now();
      while (n < img.frames || performance.now() - t0 < 300) {
        await decodeFrame(parsed.dataSet, n % img.frames, opts);
        n++;
      }
      agg.ms += performance.now() - t0;
      agg.frames += n;
      agg.pixels += n * img.rows * img.columns;
    } catch (e) {
      agg.errors.push(`${img.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const out: Record<string, Figure> = {};
  for (const [uid, agg] of [...bySyntax.entries()].sort()) {
    const fps = agg.ms > 0 ? (agg.frames * 1000) / agg.ms : null;
    const f = figure(fps, 'frames/s', { op: '>=', limit: DECODE_FPS_TARGET }, 'decodeFrame on an already-parsed data set, all frames of every file of this syntax in turn, frames over total time; file sizes differ, so see megapixels_per_s too', {
      name: TS_NAMES[uid] ?? uid,
      megapixels_per_s: agg.ms > 0 ? Math.round((agg.pixels / 1e6 / (agg.ms / 1000)) * 10) / 10 : null,
      files: agg.files.length,
      ...(agg.errors.length ? { errors: agg.errors } : {}),
    });
    if (agg.errors.length) f.pass = false;
    out[`dicom.decode_fps.${uid}`] = f;
  }
  return out;
}
