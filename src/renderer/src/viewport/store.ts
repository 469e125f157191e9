/** A tiny external store for React's useSyncExternalStore: the viewer's state lives outside React so the
 * cine loop can update it without re-rendering the tree; only subscribed components re-render. */
export class Store<T> {
  private value: T;
  private readonly listeners = new Set<() => void>();

  constructor(initial: T) {
    this.value = initial;
  }

  get = (): T => this.value;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(patch: Partial<T>): void {
    let changed = false;
    for (const k in patch) if (!Object.is(patch[k], this.value[k])) changed = true;
    if (!changed) return;
    this.value = { ...this.value, ...patch };
    for (const l of this.listeners) l();
  }
}
