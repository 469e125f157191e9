import { useEffect, useState } from 'react';
import type { EngineStatus, ProviderReport } from '../../../shared/inference-types.ts';
import { isFinished, type JobInfo } from '../../../shared/job-types.ts';
import { describeError, getApi } from '../api/get-api.ts';
import { useStore } from '../components/use-store.ts';
import { jobsStore } from './jobs-feed.ts';

function Bar({ label, value, max }: { label: string; value: number; max: number }) {
  const pct = max > 0 ? Math.round((100 * value) / max) : 0;
  return (
    <div className="gen-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value}>
      <div className="gen-bar-fill" style={{ width: `${pct}%` }} />
      <span className="gen-bar-text">
        {label} {value}/{max}
      </span>
    </div>
  );
}

function JobRow({ job }: { job: JobInfo }) {
  const [error, setError] = useState<string | null>(null);
  const p = job.progress;
  const cancel = async () => {
    try {
      await getApi()['jobs.cancel']({ id: job.id });
    } catch (e) {
      setError(describeError(e));
    }
  };
  const items = p.items ?? (job.detail.count as number | undefined) ?? 1;
  const doneItems = job.state === 'succeeded' ? items : Math.max(0, (p.item ?? 1) - 1);
  return (
    <li className={`gen-job gen-job-${job.state}`} aria-label={`Job ${job.title}`}>
      <div className="gen-row">
        <span className="gen-job-title">{job.title}</span>
        <span className={`gen-state gen-state-${job.state}`}>{job.state === 'queued' ? `queued (#${(job.queuePosition ?? 0) + 1})` : job.state}</span>
        {!isFinished(job.state) && (
          <button type="button" onClick={() => void cancel()} aria-label={`Cancel ${job.title}`}>
            Cancel
          </button>
        )}
      </div>
      {job.state === 'running' && (
        <>
          <Bar label="Images" value={doneItems} max={items} />
          <Bar label="Steps" value={p.step ?? 0} max={p.steps ?? 0} />
        </>
      )}
      <div className="muted small">{job.state === 'running' || job.state === 'queued' ? p.message : `${job.outputs.length} image(s) saved`}</div>
      {job.error && job.state !== 'succeeded' && <div className={job.state === 'failed' ? 'error-text small' : 'muted small'}>{job.error.message}</div>}
      {error && <div className="error-text small">{error}</div>}
    </li>
  );
}

export function ProviderLine({ report }: { report: ProviderReport | null }) {
  if (!report) return <span className="muted">not loaded yet: CUDA, then WebGPU, then CPU are tried on the first generation</span>;
  const skipped = report.attempts.filter((a) => !a.ok);
  return (
    <span>
      <strong aria-label="Active provider">{report.active.toUpperCase()}</strong>
      {report.requested !== 'auto' ? ' (forced)' : ''}, {report.threads} thread(s)
      {skipped.length > 0 && (
        <details className="gen-skipped-box">
          <summary className="small">
            {skipped.map((a) => a.provider).join(', ')} skipped: why
          </summary>
          <ul className="gen-skipped small" aria-label="Skipped providers">
            {skipped.map((a) => (
              <li key={a.provider}>
                {a.provider}: {a.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </span>
  );
}

/** Running and queued generations with per-image and per-step progress, cancel, and the execution provider. */
export function QueueSection() {
  const { jobs, connected } = useStore(jobsStore);
  const gen = jobs.filter((j) => j.kind === 'generate').slice(0, 8);
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const finished = gen.filter((j) => isFinished(j.state)).length;
  const latest = (gen.find((j) => j.detail.provider)?.detail.provider as ProviderReport | undefined) ?? status?.last ?? null;

  useEffect(() => {
    let live = true;
    getApi()
      ['inference.status']({})
      .then((s) => live && setStatus(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [finished]);

  return (
    <section className="gen-section" aria-label="Queue">
      <h3>Queue {connected ? '' : <span className="warn-text small">(reconnecting…)</span>}</h3>
      <div className="small" aria-label="Execution provider">
        Provider: <ProviderLine report={latest} />
      </div>
      {status && status.loaded.length > 0 && (
        <div className="gen-row small muted">
          Loaded: {status.loaded.join(', ')}
          <button
            type="button"
            title="Free the memory the loaded models use; they load again on the next generation"
            onClick={() =>
              void getApi()
                ['inference.release']({})
                .then(setStatus)
                .catch(() => undefined)
            }
          >
            Release models
          </button>
        </div>
      )}
      {gen.length === 0 ? <p className="muted small">Nothing generated yet.</p> : <ul className="gen-jobs">{gen.map((j) => <JobRow key={j.id} job={j} />)}</ul>}
    </section>
  );
}
