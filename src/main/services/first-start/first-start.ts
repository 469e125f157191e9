/**
 * The newcomer's first minute. At start (Electron main, `serve`) the embedded demo dataset — phantom hearts
 * in the CAMUS 2023 layout, resources/phantom-camus, synthetic — is imported into the user's catalog as an
 * ordinary import job: incremental, so a second start only stats its files, and read-only, so nothing is ever
 * written under resources/. The renderer asks `plan()` what to open when its session has nothing open: a 4CH
 * study of the demo dataset at ED.
 *
 * In a user's own catalog the demo is one synthetic dataset among theirs. Removing it is a choice remembered
 * in the data folder (first-start.json), so it is not imported again at the next start; `addDemo()` undoes that.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError, toErrorData } from '../../../shared/errors.ts';
import type { JobInfo } from '../../../shared/job-types.ts';
import type { DemoDataset, StartPlan } from '../../../shared/contract/start.ts';
import type { Catalog } from '../datasets/catalog/index.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { JobsService } from '../jobs/index.ts';

/** The demo dataset's folder under resources/. */
export const DEMO_DATASET_DIR = 'phantom-camus';
/** Remembers the user's choices about the first start, in the data folder. */
export const FIRST_START_FILE = 'first-start.json';
export const DEMO_IMPORT_TITLE = 'Import the demo dataset (phantom hearts, synthetic)';

interface Choices {
  /** Set when the user removed the demo dataset from the catalog. */
  demoRemovedAt?: string;
}

export interface FirstStartOptions {
  resourcesDir: string;
  dataDir: string;
  jobs: JobsService;
  /** The catalog, opened on first use. */
  catalog: () => Catalog;
}

export class FirstStart {
  readonly demoRoot: string;
  private readonly choicesFile: string;
  private readonly jobs: JobsService;
  private readonly catalog: () => Catalog;
  /** The demo import this process started. */
  private jobId: string | null = null;
  /** Why the last attempt to start the import failed before it became a job (the catalog would not open). */
  private startError: string | null = null;

  constructor(opts: FirstStartOptions) {
    this.demoRoot = resolve(opts.resourcesDir, DEMO_DATASET_DIR);
    this.choicesFile = join(opts.dataDir, FIRST_START_FILE);
    this.jobs = opts.jobs;
    this.catalog = opts.catalog;
  }

  /** The user's remembered choices; an unreadable file counts as none (the demo is only imported, never lost). */
  private choices(): Choices {
    try {
      const v = JSON.parse(readFileSync(this.choicesFile, 'utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Choices) : {};
    } catch {
      return {};
    }
  }

  private saveChoices(c: Choices): void {
    writeFileAtomic(this.choicesFile, JSON.stringify(c, null, 2) + '\n');
  }

  get demoRemoved(): boolean {
    return typeof this.choices().demoRemovedAt === 'string';
  }

  private currentJob(): JobInfo | null {
    if (!this.jobId) return null;
    try {
      return this.jobs.get(this.jobId);
    } catch {
      return null; // forgotten by the jobs service (long finished)
    }
  }

  /**
   * Starts the demo import unless the user removed the demo, this installation lacks it, or this process
   * already started it. Called once at start; never throws (a catalog that cannot open is reported by `plan`).
   */
  prepare(): JobInfo | null {
    if (this.jobId || this.demoRemoved || !existsSync(this.demoRoot)) return this.currentJob();
    return this.startImport();
  }

  private startImport(): JobInfo | null {
    try {
      const job = this.catalog().startImport(this.jobs, this.demoRoot, DEMO_IMPORT_TITLE);
      this.jobId = job.id;
      this.startError = null;
      return job;
    } catch (e) {
      this.startError = toErrorData(e).message;
      return null;
    }
  }

  /** What to open when nothing is open. Starts the import if it is due and has not started yet. */
  plan(): StartPlan {
    const demo = this.demoState();
    return { demo, study: demo.state === 'ready' && demo.datasetId !== null ? this.firstStudy(demo.datasetId) : null };
  }

  private demoState(): DemoDataset {
    const base = { root: this.demoRoot, datasetId: null, job: null, message: null };
    if (!existsSync(this.demoRoot)) return { ...base, state: 'missing', message: `${this.demoRoot}: this installation has no demo dataset` };
    let job = this.currentJob();
    if (!job && !this.demoRemoved) job = this.prepare();
    if (!job && this.startError) return { ...base, state: 'failed', message: this.startError };
    if (job && (job.state === 'queued' || job.state === 'running')) return { ...base, state: 'importing', job };
    let row;
    try {
      row = this.catalog().store.datasetByRoot(this.demoRoot);
    } catch (e) {
      return { ...base, state: 'failed', job, message: toErrorData(e).message };
    }
    // However it got there (at start, or imported by hand), a demo in the catalog is shown.
    if (row && row.status === 'complete') return { ...base, state: 'ready', datasetId: row.id, job };
    if (job && job.state !== 'succeeded') return { ...base, state: 'failed', job, message: job.error?.message ?? `the demo import was ${job.state}` };
    return { ...base, state: 'removed', datasetId: row?.id ?? null, job };
  }

  /** A 4CH study of good quality if there is one (the clearest view of the heart), else the first study. */
  private firstStudy(datasetId: number): StartPlan['study'] {
    const catalog = this.catalog();
    const sort = { key: 'id' as const, dir: 'asc' as const };
    const first =
      catalog.query({ datasetIds: [datasetId], views: ['4CH'], imageQualities: ['Good'], hasLabels: true }, sort, 0, 1).rows[0] ??
      catalog.query({ datasetIds: [datasetId] }, sort, 0, 1).rows[0];
    return first ? { id: first.id, phase: 'ED' } : null;
  }

  /** Called when a dataset was removed from the catalog: removing the demo is remembered. */
  datasetRemoved(root: string): void {
    if (resolve(root) !== this.demoRoot) return;
    this.saveChoices({ ...this.choices(), demoRemovedAt: new Date().toISOString() });
  }

  /** Forgets the removal and imports the demo again. */
  addDemo(): JobInfo {
    if (!existsSync(this.demoRoot)) throw new AppError('not-found', `${this.demoRoot}: this installation has no demo dataset`);
    const { demoRemovedAt: _forgotten, ...rest } = this.choices();
    this.saveChoices(rest);
    this.jobId = null;
    const job = this.startImport();
    if (!job) throw new AppError('io', `${this.demoRoot}: the demo import did not start: ${this.startError ?? 'unknown reason'}`);
    return job;
  }
}
