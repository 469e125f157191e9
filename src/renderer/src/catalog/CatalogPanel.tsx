import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatalogFacets, CatalogFilter, CatalogRow, CatalogSort } from '../../../shared/catalog-types.ts';
import type { JobStatus } from '../../../shared/job-types.ts';
import { getApi } from '../api/get-api.ts';
import { PageSet } from './catalog-pages.ts';
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
  const [filter, setFilter] = useState<CatalogFilter>({});
  const [sort, setSort] = useState<CatalogSort>({ key: 'id', dir: 'asc' });
  const [facets, setFacets] = useState<CatalogFacets | null>(null);
  const [importing, setImporting] = useState(false);
  const [version, setVersion] = useState(0);
  const [refresh, setRefresh] = useState(0);
  const [pages, setPages] = useState<PageSet | null>(null);
  const reportRef = useRef(report);
  reportRef.current = report;

  useEffect(() => {
    const p = new PageSet(filter, sort, () => setVersion((v) => v + 1), (err) => reportRef.current(err));
    p.ensure(0, 0);
    setPages(p);
    return () => p.dispose();
  }, [filter, sort, refresh]);

  const loadFacets = useCallback(() => {
    getApi()['catalog.facets']({}).then(setFacets, (err: unknown) => reportRef.current(err));
  }, []);
  useEffect(loadFacets, [loadFacets, refresh]);

  const changed = useCallback(() => setRefresh((r) => r + 1), []);
  const onFinished = useCallback(
    (_job: JobStatus) => {
      setImporting(false);
      changed();
    },
    [changed],
  );

  const total = pages?.total;
  return (
    <div className="catalog">
      <ImportBar canPickPaths={canPickPaths} onStarted={() => setImporting(true)} onFinished={onFinished} report={report} />
      <DatasetList datasets={facets?.datasets ?? []} importing={importing} onChanged={changed} report={report} />
      <CatalogFilters filter={filter} sort={sort} datasets={facets?.datasets ?? []} views={facets?.views ?? []} onFilter={setFilter} onSort={setSort} />
      <div className="catalog-count muted small" role="status" aria-label="Matching studies">
        {total === null || total === undefined ? 'Loading…' : `${total} of ${facets?.total ?? total} studies`}
      </div>
      {pages && <StudyList pages={pages} version={version} selectedId={selectedId} onOpen={(r) => onOpen(r, filter.phase)} />}
    </div>
  );
}
