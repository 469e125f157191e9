/**
 * The app side of the inference engine process: starts it on first use (child_process.fork; in Electron the
 * child runs as Node), sends requests with ids, relays per-step progress, cancels, and restarts it when it
 * dies. An engine that exits while a request is in flight fails that request only (AppError 'internal',
 * saying the engine restarts); the next request gets a fresh process. An idle engine is stopped after a while,
 * which frees all of onnxruntime's memory; before loading a pack on a machine short of free memory, other packs
 * are released first.
 *
 * Why a process and not a worker thread: terminating a worker thread while onnxruntime is inside a native call
 * aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'", seen here), and a
 * native fault in a thread takes the app with it. A child process contains both.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { freemem, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../../shared/errors.ts';
import type { EngineStatus, ProviderReport } from '../../../../shared/inference-types.ts';
import type { FromWorker, GenerateTask, ToWorker, WorkerImage } from './protocol.ts';

export interface GenerateHooks {
  signal?: AbortSignal;
  onLoaded?(report: ProviderReport, loadMs: number, cached: boolean): void;
  onStep?(step: number, steps: number): void;
}

interface Pending {
  resolve(image: WorkerImage): void;
  reject(e: Error): void;
  hooks: GenerateHooks;
}

export interface EngineHostOptions {
  /** Stop the engine after this long without requests (default 10 minutes; CARDIOSYNTH_IDLE_RELEASE_MS). */
  idleMs?: number;
  /** Where the engine's stderr lines go (default: this process's stderr, prefixed). */
  log?: (line: string) => void;
}

/**
 * The engine's entry: the TypeScript source beside this file when running from source (CLI, serve, tests on
 * Node's type stripping), or inference-worker.js beside the bundle (electron-vite builds it as its own entry
 * next to out/main/index.js). The name is computed so bundlers leave it alone.
 */
export function workerPath(): string {
  const here = import.meta.url;
  const name = here.endsWith('.ts') ? 'inference-worker.ts' : 'inference-worker.js';
  return fileURLToPath(new URL(`./${name}`, here));
}

export class EngineHost {
  private child: ChildProcess | null = null;
  private ready: Promise<ChildProcess> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly idleMs: number;
  private readonly log: (line: string) => void;
  private disposed = false;
  private loadedPacks: string[] = [];
  private stderrTail: string[] = [];
  /** Times the engine died while working and was replaced. */
  restarts = 0;
  lastReport: ProviderReport | null = null;
  /** What the engine reported when it started: onnxruntime's version and the providers it has. */
  engineInfo: { onnxruntime: string; available: EngineStatus['available'] } | null = null;

  constructor(opts: EngineHostOptions = {}) {
    this.idleMs = opts.idleMs ?? (Number(process.env.CARDIOSYNTH_IDLE_RELEASE_MS) || 10 * 60_000);
    this.log = opts.log ?? ((line) => process.stderr.write(`cardiosynth engine: ${line}\n`));
  }

  /** Packs loaded in the engine (as of its last answer). */
  get loaded(): string[] {
    return [...this.loadedPacks];
  }

