/**
 * The CAMUS 2023 layout, written by the dataset writer of services/layouts/ (camus-writer.ts):
 *
 *   database_nifti/patientNNNN/Info_{2CH,4CH}.cfg, patientNNNN_{2CH,4CH}_{ED,ES}[_gt].nii.gz,
 *     ..._half_sequence[_gt].nii.gz (cines only)
 *   database_split/subgroup_{training,validation,testing}.txt
 *   splits/{train,val,test}.txt      each item's image file, as every export has
 *
 * Patient folders: a patient's real 2CH and 4CH share one folder, as in CAMUS; each synthetic variant k of a
 * patient is a synthetic patient of its own (its 2CH and 4CH variants together), in the same split. Numbers
 * follow the plan's order, so every shard and every resume names the folders alike.
 *
 * Cines become CAMUS half sequences: the frames from ED to ES (or ES to ED) with their label maps; an item of
 * stills (the ED and ES images a still-image model pack makes) gets its _ED and _ES images only. Items with no
 * 2CH/4CH view, no ED or ES, or no EF cannot be held and are refused before anything is written.
 */
import { camusSplitFiles, createCamusWriter } from '../layouts/index.ts';
import type { LayoutSplit } from '../layouts/index.ts';
import type { ExportItem } from './item.ts';
import { AppError } from '../../../shared/errors.ts';
import type { JournalRecord } from './journal.ts';
import type { ExportLayout, IndexFile, LayoutContext } from './layout.ts';
import { splitLists } from './layout.ts';
import { entryView, missingForDataset, toLayoutItem, writeThroughStaging } from './layout-items.ts';
import type { PlanEntry } from './plan.ts';

interface CamusIndex {
  patient: string;
  view: string;
  files: string[];
}

/** The patient folder of every plan entry (see the file comment). */
export function camusPatients(entries: PlanEntry[]): Map<number, string> {
  const folders = new Map<string, Array<{ name: string; views: Set<string> }>>();
  const out = new Map<number, string>();
  let count = 0;
  for (const e of entries) {
    const tag = e.kind === 'real' ? 'real' : e.synthetic ? `variant ${e.synthetic.variant}` : 'made';
    const base = `${e.patientId}\u0000${tag}`;
    const view = entryView(e) ?? 'none';
    const list = folders.get(base) ?? [];
    let f = list.find((x) => !x.views.has(view));
    if (!f) {
      f = { name: `patient${String(++count).padStart(4, '0')}`, views: new Set() };
      list.push(f);
      folders.set(base, list);
    }
    f.views.add(view);
    out.set(e.index, f.name);
  }
  return out;
}

/** The ED..ES half sequence of a cine (inclusive, in whichever order the phases come); stills as they are. */
export function halfSequence(item: ExportItem): ExportItem {
  if (item.sequence === 'stills' || item.edFrame === null || item.esFrame === null) return item;
  const lo = Math.min(item.edFrame, item.esFrame);
  const hi = Math.max(item.edFrame, item.esFrame);
  if (lo === 0 && hi === item.frames.length - 1) return item;
  const labels = new Map<number, Uint8Array>();
  for (const [f, l] of item.labels) if (f >= lo && f <= hi) labels.set(f - lo, l);
  return { ...item, frames: item.frames.slice(lo, hi + 1), labels, edFrame: item.edFrame - lo, esFrame: item.esFrame - lo };
}

/** Why an entry cannot become a CAMUS patient view, from what the plan knows; null when it can. */
export function camusMisfit(e: PlanEntry): string | null {
  if (e.source?.made?.still && !e.synthetic) return 'a generated still shows one phase; CAMUS keeps the ED and the ES image of each view (export it as png or dicom)';
  const view = entryView(e);
  if (!view) return `its view is ${e.source?.view ? `"${e.source.view}"` : 'unknown'}; CAMUS holds apical 2CH and 4CH views`;
  if (e.synthetic) {
    if (e.synthetic.output === 'still') return 'a single still (one phase); CAMUS keeps the ED and the ES of each view: set synthetic.output to "ed-es" or "cine"';
    return null;
  }
  const s = e.source!;
  if (s.edFrame == null || s.esFrame == null) return 'its ED and ES frames are unknown; CAMUS records both (Info cfg, _ED and _ES images)';
  if (s.ef == null) return 'its ejection fraction is unknown; CAMUS records it (Info cfg EF)';
  return null;
}

export function createCamusLayout(ctx: LayoutContext): ExportLayout {
  const patients = camusPatients(ctx.entries);
  return {
    name: 'camus',
    adapt: halfSequence,
    check(item) {
      const missing = missingForDataset(item);
      if (missing.length) throw new AppError('invalid-argument', `cannot go into the CAMUS layout: ${missing.join('; ')}`);
    },
    async writeItem(item, entry, out): Promise<CamusIndex> {
      const patient = patients.get(entry.index)!;
      const li = toLayoutItem(item, patient);
      const files = await writeThroughStaging(out, (root) => createCamusWriter(root).add(li));
      return { patient, view: li.view, files };
    },
  };
}

/** The image file that stands for an item in the split lists: its half sequence, else its ED image. */
function mainFile(files: string[]): string {
  return files.find((f) => f.endsWith('_half_sequence.nii.gz')) ?? files.find((f) => f.endsWith('_ED.nii.gz')) ?? files[0];
}

export function camusIndexFiles(records: JournalRecord[]): IndexFile[] {
  const split = (r: JournalRecord): LayoutSplit => r.row.split;
  const files: IndexFile[] = camusSplitFiles(records.map((r) => [(r.layout as CamusIndex).patient, split(r)] as [string, LayoutSplit]))
    .map((f) => ({ path: `database_split/${f.name}`, data: f.text }));
  files.push(...splitLists(records, (r) => [mainFile((r.layout as CamusIndex).files)]));
  return files;
}

