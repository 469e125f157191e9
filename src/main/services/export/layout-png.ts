/**
 * Image + mask PNG pairs, the layout most 2-D segmentation training code reads:
 *
 *   images/<item>_<frame>.png        8-bit grey (RGB for colour sources)
 *   masks/index/<item>_<frame>.png   8-bit label values (0 background, 1 LV cavity, ...)
 *   masks/grey/<item>_<frame>.png    the same masks as round(255 * label / max_label), for eyes and tools that
 *                                    expect 0/255-style masks; max_label is fixed for the whole export
 *   labels.json                      the legend: value, name, grey value
 *   splits/{train,val,test}.txt      image paths, one per line
 *
 * Which frames: recipe `png.frames`: `labelled` (frames with a label map; every frame of an item with none),
 * `all`, or `ed-es` (the ED and ES frames). Frame numbers are 0-based and zero-padded to 4 digits.
 */
import { PNG } from 'pngjs';
import { AppError } from '../../../shared/errors.ts';
import type { ExportLayout, IndexFile, LayoutContext } from './layout.ts';
import { splitLists } from './layout.ts';
import type { ExportItem } from './item.ts';
import type { JournalRecord, PlanFile } from './journal.ts';

export function encodePng8(width: number, height: number, channels: 1 | 3, samples: Uint8Array): Buffer {
  const png = new PNG({ width, height, bitDepth: 8, colorType: channels === 3 ? 2 : 0, inputColorType: channels === 3 ? 2 : 0, inputHasAlpha: false });
  png.data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  // Fixed deflate settings: the same pixels always give the same bytes (checksums compare exports).
  return PNG.sync.write(png, { bitDepth: 8, colorType: channels === 3 ? 2 : 0, inputColorType: channels === 3 ? 2 : 0, inputHasAlpha: false, deflateLevel: 6, filterType: -1 });
}

export function greyMask(labels: Uint8Array, maxLabel: number): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.round((255 * v) / maxLabel));
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = lut[labels[i]];
  return out;
}

function framesToWrite(item: ExportItem, mode: 'labelled' | 'all' | 'ed-es'): number[] {
  const all = item.frames.map((_, i) => i);
  if (mode === 'all') return all;
  if (mode === 'ed-es') {
    const phases = [item.edFrame, item.esFrame].filter((f): f is number => f !== null);
    if (phases.length) return [...new Set(phases)].sort((a, b) => a - b);
  }
  const labelled = [...item.labels.keys()].sort((a, b) => a - b);
  return labelled.length ? labelled : all;
}

export function createPngLayout(ctx: LayoutContext): ExportLayout {
  const maxLabel = ctx.plan.maxLabel;
  const mode = ctx.recipe.png.frames;
  return {
    name: 'png',
    check(item) {
      if (item.labels.size === 0) return;
      if (maxLabel === null) throw new AppError('internal', `export item ${item.id}: has label maps but the export has no max_label`);
      for (const [f, l] of item.labels) {
        for (let i = 0; i < l.length; i++) {
          if (l[i] > maxLabel) throw new AppError('invalid-argument', `export item ${item.id}: frame ${f} holds label ${l[i]}, above the export's max_label ${maxLabel} (set "png": {"maxLabel": N} in the recipe)`);
        }
      }
    },
    async writeItem(item, _entry, out) {
      const images: string[] = [];
      for (const f of framesToWrite(item, mode)) {
        const name = `${item.id}_${String(f).padStart(4, '0')}.png`;
        out.write(`images/${name}`, encodePng8(item.width, item.height, item.channels, item.frames[f]));
        images.push(`images/${name}`);
        const l = item.labels.get(f);
        if (l && maxLabel !== null) {
          out.write(`masks/index/${name}`, encodePng8(item.width, item.height, 1, l));
          out.write(`masks/grey/${name}`, encodePng8(item.width, item.height, 1, greyMask(l, maxLabel)));
        }
        await new Promise<void>((r) => setImmediate(r));
      }
      return { images };
    },
  };
}

export function pngIndexFiles(plan: PlanFile, records: JournalRecord[]): IndexFile[] {
  const maxLabel = plan.maxLabel;
  const files = splitLists(records, (r) => (r.layout as { images: string[] }).images);
  if (maxLabel !== null) {
    const legend = Object.entries(plan.labelNames)
      .map(([v, name]) => ({ value: Number(v), name, grey: Math.min(255, Math.round((255 * Number(v)) / maxLabel)) }))
      .sort((a, b) => a.value - b.value);
    files.push({ path: 'labels.json', data: `${JSON.stringify({ max_label: maxLabel, grey_encoding: 'round(255 * label / max_label)', labels: legend }, null, 2)}\n` });
  }
  return files;
}
