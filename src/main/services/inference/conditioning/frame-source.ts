/**
 * Reads a real frame as it is displayed: the init image of img2img (SDEdit) and the source frame a result is
 * shown beside. An opened DICOM instance (the viewer's current frame), a catalog study's frame, or a file:
 * DICOM, PNG, NIfTI/MetaImage (frame N). Grey is what the echo packs take; colour frames are reduced to luma
 * (BT.601).
 */
import { resolve } from 'node:path';
import { AppError, toErrorData } from '../../../../shared/errors.ts';
import type { FrameSource } from '../../../../shared/inference-types.ts';
import { isSequencePath, openSequence } from '../../datasets/index.ts';
import { DicomLibrary, renderDisplay, type DisplayImage } from '../../dicom/index.ts';
import { decodePng } from '../images/png-decode.ts';
import type { StudySources } from './study-sources.ts';
import { readInputFile } from './read-input.ts';

export interface FrameRead {
  width: number;
  height: number;
  /** 8-bit grey as displayed. */
  grey: Uint8Array;
  /** RGBA as displayed (colour kept), for showing beside a result. */
  rgba: Uint8Array;
  /** SHA-256 of the file read (absent for an opened instance: its path is recorded). */
  sha256?: string;
  label: string;
  /** Height of a pixel over its width (row spacing / column spacing): 1 unless the frame says otherwise. */
  pixelAspect: number;
}

function aspectOf(frame: { pixelSpacingMm?: [number, number] }): number {
  const sp = frame.pixelSpacingMm;
  return sp && sp[0] > 0 && sp[1] > 0 ? sp[0] / sp[1] : 1;
}

function fromDisplay(img: DisplayImage, label: string, sha256?: string, pixelAspect = 1): FrameRead {
  const n = img.width * img.height;
  const grey = new Uint8Array(n);
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const r = img.data[i * img.channels];
    const g = img.channels === 3 ? img.data[i * 3 + 1] : r;
    const b = img.channels === 3 ? img.data[i * 3 + 2] : r;
    grey[i] = img.channels === 3 ? Math.round(0.299 * r + 0.587 * g + 0.114 * b) : r;
    rgba.set([r, g, b, 255], i * 4);
  }
  return { width: img.width, height: img.height, grey, rgba, sha256, label, pixelAspect };
}

function pngDisplay(bytes: Uint8Array, file: string): DisplayImage {
  const png = decodePng(bytes, file);
  const n = png.width * png.height;
  const colour = png.colorType === 2 || png.colorType === 6 || png.colorType === 3;
  const out = new Uint8Array(n * (colour ? 3 : 1));
  for (let i = 0; i < n; i++) {
    if (png.colorType === 3) {
      const idx = png.samples[i];
      out.set(png.palette!.subarray(idx * 3, idx * 3 + 3), i * 3);
    } else if (colour) {
      for (let c = 0; c < 3; c++) out[i * 3 + c] = png.bitDepth === 16 ? png.samples[i * png.channels + c] >> 8 : png.samples[i * png.channels + c];
    } else {
      const v = png.samples[i * png.channels];
      out[i] = png.bitDepth === 16 ? v >> 8 : png.bitDepth < 8 ? Math.round((v * 255) / ((1 << png.bitDepth) - 1)) : v;
    }
  }
  return { width: png.width, height: png.height, channels: colour ? 3 : 1, data: out };
}

/** Reads a frame. `library` is the app's DICOM library (for opened instances); `studies` reads catalog frames. */
export async function readFrame(source: FrameSource, library: DicomLibrary, studies?: StudySources): Promise<FrameRead> {
  if (source.kind === 'study') {
    if (!studies) throw new AppError('unsupported', `${source.study}: catalog studies are read by the app and \`serve\`; here, give an image file`);
    const { pixels, frames } = await studies.frame(source.study, source.frame);
    return fromDisplay(renderDisplay(pixels), `${source.study}, frame ${source.frame + 1} of ${frames}`, undefined, aspectOf(pixels));
  }
  if (source.kind === 'instance') {
    const frame = await library.frame(source.instanceId, source.frame);
    const inst = library.instance(source.instanceId);
    return fromDisplay(renderDisplay(frame), `${inst.path}, frame ${source.frame + 1} of ${inst.frames}`, undefined, aspectOf(frame));
  }
  const path = resolve(source.path);
  const n = source.frame ?? 0;
  const { bytes, sha256 } = await readInputFile(path);
  const label = `${path}${n ? ` frame ${n}` : ''}`;
  if (/\.png$/i.test(path)) {
    if (n !== 0) throw new AppError('invalid-argument', `${path}: a PNG has one frame; frame ${n} does not exist`);
    return fromDisplay(pngDisplay(bytes, path), label, sha256);
  }
  if (isSequencePath(path)) {
    const seq = await openSequence(path, { thirdAxisIsTime: true });
    return fromDisplay(renderDisplay(seq.frame(n)), label, sha256);
  }
  const own = new DicomLibrary();
  const opened = await own.open([path]);
  if (opened.errors.length) throw new AppError(toErrorData({ kind: opened.errors[0].code, message: '' }).kind, `${path}: ${opened.errors[0].message}`);
  const inst = opened.studies.flatMap((s) => s.series.flatMap((se) => se.instances))[0];
  if (!inst) throw new AppError('no-pixel-data', `${path}: no image in this file`);
  if (n >= inst.frames) throw new AppError('not-found', `${path}: has ${inst.frames} frame(s) (0 to ${inst.frames - 1}); frame ${n} does not exist`);
  return fromDisplay(renderDisplay(await own.frame(inst.id, n)), label, sha256);
}
