/**
 * One in-memory frame sequence for NIfTI, MetaImage and AVI files, shown through the viewer's existing
 * FramePixels path (grey stored values plus rescale and a default window, or RGB).
 *
 * Axis convention (the same as nibabel/ITK and as CAMUS is displayed): array axis 0 (NIfTI i, MetaImage x)
 * varies fastest and runs along a row, left to right, so it is the column index; axis 1 is the row index,
 * top to bottom; axis 2 is the frame (time in a CAMUS cine, slice in a 3-D volume); in a 4-D NIfTI, axis 3
 * is time. A CAMUS half_sequence of nibabel shape (W, H, T) therefore shows as T frames of H rows x W
 * columns, and each frame is one contiguous block of the array: no transposition.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { DEFAULT_FRAME_RATE_HZ } from '../../../shared/dicom-types.ts';
import type { FramePixels } from '../../../shared/dicom-types.ts';
import type { SequenceFrameRateSource, SequenceSummary } from '../../../shared/dataset-types.ts';
import { AppError } from '../../../shared/errors.ts';
import { readAviInfo } from './avi-header.ts';
import { decodeGreyFrames } from './ffmpeg.ts';
import { isMetaImagePath, readMetaImage } from './metaimage-reader.ts';
import { isNiftiPath, readNifti } from './nifti-reader.ts';
import { valueRange } from './volume.ts';
import type { Volume, VoxelArray } from './volume.ts';

export interface OpenSequenceOptions {
  /** The third axis of a 3-D image is time (a cine such as CAMUS half_sequence), not a slice. */
  thirdAxisIsTime?: boolean;
  /** A frame rate the dataset states (CAMUS cfg FrameRate, EchoNet FileList FPS), with its source. */
  frameRateHz?: number;
  frameRateSource?: SequenceFrameRateSource;
  /** For a 4-D (x, y, z, t) image: which z slice to play over time; default the middle one. */
  slice?: number;
}

export interface FrameSequence {
  summary: SequenceSummary;
  /** Frame n (0-based) as the viewer displays it. */
  frame(n: number): FramePixels;
}

export function sequenceId(path: string): string {
  return `seq-${createHash('sha1').update(resolve(path)).digest('hex').slice(0, 16)}`;
}

export function isSequencePath(path: string): boolean {
  return isNiftiPath(path) || isMetaImagePath(path) || /\.avi$/i.test(path);
}

export async function openSequence(path: string, options: OpenSequenceOptions = {}): Promise<FrameSequence> {
  if (/\.avi$/i.test(path)) return openAvi(path, options);
  if (isNiftiPath(path)) return fromVolume(await readNifti(path), options);
  if (isMetaImagePath(path)) return fromVolume(await readMetaImage(path), options);
  throw new AppError('unsupported', `${path}: not a NIfTI (.nii, .nii.gz), MetaImage (.mhd, .mha) or AVI file`);
}

function frameRate(options: OpenSequenceOptions, fallback: { hz: number; source: SequenceFrameRateSource } | null, frames: number): { hz: number; source: SequenceFrameRateSource } {
  if (frames <= 1) return { hz: DEFAULT_FRAME_RATE_HZ, source: 'single-frame' };
  if (options.frameRateHz && options.frameRateHz > 0) return { hz: options.frameRateHz, source: options.frameRateSource ?? 'default' };
  return fallback ?? { hz: DEFAULT_FRAME_RATE_HZ, source: 'default' };
}

function checkFrame(summary: SequenceSummary, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= summary.frames) {
    throw new AppError('not-found', `${summary.path}: frame ${n} does not exist; it has ${summary.frames} frame(s) (0-based)`);
  }
}

/** FramePixels holds no Int8/Uint32/Float64: widen or narrow to the nearest type that keeps every value. */
function framePixelArray(a: VoxelArray, max: number): FramePixels['pixels'] {
  if (a instanceof Uint8Array || a instanceof Uint16Array || a instanceof Int16Array || a instanceof Int32Array || a instanceof Float32Array) return a.slice();
  if (a instanceof Int8Array) return Int16Array.from(a);
  if (a instanceof Uint32Array) return max <= 0x7fffffff ? Int32Array.from(a) : Float32Array.from(a);
  return Float32Array.from(a);
}

/** A window covering the whole stored range, in modality units; for integers it maps min..max onto 0..255 exactly. */
function fullRangeWindow(min: number, max: number, slope: number, intercept: number, integer: boolean): { center: number; width: number } {
  const a = min * slope + intercept;
  const b = max * slope + intercept;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const width = integer && slope === 1 ? hi - lo + 1 : Math.max(hi - lo, 1e-6);
  return { center: integer && slope === 1 ? lo + width / 2 : (lo + hi) / 2, width };
}

