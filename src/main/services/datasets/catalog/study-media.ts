/**
 * The pixels behind catalog studies: a study's cine frames for the viewer, the ground-truth label map of a
 * frame, EchoNet tracing lines, and cached thumbnails. Cines and label volumes are read whole on first use
 * (AVIs through ffmpeg) and kept in a byte-bounded LRU, so scrubbing and playback read memory.
 *
 * A CAMUS view without a cine (only ED/ES images) is shown as a two-frame sequence, ED then ES, and its label
 * maps are mapped onto those two frames; StudyView says so through its edFrame/esFrame.
 */
import type { LabelMapFrame, StudyView, TracingFrameLines, CatalogStudy } from '../../../../shared/catalog-types.ts';
import type { LabelMapRef } from '../../../../shared/dataset-types.ts';
import type { FramePixels, Thumbnail } from '../../../../shared/dicom-types.ts';
import { AppError } from '../../../../shared/errors.ts';
import { ByteLru } from '../../dicom/byte-lru.ts';
import { thumbnail as renderThumbnail } from '../../dicom/display.ts';
import { tracingMask } from '../echonet-tracings.ts';
import { readVolume } from '../label-values.ts';
import { fromVolume, openSequence, type FrameSequence } from '../sequence.ts';
import { distinctValues, type Volume } from '../volume.ts';
import type { CatalogStore } from './catalog-store.ts';

interface Opened {
  study: CatalogStudy;
  seq: FrameSequence;
  /** Phase-images studies: viewer frame -> which phase image (and so which gt) it is. */
  phaseFrames: Array<'ED' | 'ES'> | null;
  bytes: number;
}

export interface StudyMediaLimits {
  /** Bytes of decoded cines and label volumes kept. */
  cacheBytes: number;
  /** Thumbnails rendered at once (each may decode a whole cine). */
  thumbnailConcurrency: number;
}

const SOURCE_ORDER: Array<LabelMapRef['kind']> = ['gt', 'sequence-gt', 'tracing'];

function volumeBytes(v: Volume): number {
  return v.data.byteLength + 1024;
}

export class StudyMedia {
  private readonly store: CatalogStore;
  private readonly cache: ByteLru<string, Opened | Volume>;
  private readonly inflight = new Map<string, Promise<Opened>>();
  private readonly limits: StudyMediaLimits;
  private thumbsRunning = 0;
  private readonly thumbQueue: Array<() => void> = [];

  constructor(store: CatalogStore, limits: Partial<StudyMediaLimits> = {}) {
    this.store = store;
    this.limits = { cacheBytes: 768 * 1024 * 1024, thumbnailConcurrency: 2, ...limits };
    this.cache = new ByteLru(this.limits.cacheBytes);
  }

  /** Prepares a study for the viewer and says how to play it. */
  async view(studyId: string): Promise<StudyView> {
    const o = await this.opened(studyId);
    const s = o.seq.summary;
    const f = o.seq.frame(0);
    const phaseIndex = (p: 'ED' | 'ES'): number | null => (o.phaseFrames ? (o.phaseFrames.indexOf(p) >= 0 ? o.phaseFrames.indexOf(p) : null) : null);
    const edFrame = o.phaseFrames ? phaseIndex('ED') : o.study.edFrame;
    const esFrame = o.phaseFrames ? phaseIndex('ES') : o.study.esFrame;
    const labelled = new Set<number>();
    for (const l of o.study.labels) for (const n of this.viewerFrames(o, l)) if (n >= 0 && n < s.frames) labelled.add(n);
    return {
      study: o.study,
      frames: s.frames,
      rows: s.rows,
      columns: s.columns,
      kind: s.kind,
      frameRateHz: s.frameRateHz,
      frameRateSource: s.frameRateSource,
      edFrame: edFrame !== null && edFrame < s.frames ? edFrame : null,
      esFrame: esFrame !== null && esFrame < s.frames ? esFrame : null,
      pixelSpacingMm: s.pixelSpacingMm,
      labelledFrames: [...labelled].sort((a, b) => a - b),
      tracedFrames: o.study.tracedFrames.filter((n) => n < s.frames),
      windowCenter: f.windowCenter,
      windowWidth: f.windowWidth,
    };
  }

  async frame(studyId: string, n: number): Promise<FramePixels> {
    const o = await this.opened(studyId);
    const spacing = o.seq.summary.pixelSpacingMm;
    return { ...o.seq.frame(n), instanceId: studyId, ...(spacing ? { pixelSpacingMm: spacing } : {}) };
  }

