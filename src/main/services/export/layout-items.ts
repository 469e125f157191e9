/**
 * Export items as the dataset layout writers (services/layouts/) take them: grey frames, a 2CH/4CH view,
 * ED and ES frames, EF, a quality CAMUS names, and a line saying how a synthetic item was made. What an item
 * lacks for a layout is said here once, in words the person running the export can act on; the CAMUS and
 * EchoNet layouts use these both before anything is read (`entryView`, from the plan) and per item.
 */
import { relative, sep } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import type { LayoutItem, LayoutQuality, LayoutView } from '../layouts/index.ts';
import type { ExportItem } from './item.ts';
import { reportableAge } from './item.ts';
import type { ItemWriter } from './export-io.ts';
import { measureLv } from './lv-volumes.ts';
import type { PlanEntry } from './plan.ts';

/** 2CH / 4CH for a view name; EchoNet's `A4C` is the apical four-chamber view. Null for anything else. */
export function layoutView(view: string | null | undefined): LayoutView | null {
  if (view === '2CH') return '2CH';
  if (view === '4CH' || view === 'A4C') return '4CH';
  return null;
}

/** The view an entry's item will have, known from the plan (synthetic) or the source's metadata (real). */
export function entryView(entry: PlanEntry): LayoutView | null {
  return entry.synthetic ? entry.synthetic.view : layoutView(entry.source?.view);
}

/** Luma (ITU-R BT.601) of RGB frames; grey frames as they are. */
export function greyFrames(item: ExportItem): Uint8Array[] {
  if (item.channels === 1) return item.frames;
  const n = item.width * item.height;
  return item.frames.map((f) => {
    const g = new Uint8Array(n);
    for (let i = 0; i < n; i++) g[i] = Math.round(0.299 * f[3 * i] + 0.587 * f[3 * i + 1] + 0.114 * f[3 * i + 2]);
    return g;
  });
}

function quality(q: string | null): LayoutQuality | null {
  const k = q?.toLowerCase();
  return k === 'good' ? 'Good' : k === 'medium' ? 'Medium' : k === 'poor' ? 'Poor' : null;
}

/** One line for cfg `Source:`, NIfTI descrip and AVI comments: what made a synthetic item. */
export function syntheticSource(item: ExportItem): string {
  const g = item.generation!;
  const seed = g.seed === null ? '' : `, seed ${g.seed}`;
  if (g.generator === 'diffusion') return `cardiosynth diffusion, model ${g.packId}${seed}, item ${item.id}`;
  if (g.generator === 'dataset') return `synthetic per its source dataset (${g.packId})${seed}, item ${item.id}`;
  return `cardiosynth ${g.generator}${seed}, item ${item.id}`;
}

/** The EF a layout records: the measured one (source's statement, or label maps), else the requested one. */
export function itemEf(item: ExportItem): number | null {
  return item.efMeasured ?? item.efRequested;
}

/**
 * LV volumes for EchoNet's FileList: the item's own (the dataset's statement, the phantom's measurement), else
 * measured by the method of discs on its ED and ES label maps (LV cavity 1, left atrium 3 marking the valve)
 * where the pixel size is known; maps with pixels that are not square (CAMUS) are first resampled (nearest) to
 * square pixels of the finer spacing, so the discs are measured in millimetres. Null when not measurable.
 */
export function itemVolumes(item: ExportItem): { edv: number; esv: number } | null {
  if (item.edvMl !== null && item.esvMl !== null) return { edv: item.edvMl, esv: item.esvMl };
  const spacing = item.pixelSpacingRowColMm ?? (item.pixelSpacingMm ? [item.pixelSpacingMm, item.pixelSpacingMm] : null);
  if (spacing === null || item.edFrame === null || item.esFrame === null) return null;
  const ed = item.labels.get(item.edFrame);
  const es = item.labels.get(item.esFrame);
  if (!ed || !es) return null;
  const m = measureLv(ed, es, item.width, item.height, spacing);
  return m && m.edvMl !== null && m.esvMl !== null ? { edv: m.edvMl, esv: m.esvMl } : null;
}

/** The item for a dataset writer. Callers check first (`missingForDataset`); this throws what is still missing. */
export function toLayoutItem(item: ExportItem, patient: string): LayoutItem {
  const view = layoutView(item.view);
  const ef = itemEf(item);
  if (!view || item.edFrame === null || item.esFrame === null || ef === null) {
    throw new AppError('invalid-argument', `export item ${item.id}: ${missingForDataset(item).join('; ')}`);
  }
  const volumes = itemVolumes(item);
  return {
    patient,
    view,
    width: item.width,
    height: item.height,
    frames: greyFrames(item),
    labels: item.labels,
    pixelSpacingMm: item.pixelSpacingMm,
    pixelSpacingRowColMm: item.pixelSpacingRowColMm,
    frameRateHz: item.fps,
    edFrame: item.edFrame,
    esFrame: item.esFrame,
    ef,
    edvMl: volumes?.edv ?? null,
    esvMl: volumes?.esv ?? null,
    quality: quality(item.quality),
    sex: item.sex,
    age: reportableAge(item.age),
    split: item.split,
    synthetic: item.kind === 'synthetic' ? { source: syntheticSource(item) } : null,
    stills: item.sequence === 'stills',
  };
}

/** What a CAMUS or EchoNet item needs and this one lacks (empty when it has it all). */
export function missingForDataset(item: ExportItem): string[] {
  const out: string[] = [];
  if (!layoutView(item.view)) out.push(`its view is ${item.view ? `"${item.view}"` : 'unknown'}; the layout holds apical 2CH and 4CH views`);
  if (item.edFrame === null || item.esFrame === null) out.push(`its ${item.edFrame === null && item.esFrame === null ? 'ED and ES frames are' : `${item.edFrame === null ? 'ED' : 'ES'} frame is`} unknown`);
  if (itemEf(item) === null) out.push('its ejection fraction is unknown');
  return out;
}

/** Runs a dataset writer into a staging folder and moves what it wrote into the export; returns the paths. */
export async function writeThroughStaging(out: ItemWriter, write: (root: string) => Promise<string[]>): Promise<string[]> {
  const root = out.stagingFolder();
  let written: string[];
  try {
    written = await write(root);
  } catch (err) {
    // The writers name the file they failed on; name it as it would be in the export, not in staging.
    if (err instanceof AppError) throw new AppError(err.kind, err.message.split(root).join(out.root));
    throw err;
  }
  const rels = written.map((p) => relative(root, p).split(sep).join('/'));
  rels.forEach((rel, i) => out.place(rel, written[i]));
  return rels;
}
