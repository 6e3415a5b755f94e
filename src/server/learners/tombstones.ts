import { createHmac } from 'node:crypto';
import type { Store } from '../store/store.js';

/**
 * Tombstones of erased learners: a keyed hash of the id (an HMAC under the
 * server's secret: the ids platforms use are easy to guess, and a plain hash
 * of a guessed id would say whether they were erased) and when. Kept in the
 * store, and in memory for the checks every token, event and progress report
 * goes through: a token issued before a learner's erasure no longer opens
 * anything (an open tab cannot put back their name or queued commands). With
 * several server processes, an erasure reaches the others' memory at their
 * next reload (TOMBSTONE_RELOAD_MS); events and reports dated before it are
 * checked against the store in the transaction that would store them
 * (StoreTx.knownEvents), so no process stores them again.
 */
export function tombstoneKey(learner: string, secret: string): string {
  return createHmac('sha256', secret).update(`tandem-erasure:${learner}`, 'utf8').digest('hex');
}

/** How often each server process reads the tombstones again, for erasures other processes made. */
export const TOMBSTONE_RELOAD_MS = 2000;

/**
 * A reload reads only the erasures made since the latest one it knows, less
 * this margin: another process's clock may run behind, or its erasure may
 * commit a moment after it was dated. Every TOMBSTONE_FULL_RELOAD_MS, a
 * reload reads them all again, for what the margin did not cover (a clock
 * further off).
 */
export const TOMBSTONE_MARGIN_MS = 60_000;
export const TOMBSTONE_FULL_RELOAD_MS = 5 * 60_000;

export interface Tombstones {
  /** Reads the stored tombstones (at start, then every few seconds: other server processes erase too). */
  load(store: Store): Promise<void>;
  key(learner: string): string;
  /** When the learner was last erased (epoch ms), or null. */
  erasedAtMs(learner: string): number | null;
  /** Notes an erasure this process made. */
  record(learner: string, at: string): void;
}

/** Learners whose keys a process keeps at most, not to compute an HMAC again for each of their requests. */
const KEYS_KEPT = 50_000;

/** `wallClock` times the full reloads (Date.now by default); `keysKept` bounds the learners' keys kept. */
export function createTombstones(secret: string, keysKept = KEYS_KEPT, wallClock: () => number = Date.now): Tombstones {
  const erased = new Map<string, number>();
  /** The latest erasure read from the store (epoch ms), and when (wallClock) the last full read was. */
  let latestMs = -Infinity;
  let fullAt = -Infinity;
  const keys = new Map<string, string>();
  const key = (learner: string) => {
    let k = keys.get(learner);
    if (k === undefined) {
      if (keys.size >= keysKept) keys.clear();
      k = tombstoneKey(learner, secret);
      keys.set(learner, k);
    }
    return k;
  };
  return {
    async load(store) {
      // Tombstones are never removed, and a learner erased again keeps the later time: merged, so that an erasure
      // this process records while a reload runs is not lost.
      const startedAt = wallClock();
      const full = latestMs === -Infinity || startedAt - fullAt >= TOMBSTONE_FULL_RELOAD_MS;
      const since = full ? undefined : new Date(latestMs - TOMBSTONE_MARGIN_MS).toISOString();
      for (const t of await store.transaction((tx) => tx.tombstones(since))) {
        const at = Date.parse(t.at);
        erased.set(t.key, Math.max(at, erased.get(t.key) ?? -Infinity));
        latestMs = Math.max(latestMs, at);
      }
      if (full) fullAt = startedAt;
    },
    key,
    erasedAtMs: (learner) => erased.get(key(learner)) ?? null,
    record(learner, at) {
      erased.set(key(learner), Date.parse(at));
    },
  };
}
