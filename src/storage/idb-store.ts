import { createStore, del, get, set, update, type UseStore } from 'idb-keyval';
import type { KeyValueStore } from './key-value-store.js';

/** Tandem's own database: idb-keyval's default one is shared with any host page that uses idb-keyval too. */
export const TANDEM_DB = 'tandem';
export const TANDEM_OBJECT_STORE = 'kv';

/** A KeyValueStore on IndexedDB through idb-keyval. */
export function createIdbStore(useStore: UseStore = createStore(TANDEM_DB, TANDEM_OBJECT_STORE)): KeyValueStore {
  return {
    get: (key) => get(key, useStore),
    set: (key, value) => set(key, value, useStore),
    del: (key) => del(key, useStore),
    update: (key, updater) => update(key, updater, useStore),
  };
}
