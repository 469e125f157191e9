import { useState } from 'react';
import type { LabelFileFormat } from '../../../shared/contract/labels.ts';
import { useStore } from '../components/use-store.ts';
import type { LabelEditor } from './label-editor.ts';

const SAVE_CHOICES: { id: string; text: string; format: LabelFileFormat; which: 'frame' | 'all' }[] = [
  { id: 'nifti-all', text: 'NIfTI, all frames (W×H×T)', format: 'nifti', which: 'all' },
  { id: 'nifti-frame', text: 'NIfTI, this frame (W×H)', format: 'nifti', which: 'frame' },
  { id: 'png-index', text: 'Index PNG, this frame', format: 'png-index', which: 'frame' },
  { id: 'png-grey', text: 'Grey PNG (255·label/max), this frame', format: 'png-grey', which: 'frame' },
];

/** Start from / load a label file, save to a file, and discard the draft. */
export function LabelFiles({ editor, pickFile }: { editor: LabelEditor; pickFile?: () => Promise<string | null> }) {
  const s = useStore(editor.state);
  const [loadPath, setLoadPath] = useState('');
  const [loadFormat, setLoadFormat] = useState<LabelFileFormat | 'auto'>('auto');
  const [saveChoice, setSaveChoice] = useState('nifti-all');
  const [savePath, setSavePath] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const choice = SAVE_CHOICES.find((c) => c.id === saveChoice)!;
  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await f();
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label="Label files">
      <h4>{s.hasDraft ? 'Load labels' : 'Start from'}</h4>
      {!s.hasDraft && (
        <div className="muted small">
          Empty: just draw. Or {s.groundTruthFrames ? "start from the study's ground truth, or " : ''}load a label map (NIfTI, index or grey PNG) to correct:
        </div>
      )}
      {s.groundTruthFrames && (
        <div className="labels-row">
          <button
            type="button"
            onClick={() => void act(() => editor.startFromGroundTruth())}
            disabled={busy || s.loading || s.groundTruthFrames.length === 0}
            title={s.hasDraft ? 'Replace the labels of every frame that has ground truth with it (one undo step)' : 'Copy the ground truth of every labelled frame into the draft (one undo step)'}
          >
            {s.hasDraft ? 'Load ground truth' : 'Start from ground truth'}
          </button>
          <span className="muted small" aria-label="Ground truth of this study">
            {s.groundTruthFrames.length === 0
              ? 'This study has no ground truth (no CAMUS _gt or labelled cine, no EchoNet tracing).'
              : `${s.groundTruthFrames.length} labelled frame(s); the dataset's files are only read.`}
          </span>
        </div>
      )}
      <form
        className="labels-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (loadPath.trim()) void act(() => editor.loadFile(loadPath.trim(), loadFormat));
        }}
      >
        <input type="text" aria-label="Label file to load" placeholder="/path/to/labels.nii.gz or .png" value={loadPath} onChange={(e) => setLoadPath(e.target.value)} />
        {pickFile && (
          <button
            type="button"
            onClick={() =>
              void pickFile().then((p) => {
                if (p) setLoadPath(p);
              })
            }
          >
            Browse…
          </button>
        )}
        <select aria-label="Format of the label file" value={loadFormat} onChange={(e) => setLoadFormat(e.target.value as LabelFileFormat | 'auto')}>
          <option value="auto">auto</option>
          <option value="nifti">NIfTI</option>
          <option value="png-index">index PNG</option>
          <option value="png-grey">grey PNG</option>
        </select>
        <button type="submit" disabled={busy || !loadPath.trim() || !s.frameReady}>
          Load
        </button>
      </form>

      <h4>Save to a file</h4>
      <form
        className="labels-row"
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => editor.exportFile(choice.format, choice.which, savePath.trim() || undefined, overwrite));
        }}
      >
        <select aria-label="Label file format to save" value={saveChoice} onChange={(e) => setSaveChoice(e.target.value)}>
          {SAVE_CHOICES.map((c) => (
            <option key={c.id} value={c.id}>
              {c.text}
            </option>
          ))}
        </select>
        <input type="text" aria-label="File to save labels to" placeholder="default: label-exports/ in the data folder" value={savePath} onChange={(e) => setSavePath(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} /> overwrite
        </label>
        <button type="submit" disabled={busy || !s.hasDraft} aria-label="Save labels to file">
          Save
        </button>
      </form>

      <div className="labels-row muted small">
        Started from {s.sourceText}.
        {s.hasDraft &&
          (confirmDiscard ? (
            <>
              <span className="error-text">Delete every label of this image?</span>
              <button type="button" onClick={() => (setConfirmDiscard(false), void act(() => editor.discardDraft()))}>
                Delete
              </button>
              <button type="button" onClick={() => setConfirmDiscard(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirmDiscard(true)}>
              Discard labels…
            </button>
          ))}
      </div>
    </section>
  );
}
