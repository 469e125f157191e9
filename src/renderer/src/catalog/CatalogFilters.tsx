import { useEffect, useState } from 'react';
import type { CatalogDataset, CatalogFilter, CatalogSort, CatalogSortKey } from '../../../shared/catalog-types.ts';
import type { CardiacView } from '../../../shared/dataset-types.ts';

interface Props {
  filter: CatalogFilter;
  sort: CatalogSort;
  datasets: CatalogDataset[];
  views: CardiacView[];
  onFilter: (f: CatalogFilter) => void;
  onSort: (s: CatalogSort) => void;
}

const SORTS: Array<[CatalogSortKey, string]> = [
  ['id', 'Study id'],
  ['patient', 'Patient'],
  ['dataset', 'Dataset'],
  ['view', 'View'],
  ['ef', 'EF'],
  ['age', 'Age'],
  ['imageQuality', 'Image quality'],
  ['split', 'Split'],
  ['frames', 'Frames'],
  ['frameRate', 'Frame rate'],
];

/** A text or number field that reports after typing pauses (each change is a server query). */
function useDebounced<T>(value: T, ms: number, apply: (v: T) => void): void {
  useEffect(() => {
    const t = setTimeout(() => apply(value), ms);
    return () => clearTimeout(t);
    // `apply` is a new function on each render; only a new value should restart the delay.
  }, [value, ms]);
}

const num = (s: string): number | undefined => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Number(s));

/** The study browser's filters: each one narrows the server-side query. */
export function CatalogFilters({ filter, sort, datasets, views, onFilter, onSort }: Props) {
  const [text, setText] = useState(filter.text ?? '');
  const [patient, setPatient] = useState(filter.patient ?? '');
  const [ef, setEf] = useState<[string, string]>([String(filter.efMin ?? ''), String(filter.efMax ?? '')]);
  const [age, setAge] = useState<[string, string]>([String(filter.ageMin ?? ''), String(filter.ageMax ?? '')]);
  const set = (patch: Partial<CatalogFilter>) => onFilter(clean({ ...filter, ...patch }));
  useDebounced(text, 250, (v) => v !== (filter.text ?? '') && set({ text: v || undefined }));
  useDebounced(patient, 250, (v) => v !== (filter.patient ?? '') && set({ patient: v || undefined }));
  useDebounced(ef, 300, ([lo, hi]) => (num(lo) !== filter.efMin || num(hi) !== filter.efMax) && set({ efMin: num(lo), efMax: num(hi) }));
  useDebounced(age, 300, ([lo, hi]) => (num(lo) !== filter.ageMin || num(hi) !== filter.ageMax) && set({ ageMin: num(lo), ageMax: num(hi) }));
  const pick = <K extends keyof CatalogFilter>(key: K, value: string, map: (v: string) => CatalogFilter[K]) => set({ [key]: value === '' ? undefined : map(value) } as Partial<CatalogFilter>);

  return (
    <div className="catalog-filters" role="group" aria-label="Study filters">
      <input type="search" aria-label="Search studies" placeholder="Search: patient, file, view, split…" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      <div className="filter-grid">
        <label>
          Dataset
          <select aria-label="Dataset" value={filter.datasetIds?.[0] ?? ''} onChange={(e) => pick('datasetIds', e.target.value, (v) => [Number(v)])}>
            <option value="">All</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.studyCount})
              </option>
            ))}
          </select>
        </label>
        <label>
          View
          <select aria-label="View" value={filter.views?.[0] ?? ''} onChange={(e) => pick('views', e.target.value, (v) => [v as CardiacView])}>
            <option value="">Any</option>
            {(['2CH', '4CH', 'A4C'] as const).filter((v) => views.includes(v) || filter.views?.includes(v)).map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Phase
          <select aria-label="Phase" value={filter.phase ?? ''} onChange={(e) => pick('phase', e.target.value, (v) => v as 'ED' | 'ES')}>
            <option value="">Any</option>
            <option value="ED">ED known</option>
            <option value="ES">ES known</option>
          </select>
        </label>
        <label>
          EF %
          <span className="range">
            <input type="number" aria-label="EF minimum" placeholder="min" value={ef[0]} onChange={(e) => setEf([e.target.value, ef[1]])} />
            <input type="number" aria-label="EF maximum" placeholder="max" value={ef[1]} onChange={(e) => setEf([ef[0], e.target.value])} />
          </span>
        </label>
        <label>
          Quality
          <select aria-label="Image quality" value={filter.imageQualities?.[0] ?? ''} onChange={(e) => pick('imageQualities', e.target.value, (v) => [v as 'Good'])}>
            <option value="">Any</option>
            <option>Good</option>
            <option>Medium</option>
            <option>Poor</option>
          </select>
        </label>
        <label>
          Sex
          <select aria-label="Sex" value={filter.sex ?? ''} onChange={(e) => pick('sex', e.target.value, (v) => v as 'M' | 'F')}>
            <option value="">Any</option>
            <option value="F">F</option>
            <option value="M">M</option>
          </select>
        </label>
        <label>
          Age
          <span className="range">
            <input type="number" aria-label="Age minimum" placeholder="min" value={age[0]} onChange={(e) => setAge([e.target.value, age[1]])} />
            <input type="number" aria-label="Age maximum" placeholder="max" value={age[1]} onChange={(e) => setAge([age[0], e.target.value])} />
          </span>
        </label>
        <label>
          Split
          <select aria-label="Split" value={filter.splits?.[0] ?? ''} onChange={(e) => pick('splits', e.target.value, (v) => [v as 'train'])}>
            <option value="">Any</option>
            <option value="train">train</option>
            <option value="val">val</option>
            <option value="test">test</option>
          </select>
        </label>
        <label>
          Labels
          <select aria-label="Has labels" value={filter.hasLabels === undefined ? '' : String(filter.hasLabels)} onChange={(e) => pick('hasLabels', e.target.value, (v) => v === 'true')}>
            <option value="">Any</option>
            <option value="true">With ground truth</option>
            <option value="false">Without</option>
          </select>
        </label>
        <label>
          Source
          <select aria-label="Real or synthetic" value={filter.provenance ?? ''} onChange={(e) => pick('provenance', e.target.value, (v) => v as 'real')}>
            <option value="">Any</option>
            <option value="real">Real</option>
            <option value="synthetic">Synthetic</option>
          </select>
        </label>
        <label>
          Patient
          <input type="text" aria-label="Patient" placeholder="e.g. patient0042" value={patient} onChange={(e) => setPatient(e.target.value)} spellCheck={false} />
        </label>
        <label>
          Sort
          <span className="range">
            <select aria-label="Sort by" value={sort.key} onChange={(e) => onSort({ ...sort, key: e.target.value as CatalogSortKey })}>
              {SORTS.map(([k, name]) => (
                <option key={k} value={k}>
                  {name}
                </option>
              ))}
            </select>
            <button type="button" aria-label={sort.dir === 'asc' ? 'Ascending (click for descending)' : 'Descending (click for ascending)'} onClick={() => onSort({ ...sort, dir: sort.dir === 'asc' ? 'desc' : 'asc' })}>
              {sort.dir === 'asc' ? '↑' : '↓'}
            </button>
          </span>
        </label>
      </div>
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setText('');
          setPatient('');
          setEf(['', '']);
          setAge(['', '']);
          onFilter({});
        }}
      >
        Clear filters
      </button>
    </div>
  );
}

/** Drops undefined and empty fields so the filter object stays small and comparable. */
function clean(f: CatalogFilter): CatalogFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out as CatalogFilter;
}
