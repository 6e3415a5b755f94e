import { backoffDelay } from '../../core/backoff.js';
import type { OutboxPatch, OutboxRecord, Store, StoreTx } from '../store/store.js';
import { errorName, sendAttempt, type OutboxRequest } from './http-attempt.js';

/*
 * Sends the rows of one outbox — webhook deliveries (src/server/webhooks/),
 * xAPI statements (src/server/xapi/) — and retries them with backoff. What
 * differs between the two is their `OutboxKind`; the rest is here:
 *
 * - Rows live in the store, so a row queued by a committed transaction
 *   survives a restart: the next process on the same data sends it.
 * - Each attempt sends the stored body byte for byte (http-attempt.ts). 2xx:
 *   delivered. A status the kind calls final (xAPI's 409): failed at once with
 *   its reason. Anything else: attempts + 1, then retry after full-jitter
 *   backoff (or the receiver's Retry-After on 429 and 503, capped), or `failed`
 *   once attempts reaches the kind's maxAttempts.
 * - One send at a time per process, so never two sends of one row in a
 *   process. Before sending, a row is leased in the store (its nextAttemptAt
 *   pushed past the send's timeout) in a transaction that first checks it is
 *   still pending and due: a second process on the same data skips it, and if
 *   this process dies mid-send, the lease runs out and the next one resends it
 *   (at-least-once: receivers dedupe by id).
 * - A kind may pause after an attempt that will be retried (the LRS): no other
 *   row is tried before that retry is due.
 * - Logs ids, types, attempts and HTTP codes only, each line starting with the
 *   kind's name: bodies hold display names, URLs and headers credentials.
 * - Nothing here throws into the server: a bad receiver or a store error is
 *   logged and retried on the next poll.
 */

export interface OutboxDispatcher {
  /** Looks for due rows now (after a commit that queued one), instead of at the next poll. */
  kick(): void;
  /** Stops polling and waits for the send in flight, if any (at most the send timeout). Idempotent. */
  stop(): Promise<void>;
}

/** What the retries need of a receiver's configuration. */
export interface RetryConfig {
  maxAttempts: number;
  retryBaseMs: number;
}

/** What one kind of outbox brings: its receiver, its table, its request and its own rules. */
export interface OutboxKind<R extends OutboxRecord, C extends RetryConfig> {
  /** The first word of every log line: `webhook`, `xapi`. */
  name: string;
  /** The receiver, read at each send (the configuration may change); null: nothing is sent, queued rows wait. */
  receiver(): C | null;
  /** Pending rows due at `now`, in the order they are sent. */
  due(tx: StoreTx, now: string, limit: number): Promise<R[]>;
  get(tx: StoreTx, id: string): Promise<R | null>;
  update(tx: StoreTx, id: string, patch: OutboxPatch): Promise<void>;
  /** What the row is about, for the log (its type): never its body. */
  about(row: R): string;
  /** The request of one attempt, made just before it is sent (a signature's timestamp is the send's). */
  request(receiver: C, row: R): OutboxRequest;
  /** Statuses that fail a row at once, with the reason: resending would get the same answer. */
  finalStatuses?: Readonly<Record<number, string>>;
  /**
   * After an attempt that will be retried (down, busy, timing out), leave the
   * receiver alone until that retry: a dead receiver then costs one attempt per
   * backoff step rather than a timeout per queued row.
   */
  pauseAfterRetry: boolean;
  /** The timings when the options give none. */
  defaults: { pollMs: number; timeoutMs: number; maxRetryAfterMs: number };
}

