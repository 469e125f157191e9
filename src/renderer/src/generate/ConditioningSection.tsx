import { useEffect, useRef, useState } from 'react';
import type { ConditioningSource, LabelMapPreview, PackSummary } from '../../../shared/inference-types.ts';
import { imageKeyId } from '../../../shared/labels/image-key.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore, useStoreSelect } from '../components/use-store.ts';
import type { LabelEditor } from '../labels/label-editor.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import { Store } from '../viewport/store.ts';
import { formStore, type GenerateForm } from './form-store.ts';
import { labelsToRgba, paint, paletteTable } from './label-paint.ts';
import { conditioningOf, describeViewerLabels, viewerLabels } from './viewer-labels.ts';

/** The last label map read for the preview (kept across tab switches). */
export const previewStore = new Store<{ preview: LabelMapPreview | null; forPack: string; error: string | null; busy: boolean }>({ preview: null, forPack: '', error: null, busy: false });

/** The file the form names, as a conditioning source; null when none is given. */
export function fileConditioning(f: GenerateForm): ConditioningSource | null {
  return f.labelPath.trim() ? { kind: 'file', path: f.labelPath.trim(), frame: f.labelFrame, encoding: f.labelEncoding } : null;
}

/** Reads `conditioning` for `pack` and shows it; also used right before generating. */
export async function loadPreview(pack: PackSummary, conditioning: ConditioningSource | null, missing = 'Give a label map file first.'): Promise<LabelMapPreview | null> {
  if (!conditioning) {
    previewStore.set({ preview: null, error: missing, forPack: pack.key, busy: false });
    return null;
  }
  previewStore.set({ busy: true, error: null });
  try {
    const preview = await getApi()['conditioning.preview']({ pack: pack.key, conditioning });
    previewStore.set({ preview, forPack: pack.key, busy: false });
    return preview;
  } catch (e) {
    previewStore.set({ preview: null, error: describeError(e), forPack: pack.key, busy: false });
    return null;
  }
}

interface Props {
  pack: PackSummary | null;
  viewer: ViewerController;
  editor: LabelEditor;
  canPick: boolean;
}

/**
 * The label map that conditions generation: by default the one shown in the viewer (the label editor's draft
 * of the shown frame, else the study's ground truth on it), or a file; and the viewer frame results are paired
 * with.
 */
