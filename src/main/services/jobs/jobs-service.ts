/**
 * The jobs service: named FIFO queues (each runs one job at a time), job states, progress, outputs, cancel,
 * and a change feed the UI long-polls (`watch`). Generic: a job is a function that receives a context with an
 * AbortSignal and progress/output reporters. Generation uses the 'inference' queue; export will add its own.
 *
 * Every change bumps a global version; `watch(since)` answers as soon as something is newer than `since`
 * (or after its timeout with nothing), so a client keeps one request open and sees each change once.
 */
import { randomUUID } from 'node:crypto';
import { AppError, toErrorData } from '../../../shared/errors.ts';
import { isFinished, type JobChanges, type JobInfo, type JobProgress } from '../../../shared/job-types.ts';

export interface JobContext {
  readonly id: string;
  /** Aborted when the job is cancelled; long work checks it between steps. */
  readonly signal: AbortSignal;
  progress(p: Partial<JobProgress>): void;
  /** Records something the job produced (its id), visible to watchers at once. */
  output(id: string): void;
  /** Merges job-specific facts into `detail`. */
  detail(d: Record<string, unknown>): void;
  /** Throws AppError('cancelled') once the job was cancelled: long work calls it between units of work. */
  checkpoint(): void;
}

export interface JobSpec {
  kind: string;
  title: string;
  /** Jobs in one queue run one after another; default: the kind. */
  queue?: string;
  detail?: Record<string, unknown>;
  /** The work; what it resolves with becomes the job's `result`. */
  run(ctx: JobContext): Promise<unknown>;
}

interface Entry {
  info: JobInfo;
  spec: JobSpec;
  controller: AbortController;
  done: Promise<JobInfo>;
  resolveDone: (info: JobInfo) => void;
}

export interface JobsOptions {
  /** Finished jobs kept for the UI; older ones are forgotten. */
  retain?: number;
}

const MAX_WATCH_MS = 30_000;

export class JobsService {
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, string[]>();
  private readonly running = new Map<string, string>();
  private readonly removed: { id: string; version: number }[] = [];
  private readonly waiters = new Set<() => void>();
  /** Starts at 1, so a first watch(0) answers at once (with no jobs) instead of waiting for the first change. */
  private version = 1;
  private readonly retain: number;

  constructor(opts: JobsOptions = {}) {
    this.retain = opts.retain ?? 100;
  }

  /** Queues a job and returns its info (state 'queued', or 'running' when its queue was idle). */
  submit(spec: JobSpec): JobInfo {
    const id = randomUUID();
    let resolveDone!: (info: JobInfo) => void;
    const done = new Promise<JobInfo>((r) => (resolveDone = r));
    const entry: Entry = {
      info: {
        id,
        kind: spec.kind,
        title: spec.title,
        state: 'queued',
        queuePosition: null,
        createdAt: new Date().toISOString(),
        startedAt: null,
        finishedAt: null,
        progress: { fraction: 0, message: 'Queued' },
        outputs: [],
        detail: { ...(spec.detail ?? {}) },
        result: null,
        error: null,
        version: 0,
      },
      spec,
      controller: new AbortController(),
      done,
      resolveDone,
    };
    this.entries.set(id, entry);
    const queue = spec.queue ?? spec.kind;
    const list = this.queues.get(queue) ?? [];
    list.push(id);
    this.queues.set(queue, list);
    this.touch(entry);
    this.renumber(queue);
    this.pump(queue);
    return this.snapshot(entry);
  }

  /** Queues `run` as a job of `kind` (one at a time per kind) and returns its info. */
  start(kind: string, title: string, run: (ctx: JobContext) => Promise<unknown>): JobInfo {
    return this.submit({ kind, title, run });
  }

  get(id: string): JobInfo {
    return this.snapshot(this.entry(id));
  }

  /** One job, once its version is above `afterVersion` or after `waitMs`, whichever comes first. */
  async waitForChange(id: string, afterVersion: number, waitMs: number): Promise<JobInfo> {
    const e = this.entry(id);
    if (e.info.version > afterVersion || waitMs <= 0) return this.snapshot(e);
    await new Promise<void>((resolve) => {
      let settled = false;
      const end = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      // Waiters run inside bump(), before the changed job's version is written: look on the next turn.
      const wake = () => setImmediate(() => (e.info.version > afterVersion ? end() : undefined));
      const timer = setTimeout(end, Math.min(waitMs, MAX_WATCH_MS));
      this.waiters.add(wake);
    });
    return this.snapshot(e);
  }

