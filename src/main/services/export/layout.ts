/**
 * A layout turns items into files. The runner gives it one item at a time with an ItemWriter (atomic files,
 * checksums, rollback) and keeps what `writeItem` returns in the journal; at the end it asks for the index
 * files, derived only from the journal records, so a resumed or sharded-then-merged export writes the same
 * index as a single run.
 *
 * CAMUS and EchoNet-Dynamic come from the dataset layout writers of issue 6 (src/main/services/layouts/,
 * `createCamusWriter`, `createEchonetWriter`, `volumeTracingLines`). The seam for them:
 *   - writeItem: map the ExportItem to their LayoutItem (patient `patient${ordinal:04}` from PlanEntry for
 *     CAMUS, the item id for EchoNet; grey frames; labels; ED/ES; EF; split; `synthetic` from provenance),
 *     call the writer's per-study `add()` into `out.root` and `out.adopt()` each path it returns; return the
 *     index data (CAMUS: patient + split; EchoNet: the FileList row and the VolumeTracings rows).
 *   - indexFiles: database_split/subgroup_*.txt, FileList.csv, VolumeTracings.csv from those records: their
 *     writers' `finish()` keeps these in memory, which a resumed or sharded run does not have.
 * Until they land, `createLayout('camus' | 'echonet')` answers `unsupported` with that explanation.
 */
import { AppError } from '../../../shared/errors.ts';
import type { ExportLayoutName } from '../../../shared/export-types.ts';
import type { Recipe } from '../../../shared/export-recipe.ts';
import type { ItemWriter } from './export-io.ts';
import type { ExportItem } from './item.ts';
import type { JournalRecord, PlanFile } from './journal.ts';
import { createDicomLayout, dicomIndexFiles } from './layout-dicom.ts';
import { createPngLayout, pngIndexFiles } from './layout-png.ts';
import type { PlanEntry } from './plan.ts';
import type { Pseudonymizer } from './pseudonym.ts';

export interface LayoutContext {
  recipe: Recipe;
  plan: PlanFile;
  pseudonyms: Pseudonymizer;
  softwareVersion: string;
}

export interface IndexFile {
  path: string;
  data: string | Uint8Array;
}

export interface ExportLayout {
  readonly name: ExportLayoutName;
  /** Throws `invalid-argument` when the item cannot go into this layout; called before any file is written. */
  check(item: ExportItem): void;
  /** Writes the item's files through `out`; returns the layout's index data for the journal (JSON-safe). */
  writeItem(item: ExportItem, entry: PlanEntry, out: ItemWriter): Promise<unknown>;
}

/** What each layout is, for --help and error messages. */
export const LAYOUT_DESCRIPTIONS: Record<ExportLayoutName, string> = {
  dicom: 'DICOM: US Multi-frame cines (Secondary Capture for single stills), new UIDs, marked synthetic where so',
  png: 'PNG image + mask pairs: images/, masks/index/ (label values), masks/grey/ (round(255*label/max_label))',
  camus: 'CAMUS 2023: database_nifti/patientNNNN/ NIfTI with _gt label maps, Info_*.cfg, database_split/',
  echonet: 'EchoNet-Dynamic: Videos/*.avi (MJPEG 112x112), FileList.csv, VolumeTracings.csv',
};

const PENDING: Partial<Record<ExportLayoutName, string>> = {
  camus: 'the CAMUS layout needs the dataset layout writers of issue 6 (src/main/services/layouts/camus-writer.ts), which are not in this build yet; export to dicom or png for now',
  echonet: 'the EchoNet-Dynamic layout needs the dataset layout writers of issue 6 (src/main/services/layouts/echonet-writer.ts, VolumeTracings from LV label maps), which are not in this build yet; export to dicom or png for now',
};

/** Whether a layout can be written by this build, and why not. */
export function layoutAvailability(name: ExportLayoutName): { available: boolean; reason: string | null } {
  const reason = PENDING[name] ?? null;
  return { available: reason === null, reason };
}

export function createLayout(name: ExportLayoutName, ctx: LayoutContext): ExportLayout {
  const pending = PENDING[name];
  if (pending) throw new AppError('unsupported', `layout "${name}": ${pending}`);
  switch (name) {
    case 'dicom':
      return createDicomLayout(ctx);
    case 'png':
      return createPngLayout(ctx);
    default:
      throw new AppError('invalid-argument', `unknown layout "${String(name)}"`);
  }
}

/** The layout's own index files (besides the manifests), from every journal record in plan order. */
export function layoutIndexFiles(name: ExportLayoutName, plan: PlanFile, records: JournalRecord[]): IndexFile[] {
  switch (name) {
    case 'dicom':
      return dicomIndexFiles(records);
    case 'png':
      return pngIndexFiles(plan, records);
    default:
      throw new AppError('unsupported', `layout "${name}": ${PENDING[name] ?? 'unknown layout'}`);
  }
}

/** Split lists every layout can carry: `splits/{train,val,test}.txt`, one path per line, plan order. */
export function splitLists(records: JournalRecord[], pick: (r: JournalRecord) => string[]): IndexFile[] {
  const out: IndexFile[] = [];
  for (const split of ['train', 'val', 'test'] as const) {
    const lines = records.filter((r) => r.row.split === split).flatMap(pick);
    out.push({ path: `splits/${split}.txt`, data: lines.length ? `${lines.join('\n')}\n` : '' });
  }
  return out;
}
