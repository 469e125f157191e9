/**
 * A layout turns items into files. The runner gives it one item at a time with an ItemWriter (atomic files,
 * checksums, rollback) and keeps what `writeItem` returns in the journal; at the end it asks for the index
 * files, derived only from the journal records, so a resumed or sharded-then-merged export writes the same
 * index as a single run.
 *
 * CAMUS and EchoNet-Dynamic are written by the dataset writers of services/layouts/ (layout-camus.ts,
 * layout-echonet.ts): each item's files are written into a staging folder and moved into the export whole;
 * their split lists, FileList.csv and VolumeTracings.csv come from the journal records, not from a writer's
 * in-memory `finish()`, which a resumed or sharded run would not have.
 *
 * Before any item is read, `layoutFits` tells the runner which plan entries the layout cannot hold (an EchoNet video
 * needs a 4CH view with ED, ES and EF...), so an export refuses them up front with the reasons, or leaves
 * them out when asked to.
 */
import { AppError } from '../../../shared/errors.ts';
import type { ExportLayoutName, ManifestRow } from '../../../shared/export-types.ts';
import type { Recipe } from '../../../shared/export-recipe.ts';
import type { ItemWriter } from './export-io.ts';
import type { ExportItem } from './item.ts';
import type { JournalRecord, PlanFile } from './journal.ts';
import { camusIndexFiles, camusMisfit, createCamusLayout } from './layout-camus.ts';
import { createDicomLayout, dicomIndexFiles } from './layout-dicom.ts';
import { createEchonetLayout, echonetIndexFiles, echonetMisfit } from './layout-echonet.ts';
import { createPngLayout, pngIndexFiles } from './layout-png.ts';
import type { PlanEntry } from './plan.ts';
import type { Pseudonymizer } from './pseudonym.ts';

export interface LayoutContext {
  recipe: Recipe;
  plan: PlanFile;
  /** Every entry of the plan (all shards), in order: layouts that number things (CAMUS patients) use it. */
  entries: PlanEntry[];
  pseudonyms: Pseudonymizer;
  softwareVersion: string;
}

export interface IndexFile {
  path: string;
  data: string | Uint8Array;
}

export interface ExportLayout {
  readonly name: ExportLayoutName;
  /** The item as this layout keeps it (CAMUS: the ED..ES half sequence); the manifest describes this. */
  adapt?(item: ExportItem): ExportItem;
  /** Throws `invalid-argument` when the item cannot go into this layout; called before any file is written. */
  check(item: ExportItem): void;
  /** Manifest fields that differ from the item as given (EchoNet's videos are 112 x 112 whatever the source). */
  manifestPatch?(item: ExportItem): Partial<ManifestRow>;
  /** Writes the item's files through `out`; returns the layout's index data for the journal (JSON-safe). */
  writeItem(item: ExportItem, entry: PlanEntry, out: ItemWriter): Promise<unknown>;
}

/** What each layout is, for --help and error messages. */
export const LAYOUT_DESCRIPTIONS: Record<ExportLayoutName, string> = {
  dicom: 'DICOM: US Multi-frame cines (Secondary Capture for stills), new UIDs, marked synthetic where so',
  png: 'PNG image + mask pairs: images/, masks/index/ (label values), masks/grey/ (round(255*label/max_label))',
  camus: 'CAMUS 2023: database_nifti/patientNNNN/ NIfTI with _gt label maps, Info_*.cfg, database_split/',
  echonet: 'EchoNet-Dynamic: Videos/*.avi (MJPEG 112x112), FileList.csv, VolumeTracings.csv',
};

/** Whether a layout can be written by this build, and why not (every layout can, now). */
export function layoutAvailability(_name: ExportLayoutName): { available: boolean; reason: string | null } {
  return { available: true, reason: null };
}

export function createLayout(name: ExportLayoutName, ctx: LayoutContext): ExportLayout {
  switch (name) {
    case 'dicom':
      return createDicomLayout(ctx);
    case 'png':
      return createPngLayout(ctx);
    case 'camus':
      return createCamusLayout(ctx);
    case 'echonet':
      return createEchonetLayout();
    default:
      throw new AppError('invalid-argument', `unknown layout "${String(name)}"`);
  }
}

/** Why a plan entry cannot go into the layout, from what is known before anything is read (null: it can). */
export function layoutFits(name: ExportLayoutName): ((entry: PlanEntry) => string | null) | null {
  if (name === 'camus') return camusMisfit;
  if (name === 'echonet') return echonetMisfit;
  return null;
}

/**
 * The id the study catalog gives a record's item when the export is imported (CAMUS, EchoNet; null for the
 * others): manifest.json names it (`studyId`), so the catalog tells the synthetic items from the real ones.
 */
export function layoutCatalogId(name: ExportLayoutName, record: JournalRecord): string | null {
  if (name === 'camus') return `camus:${(record.layout as { patient: string; view: string }).patient}:${(record.layout as { view: string }).view}`;
  if (name === 'echonet') return `echonet:${(record.layout as { fileName: string }).fileName}`;
  return null;
}

/** The layout's own index files (besides the manifests), from every journal record in plan order. */
export function layoutIndexFiles(name: ExportLayoutName, plan: PlanFile, records: JournalRecord[]): IndexFile[] {
  switch (name) {
    case 'dicom':
      return dicomIndexFiles(records);
    case 'png':
      return pngIndexFiles(plan, records);
    case 'camus':
      return camusIndexFiles(records);
    case 'echonet':
      return echonetIndexFiles(records);
    default:
      throw new AppError('invalid-argument', `unknown layout "${String(name)}"`);
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
