/**
 * The study list's rows, fetched page by page from `catalog.query` as the virtual list scrolls: only the
 * pages on screen are requested, each once per query. A new filter or sort starts a new PageSet.
 */
import type { CatalogFilter, CatalogRow, CatalogSort } from '../../../shared/catalog-types.ts';
import { getApi } from '../api/get-api.ts';

export const PAGE_SIZE = 100;

export class PageSet {
  readonly filter: CatalogFilter;
  readonly sort: CatalogSort;
  total: number | null = null;
  private readonly pages = new Map<number, CatalogRow[]>();
  private readonly loading = new Set<number>();
  private readonly onChange: () => void;
  private readonly onError: (err: unknown) => void;
  private dead = false;

  constructor(filter: CatalogFilter, sort: CatalogSort, onChange: () => void, onError: (err: unknown) => void) {
    this.filter = filter;
    this.sort = sort;
    this.onChange = onChange;
    this.onError = onError;
  }

  /** The row at `index`, or undefined while its page is loading. */
  row(index: number): CatalogRow | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Requests the pages covering rows first..last that are not here yet. */
  ensure(first: number, last: number): void {
    const p0 = Math.max(0, Math.floor(first / PAGE_SIZE));
    const p1 = Math.max(p0, Math.floor(last / PAGE_SIZE));
    for (let p = p0; p <= p1; p++) {
      if (this.pages.has(p) || this.loading.has(p)) continue;
      if (this.total !== null && p * PAGE_SIZE >= this.total && p > 0) continue;
      this.loading.add(p);
      getApi()
        ['catalog.query']({ filter: this.filter, sort: this.sort, offset: p * PAGE_SIZE, limit: PAGE_SIZE })
        .then(
          (page) => {
            if (this.dead) return;
            this.loading.delete(p);
            this.pages.set(p, page.rows);
            this.total = page.total;
            this.onChange();
          },
          (err: unknown) => {
            if (this.dead) return;
            this.loading.delete(p);
            this.onError(err);
          },
        );
    }
  }

  /** Stops reporting (a newer query replaced this one). */
  dispose(): void {
    this.dead = true;
  }
}
