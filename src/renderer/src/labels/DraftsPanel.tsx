import { useEffect, useState } from 'react';
import type { LabelDraftSummary } from '../../../shared/contract/labels.ts';
import type { ImageKey } from '../../../shared/labels/image-key.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStoreSelect } from '../components/use-store.ts';
import type { LabelEditor } from './label-editor.ts';

/** Every saved label draft in the data folder (DICOM files and catalog studies); opening one opens its image. */
export function DraftsPanel({ editor, onOpen }: { editor: LabelEditor; onOpen: (key: ImageKey) => void }) {
  const [drafts, setDrafts] = useState<LabelDraftSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Refetch whenever the open image's draft is saved (its revision changes).
  const revision = useStoreSelect(editor.save, (s) => s.revision);
  const current = useStoreSelect(editor.state, (s) => s.imageKeyId);
  useEffect(() => {
    let cancelled = false;
    getApi()
      ['labels.list']({})
      .then((list) => !cancelled && (setDrafts(list), setError(null)))
      .catch((err) => !cancelled && setError(describeError(err)));
    return () => {
      cancelled = true;
    };
  }, [revision, current]);
  return (
    <div className="browser drafts" aria-label="Label drafts">
      {error && <div className="error-text">{error}</div>}
      {drafts && drafts.length === 0 && <div className="muted">No label maps saved yet. Choose a label tool (B, P, G) and draw.</div>}
      <ul className="instances">
        {drafts?.map((d) => (
          <li key={d.keyId}>
            <button type="button" className={d.keyId === current ? 'instance selected' : 'instance'} onClick={() => onOpen(d.key)} title={d.key.kind === 'dicom-file' ? d.key.path : `catalog study ${d.key.study}`} aria-label={`Open ${d.title} with its labels`}>
              <span className="instance-text">
                <span className="instance-name">{d.title}</span>
                <span className="muted small">{d.key.kind === 'dicom-file' ? 'DICOM file' : 'catalog study'}{d.source.kind === 'dataset-gt' ? ' · from its ground truth' : ''}</span>
                <span className="muted small">
                  {d.labelledFrames.length}/{d.frameCount} frame(s) labelled · rev {d.revision}
                </span>
                <span className="muted small">{new Date(d.updatedAt).toLocaleString()}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
