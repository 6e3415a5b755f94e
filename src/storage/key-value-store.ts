import { createStore, promisifyRequest } from 'idb-keyval';

/**
 * Where Tandem keeps its data: Tandem's own IndexedDB database (idb-keyval's
 * default one is shared with any host page that uses idb-keyval too), or
 * memory for this page when IndexedDB cannot be used.
 */

/**
 * The one storage interface the data layer needs. Values are
 * structured-cloneable data; `update` is an atomic read-modify-write, so two
 * tabs changing the same learner's record never lose each other's writes.
 */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  /** Replaces the value with `updater(old)` in one transaction (`old` is undefined when absent). */
  update(key: string, updater: (old: unknown) => unknown): Promise<void>;
}

export interface OpenedStore {
  store: KeyValueStore;
  /** True when IndexedDB could not be used: data lives for this page only (the snapshot reports `storage_unavailable`). */
  memoryOnly: boolean;
}

/**
 * idb-keyval's store opener with our own three calls: its get/set/update carry a
 * default store (its own database) that would ship unused. A set is an update
 * ignoring the old value. The transaction stays active while `await` resumes
 * in the request's success microtask, so the read and the write are one transaction.
 */
export function createIdbStore(): KeyValueStore {
  const db = createStore('tandem', 'kv');
  const update = (key: string, updater: (old: unknown) => unknown): Promise<void> =>
    db('readwrite', async (store) => {
      store.put(updater(await promisifyRequest(store.get(key))), key);
      return promisifyRequest(store.transaction);
    });
  return { get: (k) => db('readonly', (store) => promisifyRequest(store.get(k))), set: (k, v) => update(k, () => v), update };
}

/** Values are cloned in and out, as IndexedDB does, so a caller mutating what it read cannot change what is stored. */
export function createMemoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  const change = async (key: string, updater: (old: unknown) => unknown): Promise<void> =>
    void values.set(key, structuredClone(updater(structuredClone(values.get(key)))));
  return { get: async (k) => structuredClone(values.get(k)), set: (k, v) => change(k, () => v), update: change };
}

/**
 * Opens Tandem's database, or falls back to memory. IndexedDB can be missing,
 * throw on open, fail to open, never answer (some private modes), or fail on
 * the first write: the probe writes once, so a store that cannot write is
 * caught here rather than on the learner's first action.
 */
export async function openStore(timeoutMs = 3000): Promise<OpenedStore> {
  const store = createIdbStore();
  try {
    await Promise.race([store.set('probe', 1), new Promise((_, reject) => setTimeout(reject, timeoutMs, 'timeout'))]);
    return { store, memoryOnly: false };
  } catch {
    return { store: createMemoryStore(), memoryOnly: true };
  }
}
