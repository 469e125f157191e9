import { useState } from 'react';
import type { CatalogDataset, CatalogIssue } from '../../../shared/catalog-types.ts';
import { getApi } from '../api/get-api.ts';
import { IssueList } from './ImportBar.tsx';

const LAYOUTS: Record<string, string> = { 'camus-nifti': 'CAMUS 2023', 'camus-legacy': 'CAMUS legacy', 'echonet-dynamic': 'EchoNet-Dynamic', loose: 'NIfTI/MetaImage files' };

interface Props {
  datasets: CatalogDataset[];
  /** Dataset roots with an import running now (shown as importing, not interrupted). */
  importing: boolean;
  /** The embedded demo dataset's folder: marked as the demo; removing it is remembered across starts. */
  demoRoot: string | null;
  onChanged: () => void;
  report: (err: unknown) => void;
}

/** The imported datasets: counts, whether the last import finished, its problems, and removal from the catalog. */
export function DatasetList({ datasets, importing, demoRoot, onChanged, report }: Props) {
  const [issues, setIssues] = useState<Record<number, CatalogIssue[]>>({});
  const [confirm, setConfirm] = useState<number | null>(null);
  if (datasets.length === 0) return null;
  const loadIssues = async (d: CatalogDataset) => {
    try {
      const r = await getApi()['catalog.datasetIssues']({ datasetId: d.id, offset: 0, limit: 500 });
      setIssues((x) => ({ ...x, [d.id]: r.issues }));
    } catch (err) {
      report(err);
    }
  };
  const remove = async (d: CatalogDataset) => {
    try {
      await getApi()['catalog.removeDataset']({ datasetId: d.id });
      setConfirm(null);
      onChanged();
    } catch (err) {
      report(err);
    }
  };
  return (
    <details className="dataset-list">
      <summary>Datasets ({datasets.length})</summary>
      <ul aria-label="Imported datasets">
        {datasets.map((d) => (
          <li key={d.id} title={d.root}>
            <div className="dataset-head">
              <b>{d.name}</b> <span className="muted">{LAYOUTS[d.layout] ?? d.layout}</span>
              {d.provenance === 'synthetic' && <span className="badge badge-syn">SYNTHETIC</span>}
              {d.root === demoRoot && <span className="badge" title="The demo dataset that comes with Cardiosynth (phantom hearts)">DEMO</span>}
            </div>
            <div className="small">
              {d.studyCount} studies
              {d.status === 'importing' && <span className="warn-text"> · {importing ? 'importing…' : 'import interrupted: import it again to finish'}</span>}
              {d.errorCount + d.warningCount > 0 && (
                <>
                  {' · '}
                  <button type="button" className="link-button" onClick={() => void loadIssues(d)}>
                    {d.errorCount} not imported, {d.warningCount} warnings
                  </button>
                </>
              )}
              {' · '}
              {confirm === d.id ? (
                <>
                  <button type="button" className="link-button danger" onClick={() => void remove(d)}>
                    {d.root === demoRoot ? 'Remove from catalog (not imported again at start)' : 'Remove from catalog (files stay)'}
                  </button>{' '}
                  <button type="button" className="link-button" onClick={() => setConfirm(null)}>
                    Keep
                  </button>
                </>
              ) : (
                <button type="button" className="link-button" onClick={() => setConfirm(d.id)} aria-label={`Remove ${d.name} from the catalog`}>
                  Remove…
                </button>
              )}
            </div>
            {issues[d.id] && <IssueList issues={issues[d.id]} errors={d.errorCount} warnings={d.warningCount} />}
          </li>
        ))}
      </ul>
    </details>
  );
}