export interface OutboxDispatcherOptions {
  store: Store;
  /** The server's clock: due times, backoff and a signed timestamp. */
  now: () => Date;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** In [0, 1), for the backoff's jitter. Defaults to Math.random. */
  random?: () => number;
  /** One line per attempt: ids, types and HTTP codes, never bodies, URLs or credentials. */
  log?: (line: string) => void;
  /** How often the store is polled for due rows, in ms (the kind's default: 1000). */
  pollMs?: number;
  /** How long one send may take, answer included, in ms (the kind's default: 10 000). */
  timeoutMs?: number;
  /** Largest delay a Retry-After may ask for, in ms (the kind's default: 1 hour). */
  maxRetryAfterMs?: number;
  /** Rows read per poll (default 20); the loop reads again until none is due. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 20;

/** The longest wait between two attempts: a receiver down for hours is retried hourly, not given up on after minutes. */
const MAX_RETRY_WAIT_MS = 60 * 60_000;

/** A lease outlives the send it covers by this much. */
const LEASE_MARGIN_MS = 5_000;

/** Starts polling the kind's outbox for due rows; returns the handle to kick and stop it. */
export function startOutboxDispatcher<R extends OutboxRecord, C extends RetryConfig>(
  kind: OutboxKind<R, C>,
  options: OutboxDispatcherOptions,
): OutboxDispatcher {
  const { store, now } = options;
  const send = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const pollMs = options.pollMs ?? kind.defaults.pollMs;
  const timeoutMs = options.timeoutMs ?? kind.defaults.timeoutMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? kind.defaults.maxRetryAfterMs;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The running drain, if any: at most one, so at most one send in flight. */
  let running: Promise<void> | null = null;
  /** A kick arrived while draining: drain again at once when done. */
  let again = false;
  /** When (Date.now()) the soonest retry scheduled since the last wake is due, to wake for it before the next poll. */
  let wakeAt = Infinity;
  /** Until when (Date.now()) the receiver is left alone, for a kind that pauses after a retryable failure. */
  let pausedUntil = 0;

  function schedule(ms: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      kick();
    }, Math.max(0, ms));
    // Never the reason the process stays up.
    timer.unref?.();
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = drain()
      .catch((err: unknown) => log(`${kind.name}: dispatcher error: ${errorName(err)}`))
      .finally(() => {
        running = null;
        if (stopped) return;
        if (again) return kick();
        schedule(Math.min(pollMs, wakeAt - Date.now()));
        wakeAt = Infinity;
      });
  }

  async function drain(): Promise<void> {
    for (;;) {
      if (stopped || !kind.receiver() || Date.now() < pausedUntil) return;
      const due = await store.transaction((tx) => kind.due(tx, now().toISOString(), batchSize));
      if (due.length === 0) return;
      for (const row of due) {
        if (stopped) return;
        const retryInMs = await attempt(row.id);
        if (retryInMs !== null && kind.pauseAfterRetry) {
          pausedUntil = Date.now() + retryInMs;
          return;
        }
      }
      if (due.length < batchSize) return;
    }
  }

  /** Leases the row if it is still pending and due (another process may have sent it). */
  async function claim(id: string, leaseMs: number): Promise<R | null> {
    return store.transaction(async (tx) => {
      const row = await kind.get(tx, id);
      const at = now();
      if (!row || row.status !== 'pending' || row.nextAttemptAt > at.toISOString()) return null;
      const leasedUntil = new Date(at.getTime() + leaseMs).toISOString();
      await kind.update(tx, id, { ...patchOf(row), nextAttemptAt: leasedUntil });
      return row;
    });
  }

  async function finish(id: string, patch: OutboxPatch): Promise<void> {
    await store.transaction((tx) => kind.update(tx, id, patch));
  }

  /** Sends one row; resolves the delay before its retry when it will be retried, else null. */
  async function attempt(id: string): Promise<number | null> {
    const receiver = kind.receiver();
    if (!receiver) return null;
    const row = await claim(id, timeoutMs + LEASE_MARGIN_MS);
    if (!row) return null;
    const outcome = await sendAttempt(send, kind.request(receiver, row), { timeoutMs, now, finalStatuses: kind.finalStatuses });
    const attempts = row.attempts + 1;
    const at = now();
    const finishedAt = at.toISOString();
    const label = `${kind.name} ${row.id} ${kind.about(row)}`;

    if (outcome.kind === 'delivered') {
      await finish(row.id, { status: 'delivered', attempts, nextAttemptAt: finishedAt, lastError: null, finishedAt });
      log(`${label} delivered (HTTP ${outcome.status}, attempt ${attempts})`);
      return null;
    }
    if (outcome.kind === 'final') {
      await finish(row.id, { status: 'failed', attempts, nextAttemptAt: finishedAt, lastError: outcome.error, finishedAt });
      log(`${label} failed: ${outcome.error}`);
      return null;
    }
    if (attempts >= receiver.maxAttempts) {
      await finish(row.id, { status: 'failed', attempts, nextAttemptAt: finishedAt, lastError: outcome.error, finishedAt });
      log(`${label} failed for good after ${attempts} attempts (${outcome.error})`);
      return null;
    }
    const delay = retryDelay(receiver, attempts, outcome.retryAfterMs);
    await finish(row.id, {
      status: 'pending',
      attempts,
      nextAttemptAt: new Date(at.getTime() + delay).toISOString(),
      lastError: outcome.error,
      finishedAt: null,
    });
    wakeAt = Math.min(wakeAt, Date.now() + delay);
    log(`${label} attempt ${attempts}/${receiver.maxAttempts} failed (${outcome.error}), retry in ${delay} ms`);
    return delay;
  }

  function retryDelay(receiver: C, attempts: number, retryAfterMs: number | undefined): number {
    const floor = Math.max(1, Math.ceil(receiver.retryBaseMs / 10));
    if (retryAfterMs !== undefined) return Math.min(maxRetryAfterMs, Math.max(floor, retryAfterMs));
    const policy = { baseMs: receiver.retryBaseMs, maxMs: Math.max(MAX_RETRY_WAIT_MS, receiver.retryBaseMs) };
    // The first retry (attempts = 1) waits at most retryBaseMs, the next twice that, and so on.
    return Math.max(floor, backoffDelay(attempts - 1, random(), policy));
  }

  kick();

  return {
    kick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      while (running) await running;
    },
  };
}

function patchOf(row: OutboxRecord): OutboxPatch {
  return { status: row.status, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, lastError: row.lastError, finishedAt: row.finishedAt };
}