  /** The ground-truth label map of viewer frame `n`, or null when it has none. */
  async labelMap(studyId: string, n: number, source?: LabelMapRef['kind']): Promise<LabelMapFrame | null> {
    const o = await this.opened(studyId);
    const s = o.seq.summary;
    if (!Number.isInteger(n) || n < 0 || n >= s.frames) throw new AppError('not-found', `${studyId}: frame ${n} does not exist; it has ${s.frames} frame(s) (0-based)`);
    const order = source ? [source] : SOURCE_ORDER;
    for (const kind of order) {
      const ref = o.study.labels.find((l) => l.kind === kind && this.viewerFrames(o, l).includes(n));
      if (!ref) continue;
      let labels: Uint8Array;
      if (kind === 'tracing') {
        const t = this.store.tracings(studyId).find((x) => x.frame === n);
        if (!t) continue;
        labels = tracingMask(t.lines, s.rows, s.columns);
      } else {
        labels = await this.labelSlice(ref, kind === 'sequence-gt' ? this.viewerFrames(o, ref).indexOf(n) : 0, s.rows, s.columns);
      }
      const phase = n === (o.phaseFrames ? o.phaseFrames.indexOf('ED') : o.study.edFrame) ? 'ED' : n === (o.phaseFrames ? o.phaseFrames.indexOf('ES') : o.study.esFrame) ? 'ES' : null;
      return { studyId, frame: n, rows: s.rows, columns: s.columns, labels, values: distinctValues(labels), source: kind, path: ref.path, phase };
    }
    return null;
  }

  tracings(studyId: string): TracingFrameLines[] {
    return this.store.tracings(studyId).map(({ frame, phase, lines }) => ({ frame, phase, lines }));
  }

  /** A thumbnail of the ED frame (or frame 0), from the catalog's cache or rendered and cached now. */
  async thumbnail(studyId: string, size: number): Promise<Thumbnail> {
    const hit = this.store.thumbnail(studyId, size);
    if (hit) return expand(hit);
    await this.thumbSlot();
    try {
      const again = this.store.thumbnail(studyId, size);
      if (again) return expand(again);
      const o = await this.opened(studyId);
      const ed = o.phaseFrames ? 0 : (o.study.edFrame ?? 0);
      const t = toAspect(renderThumbnail(o.seq.frame(Math.min(ed, o.seq.summary.frames - 1)), size), o.seq.summary.pixelSpacingMm, size);
      const grey = isGrey(t.rgba);
      const channels = grey ? 1 : 3;
      const pixels = new Uint8Array(t.width * t.height * channels);
      for (let i = 0; i < t.width * t.height; i++) for (let k = 0; k < channels; k++) pixels[i * channels + k] = t.rgba[i * 4 + k];
      try {
        this.store.putThumbnail(studyId, size, { width: t.width, height: t.height, channels, pixels });
      } catch {
        // The study was removed or re-imported meanwhile: the thumbnail is still right for this reply.
      }
      return t;
    } finally {
      this.releaseThumbSlot();
    }
  }

  /** Drops cached pixels (after a re-import changed studies). */
  forget(studyId?: string): void {
    if (studyId === undefined) this.cache.deleteWhere(() => true);
    else this.cache.delete(`study:${studyId}`);
  }

  private viewerFrames(o: Opened, l: LabelMapRef): number[] {
    if (!o.phaseFrames) return l.frames;
    if (l.kind !== 'gt' || !l.phase) return [];
    const i = o.phaseFrames.indexOf(l.phase);
    return i >= 0 ? [i] : [];
  }

