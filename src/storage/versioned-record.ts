import type * as z from 'zod/mini';
import type { KeyValueStore } from './key-value-store.js';
import type { AsideEntry } from './schemas.js';

/**
 * Stored records carry the `schema` version they were written with. A
 * migration turns a record of version n into version n + 1; the list's
 * position is the version it starts from (`migrations[0]` is 1 → 2), so the
 * current version is `migrations.length + 1` and adding v2 means appending
 * one function. Whatever cannot be read (corrupt, unknown shape, written by a
 * newer widget) is set aside under its own key and reported, never dropped
 * and never a crash.
 */
export type Migration = (record: Record<string, unknown>) => Record<string, unknown>;

export interface RecordKind<T extends { schema: number }> {
  schema: z.ZodMiniType<T>;
  empty(version: number): T;
  /** The readable parts of a current-version record that failed as a whole. */
  salvage(record: Record<string, unknown>, version: number): T;
  migrations: readonly Migration[];
}

export interface ReadOutcome<T> {
  value: T;
  /** What could not be read, to set aside; null when everything was read. */
  aside: { reason: string; value: unknown } | null;
}

export function currentVersion(migrations: readonly Migration[]): number {
  return migrations.length + 1;
}

export function readRecord<T extends { schema: number }>(raw: unknown, kind: RecordKind<T>): ReadOutcome<T> {
  const current = currentVersion(kind.migrations);
  if (raw === undefined) return { value: kind.empty(current), aside: null };
  const fresh = (reason: string): ReadOutcome<T> => ({ value: kind.empty(current), aside: { reason, value: raw } });
  if (!isRecord(raw)) return fresh('not an object');
  const version = raw.schema;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return fresh('no schema version');
  // A newer widget wrote it (the page now runs an older one): keep it aside rather than misread it.
  if (version > current) return fresh(`written by schema version ${version}, newer than ${current}`);

  let record: Record<string, unknown> = raw;
  for (let from = version; from < current; from++) {
    try {
      record = { ...kind.migrations[from - 1]!(record), schema: from + 1 };
    } catch (error) {
      return fresh(`migration from version ${from} failed: ${String(error)}`);
    }
  }
  const parsed = kind.schema.safeParse(record);
  if (parsed.success) return { value: parsed.data, aside: null };
  const issue = parsed.error.issues[0];
  const reason = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unreadable';
  return { value: kind.salvage(record, current), aside: { reason, value: raw } };
}

/** Appends unreadable data to `aside:<key>`, where it stays for support and later recovery. */
export async function keepAside(store: KeyValueStore, key: string, entry: AsideEntry): Promise<void> {
  await store.update(asideKey(key), (old) => [...(Array.isArray(old) ? old : []), entry]);
}

export function asideKey(key: string): string {
  return `aside:${key}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The items of `value` that `item` accepts (the whole raw record is set aside by the caller). */
export function readableItems<T>(value: unknown, item: z.ZodMiniType<T>): T[] {
  if (!Array.isArray(value)) return [];
  const items: T[] = [];
  for (const entry of value) {
    const parsed = item.safeParse(entry);
    if (parsed.success) items.push(parsed.data);
  }
  return items;
}

export interface StorageReport {
  code: 'storage_corrupt' | 'storage_unavailable';
  detail: string;
}

/**
 * One versioned record under one key: reads migrate and set aside, changes
 * are atomic read-modify-writes. Unreadable data is copied aside before the
 * first write can replace it.
 */
export class RecordSlot<T extends { schema: number }> {
  #checked = false;

  constructor(
    private readonly store: KeyValueStore,
    readonly key: string,
    private readonly kind: RecordKind<T>,
    private readonly report: (report: StorageReport) => void,
    private readonly now: () => number,
  ) {}

  async read(): Promise<T> {
    return this.change((value) => value);
  }

  /** Applies `fn` atomically and returns the record as written. Rejects (after reporting) when storage fails. */
  async change(fn: (value: T) => T): Promise<T> {
    try {
      let keptAside: string | null = null;
      if (!this.#checked) {
        // Set aside before overwriting: the update below replaces whatever was there.
        const first = readRecord(await this.store.get(this.key), this.kind);
        if (first.aside) {
          await this.#setAside(first.aside);
          keptAside = fingerprint(first.aside.value);
        }
        this.#checked = true;
      }
      let written: T | undefined;
      let late: ReadOutcome<T>['aside'] = null;
      await this.store.update(this.key, (raw) => {
        const read = readRecord(raw, this.kind);
        // The same unreadable value as the one just kept aside is not kept twice.
        if (read.aside && fingerprint(read.aside.value) !== keptAside) late = read.aside;
        written = fn(read.value);
        return written;
      });
      // Only another writer (an older or newer tab) could have left unreadable data since the check.
      if (late) await this.#setAside(late);
      return written!;
    } catch (error) {
      this.report({ code: 'storage_unavailable', detail: `${this.key}: ${String(error)}` });
      throw error;
    }
  }

  async #setAside(aside: { reason: string; value: unknown }): Promise<void> {
    await keepAside(this.store, this.key, { at: new Date(this.now()).toISOString(), ...aside });
    this.report({ code: 'storage_corrupt', detail: `${this.key}: ${aside.reason} (kept under ${asideKey(this.key)})` });
  }
}

function fingerprint(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    // Not JSON-able (a cycle, a BigInt): treat as always new, so it is kept rather than lost.
    return crypto.randomUUID();
  }
}
