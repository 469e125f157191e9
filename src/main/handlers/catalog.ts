/** The catalog methods: imports (as jobs), queries, and the media of catalog studies. */
import type { HandlersFor } from '../../shared/contract.ts';
import type { CatalogResults } from '../../shared/contract/catalog.ts';
import type { Services } from '../services/index.ts';

export function catalogHandlers(services: Services): HandlersFor<keyof CatalogResults> {
  const catalog = () => services.catalog;
  return {
    'catalog.import': ({ path }) => catalog().startImport(services.jobs, path),
    'catalog.query': ({ filter, sort, offset, limit }) => catalog().query(filter, sort, offset, limit),
    'catalog.facets': () => catalog().facets(),
    'catalog.datasets': () => catalog().store.datasets(),
    'catalog.datasetIssues': ({ datasetId, offset, limit }) => catalog().store.issues(datasetId, offset, limit),
    'catalog.removeDataset': ({ datasetId }) => {
      const { root } = catalog().store.datasetRow(datasetId);
      const removedStudies = catalog().store.removeDataset(datasetId);
      services.firstStart.datasetRemoved(root); // the demo dataset stays removed at the next start
      catalog().media.forget();
      return { removedStudies };
    },
    'catalog.study': ({ studyId }) => catalog().store.study(studyId),
    'catalog.open': ({ studyId }) => catalog().media.view(studyId),
    'catalog.frame': ({ studyId, frame }) => catalog().media.frame(studyId, frame),
    'catalog.labelMap': ({ studyId, frame, source }) => catalog().media.labelMap(studyId, frame, source),
    'catalog.tracings': ({ studyId }) => catalog().media.tracings(studyId),
    'catalog.thumbnail': ({ studyId, size }) => catalog().media.thumbnail(studyId, size),
  };
}
