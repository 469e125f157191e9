import { useStore } from '../components/use-store.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import type { LabelOverlay } from './label-overlay.ts';

const SOURCES: Record<string, string> = {
  gt: 'ground truth at this phase',
  'sequence-gt': 'labelled cine',
  tracing: 'EchoNet tracing, rasterised as the LV cavity',
};

const hex = (rgb: [number, number, number]) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const fromHex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

/** Overlay controls: on/off, opacity, filled/outline, tracing lines, and per label its colour and visibility. */
export function OverlayPanel({ overlay, viewer }: { overlay: LabelOverlay; viewer: ViewerController }) {
  const s = useStore(overlay.settings);
  const st = useStore(overlay.status);
  const v = useStore(viewer.state).viewable;
  const catalog = v?.source === 'catalog';
  const frameText = () => {
    if (!catalog || !v) return 'Ground-truth overlays show on catalog studies (CAMUS, EchoNet-Dynamic, labelled NIfTI).';
    if (v.labelledFrames.length === 0 && v.tracedFrames.length === 0) return 'This study has no ground-truth labels.';
    const list = (fs: number[]) => (fs.length > 12 ? `${fs.length} frames` : `frames ${fs.map((f) => f + 1).join(', ')}`);
    const where = `Labelled: ${list(v.labelledFrames)}.`;
    const underDraft = st.drawnAs === 'outline-over-draft' ? ' Outlined over your label draft.' : st.drawnAs === 'hidden-under-draft' ? ' Hidden under your label draft.' : '';
    if (st.source) return `Frame ${(st.frame ?? 0) + 1}: ${SOURCES[st.source] ?? st.source} (labels ${st.values.filter((x) => x > 0).join(', ') || 'none'}).${underDraft} ${where}`;
    return `Frame ${(st.frame ?? 0) + 1}: ${s.visible ? 'no label map' : 'overlay hidden'}. ${where}`;
  };
  return (
    <div className="overlay-panel" aria-label="Label overlay">
      <label className="check">
        <input type="checkbox" checked={s.visible} onChange={() => overlay.toggle()} aria-label="Show ground-truth overlay" />
        Show ground truth <span className="muted small">(key O)</span>
      </label>
      <p className="small muted" role="status" aria-label="Overlay status">
        {frameText()}
      </p>
      {st.error && <p className="small error-text">{st.error}</p>}
      <label>
        Opacity
        <input type="range" min={0.05} max={1} step={0.05} value={s.opacity} onChange={(e) => overlay.settings.set({ opacity: Number(e.target.value) })} aria-label="Overlay opacity" />
        <span className="small">{Math.round(s.opacity * 100)}%</span>
      </label>
      <div role="radiogroup" aria-label="Overlay style" className="segmented">
        {(['filled', 'outline'] as const).map((m) => (
          <label key={m} className="check">
            <input type="radio" name="overlay-mode" checked={s.mode === m} onChange={() => overlay.settings.set({ mode: m })} />
            {m === 'filled' ? 'Filled' : 'Outline'}
          </label>
        ))}
      </div>
      <div role="radiogroup" aria-label="Ground truth under a label draft" className="segmented" title="On frames where the Labels tab shows a draft with labels">
        <span className="small">Under a label draft:</span>
        {(['outline', 'hidden'] as const).map((m) => (
          <label key={m} className="check">
            <input type="radio" name="overlay-under-draft" checked={s.underDraft === m} onChange={() => overlay.settings.set({ underDraft: m })} />
            {m === 'outline' ? 'Contour over it' : 'Hidden'}
          </label>
        ))}
      </div>
      <label className="check">
        <input type="checkbox" checked={s.tracings} onChange={(e) => overlay.settings.set({ tracings: e.target.checked })} aria-label="Show tracing lines" />
        EchoNet tracing lines (long axis, disc chords)
      </label>
      <table className="label-table">
        <tbody>
          {s.labels.map((l) => (
            <tr key={l.value}>
              <td>
                <input type="checkbox" checked={l.visible} onChange={(e) => overlay.settings.setLabel(l.value, { visible: e.target.checked })} aria-label={`Show ${l.name}`} />
              </td>
              <td>
                <input type="color" value={hex(l.rgb)} onChange={(e) => overlay.settings.setLabel(l.value, { rgb: fromHex(e.target.value) })} aria-label={`Colour of ${l.name}`} />
              </td>
              <td>
                {l.value} · {l.name}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
