/**
 * Turns the paths a user gives (`--from PATH`, a recipe's `sources`) into source studies, in a stable order:
 *   a CAMUS or EchoNet-Dynamic folder (or one inside it)  -> the dataset's studies, through its importer
 *   any other folder                                       -> its DICOM instances, then its NIfTI/MetaImage files
 *   a .nii / .nii.gz / .mhd / .mha file                    -> that image (with its _gt label map beside it)
 *   any other file                                         -> a DICOM file
 * `resolvers` run first and let later parts claim a path: the folder of generated results the inference engine
 * writes (issue 5) plugs in here, as the catalog's studies will (issue 3).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { toErrorData } from '../../../../shared/errors.ts';
import { isMetaImagePath } from '../../datasets/metaimage-reader.ts';
import { isNiftiPath } from '../../datasets/nifti-reader.ts';
import { DicomLibrary } from '../../dicom/index.ts';
import { datasetSources, looseVolumeSources } from './dataset-source.ts';
import { dicomSources } from './dicom-source.ts';
import type { ResolvedSources, SourceStudy } from './source-study.ts';

export type SourceResolver = (path: string) => Promise<ResolvedSources | null>;

export interface ResolveOptions {
  resolvers?: SourceResolver[];
  library?: DicomLibrary;
}

function merge(into: ResolvedSources, from: ResolvedSources): void {
  into.studies.push(...from.studies);
  into.errors.push(...from.errors);
  into.warnings.push(...from.warnings);
}

export async function resolveSources(paths: string[], options: ResolveOptions = {}): Promise<ResolvedSources> {
  const all: ResolvedSources = { studies: [], errors: [], warnings: [] };
  const library = options.library ?? new DicomLibrary({}, { keepHeaders: true });
  for (const input of paths) {
    const path = resolve(input);
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      all.errors.push({ path, kind: code === 'ENOENT' ? 'not-found' : 'unreadable', message: `${path}: ${code === 'ENOENT' ? 'no such file or folder' : toErrorData(err).message}` });
      continue;
    }
    try {
      let claimed: ResolvedSources | null = null;
      for (const r of options.resolvers ?? []) if (!claimed) claimed = await r(path);
      if (claimed) merge(all, claimed);
      else if (isDir) {
        const dataset = await datasetSources(path);
        if (dataset) merge(all, dataset);
        else {
          merge(all, await dicomSources([path], library));
          merge(all, await looseVolumeSources([path]));
        }
      } else if (isNiftiPath(path) || isMetaImagePath(path)) merge(all, await looseVolumeSources([path]));
      else merge(all, await dicomSources([path], library));
    } catch (err) {
      const d = toErrorData(err);
      all.errors.push({ path, kind: d.kind, message: d.message.includes(path) ? d.message : `${path}: ${d.message}` });
    }
  }
  // The same study reached twice (a file and its folder, two copies of one DICOM instance) is exported once.
  const seen = new Set<string>();
  const studies: SourceStudy[] = [];
  for (const s of all.studies) {
    if (seen.has(s.key)) continue;
    seen.add(s.key);
    studies.push(s);
  }
  return { ...all, studies };
}
