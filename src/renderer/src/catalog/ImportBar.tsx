import { useState, type FormEvent } from 'react';
import type { CatalogImportSummary, CatalogIssue } from '../../../shared/catalog-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { importJob } from './catalog-state.ts';

interface Props {
  canPickPaths: boolean;
  report: (err: unknown) => void;
}

const baseName = (p: string) => p.split(/[\\/]/).pop() || p;

/** Import a dataset folder into the catalog as a job: progress while it runs, then its summary and problems. */
export function ImportBar({ canPickPaths, report }: Props) {
  const [path, setPath] = useState('');
  const { job } = useStore(importJob.store);
  const running = job?.state === 'running' || job?.state === 'queued';

  const start = async (p: string) => {
    try {
      importJob.follow(await getApi()['catalog.import']({ path: p }));
    } catch (err) {
      report(err);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (path.trim() && !running) void start(path.trim());
  };
  const pick = async () => {
    try {
      const { paths } = await getApi()['dialog.pickPaths']({ directories: true });
      if (paths[0]) {
        setPath(paths[0]);
        await start(paths[0]);
      }
    } catch (err) {
      report(err);
    }
  };

  return (
    <section className="import-bar" aria-label="Import a dataset">
      <form className="import-form" onSubmit={submit}>
        <input
          type="text"
          aria-label="Dataset folder to import"
          placeholder="Dataset folder: CAMUS, EchoNet, NIfTI…"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          spellCheck={false}
        />
        {canPickPaths && (
          <button type="button" onClick={() => void pick()} disabled={running}>
            Choose…
          </button>
        )}
        <button type="submit" disabled={running || !path.trim()}>
          Import
        </button>
      </form>
      {job && running && (
        <div className="import-progress" role="status" aria-label="Import progress">
          <progress max={job.progress.total ?? undefined} value={job.progress.total ? job.progress.done : undefined} />
          <span className="small">
            {job.progress.total ? `${job.progress.done}/${job.progress.total}` : ''} {job.progress.message}
          </span>
          <button type="button" onClick={() => importJob.cancel()} aria-label="Cancel import">
            Cancel
          </button>
        </div>
      )}
      {job && !running && (
        <div className={`import-result import-${job.state}`} role="status" aria-label="Import result">
          <button type="button" className="close" onClick={() => importJob.clear()} aria-label="Dismiss import result">
            ✕
          </button>
          {job.state === 'succeeded' ? (
            <ImportSummary s={job.result as CatalogImportSummary} />
          ) : (
            <p className={job.state === 'failed' ? 'error-text' : 'muted'}>
              {job.state === 'cancelled' ? 'Import cancelled; the studies imported so far are in the catalog. Import again to finish.' : describeError(job.error)}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function ImportSummary({ s }: { s: CatalogImportSummary }) {
  const st = s.studies;
  return (
    <>
      <p>
        {st.total === 0 && s.errors === 0 ? (
          <>
            <b>Nothing to import</b> in {s.scope}: no CAMUS or EchoNet-Dynamic layout above it and no NIfTI or MetaImage files in it.
          </>
        ) : s.unchanged ? (
          <>
            <b>Nothing changed</b> in {baseName(s.root)} since the last import: {st.total} studies, no file read.
          </>
        ) : (
          <>
            <b>{st.total} studies</b> from {baseName(s.root)}: {st.added} added, {st.updated} updated, {st.unchanged} unchanged
            {st.unavailable ? `, ${st.unavailable} no longer found` : ''} ({s.files.read} files read, {s.files.cached} unchanged) in {s.seconds < 1 ? `${Math.round(s.seconds * 1000)} ms` : `${s.seconds.toFixed(1)} s`}.
          </>
        )}
      </p>
      {s.errors + s.warnings > 0 && <IssueList issues={s.issues} errors={s.errors} warnings={s.warnings} />}
    </>
  );
}

export function IssueList({ issues, errors, warnings }: { issues: CatalogIssue[]; errors: number; warnings: number }) {
  const more = errors + warnings - issues.length;
  return (
    <details className="issues" open={errors > 0}>
      <summary>
        {errors > 0 && <span className="error-text">{errors} not imported</span>}
        {errors > 0 && warnings > 0 && ', '}
        {warnings > 0 && <span className="warn-text">{warnings} warning{warnings === 1 ? '' : 's'}</span>}
      </summary>
      <ul aria-label="Import problems">
        {issues.map((i, n) => (
          <li key={n} className={`issue issue-${i.severity}`} title={i.path}>
            <span className="issue-kind">{i.severity === 'error' ? 'not imported' : 'warning'}</span> <b>{baseName(i.path)}</b>: {i.message.startsWith(i.path) ? i.message.slice(i.path.length + 2) : i.message}
          </li>
        ))}
        {more > 0 && <li className="muted">… and {more} more (Datasets lists them all)</li>}
      </ul>
    </details>
  );
}
