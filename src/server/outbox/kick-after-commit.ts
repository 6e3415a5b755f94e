import type { Store, StoreTx } from '../store/store.js';

/**
 * The store as the routes see it for one outbox: in each transaction, the
 * writes `watch` overrides may queue rows and call `queuedOne()` when they
 * did; once that transaction has committed, `kick` is called (to send them now
 * rather than at the dispatcher's next poll). Nothing else changes.
 */
export function kickAfterCommit(store: Store, watch: (tx: StoreTx, queuedOne: () => void) => Partial<StoreTx>, kick: () => void): Store {
  return {
    get kind() {
      return store.kind;
    },
    async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
      let queued = false;
      const result = await store.transaction((tx) => {
        const overrides = Object.entries(watch(tx, () => (queued = true)));
        // Nothing to watch (the outbox is off): the transaction as it is, no wrapper on the hot path.
        if (overrides.length === 0) return work(tx);
        const watched: StoreTx = Object.create(tx, Object.fromEntries(overrides.map(([name, value]) => [name, { value }])));
        return work(watched);
      });
      if (queued) kick();
      return result;
    },
    rebuildStats: () => store.rebuildStats(),
    close: () => store.close(),
  };
}
