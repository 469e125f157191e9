import { useStore } from '../components/use-store.ts';
import type { LabelEditor } from './label-editor.ts';

const TEXT = { saved: 'Saved', unsaved: 'Unsaved changes', saving: 'Saving…', retrying: 'Not saved', conflict: 'Conflict' } as const;

/** Where the label draft stands: saved (with its revision), saving, or why not. */
export function SaveBadge({ editor }: { editor: LabelEditor }) {
  const st = useStore(editor.save);
  const s = useStore(editor.state);
  if (!s.imageTitle) return null;
  const text = st.state === 'saved' && st.revision === null ? 'Nothing drawn yet' : `${TEXT[st.state]}${st.state === 'saved' && st.revision !== null ? ` · rev ${st.revision}` : ''}`;
  return (
    <span className={`save-badge save-${st.state}`} role="status" aria-label="Label save status" title={st.message ?? (st.savedAt ? `Saved ${new Date(st.savedAt).toLocaleString()}` : '')}>
      {text}
      {st.state === 'conflict' && (
        <span className="conflict-actions">
          <button type="button" onClick={() => void editor.overwriteConflict()} title={st.message ?? ''}>
            Keep mine
          </button>
          <button type="button" onClick={() => void editor.reloadFromSaved()}>
            Load saved
          </button>
        </span>
      )}
    </span>
  );
}
