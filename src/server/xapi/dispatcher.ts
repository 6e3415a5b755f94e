import { backoffDelay, parseRetryAfter } from '../../core/backoff.js';
import { XAPI_VERSION } from '../../core/xapi-statements.js';
import type { ServerConfig, XapiConfig } from '../config.js';
import type { Store, XapiStatementPatch, XapiStatementRecord } from '../store/store.js';

/*
 * Sends the statements queued by `queueStatement` (queue.ts) to the Learning
 * Record Store, and retries them with backoff. The same pattern as the webhook
 * dispatcher (src/server/webhooks/dispatcher.ts):
 *
 * - Rows live in the store, so a statement queued by a committed transaction
 *   survives a restart: the next process on the same data sends it.
 * - Each attempt is `PUT {url}/statements?statementId={id}` with the stored
 *   JSON byte for byte, `X-Experience-API-Version: 1.0.3` and the configured
 *   Authorization. A 2xx (the specification's 204) delivers it. A 409 — the LRS
 *   holds another statement under this id — will never change by resending:
 *   the row is marked failed at once with that reason. Anything else (another
 *   status, a redirect — never followed —, a network error, a timeout):
 *   attempts + 1, then retry after full-jitter backoff (or the LRS's
 *   Retry-After on 429 and 503, capped), or `failed` once attempts reaches
 *   maxAttempts.
 * - One send at a time per process. Before sending, a statement is leased in
 *   the store (nextAttemptAt pushed past the send's timeout) in a transaction
 *   that first checks it is still pending and due: a second process skips it,
 *   and if this process dies mid-send the lease runs out and the next one
 *   resends it (the LRS answers 204 to the same statement under the same id).
 * - Logs statement ids, event types, attempts and HTTP codes only: never the
 *   LRS's URL, credentials, or a body.
 * - Nothing here throws into the server: a bad LRS or a store error is logged
 *   and retried on the next poll.
 */

export interface XapiDispatcher {
  /** Looks for due statements now (after a commit that queued one), instead of at the next poll. */
  kick(): void;
  /** Stops polling and waits for the send in flight, if any (at most the send timeout). Idempotent. */
  stop(): Promise<void>;
}

export interface XapiDispatcherOptions {
  store: Store;
  /** Read at each send; null or absent: nothing is sent (queued rows wait). */
  config: Pick<ServerConfig, 'xapi'>;
  /** The server's clock: due times and backoff. */
  now: () => Date;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** In [0, 1), for the backoff's jitter. Defaults to Math.random. */
  random?: () => number;
  /** One line per attempt: ids, event types and HTTP codes, never bodies, URLs or credentials. */
  log?: (line: string) => void;
  /** How often the store is polled for due statements, in ms (default 1000). */
  pollMs?: number;
  /** How long one send may take, answer included, in ms (default 10 000). */
  timeoutMs?: number;
  /** Largest delay a Retry-After may ask for, in ms (default 1 hour). */
  maxRetryAfterMs?: number;
  /** Statements read per poll (default 20); the loop reads again until none is due. */
  batchSize?: number;
}

export const DEFAULT_XAPI_POLL_MS = 1_000;
export const DEFAULT_XAPI_TIMEOUT_MS = 10_000;
export const DEFAULT_XAPI_MAX_RETRY_AFTER_MS = 60 * 60_000;
export const XAPI_USER_AGENT = 'Tandem-xAPI/1';

/** The longest wait between two attempts: an LRS down for hours is retried hourly. */
const MAX_RETRY_WAIT_MS = 60 * 60_000;

/** A lease outlives the send it covers by this much. */
const LEASE_MARGIN_MS = 5_000;

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'conflict'; error: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number | undefined };

/** The statement resource of one statement id. */
export function statementUrl(xapi: Pick<XapiConfig, 'url'>, id: string): string {
  return `${xapi.url}/statements?statementId=${encodeURIComponent(id)}`;
}

