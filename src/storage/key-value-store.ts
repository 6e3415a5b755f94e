/**
 * The one storage interface the widget's data layer needs. Values are
 * structured-cloneable data; `update` is an atomic read-modify-write, so two
 * tabs changing the same learner's record never lose each other's writes.
 */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  /** Replaces the value with `updater(old)` in one transaction (`old` is undefined when absent). */
  update(key: string, updater: (old: unknown) => unknown): Promise<void>;
}
