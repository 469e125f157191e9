import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatalogFacets, CatalogRow } from '../../../shared/catalog-types.ts';
import { getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { DemoDatasetNote, useDemoDataset } from '../start/DemoDatasetNote.tsx';
import { PageSet } from './catalog-pages.ts';
import { catalogChanged, catalogUi, importJob } from './catalog-state.ts';
import { CatalogFilters } from './CatalogFilters.tsx';
import { DatasetList } from './DatasetList.tsx';
import { ImportBar } from './ImportBar.tsx';
import { StudyList } from './StudyList.tsx';

interface Props {
  canPickPaths: boolean;
  selectedId: string | null;
  /** Opens a study in the viewer; `phase` is the filter's phase, to start on that frame. */
  onOpen: (row: CatalogRow, phase: 'ED' | 'ES' | undefined) => void;
  report: (err: unknown) => void;
}

/** The persistent study catalog: import, filter, sort and open CAMUS, EchoNet-Dynamic and NIfTI studies. */
export function CatalogPanel({ canPickPaths, selectedId, onOpen, report }: Props) {
  const { filter, sort, revision } = useStore(catalogUi);
  const importing = useStore(importJob.store).job?.state === 'running';
  const [facets, setFacets] = useState<CatalogFacets | null>(null);
  const [version, setVersion] = useState(0);
  const [pages, setPages] = useState<PageSet | null>(null);
  const demo = useDemoDataset(revision);
  const reportRef = useRef(report);
  reportRef.current = report;

  useEffect(() => {
    const p = new PageSet(filter, sort, () => setVersion((v) => v + 1), (err) => reportRef.current(err));
    p.ensure(0, 0);
    setPages(p);
    return () => p.dispose();
  }, [filter, sort, revision]);

  const loadFacets = useCallback(() => {
    getApi()['catalog.facets']({}).then(setFacets, (err: unknown) => reportRef.current(err));
  }, []);
  useEffect(loadFacets, [loadFacets, revision]);

  const total = pages?.total;
  return (
    <div className="catalog">
      <ImportBar canPickPaths={canPickPaths} report={report} />
      <DemoDatasetNote demo={demo} report={report} />
      <DatasetList datasets={facets?.datasets ?? []} importing={importing} demoRoot={demo?.root ?? null} onChanged={catalogChanged} report={report} />
      <CatalogFilters
        filter={filter}
        sort={sort}
        datasets={facets?.datasets ?? []}
        views={facets?.views ?? []}
        onFilter={(f) => catalogUi.set({ filter: f })}
        onSort={(s) => catalogUi.set({ sort: s })}
      />
      <div className="catalog-count muted small" role="status" aria-label="Matching studies">
        {total === null || total === undefined ? 'Loading…' : `${total} of ${facets?.total ?? total} studies`}
      </div>
      {pages && <StudyList pages={pages} version={version} selectedId={selectedId} onOpen={(r) => onOpen(r, filter.phase)} />}
    </div>
  );
}
