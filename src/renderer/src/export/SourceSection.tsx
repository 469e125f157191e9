import { useEffect, useState } from 'react';
import type { CatalogRow } from '../../../shared/catalog-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { catalogUi } from '../catalog/catalog-state.ts';
import { setForm } from './export-state.ts';
import type { ExportForm, What } from './recipe-form.ts';

const SHOWN = 200;

interface Props {
  form: ExportForm;
  keptResults: number;
}

function rowName(r: CatalogRow): string {
  return `${r.patient ?? r.title}${r.view ? ` ${r.view}` : ''}`;
}

/** What to export: the catalog browser's current filter, studies ticked in a list, the gallery's kept results. */
export function SourceSection({ form, keptResults }: Props) {
  const { filter, revision } = useStore(catalogUi);
  const [rows, setRows] = useState<CatalogRow[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    getApi()
      ['catalog.query']({ filter, sort: { key: 'id', dir: 'asc' }, offset: 0, limit: SHOWN })
      .then((p) => {
        if (!live) return;
        setRows(p.rows);
        setTotal(p.total);
      })
      .catch((e: unknown) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [filter, revision]);

  const filterText = Object.keys(filter).length ? 'the catalog filter' : 'the whole catalog';
  const choice = (what: What, label: string, disabled = false) => (
    <label className="check">
      <input type="radio" name="export-what" checked={form.what === what} disabled={disabled} onChange={() => setForm({ what })} />
      {label}
    </label>
  );
  const toggle = (id: string, on: boolean) => setForm({ selected: on ? [...form.selected, id] : form.selected.filter((x) => x !== id) });
  return (
    <section className="gen-section" aria-label="What to export">
      <h3>What to export</h3>
      <div className="export-choices" role="radiogroup" aria-label="Export source">
        {choice('filter', `Studies matching ${filterText} (${total ?? '…'})`)}
        {choice('selected', `Selected studies (${form.selected.length})`)}
        {choice('results', `Kept results from the gallery (${keptResults})`)}
        {form.recipeSources.length > 0 && choice('recipe', `The loaded recipe's sources (${form.recipeSources.length})`)}
      </div>
      {form.what === 'selected' && (
        <div className="export-picker">
          <div className="gen-row small">
            <span className="muted">{total !== null && total > SHOWN ? `First ${SHOWN} of ${total} studies matching the catalog filter` : `${rows.length} studies matching the catalog filter`}</span>
            <button type="button" className="link-button" onClick={() => setForm({ selected: [...new Set([...form.selected, ...rows.map((r) => r.id)])] })}>Select all shown</button>
            <button type="button" className="link-button" onClick={() => setForm({ selected: [] })}>Clear</button>
          </div>
          <ul className="export-study-list" aria-label="Studies to export">
            {rows.map((r) => (
              <li key={r.id}>
                <label className="check" title={r.id}>
                  <input type="checkbox" aria-label={`Select ${rowName(r)}`} checked={form.selected.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} />
                  <span>{rowName(r)}</span>
                  <span className="muted small">{[r.dataset, r.ef !== null ? `EF ${Number(r.ef.toFixed(1))}` : null, r.split, r.hasLabels ? 'labels' : 'no labels'].filter(Boolean).join(' · ')}</span>
                  {r.provenance === 'synthetic' && <span className="badge badge-syn">SYNTHETIC</span>}
                </label>
              </li>
            ))}
            {rows.length === 0 && <li className="muted small">No studies: import a dataset in the Catalog tab, or clear its filters.</li>}
          </ul>
        </div>
      )}
      {error && <p role="alert" className="error-text small">{error}</p>}
      <label className="check">
        <input type="checkbox" checked={form.includeSources} onChange={(e) => setForm({ includeSources: e.target.checked })} />
        Include the source studies themselves (not only synthetic variants)
      </label>
    </section>
  );
}