export function ConditioningSection({ pack, viewer, editor, canPick }: Props) {
  const f = useStore(formStore);
  const p = useStore(previewStore);
  // Re-resolve when the frame, the open image, its labels or its saved revision change.
  const frame = useStoreSelect(viewer.state, (s) => s.frame);
  const playing = useStoreSelect(viewer.state, (s) => s.playing);
  const hasViewable = useStoreSelect(viewer.state, (s) => !!s.viewable);
  useStoreSelect(editor.state, (s) => `${s.imageKeyId}:${s.version}:${s.frameReady}`);
  const revision = useStoreSelect(editor.save, (s) => s.revision);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const preview = p.preview && p.forPack === pack?.key ? p.preview : null;
  const fromViewer = f.labelSource === 'viewer';
  const shown = viewerLabels(viewer, editor, frame);
  const shownId = shown.kind === 'draft' ? `draft:${imageKeyId(shown.key)}:${shown.frame}:${revision}` : shown.kind === 'ground-truth' ? `gt:${shown.study}:${shown.frame}` : 'none';

  useEffect(() => {
    if (!preview || !pack) return;
    paint(canvas.current, labelsToRgba(preview.labels, paletteTable(pack.conditioning.labels)), preview.packWidth, preview.packHeight);
  }, [preview, pack]);

  // The viewer's label map is previewed as it changes (not while a cine plays: that would be every frame).
  useEffect(() => {
    if (!fromViewer || !pack || playing) return;
    const l = viewerLabels(viewer, editor);
    if (l.kind === 'none') {
      previewStore.set({ preview: null, error: null, forPack: pack.key, busy: false });
      return;
    }
    const t = setTimeout(() => void loadPreview(pack, conditioningOf(l)), 250);
    return () => clearTimeout(t);
  }, [fromViewer, pack, playing, shownId, viewer, editor]);

  const pick = async () => {
    try {
      const { paths } = await getApi()['dialog.pickPaths']({ directories: false });
      if (paths[0]) {
        formStore.set({ labelPath: paths[0] });
        if (pack) await loadPreview(pack, fileConditioning(formStore.get()));
      }
    } catch (e) {
      setPickError(describeError(e));
    }
  };

  return (
    <section className="gen-section" aria-label="Conditioning">
      <h3>Label map</h3>
      <div role="radiogroup" aria-label="Label map source" className="gen-row">
        <label className="check">
          <input type="radio" name="label-source" checked={fromViewer} onChange={() => formStore.set({ labelSource: 'viewer' })} />
          Shown in the viewer
        </label>
        <label className="check">
          <input type="radio" name="label-source" checked={!fromViewer} onChange={() => formStore.set({ labelSource: 'file' })} />
          A file
        </label>
      </div>
      {fromViewer ? (
        <div className="gen-row">
          <span className={shown.kind === 'none' ? 'small warn-text' : 'small'} role="status" aria-label="Viewer label map">
            {describeViewerLabels(shown, revision)}
          </span>
          {shown.kind === 'none' && hasViewable && (
            <button type="button" onClick={() => formStore.set({ labelSource: 'file' })}>
              Use a file
            </button>
          )}
        </div>
      ) : (
        <>
          <div className="gen-row">
            <input
              type="text"
              aria-label="Label map file"
              placeholder="PNG (index, grey-encoded or colour), NIfTI or MetaImage"
              value={f.labelPath}
              onChange={(e) => formStore.set({ labelPath: e.target.value })}
              onKeyDown={(e) => e.key === 'Enter' && pack && void loadPreview(pack, fileConditioning(formStore.get()))}
            />
            {canPick && (
              <button type="button" onClick={() => void pick()}>
                Browse…
              </button>
            )}
          </div>
          <div className="gen-row">
            <label className="gen-inline">
              Frame
              <input type="number" aria-label="Label map frame" min={0} value={f.labelFrame} onChange={(e) => formStore.set({ labelFrame: Math.max(0, Number(e.target.value) || 0) })} />
            </label>
            <label className="gen-inline">
              Encoding
              <select aria-label="Label map encoding" value={f.labelEncoding} onChange={(e) => formStore.set({ labelEncoding: e.target.value as typeof f.labelEncoding })}>
                <option value="auto">auto</option>
                <option value="index">index values</option>
                <option value="grey">grey round(255·l/max)</option>
                <option value="colour">label colours</option>
              </select>
            </label>
            <button type="button" onClick={() => pack && void loadPreview(pack, fileConditioning(formStore.get()))} disabled={!pack || p.busy || !f.labelPath.trim()}>
              Load
            </button>
          </div>
        </>
      )}
      {(p.error || pickError) && (
        <p role="alert" className="error-text small">
          {p.error ?? pickError}
        </p>
      )}
      {preview && pack && (
        <div className="gen-preview">
          <canvas ref={canvas} className="gen-canvas pixelated" aria-label="Label map preview" />
          <div className="small">
            <div>
              {preview.info.width}×{preview.info.height} {preview.info.encodingDetected} → {preview.packWidth}×{preview.packHeight}
            </div>
            <ul className="gen-legend">
              {pack.conditioning.labels.map((l) => (
                <li key={l.value} className={preview.info.values.includes(l.value) ? '' : 'muted'}>
                  <span className="swatch" style={{ background: l.color }} /> {l.value} {l.name}
                </li>
              ))}
            </ul>
            {preview.unknownValues.length > 0 && <div className="warn-text">Values {preview.unknownValues.join(', ')} are not labels of this pack: treated as background.</div>}
          </div>
        </div>
      )}
      <label className="check">
        <input type="checkbox" checked={f.pairWithViewer} onChange={(e) => formStore.set({ pairWithViewer: e.target.checked })} />
        Pair results with the viewer's frame {hasViewable ? '' : '(open an image first)'}
      </label>
      <label className="check" title={pack && !pack.img2img ? 'This pack has no VAE encoder' : 'SDEdit: start from the viewer frame instead of noise'}>
        <input type="checkbox" checked={f.img2img} disabled={!pack?.img2img} onChange={(e) => formStore.set({ img2img: e.target.checked })} />
        Start from the viewer's frame (img2img)
      </label>
      {f.img2img && (
        <label className="gen-inline">
          Strength {f.strength.toFixed(2)}
          <input type="range" aria-label="Strength" min={0.05} max={1} step={0.05} value={f.strength} onChange={(e) => formStore.set({ strength: Number(e.target.value) })} />
        </label>
      )}
    </section>
  );
}
