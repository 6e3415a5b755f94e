import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.js';

/**
 * Tombstones of erased learners: a keyed hash of the id (an HMAC under the
 * server's secret: the ids platforms use are easy to guess, and a plain hash
 * of a guessed id would say whether they were erased) and when. Kept in the
 * store, and in memory for the checks every token, event and progress report
 * goes through: a token issued before a learner's erasure no longer opens
 * anything (an open tab cannot put back their name or queued commands), and
 * events and reports dated before it are not stored again.
 */
export function tombstoneKey(learner: string, secret: string): string {
  return createHmac('sha256', secret).update(`tandem-erasure:${learner}`, 'utf8').digest('hex');
}

export interface Tombstones {
  /** Reads the stored tombstones (at start). */
  load(store: Store): Promise<void>;
  key(learner: string): string;
  /** When the learner was last erased (epoch ms), or null. */
  erasedAtMs(learner: string): number | null;
  /** Notes an erasure this process made. */
  record(learner: string, at: string): void;
}

export function createTombstones(secret: string): Tombstones {
  const erased = new Map<string, number>();
  const key = (learner: string) => tombstoneKey(learner, secret);
  return {
    async load(store) {
      for (const t of await store.transaction((tx) => tx.tombstones())) erased.set(t.key, Date.parse(t.at));
    },
    key,
    erasedAtMs: (learner) => erased.get(key(learner)) ?? null,
    record(learner, at) {
      erased.set(key(learner), Date.parse(at));
    },
  };
}
