import type { StoreTx } from './store.js';
import type { SqlTx } from './sql-tx.js';

/**
 * Group commit, for both stores (issue 5). A store runs its transactions one
 * at a time on one connection: two interleaved on it would see each other's
 * uncommitted writes. Those that queue up while others run are committed
 * together: one BEGIN … COMMIT holds the group, a transaction that fails is
 * rolled back alone and refused (see runOnce: savepoints), and each caller is
 * answered only after the COMMIT that holds its writes, so an answered
 * request is a durable one, for one disk flush per group instead of one per
 * request.
 *
 * PostgreSQL runs the group SERIALIZABLE: when another process's transactions
 * conflict with it (a serialization failure or a deadlock), the whole group
 * is rolled back and run again, each transaction from the start, and callers
 * learn only the outcome of the run that committed.
 */
export interface GroupConnection {
  /** `BEGIN IMMEDIATE` (SQLite) or `BEGIN ISOLATION LEVEL SERIALIZABLE` (PostgreSQL). */
  begin(): Promise<void>;
  exec(sql: string): Promise<void>;
  /** False once the database rolled the whole transaction back on its own (SQLite on disk full), or the connection is gone. */
  inTransaction(): boolean;
  /** A failure that running the group again may clear (another process's concurrent transaction). */
  retryable(err: unknown): boolean;
  /** Called after a group failed, before it is tried again or refused (a PostgreSQL connection may be replaced). */
  reset(): Promise<void>;
}

export interface GroupCommitOptions {
  /** A group takes at most this many transactions… */
  maxGroup?: number;
  /** …and waits for late arrivals at most this long before its COMMIT. */
  maxGroupMs?: number;
  /** Runs of one group before its callers are refused with the last failure. */
  maxAttempts?: number;
  /** The error a transaction queued after close() is refused with. */
  closedMessage: string;
  /** Told when a group is run again after a conflict (the log: it shows processes contending). */
  onRetry?: (attempt: number, error: unknown) => void;
  /** What callers are refused with, from what the group failed with (a lost database connection becomes a 503, say). */
  mapError?: (error: unknown) => unknown;
  /** TEST ONLY: keeps each group open this long before its COMMIT (see TANDEM_TEST_HOLD_BEFORE_COMMIT_MS). */
  holdBeforeCommitMs?: number;
}

/** A transaction of a group run without savepoints failed: the group is run again with them. */
class RunCarefully extends Error {
  constructor(override readonly cause: unknown) {
    super('a transaction of the group failed');
  }
}

interface Queued {
  work: (tx: StoreTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommitter {
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Transactions waiting or running: a store with several connections gives the next to the least busy. */
  load(): number;
  /** Waits for the queue to empty; later transactions are refused. */
  close(): Promise<void>;
}

export function createGroupCommitter(connection: () => Promise<GroupConnection>, sqlTx: SqlTx, options: GroupCommitOptions): GroupCommitter {
  const maxGroup = options.maxGroup ?? 64;
  const maxGroupMs = options.maxGroupMs ?? 10;
  const maxAttempts = options.maxAttempts ?? 20;
  const pending: Queued[] = [];
  /** Transactions of the group running now. */
  let running = 0;
  let draining: Promise<void> | null = null;
  let closed = false;
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function drain(): Promise<void> {
    try {
      while (pending.length > 0) {
        // Let the requests that arrived in the same turn of the event loop queue up first.
        await nextTurn();
        await runGroup();
      }
    } finally {
      draining = null;
    }
  }

  /**
   * Runs `taken` (and, on a first run, late arrivals it takes in) in one transaction; the outcomes once committed.
   * A group first runs without savepoints, a round trip fewer per transaction on PostgreSQL: most transactions
   * succeed. When one fails, the group is rolled back and run again `careful`ly, each transaction in a savepoint,
   * so that the one that fails is rolled back alone.
   */
  async function runOnce(conn: GroupConnection, taken: Queued[], takeMore: boolean, careful: boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const started = performance.now();
    await conn.begin();
    /** The last transaction succeeded and its savepoint is released together with the next one's start (one round trip). */
    let unreleased = false;
    for (let i = 0; ; i++) {
      let item = taken[i];
      if (item === undefined) {
        if (!takeMore || taken.length >= maxGroup) break;
        item = pending.shift();
        if (item === undefined) {
          // Requests that reach the queue while the group runs join it before its COMMIT.
          if (performance.now() - started >= maxGroupMs) break;
          await nextTurn();
          item = pending.shift();
          if (item === undefined) break;
        }
        taken.push(item);
        running = taken.length;
      }
      if (careful) await conn.exec(unreleased ? 'RELEASE tandem_tx; SAVEPOINT tandem_tx' : 'SAVEPOINT tandem_tx');
      sqlTx.begin();
      try {
        const value = await item.work(sqlTx.tx);
        sqlTx.settle();
        unreleased = careful;
        outcomes.push({ ok: true, value });
      } catch (error) {
        if (conn.retryable(error) || !conn.inTransaction()) throw error;
        if (!careful && outcomes.some((outcome) => outcome.ok)) throw new RunCarefully(error);
        // Rolled back alone: to its savepoint, or (nothing before it succeeded) with the whole transaction, begun again.
        await conn.exec(careful ? 'ROLLBACK TO tandem_tx; RELEASE tandem_tx' : 'ROLLBACK');
        if (!careful) await conn.begin();
        sqlTx.rollBack();
        unreleased = false;
        outcomes.push({ ok: false, error });
      }
    }
    // The stats of the group's events, in one batch; COMMIT also commits the last savepoint, released or not.
    await sqlTx.flush();
    if (options.holdBeforeCommitMs) await new Promise((resolve) => setTimeout(resolve, options.holdBeforeCommitMs));
    await conn.exec('COMMIT');
    return outcomes;
  }

  async function runGroup(): Promise<void> {
    if (closed) {
      for (const item of pending.splice(0)) item.reject(new Error(options.closedMessage));
      return;
    }
    const first = pending.shift();
    if (first === undefined) return;
    const taken: Queued[] = [first];
    running = 1;
    try {
      await runTaken(taken);
    } finally {
      running = 0;
    }
  }

  async function runTaken(taken: Queued[]): Promise<void> {
    let careful = false;
    for (let attempt = 1; ; attempt++) {
      let conn: GroupConnection | null = null;
      try {
        conn = await connection();
        const outcomes = await runOnce(conn, taken, attempt === 1, careful);
        outcomes.forEach((outcome, i) => (outcome.ok ? taken[i]!.resolve(outcome.value) : taken[i]!.reject(outcome.error)));
        return;
      } catch (error) {
        // Nothing of the group is stored.
        sqlTx.reset();
        if (conn?.inTransaction()) await conn.exec('ROLLBACK').catch(() => {});
        await conn?.reset();
        if (error instanceof RunCarefully && !careful) {
          careful = true;
          continue;
        }
        if (conn?.retryable(error) && attempt < maxAttempts) {
          options.onRetry?.(attempt + 1, error);
          // Let the other process's transaction finish first: a short random wait, longer after each conflict.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
          continue;
        }
        const refusal = options.mapError ? options.mapError(error) : error;
        for (const item of taken) item.reject(refusal);
        return;
      }
    }
  }

  return {
    transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error(options.closedMessage));
      return new Promise<T>((resolve, reject) => {
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
        draining ??= drain();
      });
    },
    load: () => pending.length + running,
    async close() {
      while (draining) await draining;
      closed = true;
    },
  };
}
