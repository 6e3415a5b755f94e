import type { KeyValueStore } from './key-value-store.js';

/**
 * A KeyValueStore for one page's lifetime, used when IndexedDB is unavailable.
 * Values are cloned in and out, as IndexedDB does, so a caller mutating an
 * object it read cannot change what is stored.
 */
export function createMemoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return {
    get: async (key) => structuredClone(values.get(key)),
    set: async (key, value) => {
      values.set(key, structuredClone(value));
    },
    del: async (key) => {
      values.delete(key);
    },
    update: async (key, updater) => {
      values.set(key, structuredClone(updater(structuredClone(values.get(key)))));
    },
  };
}
