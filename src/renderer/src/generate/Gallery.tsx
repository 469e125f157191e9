import { useEffect, useRef, useState } from 'react';
import type { ResultRecord, ResultSummary } from '../../../shared/inference-types.ts';
import { imageKeyTitle } from '../../../shared/labels/image-key.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { jobsStore } from './jobs-feed.ts';
import { paint, pixelsToRgba } from './label-paint.ts';

const SHOWN = 48;

function Thumb({ id }: { id: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let live = true;
    getApi()
      ['results.image']({ id })
      .then((img) => live && paint(ref.current, pixelsToRgba(img.pixels, img.channels), img.width, img.height))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [id]);
  return <canvas ref={ref} className="gen-thumb pixelated" />;
}

/** Where the label map came from, with the draft revision or ground-truth file it was read from. */
function labelMapText(l: ResultRecord['labelMap']): string {
  switch (l.kind) {
    case 'draft':
      return `label draft of ${l.name ?? (l.key ? imageKeyTitle(l.key) : '?')}, frame ${(l.frame ?? 0) + 1}, revision ${l.revision} (checksum ${l.checksum})`;
    case 'ground-truth':
      return `ground truth of ${l.study}, frame ${(l.frame ?? 0) + 1} (${l.groundTruth}: ${l.path})`;
    case 'file':
      return `${l.path}${l.frame ? ` frame ${l.frame}` : ''} (${l.encodingDetected})`;
    default:
      return `inline ${l.width}×${l.height}`;
  }
}

function sourceText(s: ResultRecord['source']): string {
  if (!s) return 'none';
  if (s.kind === 'instance') return `frame ${s.frame + 1} of the open study`;
  if (s.kind === 'study') return `${s.study}, frame ${s.frame + 1}`;
  return s.path;
}

function Provenance({ r }: { r: ResultSummary['record'] }) {
  const rows: [string, string][] = [
    ['Pack', `${r.pack.key} (sha256 ${r.pack.sha256.slice(0, 12)}…)`],
    ['Prompt', r.prompt || '(empty)'],
    ['Negative', r.negative || '(none)'],
    ['Seed', `${r.seed} (${r.seedMode}, image ${r.index + 1} of ${r.count})`],
    ['Scheduler', `${r.scheduler.name}, ${r.steps} steps`],
    ['Guidance', String(r.guidance)],
    ['Control', `scale ${r.controlScale}, steps ${r.controlStart}–${r.controlEnd}`],
    ['img2img', r.strength === null ? 'no' : `strength ${r.strength}`],
    ['Label map', labelMapText(r.labelMap)],
    ['Source', sourceText(r.source)],
    ['Provider', `${r.provider.active} (${r.provider.threads} threads)`],
    ['Time', `${r.timings.totalMs} ms (${r.timings.msPerStep} ms/step, load ${r.timings.loadMs} ms)`],
    ['Tokens', `${r.tokens.prompt}${r.tokens.truncated ? ' (truncated to the pack’s length)' : ''}`],
    ['Files', r.files.image],
  ];
  return (
    <dl className="gen-facts small" aria-label="Provenance">
      {rows.map(([k, v]) => [<dt key={`${k}t`}>{k}</dt>, <dd key={`${k}d`}>{v}</dd>])}
      <dt>Marked</dt>
      <dd className="warn-text">{r.notice}</dd>
    </dl>
  );
}

interface Props {
  onOpen(id: string): void;
}

/** Generated images, newest first: provenance, open beside the source, keep or discard. */
export function Gallery({ onOpen }: Props) {
  const { jobs } = useStore(jobsStore);
  const [results, setResults] = useState<ResultSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const outputs = jobs.reduce((n, j) => n + j.outputs.length, 0);

  const refresh = () =>
    getApi()
      ['results.list']({})
      .then(setResults)
      .catch((e: unknown) => setError(describeError(e)));

  useEffect(() => {
    void refresh();
  }, [outputs]);

  const current = results.find((r) => r.id === selected) ?? null;
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await refresh();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="gen-section" aria-label="Gallery">
      <h3>Gallery ({results.length})</h3>
      <ul className="gen-gallery" aria-label="Generated images">
        {results.slice(0, SHOWN).map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={`gen-tile${r.id === selected ? ' selected' : ''}`}
              aria-label={`Result seed ${r.record.seed}`}
              aria-pressed={r.id === selected}
              onClick={() => {
                setSelected(r.id);
                setConfirm(false);
              }}
              onDoubleClick={() => onOpen(r.id)}
            >
              <Thumb id={r.id} />
              <span className="small">
                {r.kept ? '★ ' : ''}seed {r.record.seed}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {error && <p role="alert" className="error-text small">{error}</p>}
      {current && (
        <div className="gen-detail">
          <div className="gen-row">
            <button type="button" onClick={() => onOpen(current.id)}>
              Open beside source
            </button>
            <button type="button" aria-pressed={current.kept} onClick={() => void act(() => getApi()['results.keep']({ id: current.id, kept: !current.kept }))}>
              {current.kept ? 'Kept ★' : 'Keep'}
            </button>
            {!confirm ? (
              <button type="button" onClick={() => setConfirm(true)}>
                Discard…
              </button>
            ) : (
              <button
                type="button"
                className="danger"
                onClick={() =>
                  void act(async () => {
                    await getApi()['results.discard']({ id: current.id });
                    setSelected(null);
                    setConfirm(false);
                  })
                }
              >
                Delete files
              </button>
            )}
          </div>
          <Provenance r={current.record} />
        </div>
      )}
    </section>
  );
}
