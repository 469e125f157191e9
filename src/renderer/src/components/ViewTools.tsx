import type { ReactNode } from 'react';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import { fmt } from './Viewport.tsx';
import { useStoreSelect } from './use-store.ts';

/** Window presets, zoom, fit, invert, reset; `children` adds tools of other areas (the label overlay). */
export function ViewTools({ viewer, children }: { viewer: ViewerController; children?: ReactNode }) {
  // Not the frame: this toolbar need not re-render on every cine frame.
  useStoreSelect(viewer.state, (x) => `${x.viewable?.source}:${x.viewable?.id}|${x.kind}|${x.windowCenter}|${x.windowWidth}|${x.invert}`);
  const s = viewer.state.get();
  const disabled = !s.viewable;
  // Presets depend on the shown frame; recomputed on each render of this small toolbar.
  const presets = disabled ? [] : viewer.presets();
  return (
    <div className="tools" role="toolbar" aria-label="View tools">
      <label>
        Window{' '}
        <select
          aria-label="Window preset"
          value=""
          disabled={disabled || !presets.length}
          onChange={(e) => {
            const p = presets[Number(e.target.value)];
            if (p) viewer.setWindow(p.center, p.width);
          }}
        >
          <option value="" disabled>
            W {fmt(s.windowWidth)} / L {fmt(s.windowCenter)}
          </option>
          {presets.map((p, i) => (
            <option key={`${p.name}-${i}`} value={i}>
              {p.name} (W {fmt(p.width)} L {fmt(p.center)})
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={() => viewer.zoomBy(1.25)} disabled={disabled} aria-label="Zoom in" title="Zoom in (+, wheel)">
        +
      </button>
      <button type="button" onClick={() => viewer.zoomBy(0.8)} disabled={disabled} aria-label="Zoom out" title="Zoom out (−, wheel)">
        −
      </button>
      <button type="button" onClick={() => viewer.fit()} disabled={disabled} aria-label="Fit to window" title="Fit (F)">
        Fit
      </button>
      <button type="button" onClick={() => viewer.toggleInvert()} disabled={disabled} aria-label="Invert" aria-pressed={s.invert} title="Invert (I)">
        Invert
      </button>
      <button type="button" onClick={() => viewer.reset()} disabled={disabled} aria-label="Reset view" title="Reset (R)">
        Reset
      </button>
      {children}
    </div>
  );
}
