/**
 * The session's set of opened DICOM instances. open() scans paths, parses headers only (dicom-parser stops at
 * Pixel Data, and only the header bytes are read from disk), and groups instances by study and series. Frames,
 * tags and thumbnails parse the whole file on demand; parsed data sets and decoded frames live in LRU caches
 * bounded by bytes, so browsing a large folder does not hold every cine in memory.
 */
import { resolve } from 'node:path';
import { AppError, toErrorData } from '../../../shared/errors.ts';
import type { FramePixels, InstanceSummary, LoadError, OpenResult, SeriesNode, StudyNode, TagRow, Thumbnail } from '../../../shared/dicom-types.ts';
import { ByteLru } from './byte-lru.ts';
import type { DataSet } from './dicom-parser-lib.ts';
import { thumbnail as makeThumbnail } from './display.ts';
import { readDicomFile, readDicomHeaderSync } from './parse-file.ts';
import type { ParsedFile } from './parse-file.ts';
import { decodeFrame } from './pixels/decode-frame.ts';
import type { DecodedFrame } from './pixels/decode-frame.ts';
import { expandPaths } from './scan.ts';
import { isGreyPhotometric, summarizeInstance } from './summarize.ts';
import { tagRows } from './tags.ts';

export interface LibraryLimits {
  /** Bytes of fully parsed files kept (their whole file buffers). */
  dataSetBytes: number;
  /** Bytes of decoded frames kept. */
  frameBytes: number;
  /** Files parsed at once during open(). */
  concurrency: number;
}

const DEFAULT_LIMITS: LibraryLimits = { dataSetBytes: 512 * 1024 * 1024, frameBytes: 256 * 1024 * 1024, concurrency: 4 };

interface Entry {
  summary: InstanceSummary;
  path: string;
  transferSyntaxUid: string;
  /** The header (everything before the Pixel Data value), kept for the tag panel; null when not kept. */
  header: DataSet | null;
}

/**
 * A header-only parse may still reference a large read buffer (up to the first chunk, or a whole small file).
 * Keep only the bytes before the Pixel Data value: element offsets stay valid because the copy starts at 0.
 */
function compactHeader(parsed: ParsedFile): DataSet {
  const ds = parsed.dataSet;
  const px = ds.elements.x7fe00010;
  if (!parsed.headerOnly || !px || px.dataOffset >= ds.byteArray.length) return ds;
  const compact = Buffer.from(ds.byteArray.subarray(0, px.dataOffset));
  const rebase = (d: DataSet, depth: number): void => {
    d.byteArray = compact;
    if (depth > 64) return;
    for (const tag in d.elements) {
      const items = d.elements[tag].items;
      if (items) for (const item of items) if (item.dataSet) rebase(item.dataSet, depth + 1);
    }
  };
  rebase(ds, 0);
  return ds;
}

/** Prefixes the file to errors that come from the pixel decoder (which does not know the path). */
function withPath(path: string, err: unknown, doing: string): AppError {
  const data = toErrorData(err);
  const message = data.message.includes(path) ? data.message : `${path}: ${doing}: ${data.message}`;
  return new AppError(data.kind === 'internal' ? 'decode-failed' : data.kind, message);
}

/** FramePixels carries no Uint32Array; unsigned 32-bit stored values become Int32 when they fit, else Float32. */
function toFramePixelArray(px: DecodedFrame['pixels'] | Uint32Array, maxPixel: number): FramePixels['pixels'] {
  if (px instanceof Uint32Array) return maxPixel <= 0x7fffffff ? new Int32Array(px.buffer, px.byteOffset, px.length) : Float32Array.from(px);
  return px as FramePixels['pixels'];
}

