/**
 * The study catalog service: one SQLite file (<dataDir>/catalog.sqlite), imports run as jobs, page queries,
 * and the media (frames, label maps, tracings, thumbnails) of its studies. Electron main, `serve` and the
 * CLI each build one; they can share the file at the same time (WAL, busy timeout).
 */
import { join, resolve } from 'node:path';
import type { CatalogFilter, CatalogImportSummary, CatalogPage, CatalogSort } from '../../../../shared/catalog-types.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { JobInfo } from '../../../../shared/job-types.ts';
import type { JobsService } from '../../jobs/index.ts';
import { detectLayout } from '../detect-layout.ts';
import { facets, queryStudies } from './catalog-query.ts';
import { importIntoCatalog, type CatalogImportOptions } from './catalog-import.ts';
import { CatalogStore } from './catalog-store.ts';
import { StudyMedia, type StudyMediaLimits } from './study-media.ts';

export const CATALOG_FILE = 'catalog.sqlite';
export const IMPORT_JOB_KIND = 'catalog.import';

export function catalogPath(dataDir: string): string {
  return join(dataDir, CATALOG_FILE);
}

export class Catalog {
  readonly store: CatalogStore;
  readonly media: StudyMedia;
  /** Dataset roots with an import running in this process. */
  private readonly importing = new Set<string>();

  constructor(dataDir: string, limits: Partial<StudyMediaLimits> = {}) {
    this.store = new CatalogStore(catalogPath(dataDir));
    this.media = new StudyMedia(this.store, limits);
  }

  close(): void {
    this.store.close();
  }

  /** Imports a folder now (the CLI, tests); the UI goes through `startImport`. */
  async importFolder(path: string, opts: CatalogImportOptions = {}): Promise<CatalogImportSummary> {
    const root = (await detectLayout(resolve(path))).root;
    if (this.importing.has(root)) throw new AppError('conflict', `${root}: an import of this dataset is already running`);
    this.importing.add(root);
    try {
      const summary = await importIntoCatalog(this.store, path, opts);
      if (!summary.unchanged) this.media.forget();
      return summary;
    } finally {
      this.importing.delete(root);
    }
  }

  /** Starts an import job; its result is a CatalogImportSummary. */
  startImport(jobs: JobsService, path: string, title?: string): JobInfo {
    const dir = resolve(path);
    return jobs.start(IMPORT_JOB_KIND, title ?? `Import ${dir}`, (ctx) =>
      this.importFolder(dir, {
        progress: (done, total, message) => ctx.progress({ done, total, message, fraction: total ? done / total : 0 }),
        checkpoint: () => ctx.checkpoint(),
      }),
    );
  }

  query(filter: CatalogFilter, sort: CatalogSort, offset: number, limit: number): CatalogPage {
    return queryStudies(this.store.db, filter, sort, offset, limit);
  }

  facets() {
    return facets(this.store);
  }
}
