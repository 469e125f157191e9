/**
 * The catalog tab's state that must survive the tab being hidden (SideTabs renders only the shown tab):
 * the filter and sort, the import being followed, and a counter that reloads lists when the catalog changed.
 */
import type { CatalogFilter, CatalogSort } from '../../../shared/catalog-types.ts';
import { Store } from '../viewport/store.ts';
import { JobFollower } from './job-follower.ts';

export interface CatalogUiState {
  filter: CatalogFilter;
  sort: CatalogSort;
  /** Bumped when an import ends or a dataset is removed. */
  revision: number;
}

export const catalogUi = new Store<CatalogUiState>({ filter: {}, sort: { key: 'id', dir: 'asc' }, revision: 0 });
export const importJob = new JobFollower();

importJob.onFinished(() => catalogUi.set({ revision: catalogUi.get().revision + 1 }));

export function catalogChanged(): void {
  catalogUi.set({ revision: catalogUi.get().revision + 1 });
}