export function groupInstances(instances: InstanceSummary[]): StudyNode[] {
  const studies = new Map<string, StudyNode>();
  for (const s of instances) {
    const studyKey = s.studyInstanceUid || '(no StudyInstanceUID)';
    let study = studies.get(studyKey);
    if (!study) {
      study = { studyInstanceUid: s.studyInstanceUid, description: s.studyDescription, date: s.studyDate, patientName: s.patientName, patientId: s.patientId, series: [] };
      studies.set(studyKey, study);
    }
    let series = study.series.find((x) => x.seriesInstanceUid === s.seriesInstanceUid);
    if (!series) {
      series = { seriesInstanceUid: s.seriesInstanceUid, seriesNumber: s.seriesNumber, description: s.seriesDescription, modality: s.modality, instances: [] };
      study.series.push(series);
    }
    series.instances.push(s);
  }
  const nullsLast = (a: number | null, b: number | null): number => (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY) || 0;
  const bySeries = (a: SeriesNode, b: SeriesNode): number =>
    nullsLast(a.seriesNumber, b.seriesNumber) || a.seriesInstanceUid.localeCompare(b.seriesInstanceUid);
  const byInstance = (a: InstanceSummary, b: InstanceSummary): number =>
    nullsLast(a.instanceNumber, b.instanceNumber) || a.path.localeCompare(b.path);
  const out = [...studies.values()];
  for (const st of out) {
    st.series.sort(bySeries);
    for (const se of st.series) se.instances.sort(byInstance);
  }
  out.sort((a, b) => a.date.localeCompare(b.date) || a.studyInstanceUid.localeCompare(b.studyInstanceUid));
  return out;
}

export class DicomLibrary {
  private readonly entries = new Map<string, Entry>();
  /** Errors by path: re-opening a path replaces its earlier error (or clears it when it now loads). */
  private readonly errors = new Map<string, LoadError>();
  private readonly dataSets: ByteLru<string, ParsedFile>;
  private readonly frames: ByteLru<string, FramePixels>;
  private readonly limits: LibraryLimits;
  private readonly keepHeaders: boolean;

  /**
   * `keepHeaders: false` is for one-shot listings (`inspect`): summaries only, no header bytes kept for the
   * tag panel (tags() then reads the header again).
   */
  constructor(limits: Partial<LibraryLimits> = {}, options: { keepHeaders?: boolean } = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.keepHeaders = options.keepHeaders ?? true;
    this.dataSets = new ByteLru(this.limits.dataSetBytes);
    this.frames = new ByteLru(this.limits.frameBytes);
  }