  list(): JobInfo[] {
    return [...this.entries.values()].map((e) => this.snapshot(e)).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.version - a.version);
  }

  /** Resolves when the job has finished, whichever way. */
  wait(id: string): Promise<JobInfo> {
    return this.entry(id).done;
  }

  /** The same as `wait`: the job's final state. */
  settled(id: string): Promise<JobInfo> {
    return this.wait(id);
  }

  /**
   * Cancels a job: a queued one at once; a running one is signalled and finishes as 'cancelled' when its
   * work notices (at the next step). Cancelling a finished job changes nothing.
   */
  cancel(id: string): JobInfo {
    const e = this.entry(id);
    if (isFinished(e.info.state)) return this.snapshot(e);
    if (e.info.state === 'queued') {
      const queue = e.spec.queue ?? e.spec.kind;
      this.queues.set(queue, (this.queues.get(queue) ?? []).filter((x) => x !== id));
      this.finish(e, 'cancelled', new AppError('cancelled', `${e.info.title}: cancelled before it started`));
      this.renumber(queue);
      return this.snapshot(e);
    }
    e.controller.abort(new AppError('cancelled', `${e.info.title}: cancelled`));
    e.info.progress = { ...e.info.progress, message: 'Cancelling…' };
    this.touch(e);
    return this.snapshot(e);
  }

  /**
   * Changes since `since`: answers at once when there are any, else waits up to `timeoutMs` for the next
   * change (then answers with none). `since` 0 returns every job.
   */
  async watch(since: number, timeoutMs: number): Promise<JobChanges> {
    if (since > this.version) since = 0; // a client from before a restart: start over
    if (this.version <= since && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          // Let the other changes of this tick land first, so one answer carries them together.
          setImmediate(resolve);
        };
        const timer = setTimeout(wake, Math.min(timeoutMs, MAX_WATCH_MS));
        this.waiters.add(wake);
      });
    }
    const jobs = [...this.entries.values()].filter((e) => e.info.version > since).map((e) => this.snapshot(e));
    jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { version: this.version, jobs, removed: this.removed.filter((r) => r.version > since).map((r) => r.id) };
  }

  private entry(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new AppError('not-found', `No job ${id} (finished jobs are forgotten after the newest ${this.retain})`);
    return e;
  }

  private snapshot(e: Entry): JobInfo {
    return { ...e.info, progress: { ...e.info.progress }, outputs: [...e.info.outputs], detail: { ...e.info.detail }, error: e.info.error && { ...e.info.error } };
  }

  private touch(e: Entry): void {
    e.info.version = this.bump();
  }

  private bump(): number {
    this.version++;
    for (const w of [...this.waiters]) w();
    return this.version;
  }

  private renumber(queue: string): void {
    (this.queues.get(queue) ?? []).forEach((id, i) => {
      const e = this.entries.get(id);
      if (e && e.info.queuePosition !== i) {
        e.info.queuePosition = i;
        this.touch(e);
      }
    });
  }

  private pump(queue: string): void {
    if (this.running.has(queue)) return;
    const list = this.queues.get(queue) ?? [];
    const id = list.shift();
    if (id === undefined) return;
    const e = this.entries.get(id)!;
    this.running.set(queue, id);
    e.info.state = 'running';
    e.info.queuePosition = null;
    e.info.startedAt = new Date().toISOString();
    e.info.progress = { fraction: 0, message: 'Starting' };
    this.touch(e);
    this.renumber(queue);
    const ctx: JobContext = {
      id,
      signal: e.controller.signal,
      progress: (p) => {
        if (isFinished(e.info.state)) return;
        e.info.progress = { ...e.info.progress, ...p, fraction: Math.min(1, Math.max(0, p.fraction ?? e.info.progress.fraction)) };
        this.touch(e);
      },
      output: (out) => {
        e.info.outputs.push(out);
        this.touch(e);
      },
      detail: (d) => {
        e.info.detail = { ...e.info.detail, ...d };
        this.touch(e);
      },
      checkpoint: () => {
        if (e.controller.signal.aborted) throw new AppError('cancelled', `${e.info.title}: cancelled`);
      },
    };
    // Run on a later tick so submit() returns before any work (and its errors) happen.
    setImmediate(() => {
      // Through a promise, so a `run` that throws synchronously still ends as a failed job.
      Promise.resolve()
        .then(() => e.spec.run(ctx))
        .then(
          (result: unknown) => {
            if (e.controller.signal.aborted) return this.finish(e, 'cancelled', e.controller.signal.reason);
            e.info.result = result ?? null;
            this.finish(e, 'succeeded', null);
          },
          (err: unknown) => {
            const data = toErrorData(err);
            this.finish(e, e.controller.signal.aborted || data.kind === 'cancelled' ? 'cancelled' : 'failed', err);
          },
        )
        .finally(() => {
          this.running.delete(queue);
          this.pump(queue);
        });
    });
  }

  private finish(e: Entry, state: 'succeeded' | 'failed' | 'cancelled', err: unknown): void {
    e.info.state = state;
    e.info.finishedAt = new Date().toISOString();
    e.info.queuePosition = null;
    if (err) {
      const data = toErrorData(err);
      e.info.error = state === 'cancelled' ? { kind: 'cancelled', message: data.kind === 'cancelled' ? data.message : `${e.info.title}: cancelled` } : data;
    }
    if (state === 'succeeded') e.info.progress = { ...e.info.progress, fraction: 1, message: 'Done' };
    else e.info.progress = { ...e.info.progress, message: state === 'cancelled' ? 'Cancelled' : 'Failed' };
    this.touch(e);
    e.resolveDone(this.snapshot(e));
    this.forgetOld();
  }

  private forgetOld(): void {
    const finished = [...this.entries.values()].filter((x) => isFinished(x.info.state)).sort((a, b) => a.info.version - b.info.version);
    while (finished.length > this.retain) {
      const old = finished.shift()!;
      this.entries.delete(old.info.id);
      this.removed.push({ id: old.info.id, version: this.bump() });
    }
    if (this.removed.length > 1000) this.removed.splice(0, this.removed.length - 1000);
  }
}
