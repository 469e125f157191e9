/**
 * DICOM files and folders as export sources, through the DicomLibrary (headers at open, frames decoded when
 * the item is written). One instance with pixel data is one study. From the header the export takes only
 * what describes the images (frame rate, size) and the patient's sex and age; names, ids, dates and UIDs
 * serve only as keys for pseudonyms and grouping.
 */
import { dirname, resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { InstanceSummary } from '../../../../shared/dicom-types.ts';
import { DicomLibrary } from '../../dicom/index.ts';
import type { LoadedStudy, ResolvedSources, SourceStudy } from './source-study.ts';
import { frameBytes } from './source-study.ts';

function tagValue(library: DicomLibrary, id: string, tag: string): string {
  try {
    const row = library.tags(id).find((r) => r.tag === tag && r.depth === 0);
    return row ? row.value.trim() : '';
  } catch {
    return '';
  }
}

/** PatientAge is nnnD/W/M/Y; the export wants years. */
export function ageInYears(value: string): number | null {
  const m = /^(\d{1,3})([DWMY])$/i.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const per = { D: 365.25, W: 52.18, M: 12, Y: 1 }[m[2].toUpperCase() as 'D' | 'W' | 'M' | 'Y'];
  return Math.floor(n / per);
}

function rootOf(inputs: string[], file: string): string {
  const abs = resolve(file);
  // The input folder the file was found under is its dataset folder; a file named directly: its own folder.
  let best: string | null = null;
  for (const i of inputs) {
    const r = resolve(i);
    if ((abs === r || abs.startsWith(`${r}/`)) && (!best || r.length > best.length)) best = r;
  }
  if (best) {
    try {
      if (statSync(best).isDirectory()) return best;
    } catch {
      // fall through to the file's folder
    }
  }
  return dirname(abs);
}

/** Transfer syntaxes whose pixels have been through lossy compression (JPEG baseline/extended, JPEG-LS near-
 * lossless, JPEG 2000 (may be lossy), MPEG/HEVC video, HTJ2K). */
const LOSSY_SYNTAX = /^1\.2\.840\.10008\.1\.2\.4\.(50|51|81|91|93|10[0-9]|20[13])$/;

export async function dicomSources(paths: string[], library: DicomLibrary = new DicomLibrary()): Promise<ResolvedSources> {
  const opened = await library.open(paths);
  const studies: SourceStudy[] = [];
  const instances: InstanceSummary[] = opened.studies.flatMap((s) => s.series.flatMap((se) => se.instances));
  for (const inst of instances) {
    if (inst.frames < 1) continue; // SR, presentation states, DICOMDIR-only objects: nothing to export
    const sex = tagValue(library, inst.id, '(0010,0040)').toUpperCase();
    const burnedIn = tagValue(library, inst.id, '(0028,0301)').toUpperCase();
    studies.push({
      key: `dicom:${inst.sopInstanceUid || inst.path}`,
      patientKey: `dicom-patient:${inst.patientId || inst.patientName || inst.studyInstanceUid || inst.path}`,
      root: rootOf(paths, inst.path),
      origin: inst.path,
      view: null,
      split: null,
      ef: null,
      quality: null,
      sex: sex === 'M' || sex === 'F' ? sex : null,
      age: ageInYears(tagValue(library, inst.id, '(0010,1010)')),
      fps: inst.frames > 1 ? inst.frameRateHz : null,
      labelSet: null,
      burnedInAnnotation: burnedIn === 'YES' || burnedIn === 'NO' ? burnedIn : null,
      frames: inst.frames,
      draftKey: { kind: 'dicom-file', path: resolve(inst.path) },
      async load(): Promise<LoadedStudy> {
        const frames: Uint8Array[] = [];
        let channels: 1 | 3 = 1;
        for (let f = 0; f < inst.frames; f++) {
          const b = frameBytes(await library.frame(inst.id, f));
          channels = b.channels;
          frames.push(b.data);
        }
        return {
          width: inst.columns, height: inst.rows, channels, frames, labels: new Map(), labelSet: null, labelSource: null,
          pixelSpacingMm: null,
          lossyHistory: LOSSY_SYNTAX.test(inst.transferSyntaxUid) || tagValue(library, inst.id, '(0028,2110)') === '01',
          fps: inst.frames > 1 ? inst.frameRateHz : 30, edFrame: null, esFrame: null,
        };
      },
    });
  }
  return { studies, errors: opened.errors.map((e) => ({ path: e.path, kind: e.code, message: e.message })), warnings: [] };
}
