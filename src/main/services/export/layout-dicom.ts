/**
 * The DICOM layout: one file per item, a folder per (pseudonymous) patient, split lists beside:
 *
 *   dicom/<patient>/<item>.dcm     US Multi-frame cine, or Secondary Capture for a single still
 *   splits/{train,val,test}.txt    file paths, one per line
 *
 * Label maps are not written here (DICOM SEG is a later addition); the PNG layout carries them.
 */
import { createHash } from 'node:crypto';
import type { ExportLayout, IndexFile, LayoutContext } from './layout.ts';
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
      const path = `dicom/${item.patientId}/${item.id}.dcm`;
      out.write(path, writeDicom(item, { pseudonyms: ctx.pseudonyms, softwareVersion: ctx.softwareVersion, uidSalt, seriesNumber: entry.index + 1 }));
      return { dicom: [path] };
    },
  };
}

export function dicomIndexFiles(records: JournalRecord[]): IndexFile[] {
  return splitLists(records, (r) => (r.layout as { dicom: string[] }).dicom);
}
