/**
 * Studies of the workstation's catalog (issue 3) as an export source: those a study-browser filter matches
 * when the export starts, and/or listed study ids. A catalog study becomes the same source study its dataset
 * folder gives (datasets/ importers' records: same key, so the same pseudonyms), read from the files the
 * catalog points at; studies the catalog marks synthetic stay synthetic. Studies whose files were missing at
 * the last import are reported, not exported.
 */
import type { CatalogFilter, CatalogStudy } from '../../../../shared/catalog-types.ts';
import type { StudyRecord } from '../../../../shared/dataset-types.ts';
import { toErrorData } from '../../../../shared/errors.ts';
import type { CatalogSourceSpec } from '../../../../shared/export-recipe.ts';
import type { Catalog } from '../../datasets/catalog/index.ts';
import { datasetStudy, looseVolumeSources } from './dataset-source.ts';
import { provenanceFromRecord } from './dataset-provenance.ts';
import type { ResolvedSources } from './source-study.ts';

const PAGE = 1000;

/** Every study id a filter matches, in the browser's default order (id). */
export function catalogIds(catalog: Catalog, filter: CatalogFilter): string[] {
  const ids: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = catalog.query(filter, { key: 'id', dir: 'asc' }, offset, PAGE);
    ids.push(...page.rows.map((r) => r.id));
    if (page.rows.length < PAGE || ids.length >= page.total) return ids;
  }
}

function toRecord(s: CatalogStudy, catalog: Catalog): StudyRecord {
  return {
    id: s.id, dataset: s.dataset, format: s.format, patient: s.patient, view: s.view, sources: s.sources, sequencePath: s.sequencePath,
    frames: s.frames, rows: s.rows, columns: s.columns, frameRateHz: s.frameRateHz, frameRateSource: s.frameRateSource, edFrame: s.edFrame,
    esFrame: s.esFrame, ef: s.ef, edv: s.edv, esv: s.esv, imageQuality: s.imageQuality, sex: s.sex, age: s.age, split: s.split,
    labels: s.labels, labelValues: s.labelValues, tracings: s.dataset === 'echonet-dynamic' ? catalog.store.tracings(s.id).map((t) => ({ frame: t.frame, lines: t.lines, maskArea: t.maskArea })) : undefined,
    warnings: s.warnings,
  };
}

export async function catalogSources(catalog: Catalog, spec: CatalogSourceSpec['catalog']): Promise<ResolvedSources> {
  const ids = [...new Set([...(spec.filter ? catalogIds(catalog, spec.filter) : []), ...(spec.studies ?? [])])];
  const out: ResolvedSources = { studies: [], errors: [], warnings: [] };
  for (const id of ids) {
    let s: CatalogStudy;
    try {
      s = catalog.store.study(id);
    } catch (err) {
      out.errors.push({ path: id, kind: 'not-found', message: `catalog study ${id}: ${toErrorData(err).message}` });
      continue;
    }
    if (!s.available) {
      out.errors.push({ path: s.sequencePath ?? s.datasetRoot, kind: 'not-found', message: `catalog study ${id}: ${s.problem ?? 'its files were missing at the last import'}; import its dataset again` });
      continue;
    }
    const made = s.provenance === 'synthetic' ? { provenance: provenanceFromRecord((s.provenanceDetail.item as Record<string, unknown> | undefined) ?? null, s.provenanceDetail), still: false, phase: null } : null;
    if (s.dataset === 'loose') {
      // A loose NIfTI/MetaImage file: read as --from reads it (its _gt beside it), drafts keyed by the catalog id.
      const loose = await looseVolumeSources([s.sequencePath ?? s.sources[0].path]);
      out.errors.push(...loose.errors);
      out.warnings.push(...loose.warnings);
      for (const l of loose.studies) out.studies.push({ ...l, root: s.datasetRoot, draftKey: { kind: 'catalog-study', study: id }, made });
      continue;
    }
    const study = datasetStudy(toRecord(s, catalog), s.datasetRoot, made);
    if ('load' in study) out.studies.push(study);
    else out.errors.push(study);
  }
  return out;
}