export function fromVolume(v: Volume, options: OpenSequenceOptions = {}): FrameSequence {
  const d = v.dims;
  const columns = d[0];
  const rows = d.length > 1 ? d[1] : 1;
  const plane = rows * columns;
  let frames: number;
  let frameAxis: SequenceSummary['frameAxis'];
  let firstOffset = 0;
  let frameStride = plane;
  let fallbackRate: { hz: number; source: SequenceFrameRateSource } | null = null;
  if (d.length >= 4 && d[3] > 1) {
    // (x, y, z, t): play one z slice over time. Axes beyond 4 stay at index 0.
    const nz = d[2];
    const z = options.slice ?? Math.floor(nz / 2);
    if (!Number.isInteger(z) || z < 0 || z >= nz) throw new AppError('invalid-argument', `${v.path}: slice ${z} does not exist; it has ${nz} (0-based)`);
    frames = d[3];
    frameAxis = 'time';
    firstOffset = z * plane;
    frameStride = plane * nz;
    if (v.timeStepS) fallbackRate = { hz: 1 / v.timeStepS, source: 'nifti-pixdim' };
  } else if (d.length >= 3 && d[2] > 1) {
    frames = d[2];
    frameAxis = options.thirdAxisIsTime ? 'time' : 'slice';
  } else {
    frames = 1;
    frameAxis = 'none';
  }
  const rate = frameRate(options, fallbackRate, frames);
  const comps = v.components;
  const rgb = comps >= 3;
  let minPixel = 0;
  let maxPixel = 255;
  if (!rgb) {
    // Range over the frames we show, so one window fits the whole cine.
    minPixel = Number.POSITIVE_INFINITY;
    maxPixel = Number.NEGATIVE_INFINITY;
    for (let f = 0; f < frames; f++) {
      const s = firstOffset + f * frameStride;
      const r = valueRange(v.data, s, s + plane);
      minPixel = Math.min(minPixel, r.min);
      maxPixel = Math.max(maxPixel, r.max);
    }
  }
  const spacingMm = v.spacing.length >= 2 && v.spacing[0] > 0 && v.spacing[1] > 0
    ? ([v.spacing[1] * (v.spatialUnitMm ?? 1), v.spacing[0] * (v.spatialUnitMm ?? 1)] as [number, number])
    : null;
  const summary: SequenceSummary = {
    id: sequenceId(v.path),
    path: v.path,
    fileFormat: v.format,
    dims: d.slice(),
    frameAxis,
    frames,
    rows,
    columns,
    kind: rgb ? 'rgb' : 'grey',
    dataType: v.dataType,
    frameRateHz: rate.hz,
    frameRateSource: rate.source,
    pixelSpacingMm: spacingMm,
    rescaleSlope: v.slope,
    rescaleIntercept: v.intercept,
    minPixel,
    maxPixel,
  };
  const integer = !(v.data instanceof Float32Array || v.data instanceof Float64Array);
  const win = fullRangeWindow(minPixel, maxPixel, v.slope, v.intercept, integer);
  return {
    summary,
    frame(n: number): FramePixels {
      checkFrame(summary, n);
      const s = firstOffset + n * frameStride;
      if (rgb) {
        const px = new Uint8Array(plane * 3);
        for (let i = 0; i < plane; i++) {
          px[i * 3] = v.data[(s + i) * comps];
          px[i * 3 + 1] = v.data[(s + i) * comps + 1];
          px[i * 3 + 2] = v.data[(s + i) * comps + 2];
        }
        return { instanceId: summary.id, frame: n, rows, columns, kind: 'rgb', pixels: px, minPixel: 0, maxPixel: 255, rescaleSlope: 1, rescaleIntercept: 0, windowCenter: 128, windowWidth: 256, invert: false };
      }
      const slice = v.data.subarray(s, s + plane) as VoxelArray;
      const r = valueRange(slice);
      return {
        instanceId: summary.id, frame: n, rows, columns, kind: 'grey',
        pixels: framePixelArray(slice, maxPixel),
        minPixel: r.min, maxPixel: r.max,
        rescaleSlope: v.slope, rescaleIntercept: v.intercept,
        windowCenter: win.center, windowWidth: win.width, invert: false,
      };
    },
  };
}

async function openAvi(path: string, options: OpenSequenceOptions): Promise<FrameSequence> {
  const info = await readAviInfo(path);
  const { frames: data } = await decodeGreyFrames(path, info.width, info.height);
  const frames = data.length;
  const rate = frameRate(options, { hz: info.frameRateHz, source: 'avi-header' }, frames);
  let minPixel = 255;
  let maxPixel = 0;
  for (const f of data) {
    const r = valueRange(f);
    minPixel = Math.min(minPixel, r.min);
    maxPixel = Math.max(maxPixel, r.max);
  }
  const summary: SequenceSummary = {
    id: sequenceId(path), path, fileFormat: 'avi', dims: [info.width, info.height, frames], frameAxis: frames > 1 ? 'time' : 'none',
    frames, rows: info.height, columns: info.width, kind: 'grey', dataType: 'uint8',
    frameRateHz: rate.hz, frameRateSource: rate.source, pixelSpacingMm: null,
    rescaleSlope: 1, rescaleIntercept: 0, minPixel, maxPixel,
  };
  return {
    summary,
    frame(n: number): FramePixels {
      checkFrame(summary, n);
      const px = data[n];
      const r = valueRange(px);
      // Video is display-ready 8-bit: the identity window shows it as encoded.
      return { instanceId: summary.id, frame: n, rows: info.height, columns: info.width, kind: 'grey', pixels: px.slice(), minPixel: r.min, maxPixel: r.max, rescaleSlope: 1, rescaleIntercept: 0, windowCenter: 128, windowWidth: 256, invert: false };
    },
  };
}
