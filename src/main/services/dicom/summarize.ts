/**
 * InstanceSummary from a parsed data set: what the study browser, the viewer and `inspect` show.
 *
 * Window presets come from WindowCenter/WindowWidth (0028,1050/1051), paired by index, named by
 * WindowCenterWidthExplanation (0028,1055) or "Window N". When a grey image states none we add one "Full range"
 * preset in modality units (after RescaleSlope/Intercept):
 *   - BitsStored <= 8: the whole stored range (0..2^n-1, or -2^(n-1)..2^(n-1)-1 when signed). For 8-bit echo
 *     this is the identity mapping (center 128, width 256), which is what the scanner showed.
 *   - BitsStored > 8: SmallestImagePixelValue..LargestImagePixelValue when present. Otherwise no preset here:
 *     the stored range of 12-16-bit data is mostly empty (a nearly black image), so the library fits frame 0's
 *     min..max when a frame is first requested and uses that window for every frame. Opening never decodes.
 * The preset maps lo..hi exactly onto 0..255 with the PS3.3 C.11.2.1.2.1 linear function: width = hi-lo+1,
 * center = (lo+hi+1)/2 (so lo sits at the bottom edge and hi at the top edge of the window).
 * Colour images (RGB, YBR, PALETTE COLOR) get no presets: windowing does not apply to them.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { InstanceSummary, WindowPreset } from '../../../shared/dicom-types.ts';
import type { DataSet } from './dicom-parser-lib.ts';
import { frameTiming, numberList } from './timing.ts';

const PIXEL_DATA_TAGS = ['x7fe00010', 'x7fe00008', 'x7fe00009'];

/** Stable id of an instance: a hash of its absolute path, so re-opening the same path gives the same id. */
export function instanceIdFor(path: string): string {
  return createHash('sha256').update(resolve(path)).digest('hex').slice(0, 24);
}

function str(ds: DataSet, tag: string): string {
  try {
    return (ds.string(tag) ?? '').replace(/\0/g, '').trim();
  } catch {
    return '';
  }
}

function intOrNull(ds: DataSet, tag: string): number | null {
  const n = parseInt(str(ds, tag), 10);
  return Number.isFinite(n) ? n : null;
}

function us(ds: DataSet, tag: string, fallback: number): number {
  try {
    return ds.uint16(tag) ?? fallback;
  } catch {
    return fallback;
  }
}

export function isGreyPhotometric(photometric: string): boolean {
  return photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2';
}

/** Pixel value range after rescale, ordered low..high. */
function rescaledRange(min: number, max: number, slope: number, intercept: number): [number, number] {
  const a = min * slope + intercept;
  const b = max * slope + intercept;
  return a <= b ? [a, b] : [b, a];
}

/** A window that maps lo..hi (modality units) onto the full display range. */
export function fullRangeWindow(lo: number, hi: number): WindowPreset {
  const width = Math.max(hi - lo + 1, 1);
  return { center: (lo + hi + 1) / 2, width, name: 'Full range' };
}

export interface SummarizeOptions {
  transferSyntaxUid: string;
}

function storedWindows(ds: DataSet): WindowPreset[] {
  const centers = numberList(ds, 'x00281050');
  const widths = numberList(ds, 'x00281051');
  const names = str(ds, 'x00281055').split('\\').map((s) => s.trim());
  const out: WindowPreset[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const center = centers[i];
    const width = widths[i];
    if (!Number.isFinite(center) || !Number.isFinite(width) || width < 1) continue;
    out.push({ center, width, name: names[i] || `Window ${i + 1}` });
  }
  return out;
}

/** Smallest/LargestImagePixelValue are US or SS depending on PixelRepresentation. */
function statedPixelRange(ds: DataSet, signed: boolean): { min: number; max: number } | undefined {
  const a = ds.elements.x00280106;
  const b = ds.elements.x00280107;
  if (!a || !b || a.length < 2 || b.length < 2) return undefined;
  return signed ? { min: ds.int16('x00280106') ?? 0, max: ds.int16('x00280107') ?? 0 } : { min: ds.uint16('x00280106') ?? 0, max: ds.uint16('x00280107') ?? 0 };
}

export function summarizeInstance(ds: DataSet, path: string, options: SummarizeOptions): InstanceSummary {
  const hasPixels = PIXEL_DATA_TAGS.some((t) => ds.elements[t]);
  const framesRaw = parseInt(str(ds, 'x00280008'), 10);
  const frames = hasPixels ? (Number.isFinite(framesRaw) && framesRaw > 0 ? framesRaw : 1) : 0;
  const samplesPerPixel = us(ds, 'x00280002', hasPixels ? 1 : 0);
  const photometric = str(ds, 'x00280004').toUpperCase() || (hasPixels ? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2') : '');
  const bitsAllocated = us(ds, 'x00280100', 0);
  const bitsStored = us(ds, 'x00280101', bitsAllocated);
  const pixelRepresentation = us(ds, 'x00280103', 0);
  const slope = numberList(ds, 'x00281053')[0];
  const intercept = numberList(ds, 'x00281052')[0];
  const rescaleSlope = Number.isFinite(slope) && slope !== 0 ? slope : 1;
  const rescaleIntercept = Number.isFinite(intercept) ? intercept : 0;
  const timing = frameTiming(ds, frames);

  let windows: WindowPreset[] = [];
  if (hasPixels && isGreyPhotometric(photometric)) {
    windows = storedWindows(ds);
    if (windows.length === 0) {
      const signed = pixelRepresentation === 1;
      let range: { min: number; max: number } | undefined;
      if (bitsStored <= 8) {
        range = signed ? { min: -(2 ** (bitsStored - 1)), max: 2 ** (bitsStored - 1) - 1 } : { min: 0, max: 2 ** bitsStored - 1 };
      } else {
        range = statedPixelRange(ds, signed); // else none: the library fits frame 0 when it is first shown
      }
      if (range) {
        const [lo, hi] = rescaledRange(range.min, range.max, rescaleSlope, rescaleIntercept);
        windows = [fullRangeWindow(lo, hi)];
      }
    }
  }

  return {
    id: instanceIdFor(path),
    path: resolve(path),
    format: 'dicom',
    modality: str(ds, 'x00080060'),
    sopClassUid: str(ds, 'x00080016') || str(ds, 'x00020002'),
    sopInstanceUid: str(ds, 'x00080018') || str(ds, 'x00020003'),
    studyInstanceUid: str(ds, 'x0020000d'),
    seriesInstanceUid: str(ds, 'x0020000e'),
    transferSyntaxUid: options.transferSyntaxUid,
    frames,
    rows: us(ds, 'x00280010', 0),
    columns: us(ds, 'x00280011', 0),
    samplesPerPixel,
    photometric,
    bitsAllocated,
    bitsStored,
    pixelRepresentation,
    planarConfiguration: us(ds, 'x00280006', 0),
    frameRateHz: timing.frameRateHz,
    frameRateSource: timing.frameRateSource,
    ...(timing.frameTimesMs ? { frameTimesMs: timing.frameTimesMs } : {}),
    rescaleSlope,
    rescaleIntercept,
    windows,
    instanceNumber: intOrNull(ds, 'x00200013'),
    seriesNumber: intOrNull(ds, 'x00200011'),
    seriesDescription: str(ds, 'x0008103e'),
    studyDescription: str(ds, 'x00081030'),
    studyDate: str(ds, 'x00080020'),
    patientName: str(ds, 'x00100010'),
    patientId: str(ds, 'x00100020'),
    manufacturer: str(ds, 'x00080070'),
  };
}
