import { useEffect, useRef } from 'react';
import { attachPointerTools } from '../viewport/pointer-tools.ts';
import type { ViewerController } from '../viewport/viewer-controller.ts';
import { useStore } from './use-store.ts';

/** Something else that draws on or listens to the viewport element (a label layer, its pointer tools); returns
 * its detacher. Pass a stable array: a new one re-attaches everything. */
export type ViewportAttachment = (element: HTMLElement) => () => void;

/** The cornerstone element. React renders it once; the controller draws into it. */
export function Viewport({ viewer, attachments = NONE }: { viewer: ViewerController; attachments?: readonly ViewportAttachment[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current!;
    viewer.attach(el);
    const detachTools = attachPointerTools(el, viewer);
    const detachMore = attachments.map((attach) => attach(el));
    return () => {
      for (const detach of detachMore) detach();
      detachTools();
      viewer.detach();
    };
  }, [viewer, attachments]);
  return (
    <div className="viewport-wrap">
      <div ref={ref} className="viewport" role="img" aria-label="Image viewport" tabIndex={-1}>
        <canvas className="cornerstone-canvas" />
      </div>
      <ViewportOverlay viewer={viewer} />
    </div>
  );
}

function ViewportOverlay({ viewer }: { viewer: ViewerController }) {
  const s = useStore(viewer.state);
  const v = s.viewable;
  if (!v) return <div className="overlay overlay-center muted">Open a study to view it.</div>;
  const phase = s.frame === v.edFrame ? 'ED' : s.frame === v.esFrame ? 'ES' : null;
  return (
    <>
      <div className="overlay overlay-tl" aria-hidden="true">
        {v.caption.map((line, i) => (
          <div key={i}>{line}</div>
        ))}
      </div>
      <div className="overlay overlay-tr" aria-hidden="true">
        <div>
          {phase && <span className={`phase-badge phase-${phase}`}>{phase}</span>} Frame {s.frame + 1}/{s.frames}
        </div>
        <div>
          W {fmt(s.windowWidth)} L {fmt(s.windowCenter)}
        </div>
        <div>Zoom {s.zoom.toFixed(2)}×{s.invert ? ' · inverted' : ''}</div>
      </div>
      {s.buffering && (
        <div className="overlay overlay-center" role="status">
          Buffering…
        </div>
      )}
      {s.error && (
        <div className="overlay overlay-bottom error-text" role="alert">
          {s.error}
        </div>
      )}
    </>
  );
}

const NONE: readonly ViewportAttachment[] = [];

export function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}
