/**
 * The DICOM layout: one file per item, a folder per (pseudonymous) patient, split lists beside:
 *
 *   dicom/<patient>/<item>.dcm     US Multi-frame cine, or Secondary Capture for a single still
 *   dicom/<patient>/<item>_ED.dcm  an item of stills (ED + ES): one Secondary Capture image per still
 *   splits/{train,val,test}.txt    file paths, one per line
 *
 * Label maps are not written here (DICOM SEG is a later addition); the PNG layout carries them.
 */
import { createHash } from 'node:crypto';
import type { ExportLayout, IndexFile, LayoutContext } from './layout.ts';
import type { ExportItem } from './item.ts';
import type { JournalRecord } from './journal.ts';
import { splitLists } from './layout.ts';
import { writeDicom } from './dicom-writer.ts';

export function createDicomLayout(ctx: LayoutContext): ExportLayout {
  return {
    name: 'dicom',
    check() {
      // Any item the model admits (8-bit grey or RGB, 1..65535 px) fits a US Multi-frame or SC image.
    },
    async writeItem(item, entry, out) {
      // What decides the content besides the id, so two exports that differ never share a SOP Instance UID.
      const uidSalt = createHash('sha256').update(JSON.stringify({ plan: entry.synthetic, kind: entry.kind, source: entry.sourceId })).digest('hex');
      const dicom: string[] = [];
      for (const part of stillsApart(item)) {
        const path = `dicom/${item.patientId}/${part.id}.dcm`;
        out.write(path, writeDicom(part, { pseudonyms: ctx.pseudonyms, softwareVersion: ctx.softwareVersion, uidSalt, seriesNumber: entry.index + 1 }));
        dicom.push(path);
      }
      return { dicom };
    },
  };
}

/**
 * An item of separate stills (an ED + ES pair from a still-image model) as one single-frame item per still,
 * named by its phase (`<item>_ED`), so each becomes a Secondary Capture image and none poses as a cine.
 */
export function stillsApart(item: ExportItem): ExportItem[] {
  if (item.sequence !== 'stills' || item.frames.length === 1) return [item];
  return item.frames.map((frame, f) => {
    const phase = f === item.edFrame ? 'ED' : f === item.esFrame ? 'ES' : `f${f}`;
    const labels = new Map<number, Uint8Array>();
    const l = item.labels.get(f);
    if (l) labels.set(0, l);
    return { ...item, id: `${item.id}_${phase}`, frames: [frame], labels, edFrame: phase === 'ED' ? 0 : null, esFrame: phase === 'ES' ? 0 : null };
  });
}

export function dicomIndexFiles(records: JournalRecord[]): IndexFile[] {
  return splitLists(records, (r) => (r.layout as { dicom: string[] }).dicom);
}
