/**
 * The EchoNet-Dynamic layout, written by the dataset writer of services/layouts/ (echonet-writer.ts):
 *
 *   Videos/<item>.avi       MJPEG (fourcc MJPG), 112 x 112, yuvj420p, at the item's frame rate
 *   FileList.csv            FileName,EF,ESV,EDV,FrameHeight,FrameWidth,FPS,NumberOfFrames,Split
 *   VolumeTracings.csv      per traced frame the LV long axis then 20 disc chords, ES first then ED
 *   splits/{train,val,test}.txt
 *
 * The CSV rows are kept in the journal with each video and the CSVs written from the journals at the end, so a
 * resumed or merged export has the rows of a single run. EchoNet holds apical four-chamber videos with ED, ES,
 * EF and the LV volumes: items without them (a 2CH view, a DICOM cine with no phases, a still-image model's
 * stills, which are not a video) are refused before anything is written. The manifest records 112 x 112, the
 * size the videos have.
 */
import { createEchonetWriter, ECHONET_FILELIST_HEADER, ECHONET_SIZE, ECHONET_TRACINGS_HEADER, echonetFileListRow, echonetTracingRows } from '../layouts/index.ts';
import { AppError } from '../../../shared/errors.ts';
import type { JournalRecord } from './journal.ts';
import type { ExportLayout, IndexFile } from './layout.ts';
import { splitLists } from './layout.ts';
import { entryView, itemVolumes, missingForDataset, toLayoutItem, writeThroughStaging } from './layout-items.ts';
import type { PlanEntry } from './plan.ts';

interface EchonetIndex {
  fileName: string;
  video: string;
  fileListRow: string;
  tracingRows: string[];
}

/** Why an entry cannot become an EchoNet video, from what the plan knows; null when it can. */
export function echonetMisfit(e: PlanEntry): string | null {
  if (e.source?.made?.still && !e.synthetic) return 'a generated still is one image; EchoNet-Dynamic holds videos (export it as png or dicom)';
  const view = entryView(e);
  if (view !== '4CH') return `its view is ${view ?? (e.source?.view ? `"${e.source.view}"` : 'unknown')}; EchoNet-Dynamic holds apical four-chamber videos only`;
  if (e.synthetic) {
    if (e.synthetic.output !== 'cine') return `synthetic.output is "${e.synthetic.output}": stills are not a video, and EchoNet-Dynamic holds videos only (a still-image model pack can give CAMUS its ED and ES images, or png/dicom stills)`;
    return null;
  }
  const s = e.source!;
  if (s.edFrame == null || s.esFrame == null) return 'its ED and ES frames are unknown; EchoNet traces both (VolumeTracings.csv)';
  if (s.ef == null) return 'its ejection fraction is unknown; FileList.csv records it';
  return null;
}

export function createEchonetLayout(): ExportLayout {
  return {
    name: 'echonet',
    check(item) {
      const missing = missingForDataset(item);
      if (item.sequence === 'stills') missing.push('it is separate stills, not a video');
      if (!itemVolumes(item)) missing.push('its LV volumes (FileList EDV, ESV) are unknown and cannot be measured (they need LV and left-atrium label maps at ED and ES and a known pixel size)');
      if (missing.length) throw new AppError('invalid-argument', `cannot go into the EchoNet-Dynamic layout: ${missing.join('; ')}`);
    },
    manifestPatch: () => ({ width: ECHONET_SIZE, height: ECHONET_SIZE }),
    async writeItem(item, _entry, out): Promise<EchonetIndex> {
      const li = toLayoutItem(item, item.id);
      const [video] = await writeThroughStaging(out, (root) => createEchonetWriter(root).add(li));
      return { fileName: item.id, video, fileListRow: echonetFileListRow(li), tracingRows: echonetTracingRows(li) };
    },
  };
}

export function echonetIndexFiles(records: JournalRecord[]): IndexFile[] {
  const d = records.map((r) => r.layout as EchonetIndex);
  return [
    { path: 'FileList.csv', data: `${[ECHONET_FILELIST_HEADER, ...d.map((x) => x.fileListRow)].join('\n')}\n` },
    { path: 'VolumeTracings.csv', data: `${[ECHONET_TRACINGS_HEADER, ...d.flatMap((x) => x.tracingRows)].join('\n')}\n` },
    ...splitLists(records, (r) => [(r.layout as EchonetIndex).video]),
  ];
}
