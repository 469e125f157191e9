import { useSyncExternalStore } from 'react';
import type { Store } from '../viewport/store.ts';

export function useStore<T>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Re-renders only when the selected primitive changes (e.g. not on every cine frame). */
export function useStoreSelect<T, R extends string | number | boolean | null>(store: Store<T>, select: (s: T) => R): R {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