  /** The engine's process id while it runs. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  private start(): Promise<ChildProcess> {
    if (this.ready) return this.ready;
    const child = fork(workerPath(), [], {
      // Not the parent's flags (a test runner's or debugger's); structured clone keeps typed arrays typed.
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env },
    });
    this.child = child;
    this.stderrTail = [];
    // Background priority: generation takes what CPU the app leaves, so the UI stays responsive.
    try {
      if (child.pid) setPriority(child.pid, 10);
    } catch {
      /* not permitted here: run at normal priority */
    }
    const onOutput = (d: Buffer) => {
      for (const line of d.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.stderrTail = [...this.stderrTail, line].slice(-5);
        this.log(line);
      }
    };
    child.stdout!.on('data', onOutput);
    child.stderr!.on('data', onOutput);
    this.ready = new Promise<ChildProcess>((resolve, reject) => {
      const early = (code: number | null, signal: string | null) =>
        reject(new AppError('internal', `the inference engine exited (${signal ?? `code ${code}`}) before it was ready${this.tail()}`));
      child.once('exit', early);
      child.once('error', (e) => reject(new AppError('internal', `the inference engine could not start: ${e.message}`)));
      child.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          child.off('exit', early);
          this.engineInfo = { onnxruntime: m.onnxruntime, available: m.available };
          // An idle engine does not keep the process alive (the CLI exits when its work is done); a busy or
          // starting one does.
          if (this.pending.size === 0) this.unref(child);
          resolve(child);
        } else this.onMessage(m);
      });
    });
    child.on('exit', (code, signal) => this.onDeath(child, signal ? `killed by ${signal}` : `exit code ${code}`));
    return this.ready;
  }

  private tail(): string {
    return this.stderrTail.length ? `; its last output: ${this.stderrTail.join(' | ').slice(0, 500)}` : '';
  }

  private unref(child: ChildProcess): void {
    child.unref();
    (child.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  }

  private ref(child: ChildProcess): void {
    child.ref();
    (child.channel as unknown as { ref?: () => void } | undefined)?.ref?.();
  }

  private onDeath(child: ChildProcess, how: string): void {
    if (this.child !== child) return; // an old engine's late event
    this.child = null;
    this.ready = null;
    this.loadedPacks = [];
    if (this.pending.size === 0) return;
    this.restarts++;
    const err = new AppError('internal', `The inference engine stopped unexpectedly (${how})${this.tail()}; this image failed, and the engine restarts for the next one.`);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'released') {
      this.loadedPacks = m.loaded;
      return;
    }
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'loaded') {
      this.lastReport = m.report;
      p.hooks.onLoaded?.(m.report, m.loadMs, m.cached);
    } else if (m.type === 'step') p.hooks.onStep?.(m.step, m.steps);
    else if (m.type === 'done') {
      this.pending.delete(m.id);
      p.resolve(m.image);
    } else if (m.type === 'error') {
      this.pending.delete(m.id);
      p.reject(new AppError(m.error.kind, m.error.message));
    }
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.pending.size > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.pending.size === 0 && this.child) void this.stop();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /** What the engine process has (starting it if it is not running: onnxruntime loads only there). */
  async info(): Promise<{ onnxruntime: string; available: EngineStatus['available'] }> {
    if (!this.engineInfo) {
      await this.start();
      this.armIdle();
    }
    return this.engineInfo!;
  }

  /** Generates one image in the engine. Rejects with 'cancelled' when the signal fires before it is done. */
  async generate(task: GenerateTask, hooks: GenerateHooks = {}): Promise<WorkerImage> {
    if (this.disposed) throw new AppError('internal', 'the inference engine has been shut down');
    if (hooks.signal?.aborted) throw new AppError('cancelled', 'Generation cancelled');
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const child = await this.start();
    const key = task.pack.summary.key;
    // Memory pressure: free other packs' sessions before loading one that may not fit beside them.
    if (!this.loadedPacks.includes(key) && this.loadedPacks.length > 0 && freemem() < Math.max(1 << 30, 2 * task.pack.summary.sizeBytes)) {
      this.send(child, { type: 'release', keep: [] });
    }
    const id = this.nextId++;
    const onAbort = () => this.send(child, { type: 'cancel', id });
    hooks.signal?.addEventListener('abort', onAbort, { once: true });
    this.ref(child);
    try {
      const image = await new Promise<WorkerImage>((resolve, reject) => {
        this.pending.set(id, { resolve, reject, hooks });
        this.send(child, { type: 'generate', id, task });
      });
      if (!this.loadedPacks.includes(key)) this.loadedPacks = [...this.loadedPacks, key];
      return image;
    } finally {
      hooks.signal?.removeEventListener('abort', onAbort);
      if (this.pending.size === 0 && this.child === child) this.unref(child);
      this.armIdle();
    }
  }

  private send(child: ChildProcess, m: ToWorker): void {
    if (child.connected) child.send(m);
  }

  /** Releases every loaded pack (the engine keeps running). */
  release(): void {
    if (this.child) this.send(this.child, { type: 'release', keep: [] });
    this.loadedPacks = [];
  }

  /** Kills the engine as a crash would (SIGKILL): in-flight work fails; the next request starts a new one. */
  kill(): void {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    this.onDeath(child, 'killed by SIGKILL');
  }

  /** Stops the engine quietly (idle, or shutting down). */
  private async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.ready = null;
    this.loadedPacks = [];
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.ref(); // keep this process alive until the engine has gone
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.stop();
  }
}
