import { useState } from 'react';
import { MAX_BRUSH_SIZE } from '../../../shared/labels/brush.ts';
import { PALETTE_PRESETS } from '../../../shared/labels/palette.ts';
import { useStore } from '../components/use-store.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import type { LabelEditor, LabelTool } from './label-editor.ts';
import { LabelFiles } from './LabelFiles.tsx';
import { PaletteList } from './PaletteList.tsx';
import { SaveBadge } from './SaveBadge.tsx';
import './labels.css';

const TOOLS: { tool: LabelTool; name: string; key: string; icon: string }[] = [
  { tool: 'navigate', name: 'Navigate', key: 'N', icon: '✥' },
  { tool: 'brush', name: 'Brush', key: 'B', icon: '●' },
  { tool: 'eraser', name: 'Eraser', key: 'E', icon: '◌' },
  { tool: 'lasso', name: 'Lasso', key: 'P', icon: '✎' },
  { tool: 'fill', name: 'Fill', key: 'G', icon: '▧' },
];

interface Props {
  editor: LabelEditor;
  viewer: ViewerController;
  /** The desktop app's file dialog, where there is one. */
  pickFile?: () => Promise<string | null>;
}

/** The Labels tab: tools, brush, palette, display, frame actions, history, files. */
export function LabelsPanel({ editor, viewer, pickFile }: Props) {
  const s = useStore(editor.state);
  const v = useStore(viewer.state);
  const [rangeFrom, setRangeFrom] = useState('');
  const [rangeTo, setRangeTo] = useState('');
  if (!s.imageTitle) return <div className="labels-panel muted">Open an image to draw its label map.</div>;
  const disabled = s.loading;
  const frameText = `frame ${s.frame + 1}/${s.frames}`;
  const drawTool = s.tool === 'brush' || s.tool === 'eraser';
  const copyRange = () => {
    const a = Number(rangeFrom) - 1;
    const b = Number(rangeTo) - 1;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < a || b >= s.frames) {
      editor.state.set({ note: `Give frames between 1 and ${s.frames}, first ≤ last` });
      return;
    }
    void editor.copyTo(Array.from({ length: b - a + 1 }, (_, k) => a + k));
  };
  return (
    <div className="labels-panel" aria-label="Label editor">
      <div className="labels-head">
        <div className="labels-title" title={s.imageKeyId ?? ''}>
          {s.imageTitle} · {frameText}
        </div>
        <SaveBadge editor={editor} />
      </div>
      {s.loading && <div className="muted">Loading labels…</div>}

      <section aria-label="Label tools">
        <div className="labels-tools" role="toolbar" aria-label="Label tool">
          {TOOLS.map((t) => (
            <button key={t.tool} type="button" aria-pressed={s.tool === t.tool} aria-label={t.name} title={`${t.name} (${t.key})`} onClick={() => editor.setTool(t.tool)} disabled={disabled}>
              <span aria-hidden="true">{t.icon}</span> {t.name}
            </button>
          ))}
        </div>
        <div className="labels-row">
          <label className="labels-slider">
            Brush {s.brushSize} px
            <input type="range" min={1} max={Math.min(MAX_BRUSH_SIZE, 128)} value={Math.min(s.brushSize, 128)} aria-label="Brush size" onChange={(e) => editor.setBrushSize(Number(e.target.value))} disabled={!drawTool} />
          </label>
          <button type="button" aria-pressed={s.brushTip === 'round'} onClick={() => editor.setBrushTip('round')} disabled={!drawTool} title="Round tip (T toggles)">
            Round
          </button>
          <button type="button" aria-pressed={s.brushTip === 'square'} onClick={() => editor.setBrushTip('square')} disabled={!drawTool} title="Square tip (T toggles)">
            Square
          </button>
        </div>
      </section>

      <PaletteList editor={editor} />
      <div className="labels-row">
        <select aria-label="Add labels from a preset" value="" onChange={(e) => editor.applyPreset(e.target.value)}>
          <option value="" disabled>
            Add preset labels…
          </option>
          {PALETTE_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => editor.addLabel()}>
          + Label
        </button>
      </div>
      <PackPalette editor={editor} />

      <section aria-label="Label display" className="labels-row">
        <label className="check">
          <input type="checkbox" checked={s.overlayVisible} onChange={(e) => editor.setOverlayVisible(e.target.checked)} /> Show (V)
        </label>
        <label className="labels-slider">
          Opacity {Math.round(s.opacity * 100)}%
          <input type="range" min={0} max={100} value={Math.round(s.opacity * 100)} aria-label="Label opacity" onChange={(e) => editor.setOpacity(Number(e.target.value) / 100)} />
        </label>
        <button type="button" aria-pressed={s.outline} onClick={() => editor.setOutline(!s.outline)} title="Outline or filled (O)">
          Outline
        </button>
      </section>

      <section aria-label="Current label on this frame">
        <h4>Current label, this frame</h4>
        <div className="labels-row">
          <button type="button" onClick={() => editor.fillHolesOnLabel()} disabled={!s.frameReady} title="Fill background holes enclosed by the current label (C)">
            Fill holes
          </button>
          <button type="button" onClick={() => editor.smoothLabelOnFrame()} disabled={!s.frameReady} title="Majority-filter the current label's edges (S)">
            Smooth
          </button>
          <select aria-label="Smoothing radius" value={s.smoothRadius} onChange={(e) => editor.setSmoothRadius(Number(e.target.value))}>
            {[1, 2, 3, 4, 5].map((r) => (
              <option key={r} value={r}>
                {2 * r + 1}×{2 * r + 1}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => editor.clearLabelOnFrame()} disabled={!s.frameReady} title="Set the current label's pixels on this frame to background (Delete)">
            Clear label
          </button>
        </div>
      </section>

      <section aria-label="Frames">
        <h4>Copy this frame's labels</h4>
        <div className="labels-row">
          <button type="button" onClick={() => void editor.copyTo([s.frame - 1], true)} disabled={!s.frameReady || s.frame === 0} title="Copy to the previous frame and go there (Ctrl + ←)">
            ← To previous
          </button>
          <button type="button" onClick={() => void editor.copyTo([s.frame + 1], true)} disabled={!s.frameReady || s.frame >= s.frames - 1} title="Copy to the next frame and go there (Ctrl + →)">
            To next →
          </button>
        </div>
        <div className="labels-row">
          To frames
          <input type="text" inputMode="numeric" className="labels-num" aria-label="First frame to copy to" placeholder="1" value={rangeFrom} onChange={(e) => setRangeFrom(e.target.value)} />–
          <input type="text" inputMode="numeric" className="labels-num" aria-label="Last frame to copy to" placeholder={String(s.frames)} value={rangeTo} onChange={(e) => setRangeTo(e.target.value)} />
          <button type="button" onClick={copyRange} disabled={!s.frameReady || v.frames < 2}>
            Copy
          </button>
        </div>
      </section>

      <section aria-label="History" className="labels-row">
        <button type="button" onClick={() => editor.undo()} disabled={!s.undoLabel} aria-label="Undo" title={s.undoLabel ? `Undo ${s.undoLabel} (Ctrl + Z)` : 'Nothing to undo'}>
          ↶ Undo
        </button>
        <button type="button" onClick={() => editor.redo()} disabled={!s.redoLabel} aria-label="Redo" title={s.redoLabel ? `Redo ${s.redoLabel} (Ctrl + Shift + Z)` : 'Nothing to redo'}>
          ↷ Redo
        </button>
        <span className="muted small">{s.undoLabel ? `last: ${s.undoLabel}` : ''}</span>
      </section>

      <LabelFiles editor={editor} pickFile={pickFile} />

      {(s.note || s.error) && (
        <div className={s.error ? 'labels-note error-text' : 'labels-note'} role={s.error ? 'alert' : 'status'}>
          {s.error ?? s.note}
          <button type="button" aria-label="Dismiss message" onClick={() => editor.dismissNote()}>
            ✕
          </button>
        </div>
      )}
    </div>
  );
}

function PackPalette({ editor }: { editor: LabelEditor }) {
  const [path, setPath] = useState('');
  return (
    <form
      className="labels-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) void editor.applyPackPalette(path.trim());
      }}
    >
      <input type="text" aria-label="Model pack folder" placeholder="Model pack folder (its labels)" value={path} onChange={(e) => setPath(e.target.value)} />
      <button type="submit" disabled={!path.trim()}>
        Use pack labels
      </button>
    </form>
  );
}

