import { useEffect, useRef, useState } from 'react';
import { useEscapeToClose } from '../components/use-escape-to-close.ts';
import type { ResultComparison } from '../../../shared/inference-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { blendLabels, paint, paletteTable } from './label-paint.ts';

/** A result beside its source frame, both at the source's size, with the label map over them. */
export function CompareDialog({ id, onClose }: { id: string; onClose(): void }) {
  const [cmp, setCmp] = useState<ResultComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [overlay, setOverlay] = useState(true);
  const [opacity, setOpacity] = useState(0.35);
  const left = useRef<HTMLCanvasElement>(null);
  const right = useRef<HTMLCanvasElement>(null);
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    getApi()
      ['results.compare']({ id })
      .then((c) => live && setCmp(c))
      .catch((e: unknown) => live && setError(describeError(e)));
    close.current?.focus();
    return () => {
      live = false;
    };
  }, [id]);

  useEscapeToClose(onClose);

  useEffect(() => {
    if (!cmp) return;
    const table = paletteTable(cmp.palette);
    const a = overlay ? opacity : 0;
    if (cmp.source) paint(left.current, blendLabels(cmp.source, cmp.labels, table, a), cmp.width, cmp.height);
    else paint(left.current, blendLabels(new Uint8Array(cmp.width * cmp.height * 4).fill(255), cmp.labels, table, 1), cmp.width, cmp.height);
    paint(right.current, blendLabels(cmp.result, cmp.labels, table, a), cmp.width, cmp.height);
  }, [cmp, overlay, opacity]);

  // Non-square source pixels (CAMUS: about twice as wide as high) are shown at their physical aspect, as the viewer does.
  const aspect = cmp && Math.abs(cmp.pixelAspect - 1) > 0.01 ? { aspectRatio: `${cmp.width} / ${cmp.height * cmp.pixelAspect}` } : undefined;
  return (
    <div className="gen-backdrop" role="presentation" onClick={onClose}>
      <div className="gen-dialog" role="dialog" aria-modal="true" aria-label="Result beside its source" onClick={(e) => e.stopPropagation()}>
        <header className="gen-row">
          <strong>Result beside its source</strong>
          <label className="check">
            <input type="checkbox" checked={overlay} onChange={(e) => setOverlay(e.target.checked)} />
            Label overlay
          </label>
          <label className="gen-inline">
            Opacity
            <input type="range" aria-label="Overlay opacity" min={0.05} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} />
          </label>
          <button ref={close} type="button" onClick={onClose} aria-label="Close comparison">
            Close
          </button>
        </header>
        {error && <p role="alert" className="error-text">{error}</p>}
        {cmp && (
          <div className="gen-compare">
            <figure>
              <canvas ref={left} className="gen-compare-canvas" aria-label="Source frame" style={aspect} />
              <figcaption className="small muted">{cmp.source ? `Source: ${cmp.sourceLabel}` : 'Label map (no source frame)'}</figcaption>
            </figure>
            <figure>
              <canvas ref={right} className="gen-compare-canvas" aria-label="Synthetic result" style={aspect} />
              <figcaption className="small">
                <span className="warn-text">SYNTHETIC</span> result at {cmp.width}×{cmp.height}
              </figcaption>
            </figure>
          </div>
        )}
      </div>
    </div>
  );
}
