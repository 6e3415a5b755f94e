import { createIdbStore, TANDEM_DB, TANDEM_OBJECT_STORE } from './idb-store.js';
import type { KeyValueStore } from './key-value-store.js';
import { createMemoryStore } from './memory-store.js';

export interface OpenedStore {
  store: KeyValueStore;
  /** True when IndexedDB could not be used: data lives for this page only. */
  memoryOnly: boolean;
  /** Why IndexedDB was not used, for logs. */
  reason?: string;
}

export interface OpenStoreOptions {
  /** The IndexedDB factory to probe; tests pass `null` or a failing one. Defaults to the page's. */
  indexedDB?: IDBFactory | null;
  /** How long to wait for the database to open before giving up (some private modes never answer). */
  timeoutMs?: number;
}

/**
 * Opens Tandem's database, or falls back to memory. IndexedDB can be missing,
 * throw on open, fail to open, or fail on the first write (private modes of
 * some browsers): the probe opens the database and writes once, so a store
 * that opens but cannot write is caught here rather than on the learner's
 * first action.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const factory = options.indexedDB === undefined ? globalThis.indexedDB : options.indexedDB;
  if (!factory) return { store: createMemoryStore(), memoryOnly: true, reason: 'IndexedDB is not available' };
  try {
    await withTimeout(probe(factory), options.timeoutMs ?? 3000);
  } catch (error) {
    return { store: createMemoryStore(), memoryOnly: true, reason: `IndexedDB failed: ${describe(error)}` };
  }
  return { store: createIdbStore(), memoryOnly: false };
}

function probe(factory: IDBFactory): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.open(TANDEM_DB);
    // Same layout idb-keyval's createStore makes, so whichever opens first creates it.
    request.onupgradeneeded = () => request.result.createObjectStore(TANDEM_OBJECT_STORE);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
    request.onblocked = () => reject(new Error('open blocked'));
    request.onsuccess = () => {
      const db = request.result;
      try {
        const tx = db.transaction(TANDEM_OBJECT_STORE, 'readwrite');
        tx.objectStore(TANDEM_OBJECT_STORE).put(Date.now(), 'probe');
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          reject(tx.error ?? new Error('write failed'));
        };
      } catch (error) {
        db.close();
        reject(error);
      }
    };
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