  /** Opens files and folders; never throws for a bad file. Returns what this call opened and its errors. */
  async open(paths: string[]): Promise<OpenResult> {
    const scan = await expandPaths(paths);
    const opened: InstanceSummary[] = [];
    const errors: LoadError[] = [...scan.errors];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < scan.files.length) {
        const path = scan.files[next++];
        try {
          const summary = await this.openFile(path);
          opened.push(summary);
          this.errors.delete(path);
        } catch (err) {
          const data = toErrorData(err);
          const e: LoadError = { path, code: data.kind, message: data.message.includes(path) ? data.message : `${path}: ${data.message}` };
          errors.push(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.limits.concurrency) }, worker));
    for (const e of errors) this.errors.set(e.path, e);
    const order = new Map(scan.files.map((f, i) => [resolve(f), i]));
    opened.sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0));
    return { studies: groupInstances(opened), errors };
  }

  /** Summaries of this call's files in scan order (for the flat `inspect` listing). */
  async openFlat(paths: string[]): Promise<{ instances: InstanceSummary[]; errors: LoadError[] }> {
    const result = await this.open(paths);
    const instances = result.studies.flatMap((s) => s.series.flatMap((se) => se.instances));
    return { instances, errors: result.errors };
  }

  private async openFile(path: string): Promise<InstanceSummary> {
    // Headers only: a >8-bit grey file without a window gets its default window from frame 0 when a frame is
    // first requested (see frame()), not here, so opening a folder never decodes pixel data.
    const parsed = await readDicomFile(path, { headerOnly: true });
    const summary = summarizeInstance(parsed.dataSet, path, { transferSyntaxUid: parsed.transferSyntaxUid });
    const previous = this.entries.get(summary.id);
    if (previous) {
      // Same path opened again: refresh (the file may have changed) and drop stale caches.
      this.dataSets.delete(previous.path);
      this.frames.deleteWhere((k) => k.startsWith(`${summary.id}:`));
    }
    this.entries.set(summary.id, { summary, path: summary.path, transferSyntaxUid: parsed.transferSyntaxUid, header: !this.keepHeaders ? null : compactHeader(parsed) });
    return summary;
  }

  /** Everything opened so far, grouped, with the errors still standing. */
  list(): OpenResult {
    return { studies: groupInstances([...this.entries.values()].map((e) => e.summary)), errors: [...this.errors.values()] };
  }

  private entry(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new AppError('not-found', `no opened instance has id ${id}`);
    return e;
  }

  instance(id: string): InstanceSummary {
    return this.entry(id).summary;
  }

  private async fullDataSet(path: string): Promise<ParsedFile> {
    const cached = this.dataSets.get(path);
    if (cached) return cached;
    const parsed = await readDicomFile(path);
    this.dataSets.set(path, parsed, parsed.dataSet.byteArray.length);
    return parsed;
  }

  async frame(id: string, frame: number): Promise<FramePixels> {
    const e = this.entry(id);
    const s = e.summary;
    if (s.frames === 0) throw new AppError('no-pixel-data', `${e.path}: has no pixel data (SOP class ${s.sopClassUid})`);
    if (!Number.isInteger(frame) || frame < 0 || frame >= s.frames) {
      throw new AppError('not-found', `${e.path}: frame ${frame} does not exist; it has ${s.frames} frame(s) (0-based)`);
    }
    const key = `${id}:${frame}`;
    const cached = this.frames.get(key);
    if (cached) return cached;
    let decoded: DecodedFrame;
    try {
      const parsed = await this.fullDataSet(e.path);
      decoded = await decodeFrame(parsed.dataSet, frame, { transferSyntaxUid: e.transferSyntaxUid });
    } catch (err) {
      throw withPath(e.path, err, `decoding frame ${frame}`);
    }
    const grey = decoded.kind === 'grey';
    const preset = s.windows[0];
    let windowCenter = 128;
    let windowWidth = 256;
    if (grey) {
      if (preset) {
        windowCenter = preset.center;
        windowWidth = preset.width;
      } else if (frame !== 0) {
        // No stated window: every frame of a cine uses frame 0's fitted window, so playback does not flicker.
        const first = await this.frame(id, 0);
        windowCenter = first.windowCenter;
        windowWidth = first.windowWidth;
      } else {
        // No stated window: fit frame 0's range (modality units).
        const a = decoded.minPixel * s.rescaleSlope + s.rescaleIntercept;
        const b = decoded.maxPixel * s.rescaleSlope + s.rescaleIntercept;
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        windowWidth = Math.max(hi - lo + 1, 1);
        windowCenter = (lo + hi + 1) / 2;
      }
    }
    const pixels = toFramePixelArray(decoded.pixels, decoded.maxPixel);
    const result: FramePixels = {
      instanceId: id,
      frame,
      rows: decoded.rows,
      columns: decoded.columns,
      kind: decoded.kind,
      pixels,
      minPixel: decoded.minPixel,
      maxPixel: decoded.maxPixel,
      rescaleSlope: grey ? s.rescaleSlope : 1,
      rescaleIntercept: grey ? s.rescaleIntercept : 0,
      windowCenter,
      windowWidth,
      invert: grey && s.photometric === 'MONOCHROME1',
    };
    this.frames.set(key, result, pixels.byteLength);
    return result;
  }

  /**
   * Tag rows of the header: every element up to and including Pixel Data (summarised), as read at open. Elements
   * after Pixel Data (trailing padding, digital signatures) are not listed.
   */
  tags(id: string): TagRow[] {
    const e = this.entry(id);
    const header = e.header ?? compactHeader(readDicomHeaderSync(e.path));
    try {
      return tagRows(header);
    } catch (err) {
      throw withPath(e.path, err, 'reading tags');
    }
  }

  async thumbnail(id: string, size: number): Promise<Thumbnail> {
    if (!Number.isInteger(size) || size < 1 || size > 4096) throw new AppError('invalid-argument', `thumbnail size ${size} is not an integer in 1..4096`);
    return makeThumbnail(await this.frame(id, 0), size);
  }

  /** True when the instance's photometric interpretation is windowable grey. */
  isGrey(id: string): boolean {
    return isGreyPhotometric(this.entry(id).summary.photometric);
  }
}

/** Flat summaries and errors for `cardiosynth inspect --json`. */
export async function inspectPaths(paths: string[]): Promise<{ studies: InstanceSummary[]; errors: LoadError[] }> {
  const lib = new DicomLibrary({}, { keepHeaders: false });
  const { instances, errors } = await lib.openFlat(paths);
  return { studies: instances, errors };
}
