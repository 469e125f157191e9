import { useState } from 'react';
import type { PackListing, PackSummary } from '../../../shared/inference-types.ts';
import { describeError, getApi } from '../api/get-api.ts';

const mib = (b: number) => (b >= 1 << 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

interface Props {
  listing: PackListing | null;
  selected: PackSummary | null;
  canPick: boolean;
  onListing(l: PackListing): void;
  onChoose(p: PackSummary): void;
}

/** Choose a model pack; see what it is (size, resolution, conditioning, license, provenance, sha256); add folders. */
export function PackSection({ listing, selected, canPick, onListing, onChoose }: Props) {
  const [folder, setFolder] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async (path: string) => {
    if (!path.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const l = await getApi()['packs.addFolder']({ path: path.trim() });
      onListing(l);
      setFolder('');
      const added = l.packs.find((p) => p.dir === path.trim() || p.dir.startsWith(path.trim()));
      if (added) onChoose(added);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const pick = async () => {
    try {
      const { paths } = await getApi()['dialog.pickPaths']({ directories: true });
      if (paths[0]) await add(paths[0]);
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="gen-section" aria-label="Model pack">
      <h3>Model pack</h3>
      <select aria-label="Model pack" value={selected?.key ?? ''} onChange={(e) => { const p = listing?.packs.find((x) => x.key === e.target.value); if (p) onChoose(p); }}>
        {!listing?.packs.length && <option value="">{listing ? 'No packs found: add a folder below' : 'Looking for packs…'}</option>}
        {listing?.packs.map((p) => (
          <option key={p.key} value={p.key}>
            {p.name} ({p.version})
          </option>
        ))}
      </select>
      {selected && (
        <dl className="gen-facts small" aria-label="Pack details">
          <dt>Resolution</dt>
          <dd>
            {selected.resolution.width}×{selected.resolution.height}, {selected.channels === 1 ? 'grey' : 'RGB'}
            {selected.img2img ? ', img2img' : ''}
          </dd>
          <dt>Conditioning</dt>
          <dd>
            {selected.conditioning.encoding} label map, {selected.conditioning.labels.length} labels
          </dd>
          <dt>License</dt>
          <dd>{selected.license}</dd>
          <dt>Size</dt>
          <dd>{mib(selected.sizeBytes)}</dd>
          <dt>Provenance</dt>
          <dd title={JSON.stringify(selected.provenance, null, 1)}>
            {selected.provenance.synthetic_training_data ? 'trained on synthetic data' : 'trained on real data'}
            {selected.provenance.knows ? `: ${selected.provenance.knows}` : ''}
          </dd>
          <dt>SHA-256</dt>
          <dd className="mono" title={selected.sha256}>
            {selected.sha256.slice(0, 16)}…
          </dd>
          <dt>Source</dt>
          <dd className="muted" title={selected.dir}>
            {selected.source}: {selected.dir}
          </dd>
        </dl>
      )}
      <div className="gen-row">
        <input type="text" aria-label="Pack folder to add" placeholder="Add a pack folder (path)" value={folder} onChange={(e) => setFolder(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void add(folder)} />
        <button type="button" onClick={() => void add(folder)} disabled={busy || !folder.trim()}>
          Add
        </button>
        {canPick && (
          <button type="button" onClick={() => void pick()} disabled={busy}>
            Browse…
          </button>
        )}
      </div>
      {error && <p role="alert" className="error-text small">{error}</p>}
      {listing?.problems.map((p) => (
        <p key={p.dir} className="error-text small" title={p.dir}>
          Not loaded: {p.message}
        </p>
      ))}
    </section>
  );
}
