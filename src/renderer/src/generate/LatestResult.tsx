import { useEffect, useRef, useState } from 'react';
import type { ResultComparison } from '../../../shared/inference-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { jobsStore } from './jobs-feed.ts';
import { paint } from './label-paint.ts';

/** Set when the user asks for images: the first one to arrive scrolls into view (later ones do not move the panel). */
let revealNext = false;
export function revealNextResult(): void {
  revealNext = true;
}

/** The newest image any generation job has written (the last output of the newest job with outputs). */
function latestOutput(jobs: ReturnType<typeof jobsStore.get>['jobs']): string | null {
  for (const j of jobs) if (j.kind === 'generate' && j.outputs.length) return j.outputs[j.outputs.length - 1];
  return null;
}

/**
 * The newest result beside its source frame, in the panel under the Generate button: what one click gives,
 * without opening anything. Both at the source's size and aspect; `onOpen` shows them large with the label
 * overlay (the comparison dialog).
 */
export function LatestResult({ onOpen }: { onOpen(id: string): void }) {
  const { jobs } = useStore(jobsStore);
  const id = latestOutput(jobs);
  const [cmp, setCmp] = useState<ResultComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const left = useRef<HTMLCanvasElement>(null);
  const right = useRef<HTMLCanvasElement>(null);
  const section = useRef<HTMLElement>(null);

  useEffect(() => {
    if (!id) return;
    let live = true;
    getApi()
      ['results.compare']({ id })
      .then((c) => {
        if (!live) return;
        setCmp(c);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setCmp(null);
        // A result discarded since is simply no longer shown.
        setError((e as { kind?: string }).kind === 'not-found' ? null : describeError(e));
      });
    return () => {
      live = false;
    };
  }, [id]);

  useEffect(() => {
    if (!cmp) return;
    if (cmp.source) paint(left.current, new Uint8ClampedArray(cmp.source), cmp.width, cmp.height);
    paint(right.current, new Uint8ClampedArray(cmp.result), cmp.width, cmp.height);
    if (revealNext) {
      revealNext = false;
      section.current?.scrollIntoView({ block: 'nearest' });
    }
  }, [cmp]);

  if (!id || (!cmp && !error)) return null;
  const aspect = cmp && Math.abs(cmp.pixelAspect - 1) > 0.01 ? { aspectRatio: `${cmp.width} / ${cmp.height * cmp.pixelAspect}` } : undefined;
  return (
    <section ref={section} className="gen-section gen-latest" aria-label="Latest result">
      <h3>Latest result</h3>
      {error && <p role="alert" className="error-text small">{error}</p>}
      {cmp && (
        <button type="button" className="gen-latest-pair" onClick={() => onOpen(cmp.id)} title="Open large, with the label overlay">
          {cmp.source && (
            <figure>
              <canvas ref={left} className="gen-latest-canvas" aria-label="Latest source frame" style={aspect} />
              <figcaption className="small muted">{cmp.sourceLabel}</figcaption>
            </figure>
          )}
          <figure>
            <canvas ref={right} className="gen-latest-canvas" aria-label="Latest synthetic result" style={aspect} />
            <figcaption className="small">
              <span className="warn-text">SYNTHETIC</span>
            </figcaption>
          </figure>
        </button>
      )}
    </section>
  );
}