/** Starts polling for due statements; returns the handle to kick and stop it. */
export function startXapiDispatcher(options: XapiDispatcherOptions): XapiDispatcher {
  const { store, config, now } = options;
  const send = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const pollMs = options.pollMs ?? DEFAULT_XAPI_POLL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_XAPI_TIMEOUT_MS;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_XAPI_MAX_RETRY_AFTER_MS;
  const batchSize = options.batchSize ?? 20;

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The running drain, if any: at most one, so at most one send in flight. */
  let running: Promise<void> | null = null;
  /** A kick arrived while draining: drain again at once when done. */
  let again = false;
  /** When (Date.now()) the soonest retry scheduled since the last wake is due. */
  let wakeAt = Infinity;
  /**
   * Until when (Date.now()) the LRS is left alone: after an attempt that will
   * be retried (down, busy, timing out), no other statement is tried before
   * that one's retry, so a dead LRS costs one attempt per backoff step rather
   * than a timeout per queued statement.
   */
  let pausedUntil = 0;

  function schedule(ms: number): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      kick();
    }, Math.max(0, ms));
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
      .catch((err: unknown) => log(`xapi: dispatcher error: ${errorName(err)}`))
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
      if (stopped || !config.xapi || Date.now() < pausedUntil) return;
      const due = await store.transaction((tx) => tx.dueXapiStatements(now().toISOString(), batchSize));
      if (due.length === 0) return;
      for (const row of due) {
        if (stopped) return;
        const retryInMs = await attempt(row.id);
        if (retryInMs !== null) {
          pausedUntil = Date.now() + retryInMs;
          return;
        }
      }
      if (due.length < batchSize) return;
    }
  }

  /** Leases the statement if it is still pending and due (another process may have sent it). */
  async function claim(id: string, leaseMs: number): Promise<XapiStatementRecord | null> {
    return store.transaction(async (tx) => {
      const row = await tx.getXapiStatement(id);
      const at = now();
      if (!row || row.status !== 'pending' || row.nextAttemptAt > at.toISOString()) return null;
      const leasedUntil = new Date(at.getTime() + leaseMs).toISOString();
      await tx.updateXapiStatement(id, { ...patchOf(row), nextAttemptAt: leasedUntil });
      return row;
    });
  }

  async function finish(id: string, patch: XapiStatementPatch): Promise<void> {
    await store.transaction((tx) => tx.updateXapiStatement(id, patch));
  }

  /** Sends one statement; resolves the delay before its retry when it will be retried, else null. */
  async function attempt(id: string): Promise<number | null> {
    const xapi = config.xapi;
    if (!xapi) return null;
    const row = await claim(id, timeoutMs + LEASE_MARGIN_MS);
    if (!row) return null;
    const outcome = await put(xapi, row);
    const attempts = row.attempts + 1;
    const at = now().toISOString();
    const label = `xapi ${row.id} ${row.eventType}`;

    if (outcome.kind === 'delivered') {
      await finish(row.id, { status: 'delivered', attempts, nextAttemptAt: at, lastError: null, finishedAt: at });
      log(`${label} delivered (HTTP ${outcome.status}, attempt ${attempts})`);
      return null;
    }
    if (outcome.kind === 'conflict') {
      await finish(row.id, { status: 'failed', attempts, nextAttemptAt: at, lastError: outcome.error, finishedAt: at });
      log(`${label} failed: ${outcome.error}`);
      return null;
    }
    if (attempts >= xapi.maxAttempts) {
      await finish(row.id, { status: 'failed', attempts, nextAttemptAt: at, lastError: outcome.error, finishedAt: at });
      log(`${label} failed for good after ${attempts} attempts (${outcome.error})`);
      return null;
    }
    const delay = retryDelay(xapi, attempts, outcome.retryAfterMs);
    await finish(row.id, {
      status: 'pending',
      attempts,
      nextAttemptAt: new Date(now().getTime() + delay).toISOString(),
      lastError: outcome.error,
      finishedAt: null,
    });
    wakeAt = Math.min(wakeAt, Date.now() + delay);
    log(`${label} attempt ${attempts}/${xapi.maxAttempts} failed (${outcome.error}), retry in ${delay} ms`);
    return delay;
  }

  function retryDelay(xapi: XapiConfig, attempts: number, retryAfterMs: number | undefined): number {
    const floor = Math.max(1, Math.ceil(xapi.retryBaseMs / 10));
    if (retryAfterMs !== undefined) return Math.min(maxRetryAfterMs, Math.max(floor, retryAfterMs));
    const policy = { baseMs: xapi.retryBaseMs, maxMs: Math.max(MAX_RETRY_WAIT_MS, xapi.retryBaseMs) };
    // The first retry (attempts = 1) waits at most retryBaseMs, the next twice that, and so on.
    return Math.max(floor, backoffDelay(attempts - 1, random(), policy));
  }

  async function put(xapi: XapiConfig, row: XapiStatementRecord): Promise<Outcome> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Experience-API-Version': XAPI_VERSION,
      'User-Agent': XAPI_USER_AGENT,
    };
    if (xapi.auth) headers.Authorization = xapi.auth;
    let response: Response;
    try {
      response = await send(statementUrl(xapi, row.id), {
        method: 'PUT',
        headers,
        body: row.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return { kind: 'retry', error: isTimeout(err) ? `timeout after ${timeoutMs} ms` : `network error (${errorName(err)})` };
    }
    // The LRS's answer body is never read nor logged.
    response.body?.cancel().catch(() => {});
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    if (status === 409) return { kind: 'conflict', error: 'HTTP 409 (the LRS holds another statement with this id)' };
    const error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), now().getTime()) : undefined;
    return { kind: 'retry', error, retryAfterMs };
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

function patchOf(row: XapiStatementRecord): XapiStatementPatch {
  return { status: row.status, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, lastError: row.lastError, finishedAt: row.finishedAt };
}

function isTimeout(err: unknown): boolean {
  const named = (value: unknown) => typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'TimeoutError';
  return named(err) || (typeof err === 'object' && err !== null && named((err as { cause?: unknown }).cause));
}

/** A short, safe name for an error: its code (ECONNREFUSED…) or class, never a message that might quote the URL. */
function errorName(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; name?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (err && typeof (err as { code?: unknown }).code === 'string') return (err as { code: string }).code;
  if (cause && typeof cause.name === 'string' && cause.name !== 'Error') return cause.name;
  return err instanceof Error ? err.name : 'unknown';
}
