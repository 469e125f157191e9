/**
 * Writes studies in the CAMUS 2023 NIfTI layout, the one CAMUS-trained code reads:
 *
 *   database_nifti/patientNNNN/Info_{2CH,4CH}.cfg
 *   database_nifti/patientNNNN/patientNNNN_{2CH,4CH}_{ED,ES}.nii.gz        one frame, nibabel shape (W, H)
 *   database_nifti/patientNNNN/patientNNNN_{2CH,4CH}_{ED,ES}_gt.nii.gz     its label map
 *   database_nifti/patientNNNN/patientNNNN_{2CH,4CH}_half_sequence.nii.gz  the cine, nibabel shape (W, H, T)
 *   database_nifti/patientNNNN/..._half_sequence_gt.nii.gz                 label cine (when every frame has one)
 *   database_split/subgroup_{training,validation,testing}.txt             one patient per line
 *
 * An item of `stills` (an ED and an ES image, as a still-image model makes them) gets its _ED/_ES images and
 * label maps only: no half_sequence is written for it, since two stills are not a cine.
 *
 * Axis order is CAMUS's and the project readers': NIfTI i (fastest) runs along a row (x, column), j down the
 * rows, k over frames, with an affine diag(dx, dy, 1) mm; so a row-major frame is written as is. cfg keys
 * are the release's (ED/ES 1-based). Synthetic studies say so in the cfg (`Synthetic`, `Source` keys, which
 * CAMUS readers that split `Key: value` lines ignore), in each NIfTI descrip and in a note at the root.
 * Every file is written atomically, so an interrupted run leaves whole files only.
 */
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { writeNifti } from '../datasets/nifti-writer.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { LayoutItem, LayoutSplit } from './layout-item.ts';
import { checkLayoutItem, formatNumber } from './layout-item.ts';

export const CAMUS_PATIENT_NAME = /^patient\d+$/;
const SPLIT_FILES: Record<LayoutSplit, string> = { train: 'subgroup_training.txt', val: 'subgroup_validation.txt', test: 'subgroup_testing.txt' };

export interface CamusWriterOptions {
  /** Written to the root as `cardiosynth-dataset.json` (how the dataset was made). */
  provenance?: Record<string, unknown>;
}

export interface DatasetWriter {
  /** Writes one study's files; returns their paths. */
  add(item: LayoutItem): Promise<string[]>;
  /** Writes the dataset-level files (splits, lists); returns every path written since creation. */
  finish(): Promise<{ root: string; files: string[] }>;
}

function descrip(item: LayoutItem, what: string): string {
  const base = `${item.patient} ${item.view} ${what}`;
  return (item.synthetic ? `SYNTHETIC (${item.synthetic.source}) ${base}` : base).replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
}

/** The split lists of `database_split/`: file name and content (patients sorted, one per line). */
export function camusSplitFiles(patients: Iterable<[string, LayoutSplit]>): Array<{ name: string; text: string }> {
  const all = [...patients];
  return (['train', 'val', 'test'] as const).map((split) => ({
    name: SPLIT_FILES[split],
    text: [...new Set(all.filter(([, s]) => s === split).map(([p]) => p))].sort().map((n) => `${n}\n`).join(''),
  }));
}

function cfgText(item: LayoutItem): string {
  // Stills (an ED and an ES image, no cine): ED/ES number the two images, and there is no sequence to count
  // or time, so NbFrame and FrameRate are left out rather than invented.
  const lines = [`ED: ${item.edFrame + 1}`, `ES: ${item.esFrame + 1}`];
  if (!item.stills) lines.push(`NbFrame: ${item.frames.length}`);
  if (item.sex) lines.push(`Sex: ${item.sex}`);
  if (item.age !== null) lines.push(`Age: ${Math.round(item.age)}`);
  if (item.quality) lines.push(`ImageQuality: ${item.quality}`);
  lines.push(`EF: ${formatNumber(item.ef, 1)}`);
  if (!item.stills) lines.push(`FrameRate: ${formatNumber(item.frameRateHz, 2)}`);
  if (item.synthetic) lines.push('Synthetic: yes', `Source: ${item.synthetic.source.replace(/[\r\n]+/g, ' ')}`);
  return `${lines.join('\n')}\n`;
}

export function createCamusWriter(root: string, options: CamusWriterOptions = {}): DatasetWriter {
  const files: string[] = [];
  const splits = new Map<string, LayoutSplit>();
  const seen = new Set<string>();
  let synthetic: string | null = null;
  return {
    async add(item) {
      checkLayoutItem(item);
      if (!CAMUS_PATIENT_NAME.test(item.patient)) throw new AppError('invalid-argument', `CAMUS layout: patient "${item.patient}" must be named patientNNNN`);
      const key = `${item.patient}_${item.view}`;
      if (seen.has(key)) throw new AppError('conflict', `CAMUS layout: ${item.patient} ${item.view} was already written`);
      const before = splits.get(item.patient);
      if (before && before !== item.split) throw new AppError('conflict', `CAMUS layout: ${item.patient} is in the ${before} split; its ${item.view} cannot be in ${item.split}`);
      seen.add(key);
      splits.set(item.patient, item.split);
      if (item.synthetic) synthetic ??= item.synthetic.source;
      const dir = join(root, 'database_nifti', item.patient);
      const stem = join(dir, key);
      const { width: w, height: h } = item;
      const sp = item.pixelSpacingMm ?? 1;
      const [dy, dx] = item.pixelSpacingRowColMm ?? [sp, sp];
      const affine = [[dx, 0, 0, 0], [0, dy, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
      const written: string[] = [];
      const put = (path: string, dims: number[], data: Uint8Array, what: string, labels: boolean): void => {
        writeNifti(path, { dims, data, affine, description: descrip(item, what), intentName: labels ? 'labels' : undefined });
        written.push(path);
      };
      const plane = w * h;
      const cine = new Uint8Array(plane * item.frames.length);
      item.frames.forEach((f, i) => cine.set(f, i * plane));
      if (!item.stills) put(`${stem}_half_sequence.nii.gz`, [w, h, item.frames.length], cine, 'cine', false);
      if (!item.stills && item.labels.size === item.frames.length) {
        const gt = new Uint8Array(cine.length);
        for (const [i, l] of item.labels) gt.set(l, i * plane);
        put(`${stem}_half_sequence_gt.nii.gz`, [w, h, item.frames.length], gt, 'label cine', true);
      }
      for (const [phase, f] of [['ED', item.edFrame], ['ES', item.esFrame]] as const) {
        put(`${stem}_${phase}.nii.gz`, [w, h], item.frames[f], phase, false);
        const l = item.labels.get(f);
        if (l) put(`${stem}_${phase}_gt.nii.gz`, [w, h], l, `${phase} labels`, true);
      }
      const cfg = join(dir, `Info_${item.view}.cfg`);
      writeFileAtomic(cfg, cfgText(item));
      written.push(cfg);
      files.push(...written);
      return written;
    },
    async finish() {
      for (const f of camusSplitFiles(splits)) {
        const p = join(root, 'database_split', f.name);
        writeFileAtomic(p, f.text);
        files.push(p);
      }
      if (options.provenance || synthetic) {
        const p = join(root, 'cardiosynth-dataset.json');
        const doc = { layout: 'camus-nifti', synthetic: synthetic !== null, ...(synthetic ? { notice: `Synthetic data (${synthetic}): not acquired from any patient.` } : {}), ...options.provenance };
        writeFileAtomic(p, `${JSON.stringify(doc, null, 2)}\n`);
        files.push(p);
      }
      return { root, files: [...files] };
    },
  };
}
