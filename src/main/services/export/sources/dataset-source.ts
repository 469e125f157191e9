/**
 * Research datasets as export sources, through the project's importers (datasets/): a CAMUS folder (one study
 * per patient view, its half_sequence or sequence with the ground-truth label maps), an EchoNet-Dynamic folder
 * (one study per video, the LV masks rasterised from VolumeTracings as EchoNet's loader does), and loose
 * NIfTI / MetaImage files, where `X_gt` (or `_seg`, `_label`, `_mask`) beside `X` is X's label map.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { StudyRecord } from '../../../../shared/dataset-types.ts';
import { AppError, toErrorData } from '../../../../shared/errors.ts';
import { detectLayout } from '../../datasets/detect-layout.ts';
import { importDataset } from '../../datasets/import-dataset.ts';
import { isMetaImagePath } from '../../datasets/metaimage-reader.ts';
import { isNiftiPath } from '../../datasets/nifti-reader.ts';
import { readVolume } from '../../datasets/label-values.ts';
import { fromVolume, openSequence } from '../../datasets/sequence.ts';
import type { FrameSequence } from '../../datasets/sequence.ts';
import { distinctValues } from '../../datasets/volume.ts';
import { tracingMask } from '../../datasets/echonet-tracings.ts';
import type { LabelSet } from '../item.ts';
import { datasetMadeItems } from './dataset-provenance.ts';
import type { LoadedStudy, MadeItem, ResolvedSources, SourceError, SourceStudy } from './source-study.ts';
import { CAMUS_LABEL_SET, LV_LABEL_SET, frameBytes, labelBytes } from './source-study.ts';

const LABEL_SUFFIX = /_(gt|seg|segmentation|label|labels|mask)$/i;

export function volumeStem(path: string): string {
  return basename(path).replace(/\.(nii\.gz|nii|mhd|mha)$/i, '');
}

function squareSpacing(seq: FrameSequence): number | null {
  const s = seq.summary.pixelSpacingMm;
  if (!s) return null;
  return Math.abs(s[0] - s[1]) < 1e-6 * Math.max(s[0], s[1]) ? s[0] : null;
}

function genericLabelSet(max: number): LabelSet {
  const names: Record<number, string> = { 0: 'background' };
  for (let v = 1; v <= max; v++) names[v] = `label ${v}`;
  return { names, maxLabel: max };
}

function labelSetFor(values: number[], fallback: LabelSet): LabelSet {
  const max = Math.max(fallback.maxLabel, ...values);
  if (max === fallback.maxLabel) return fallback;
  const names: Record<number, string> = { ...fallback.names };
  for (const v of values) names[v] ??= `label ${v}`;
  return { names, maxLabel: max };
}

async function loadSequence(path: string, fps: number | null, thirdAxisIsTime: boolean): Promise<{ seq: FrameSequence; frames: Uint8Array[]; channels: 1 | 3 }> {
  const seq = await openSequence(path, { thirdAxisIsTime, frameRateHz: fps ?? undefined });
  const frames: Uint8Array[] = [];
  let channels: 1 | 3 = 1;
  for (let f = 0; f < seq.summary.frames; f++) {
    const b = frameBytes(seq.frame(f));
    channels = b.channels;
    frames.push(b.data);
  }
  return { seq, frames, channels };
}

/** One study of an imported CAMUS or EchoNet dataset (also what a catalog study becomes: catalog-source.ts). */
export function datasetStudy(r: StudyRecord, root: string, made: MadeItem | null = null): SourceStudy | SourceError {
  if (!r.sequencePath) return { path: r.sources[0]?.path ?? root, kind: 'unsupported', message: `${r.id}: has no image sequence to export` };
  const sequencePath = r.sequencePath;
  const camus = r.dataset === 'camus-nifti' || r.dataset === 'camus-legacy';
  return {
    key: r.id,
    patientKey: `${r.dataset}:${r.patient ?? r.id}`,
    root,
    origin: sequencePath,
    view: r.view,
    split: r.split,
    ef: r.ef,
    quality: r.imageQuality,
    sex: r.sex,
    age: r.age,
    fps: r.frameRateHz,
    // Both releases keep only the scan sector (EchoNet masked everything outside it): no burned-in text.
    burnedInAnnotation: 'NO',
    labelSet: r.labels.length === 0 && !r.tracings?.length ? null : camus ? labelSetFor(r.labelValues, CAMUS_LABEL_SET) : LV_LABEL_SET,
    edFrame: r.edFrame,
    esFrame: r.esFrame,
    edv: r.edv,
    esv: r.esv,
    frames: r.frames,
    // Label drafts of catalog studies are keyed by the study id, which the importers give whatever the folder.
    draftKey: { kind: 'catalog-study', study: r.id },
    made,
    async load(): Promise<LoadedStudy> {
      const { seq, frames, channels } = await loadSequence(sequencePath, r.frameRateHz, true);
      const { rows, columns } = seq.summary;
      const labels = new Map<number, Uint8Array>();
      const sources: string[] = [];
      for (const ref of r.labels) {
        if (ref.kind === 'tracing') continue;
        const gt = await openSequence(ref.path, { thirdAxisIsTime: true });
        if (gt.summary.rows !== rows || gt.summary.columns !== columns) {
          throw new AppError('malformed', `${ref.path}: label map is ${gt.summary.columns}x${gt.summary.rows}, its images ${columns}x${rows}`);
        }
        if (ref.kind === 'sequence-gt') {
          for (let f = 0; f < Math.min(gt.summary.frames, frames.length); f++) labels.set(f, labelBytes(gt.frame(f), ref.path));
          sources.push('sequence ground truth');
        } else if (ref.frames.length === 1 && !labels.has(ref.frames[0])) {
          labels.set(ref.frames[0], labelBytes(gt.frame(0), ref.path));
          sources.push(`${ref.phase ?? 'frame'} ground truth`);
        }
      }
      for (const t of r.tracings ?? []) {
        if (t.frame < frames.length) labels.set(t.frame, tracingMask(t.lines, rows, columns));
      }
      if (r.tracings?.length) sources.push('VolumeTracings LV masks');
      const labelSource = sources.length ? `${camus ? 'CAMUS' : 'EchoNet-Dynamic'} ${[...new Set(sources)].join(' + ')}` : null;
      return {
        width: columns, height: rows, channels, frames, labels,
        labelSet: labels.size === 0 ? null : camus ? labelSetFor(r.labelValues, CAMUS_LABEL_SET) : LV_LABEL_SET,
        labelSource, pixelSpacingMm: squareSpacing(seq), pixelSpacingRowColMm: seq.summary.pixelSpacingMm, fps: seq.summary.frameRateHz,
        // EchoNet videos are MJPEG; CAMUS NIfTI states nothing of its history.
        lossyHistory: seq.summary.fileFormat === 'avi',
        edFrame: r.edFrame !== null && r.edFrame < frames.length ? r.edFrame : null,
        esFrame: r.esFrame !== null && r.esFrame < frames.length ? r.esFrame : null,
      };
    },
  };
}

