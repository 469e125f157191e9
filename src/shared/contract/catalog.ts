/**
 * The study catalog: CAMUS, EchoNet-Dynamic and loose NIfTI/MetaImage studies imported into a persistent
 * SQLite catalog in the user's data folder, queried page by page, and opened in the same viewer as DICOM.
 * Study ids are stable across re-imports (see catalog-types.ts), so "study S, frame F" names a frame for
 * every feature.
 */
import { z } from 'zod';
import type { CatalogDataset, CatalogFacets, CatalogIssue, CatalogPage, CatalogStudy, LabelMapFrame, StudyView, TracingFrameLines } from '../catalog-types.ts';
import type { FramePixels, Thumbnail } from '../dicom-types.ts';
import type { JobInfo } from '../job-types.ts';
import { filePath } from './studies.ts';

export const studyId = z.string().min(1).max(512);
const datasetId = z.number().int().min(1);
const frame = z.number().int().min(0).max(100_000);
const finite = z.number().finite();

/** A study browser filter (CatalogFilter); export recipes keep one to name "these studies". */
export const catalogFilterSchema = z
  .object({
    datasetIds: z.array(datasetId).max(100).optional(),
    text: z.string().max(200).optional(),
    patient: z.string().max(100).optional(),
    views: z.array(z.enum(['2CH', '4CH', 'A4C'])).max(3).optional(),
    phase: z.enum(['ED', 'ES']).optional(),
    efMin: finite.optional(),
    efMax: finite.optional(),
    imageQualities: z.array(z.enum(['Good', 'Medium', 'Poor'])).max(3).optional(),
    sex: z.enum(['M', 'F']).optional(),
    ageMin: finite.optional(),
    ageMax: finite.optional(),
    splits: z.array(z.enum(['train', 'val', 'test'])).max(3).optional(),
    hasLabels: z.boolean().optional(),
    provenance: z.enum(['real', 'synthetic']).optional(),
    includeUnavailable: z.boolean().optional(),
  })
  .strict();
const filter = catalogFilterSchema;

const sort = z
  .object({
    key: z.enum(['id', 'patient', 'dataset', 'view', 'ef', 'age', 'frames', 'frameRate', 'imageQuality', 'split']),
    dir: z.enum(['asc', 'desc']),
  })
  .strict();

export const catalogMethods = {
  /** Imports the dataset a folder belongs to (CAMUS 2023 or legacy, EchoNet-Dynamic, or loose NIfTI/MetaImage
   * files) as a job; follow it with `jobs.get`. Its result is a CatalogImportSummary. Re-importing reads only
   * what changed; a folder inside a dataset (one CAMUS patient) limits the import to it. Source files are
   * only read, never written. */
  'catalog.import': { args: z.object({ path: filePath }).strict() },
  /** One page of studies matching a filter, sorted (server-side, so 10,030 rows cost one page's transfer). */
  'catalog.query': { args: z.object({ filter: filter.default({}), sort: sort.default({ key: 'id', dir: 'asc' }), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) }).strict() },
  /** What the browser's filters can offer: datasets, views present, EF and age ranges. */
  'catalog.facets': { args: z.object({}).strict() },
  /** The imported datasets with their study counts and last import's problem counts. */
  'catalog.datasets': { args: z.object({}).strict() },
  /** The per-item problems of a dataset's last import, errors first. */
  'catalog.datasetIssues': { args: z.object({ datasetId, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(200) }).strict() },
  /** Removes a dataset and its studies from the catalog (its files are not touched). */
  'catalog.removeDataset': { args: z.object({ datasetId }).strict() },
  /** One study in full: clinical fields, files, label maps, warnings, provenance. */
  'catalog.study': { args: z.object({ studyId }).strict() },
  /** Prepares a study for the viewer (reads its cine once) and says how to play it. */
  'catalog.open': { args: z.object({ studyId }).strict() },
  /** Frame `frame` (0-based) of a study's cine, decoded for display (like instance.frame for DICOM). */
  'catalog.frame': { args: z.object({ studyId, frame }).strict() },
  /** The ground-truth label map of a frame, or null when the frame has none. `source` picks one where
   * several exist (default: a CAMUS ED/ES gt, then the labelled cine, then EchoNet tracings). */
  'catalog.labelMap': { args: z.object({ studyId, frame, source: z.enum(['gt', 'sequence-gt', 'tracing']).optional() }).strict() },
  /** EchoNet tracing lines (long axis + 20 disc chords) of each traced frame; [] for other studies. */
  'catalog.tracings': { args: z.object({ studyId }).strict() },
  /** A small RGBA rendering of the study's ED frame (or its first), cached in the catalog. */
  'catalog.thumbnail': { args: z.object({ studyId, size: z.number().int().min(16).max(256) }).strict() },
} as const;

export interface CatalogResults {
  'catalog.import': JobInfo;
  'catalog.query': CatalogPage;
  'catalog.facets': CatalogFacets;
  'catalog.datasets': CatalogDataset[];
  'catalog.datasetIssues': { total: number; issues: CatalogIssue[] };
  'catalog.removeDataset': { removedStudies: number };
  'catalog.study': CatalogStudy;
  'catalog.open': StudyView;
  'catalog.frame': FramePixels;
  'catalog.labelMap': LabelMapFrame | null;
  'catalog.tracings': TracingFrameLines[];
  'catalog.thumbnail': Thumbnail;
}