  private async opened(studyId: string): Promise<Opened> {
    const key = `study:${studyId}`;
    const study = this.store.study(studyId);
    const hit = this.cache.get(key) as Opened | undefined;
    if (hit && hit.study.updatedAt === study.updatedAt) return { ...hit, study };
    let p = this.inflight.get(key);
    if (!p) {
      p = this.load(study).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    const o = await p;
    this.cache.set(key, o, o.bytes);
    return o;
  }

  private async load(study: CatalogStudy): Promise<Opened> {
    if (!study.available) throw new AppError('not-found', `${study.id}: its files were missing or unreadable at the last import (${study.problem ?? 'unknown problem'}); re-import the dataset`);
    const rate = study.frameRateHz && study.frameRateSource ? { frameRateHz: study.frameRateHz, frameRateSource: study.frameRateSource } : {};
    if (study.sequencePath) {
      const seq = await openSequence(study.sequencePath, { thirdAxisIsTime: study.format === 'camus' || study.format === 'echonet', ...rate });
      const s = seq.summary;
      return { study, seq, phaseFrames: null, bytes: s.frames * s.rows * s.columns * (s.kind === 'rgb' ? 3 : 4) + 4096 };
    }
    // Phase images only: ED then ES as a two-frame sequence.
    const phases = (['ED', 'ES'] as const).filter((p) => study.sources.some((x) => x.role === p));
    if (phases.length === 0) throw new AppError('not-found', `${study.id}: has no cine and no ED/ES image to show`);
    const vols = await Promise.all(phases.map((p) => readVolume(study.sources.find((x) => x.role === p)!.path)));
    const [w, h] = vols[0].dims;
    for (const v of vols) {
      if (v.dims[0] !== w || (v.dims[1] ?? 1) !== (h ?? 1)) throw new AppError('malformed', `${v.path}: ${v.dims.join('x')} differs from ${vols[0].path} (${vols[0].dims.join('x')})`);
    }
    const plane = vols[0].data.length;
    const Ctor = vols[0].data.constructor as new (n: number) => Volume['data'];
    const data = new Ctor(plane * vols.length);
    vols.forEach((v, i) => data.set(v.data as never, i * plane));
    const combined: Volume = { ...vols[0], dims: [w, h ?? 1, vols.length], data, spacing: [...vols[0].spacing.slice(0, 2), 1] };
    const seq = fromVolume(combined, { thirdAxisIsTime: true, ...rate });
    return { study, seq, phaseFrames: [...phases], bytes: data.byteLength * 2 + 4096 };
  }

  private async labelVolume(path: string): Promise<Volume> {
    const key = `labels:${path}`;
    const hit = this.cache.get(key) as Volume | undefined;
    if (hit) return hit;
    const v = await readVolume(path);
    this.cache.set(key, v, volumeBytes(v));
    return v;
  }

  /** Slice `k` of a label file as bytes, checked against the cine's frame size and label range. */
  private async labelSlice(ref: LabelMapRef, k: number, rows: number, columns: number): Promise<Uint8Array> {
    const v = await this.labelVolume(ref.path);
    const [w, h = 1] = v.dims;
    if (w !== columns || h !== rows) {
      throw new AppError('malformed', `${ref.path}: label map is ${w}x${h} (columns x rows) but the cine frames are ${columns}x${rows}`);
    }
    const plane = w * h;
    const slices = v.data.length / plane;
    if (k < 0 || k >= slices) throw new AppError('not-found', `${ref.path}: has ${slices} label frame(s); frame ${k} does not exist`);
    const src = v.data.subarray(k * plane, (k + 1) * plane);
    const out = new Uint8Array(plane);
    for (let i = 0; i < plane; i++) {
      const x = src[i];
      if (!(Number.isInteger(x) && x >= 0 && x <= 255)) throw new AppError('malformed', `${ref.path}: value ${x} is not a label (an integer from 0 to 255)`);
      out[i] = x;
    }
    return out;
  }

  private thumbSlot(): Promise<void> {
    if (this.thumbsRunning < this.limits.thumbnailConcurrency) {
      this.thumbsRunning++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.thumbQueue.push(() => (this.thumbsRunning++, resolve())));
  }

  private releaseThumbSlot(): void {
    this.thumbsRunning--;
    this.thumbQueue.shift()?.();
  }
}

/** Stretches a thumbnail made with square pixels to the pixels' physical aspect, fitting in size x size. */
export function toAspect(t: Thumbnail, spacing: [number, number] | null, size: number): Thumbnail {
  if (!spacing || !(spacing[0] > 0 && spacing[1] > 0) || Math.abs(spacing[0] / spacing[1] - 1) < 0.01) return t;
  const wMm = t.width * spacing[1];
  const hMm = t.height * spacing[0];
  const scale = Math.min(size / wMm, size / hMm, Math.max(t.width / wMm, t.height / hMm));
  const w = Math.max(1, Math.round(wMm * scale));
  const h = Math.max(1, Math.round(hMm * scale));
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(t.height - 1, Math.floor(((y + 0.5) * t.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(t.width - 1, Math.floor(((x + 0.5) * t.width) / w));
      rgba.set(t.rgba.subarray((sy * t.width + sx) * 4, (sy * t.width + sx) * 4 + 4), (y * w + x) * 4);
    }
  }
  return { width: w, height: h, rgba };
}

function isGrey(rgba: Uint8Array): boolean {
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) return false;
  return true;
}

function expand(t: { width: number; height: number; channels: number; pixels: Uint8Array }): Thumbnail {
  const n = t.width * t.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    if (t.channels === 1) rgba[o] = rgba[o + 1] = rgba[o + 2] = t.pixels[i];
    else for (let k = 0; k < 3; k++) rgba[o + k] = t.pixels[i * t.channels + k];
    rgba[o + 3] = 255;
  }
  return { width: t.width, height: t.height, rgba };
}
