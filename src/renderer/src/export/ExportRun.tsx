import { useEffect, useState } from 'react';
import type { Recipe } from '../../../shared/export-recipe.ts';
import type { ExportPreview, ExportSummary } from '../../../shared/export-types.ts';
import { isFinished } from '../../../shared/job-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { exportJob, setForm } from './export-state.ts';
import { LAYOUT_CHOICES, type ExportForm } from './recipe-form.ts';

interface Props {
  form: ExportForm;
  recipe: Recipe;
  canPickPaths: boolean;
}

const seconds = (s: number): string => (s < 90 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function PreviewFacts({ p }: { p: ExportPreview }) {
  const i = p.items;
  return (
    <div className="export-preview small" aria-label="Export preview">
      <p>
        <strong>{i.total} items</strong> for {p.patients} patient(s): {i.real} real, {i.variants} synthetic variant(s) to generate
        {i.synthetic ? `, ${i.synthetic} synthetic as they are` : ''} · train {p.splits.train} · val {p.splits.val} · test {p.splits.test}
      </p>
      {p.misfits.map((m) => (
        <p key={m.reason} className="warn-text">{m.count} item(s) cannot go into this layout: {m.reason}</p>
      ))}
      {p.unreadable.slice(0, 5).map((u) => <p key={u.path} className="error-text">{u.message}</p>)}
      {p.warnings.slice(0, 5).map((w) => <p key={w} className="muted">{w}</p>)}
    </div>
  );
}

/** Layout and destination, what the recipe would export, and the export itself: start, progress, cancel, resume. */
export function ExportRun({ form, recipe, canPickPaths }: Props) {
  const { job } = useStore(exportJob.store);
  const [preview, setPreview] = useState<ExportPreview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const running = !!job && !isFinished(job.state);
  const key = JSON.stringify([recipe, form.out, form.skipUnfit, form.baseDir, tick]);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      getApi()
        ['export.preview']({ recipe, out: form.out.trim() || undefined, baseDir: form.baseDir ?? undefined, skipUnfit: form.skipUnfit })
        .then((p) => {
          if (!live) return;
          setPreview(p);
          setProblem(null);
        })
        .catch((e: unknown) => {
          if (!live) return;
          setPreview(null);
          setProblem(describeError(e));
        });
    }, 350);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // `key` says everything the preview depends on.
  }, [key]);
  // A finished job changed the folder: look again.
  useEffect(() => exportJob.onFinished(() => setTick((n) => n + 1)), []);

  const start = async (resume: boolean) => {
    try {
      exportJob.follow(await getApi()['export.start']({ recipe, out: form.out.trim(), baseDir: form.baseDir ?? undefined, resume, skipUnfit: form.skipUnfit }));
    } catch (e) {
      setProblem(describeError(e));
    }
  };
  const pick = async () => {
    try {
      const { paths } = await getApi()['dialog.pickPaths']({ directories: true });
      if (paths[0]) setForm({ out: paths[0] });
    } catch (e) {
      setProblem(describeError(e));
    }
  };

  const folder = preview?.folder;
  const outOk = form.out.trim().startsWith('/') || /^[A-Za-z]:[\\/]/.test(form.out.trim());
  const canStart = !running && outOk && !!preview && preview.items.total > 0 && folder?.state === 'free' && (preview.misfits.length === 0 || form.skipUnfit);
  const canResume = !running && outOk && !!preview && folder?.state === 'partial';
  const p = job?.progress;
  const summary = job?.state === 'succeeded' ? (job.result as ExportSummary) : null;
  const warnings = (job?.detail.warnings as string[] | undefined) ?? [];
  return (
    <section className="gen-section" aria-label="Layout and destination">
      <h3>Layout and destination</h3>
      <select aria-label="Layout" value={form.layout} onChange={(e) => setForm({ layout: e.target.value as ExportForm['layout'] })}>
        {LAYOUT_CHOICES.map((l) => <option key={l.value} value={l.value}>{l.label}</option>)}
      </select>
      <div className="gen-row">
        <input type="text" aria-label="Destination folder" placeholder="/path/to/new/export-folder" value={form.out} spellCheck={false} onChange={(e) => setForm({ out: e.target.value })} />
        {canPickPaths && <button type="button" onClick={() => void pick()}>Choose…</button>}
      </div>
      {folder && form.out.trim() && (
        <p className={`small ${folder.state === 'free' || folder.state === 'partial' || folder.state === 'complete' ? 'muted' : 'error-text'}`} aria-label="Destination state">
          {folder.message}
        </p>
      )}
      {form.out.trim() && !outOk && <p className="error-text small">Give the folder's absolute path.</p>}
      {problem && <p role="alert" className="error-text small">{problem}</p>}
      {preview && <PreviewFacts p={preview} />}
      {preview && preview.misfits.length > 0 && (
        <label className="check">
          <input type="checkbox" checked={form.skipUnfit} onChange={(e) => setForm({ skipUnfit: e.target.checked })} />
          Leave out the items this layout cannot hold
        </label>
      )}
      <div className="gen-go">
        <button type="button" className="primary" disabled={!canStart} onClick={() => void start(false)}>Start export</button>
        {canResume && <button type="button" onClick={() => void start(true)}>Resume</button>}
        {running && <button type="button" className="danger" onClick={() => exportJob.cancel()}>Cancel export</button>}
      </div>
      {job && (
        <div className="export-job" aria-label="Export job">
          <div className="gen-bar" role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={p?.total ?? 0} aria-valuenow={p?.done ?? 0}>
            <div className="gen-bar-fill" style={{ width: `${Math.round(100 * (job.state === 'succeeded' ? 1 : (p?.fraction ?? 0)))}%` }} />
            <span className="gen-bar-text">{p?.done ?? 0}/{p?.total ?? '?'} items</span>
          </div>
          <p className="small" aria-label="Export status">
            <span className={`gen-state gen-state-${job.state}`}>{job.state}</span>{' '}
            {job.state === 'running' || job.state === 'queued' ? p?.message
              : summary ? `${summary.written} item(s) written${summary.resumed ? `, ${summary.resumed} already there` : ''} in ${seconds(summary.seconds)}: ${summary.out}`
                : job.error?.message}
          </p>
          {warnings.length > 0 && (
            <details className="small">
              <summary>{warnings.length} warning(s)</summary>
              <ul>{warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
