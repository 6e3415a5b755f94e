import type * as z from 'zod/mini';
import { learnerKey, type TokenClaims } from '../core/token-claims.js';
import type { ClientEvent } from '../protocol/events.js';
import type { KeyValueStore } from './key-value-store.js';
import { LearnerRecord, VisitorRecord, type SetAsideEvent } from './schemas.js';

/**
 * The versioned records Tandem keeps, each under one key. Learner records
 * are keyed by endpoint, token issuer, learner and course: two people sharing
 * a computer never see or send each other's data, and a token is for one
 * course, so events queued for one course only go with that course's token.
 *
 * Every record carries the `schema` version it was written with. A migration
 * turns version n into n + 1; its position in the list is the version it
 * starts from (`[0]` is 1 → 2), so adding v2 means appending one function.
 * Whatever cannot be read (corrupt, unknown shape, written by a newer widget)
 * is copied to `aside:<key>` and reported, never dropped and never a crash;
 * the readable parts of a damaged record are kept.
 */

export type Migration = (record: Record<string, unknown>) => Record<string, unknown>;

/** What went wrong with storage, as the snapshot's problem code (the set-aside copy keeps the why). */
export type StorageReport = 'storage_corrupt' | 'storage_unavailable';

export interface RecordSlot<T> {
  readonly key: string;
  /** The record as stored (migrated and written back when needed). */
  read(): Promise<T>;
  /** Applies `fn` atomically and returns the record as written. Rejects (after reporting) when storage fails. */
  change(fn: (record: T) => T): Promise<T>;
}

interface Aside {
  reason: string;
  value: unknown;
}

export const asideKey = (key: string): string => `aside:${key}`;

export function learnerRecordKey(endpoint: string, course: string, claims: Pick<TokenClaims, 'iss' | 'sub'>): string {
  return `learner:${JSON.stringify([learnerKey(endpoint, claims), course])}`;
}

function slot<T extends { schema: number }>(
  store: KeyValueStore,
  key: string,
  schema: z.ZodMiniObject,
  empty: Omit<T, 'schema'>,
  migrations: readonly Migration[],
  report: (code: StorageReport) => void,
): RecordSlot<T> {
  const current = migrations.length + 1;
  const fresh = (): T => ({ ...empty, schema: current }) as T;

  function read(raw: unknown): { value: T; aside?: Aside } {
    if (raw === undefined) return { value: fresh() };
    let record = raw as Record<string, unknown>;
    let from = record?.schema;
    try {
      // A newer widget wrote it (this page runs an older one): kept aside rather than misread.
      if (!Number.isInteger(from) || (from as number) < 1 || (from as number) > current) throw `schema version ${from}`;
      for (; (from as number) < current; from = (from as number) + 1) record = { ...migrations[(from as number) - 1]!(record), schema: (from as number) + 1 };
    } catch (error) {
      return { value: fresh(), aside: { reason: `${error}`, value: raw } };
    }
    const parsed = schema.safeParse(record);
    if (parsed.success) return { value: parsed.data as T };
    // Salvage: every field that still reads, and every readable item of a list
    // (`schema` reads as the current version: the migrations above made it so).
    const value = fresh() as Record<string, unknown>;
    for (const [name, field] of Object.entries(schema.shape)) {
      const item = (field as z.ZodMiniArray)._zod.def.element as z.ZodMiniType | undefined;
      const old = record[name];
      if (item) value[name] = Array.isArray(old) ? old.flatMap((x) => item.safeParse(x).data ?? []) : [];
      else value[name] = (field as z.ZodMiniType).safeParse(old).data ?? value[name];
    }
    return { value: value as T, aside: { reason: parsed.error.message, value: raw } };
  }

  async function change(fn: (record: T) => T): Promise<T> {
    try {
      for (let kept = false; ; kept = true) {
        let aside: Aside | undefined;
        let written!: T;
        await store.update(key, (raw) => {
          const result = read(raw);
          aside = result.aside;
          // Unreadable data stays as it was until a copy of it is kept aside (below); the next pass replaces it.
          return aside && !kept ? raw : (written = fn(result.value));
        });
        if (!aside || kept) return written;
        await store.update(asideKey(key), (old) => [...(Array.isArray(old) ? old : []), { at: new Date().toISOString(), ...aside }]);
        report('storage_corrupt');
      }
    } catch (error) {
      report('storage_unavailable');
      throw error;
    }
  }

  return { key, change, read: () => change((r) => r) };
}

/** One learner's record for one course: cached state, pending commands, outbox, set-aside events. */
export function learnerData(
  store: KeyValueStore,
  endpoint: string,
  course: string,
  claims: Pick<TokenClaims, 'iss' | 'sub'>,
  report: (code: StorageReport) => void,
  /** None yet: v1 is current (tests pass their own list to exercise the mechanism). */
  migrations: readonly Migration[] = [],
): RecordSlot<LearnerRecord> {
  const empty = { state: null, pending: [], outbox: [], setAside: [] };
  return slot(store, learnerRecordKey(endpoint, course, claims), LearnerRecord, empty, migrations, report);
}

/** What this browser keeps for an endpoint and course, whoever is signed in: a kept invite, the last learner. */
export function visitorData(
  store: KeyValueStore,
  endpoint: string,
  course: string,
  report: (code: StorageReport) => void,
  /** None yet, as for learner records. */
  migrations: readonly Migration[] = [],
): RecordSlot<VisitorRecord> {
  return slot(store, `visitor:${JSON.stringify([endpoint, course])}`, VisitorRecord, { invite: null, lastLearner: null }, migrations, report);
}

/* Changes to a learner record, for `change()`. */

/** Appends events. Each has a fresh id, and the endpoint stores an id once, so nothing here looks for repeats. */
export const enqueue =
  (events: readonly ClientEvent[]) =>
  (r: LearnerRecord): LearnerRecord => ({ ...r, outbox: [...r.outbox, ...events] });

/** Removes events the endpoint acknowledged. */
export const acknowledge =
  (events: readonly ClientEvent[]) =>
  (r: LearnerRecord): LearnerRecord => ({ ...r, outbox: r.outbox.filter((e) => !events.some((a) => a.id === e.id)) });

/** Moves refused events from the outbox to the set-aside list, each with the endpoint's reason. */
export const setAside =
  (refused: readonly Pick<SetAsideEvent, 'event' | 'code' | 'message'>[]) =>
  (r: LearnerRecord): LearnerRecord => ({
    ...acknowledge(refused.map((x) => x.event))(r),
    setAside: [
      ...r.setAside,
      ...refused.filter((x) => !r.setAside.some((s) => s.event.id === x.event.id)).map((x) => ({ ...x, at: new Date().toISOString() })),
    ],
  });
