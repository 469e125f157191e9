import { useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { TagRow } from '../../../shared/dicom-types.ts';
import { describeError, getApi } from '../api/get-api.ts';

/** All attributes of the selected instance, filtered by tag, name, keyword or value. */
export function TagPanel({ instanceId }: { instanceId: string | null }) {
  const [rows, setRows] = useState<TagRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const deferred = useDeferredValue(filter);

  useEffect(() => {
    setRows([]);
    setError(null);
    if (!instanceId) return;
    let live = true;
    getApi()
      ['instance.tags']({ instanceId })
      .then((r) => live && setRows(r))
      .catch((err: unknown) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [instanceId]);

  const shown = useMemo(() => {
    const q = deferred.trim().toLowerCase();
    if (!q) return rows;
    const compact = q.replace(/[\s(),]/g, '');
    return rows.filter(
      (r) =>
        r.name.toLowerCase().includes(q) ||
        r.name.toLowerCase().replace(/\s/g, '').includes(compact) ||
        r.tag.toLowerCase().replace(/[\s(),]/g, '').includes(compact) ||
        r.value.toLowerCase().includes(q),
    );
  }, [rows, deferred]);

  return (
    <aside className="tags" aria-label="Tag panel">
      <input
        type="search"
        aria-label="Filter tags"
        placeholder="Filter by tag, name or value"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        spellCheck={false}
      />
      <div className="muted small">
        {shown.length} of {rows.length} attributes
      </div>
      {error && (
        <div className="error-text" role="alert">
          {error}
        </div>
      )}
      <div className="tag-scroll">
        <table className="tag-table" aria-label="DICOM attributes">
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Name</th>
              <th scope="col">VR</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={`${r.tag}-${i}`}>
                <td className="mono">{r.tag}</td>
                <td style={{ paddingLeft: 4 + r.depth * 12 }}>{r.name}</td>
                <td className="mono">{r.vr}</td>
                <td className="tag-value" title={r.value}>
                  {r.value}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </aside>
  );
}