async function collectVolumes(dir: string, out: string[], depth = 0): Promise<void> {
  if (depth > 32) return;
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await collectVolumes(p, out, depth + 1);
    else if (e.isFile() && (isNiftiPath(p) || isMetaImagePath(p))) out.push(p);
  }
}

/** Loose NIfTI / MetaImage files under `paths` (files or folders), each image paired with its label map. */
export async function looseVolumeSources(paths: string[]): Promise<ResolvedSources> {
  const files: Array<{ path: string; root: string }> = [];
  const errors: SourceError[] = [];
  for (const p of paths.map((x) => resolve(x))) {
    try {
      if ((await stat(p)).isDirectory()) {
        const found: string[] = [];
        await collectVolumes(p, found);
        for (const f of found) files.push({ path: f, root: p });
      } else if (isNiftiPath(p) || isMetaImagePath(p)) {
        files.push({ path: p, root: dirname(p) });
      }
    } catch (err) {
      errors.push({ path: p, kind: 'unreadable', message: `${p}: cannot be read (${toErrorData(err).message})` });
    }
  }
  const labelsByStem = new Map<string, string>();
  const imageStems = new Set(files.map((f) => join(dirname(f.path), volumeStem(f.path))));
  const warnings: SourceError[] = [];
  for (const f of files) {
    const stem = volumeStem(f.path);
    if (!LABEL_SUFFIX.test(stem)) continue;
    const image = join(dirname(f.path), stem.replace(LABEL_SUFFIX, ''));
    if (imageStems.has(image)) labelsByStem.set(image, f.path);
    else warnings.push({ path: f.path, kind: 'not-found', message: `${f.path}: a label map with no image named ${basename(image)} beside it; not exported` });
  }
  const studies: SourceStudy[] = [];
  for (const f of files) {
    const stem = volumeStem(f.path);
    if (LABEL_SUFFIX.test(stem)) continue; // a label map, exported with its image
    let digest: string;
    let fps: number | null;
    let labelSet: LabelSet | null = null;
    try {
      const v = await readVolume(f.path);
      digest = createHash('sha256').update(JSON.stringify(v.dims)).update(new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength)).digest('hex');
      const seq = fromVolume(v).summary;
      fps = seq.frames > 1 && seq.frameRateSource !== 'default' ? seq.frameRateHz : null;
      const lp = labelsByStem.get(join(dirname(f.path), stem));
      if (lp) labelSet = genericLabelSet(Math.max(1, ...distinctValues((await readVolume(lp)).data)));
    } catch (err) {
      const d = toErrorData(err);
      errors.push({ path: f.path, kind: d.kind, message: d.message.includes(f.path) ? d.message : `${f.path}: ${d.message}` });
      continue;
    }
    const labelPath = labelsByStem.get(join(dirname(f.path), stem)) ?? null;
    studies.push({
      key: `volume:${digest}`,
      patientKey: `volume:${digest}`,
      root: f.root,
      origin: f.path,
      view: null, split: null, ef: null, quality: null, sex: null, age: null, fps, labelSet, burnedInAnnotation: null,
      async load(): Promise<LoadedStudy> {
        const { seq, frames, channels } = await loadSequence(f.path, fps, false);
        const labels = new Map<number, Uint8Array>();
        if (labelPath) {
          const gt = fromVolume(await readVolume(labelPath));
          if (gt.summary.rows !== seq.summary.rows || gt.summary.columns !== seq.summary.columns || gt.summary.frames !== frames.length) {
            throw new AppError('malformed', `${labelPath}: label map shape ${gt.summary.dims.join('x')} does not match its image ${seq.summary.dims.join('x')}`);
          }
          for (let i = 0; i < frames.length; i++) labels.set(i, labelBytes(gt.frame(i), labelPath));
        }
        return {
          width: seq.summary.columns, height: seq.summary.rows, channels, frames, labels, labelSet: labelPath ? labelSet : null,
          labelSource: labelPath ? 'label map file beside the image' : null,
          pixelSpacingMm: squareSpacing(seq), pixelSpacingRowColMm: seq.summary.pixelSpacingMm, lossyHistory: false, fps: seq.summary.frameRateHz, edFrame: null, esFrame: null,
        };
      },
    });
  }
  return { studies, errors, warnings };
}

/** A CAMUS or EchoNet folder (or a folder inside one) through the importers; null for anything else. */
export async function datasetSources(dir: string): Promise<ResolvedSources | null> {
  const detected = await detectLayout(dir);
  if (detected.layout === 'loose') return null;
  const imported = await importDataset(dir);
  const studies: SourceStudy[] = [];
  // The importer lists per-study problems both in `errors` and in the study's warnings: those lost a field,
  // not the study, and do not stop an export.
  const warned = new Set(imported.studies.flatMap((r) => r.warnings.map((w) => `${w.path}\u0000${w.message}`)));
  const errors: SourceError[] = [];
  const warnings: SourceError[] = [];
  for (const e of imported.errors) (warned.has(`${e.path}\u0000${e.message}`) ? warnings : errors).push({ path: e.path, kind: e.code, message: e.message });
  const madeOf = await datasetMadeItems(detected.root, detected.layout);
  for (const r of imported.studies) {
    const s = datasetStudy(r, detected.root, madeOf(r));
    if ('load' in s) studies.push(s);
    else errors.push(s);
  }
  return { studies, errors, warnings };
}
