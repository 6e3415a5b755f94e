import { backoffDelay, parseRetryAfter } from '../../core/backoff.js';
import type { ServerConfig, WebhookConfig } from '../config.js';
import type { Store, WebhookDelivery } from '../store/store.js';
import { signWebhook, WEBHOOK_USER_AGENT } from './webhook-signature.js';

/*
 * Sends the notifications queued by `queueNotification` (notify.ts) to the
 * platform's webhook, and retries them with backoff.
 *
 * - Rows live in the store, so a delivery queued by a committed transaction
 *   survives a restart: the next process on the same data picks it up.
 * - Each attempt POSTs the stored body byte for byte, with a fresh timestamp
 *   and signature. 2xx: delivered. Anything else (another status, a redirect
 *   — never followed —, a network error, a timeout): attempts + 1, then retry
 *   after full-jitter backoff (or the receiver's Retry-After on 429 and 503,
 *   capped), or `failed` once attempts reaches maxAttempts.
 * - One send at a time per process, so never two sends of one delivery in a
 *   process. Before sending, a delivery is leased in the store (its
 *   nextAttemptAt pushed past the send's timeout) in a transaction that first
 *   checks it is still pending and due: a second process on the same data
 *   skips it, and if this process dies mid-send, the lease runs out and the
 *   next one retries it (at-least-once; receivers dedupe by id).
 * - Logs ids, types, statuses and HTTP codes only: bodies hold display names.
 * - Nothing here throws into the server: a bad receiver or a store error is
 *   logged and retried on the next poll.
 */

export interface WebhookDispatcher {
  /** Looks for due deliveries now (after a commit that queued one), instead of at the next poll. */
  kick(): void;
  /** Stops polling and waits for the send in flight, if any (at most the send timeout). Idempotent. */
  stop(): Promise<void>;
}

export interface WebhookDispatcherOptions {
  store: Store;
  /** The webhook is read at each send; null: nothing is sent (queued rows wait). */
  config: Pick<ServerConfig, 'webhook'>;
  /** The server's clock: due times, backoff and the signed timestamp. */
  now: () => Date;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** In [0, 1), for the backoff's jitter. Defaults to Math.random. */
  random?: () => number;
  /** One line per attempt: ids, types, statuses and HTTP codes, never bodies. */
  log?: (line: string) => void;
  /** How often the store is polled for due deliveries, in ms (default 1000). */
  pollMs?: number;
  /** How long one send may take, answer included, in ms (default 10 000). */
  timeoutMs?: number;
  /** Largest delay a Retry-After may ask for, in ms (default 1 hour). */
  maxRetryAfterMs?: number;
  /** Deliveries read per poll (default 20); the loop reads again until none is due. */
  batchSize?: number;
}

export const DEFAULT_WEBHOOK_POLL_MS = 1_000;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60 * 60_000;

/** The longest wait between two attempts: a receiver down for hours is retried hourly, not given up on after minutes. */
const MAX_RETRY_WAIT_MS = 60 * 60_000;

/** A lease outlives the send it covers by this much. */
const LEASE_MARGIN_MS = 5_000;

type Outcome = { ok: true; status: number } | { ok: false; error: string; retryAfterMs?: number | undefined };

/** Starts polling for due deliveries; returns the handle to kick and stop it. */
export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { store, config, now } = options;
  const send = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const pollMs = options.pollMs ?? DEFAULT_WEBHOOK_POLL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const batchSize = options.batchSize ?? 20;

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The running drain, if any: at most one, so at most one send in flight. */
  let running: Promise<void> | null = null;
  /** A kick arrived while draining: drain again at once when done. */
  let again = false;
  /** When (Date.now()) the soonest retry scheduled since the last wake is due, to wake for it before the next poll. */
  let wakeAt = Infinity;

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
      .catch((err: unknown) => log(`webhook: dispatcher error: ${errorName(err)}`))
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
      if (stopped || !config.webhook) return;
      const due = await store.transaction((tx) => tx.dueWebhooks(now().toISOString(), batchSize));
      if (due.length === 0) return;
      for (const delivery of due) {
        if (stopped) return;
        await attempt(delivery.id);
      }
      if (due.length < batchSize) return;
    }
  }

  /** Leases the delivery if it is still pending and due (another process may have sent it). */
  async function claim(id: string, leaseMs: number): Promise<WebhookDelivery | null> {
    return store.transaction(async (tx) => {
      const row = await tx.getWebhook(id);
      const at = now();
      if (!row || row.status !== 'pending' || row.nextAttemptAt > at.toISOString()) return null;
      const leasedUntil = new Date(at.getTime() + leaseMs).toISOString();
      await tx.updateWebhook(id, { ...patchOf(row), nextAttemptAt: leasedUntil });
      return row;
    });
  }

  async function attempt(id: string): Promise<void> {
    const webhook = config.webhook;
    if (!webhook) return;
    const row = await claim(id, timeoutMs + LEASE_MARGIN_MS);
    if (!row) return;
    const outcome = await post(webhook, row);
    const attempts = row.attempts + 1;
    const at = now();
    const label = `webhook ${row.id} ${row.type}`;

    if (outcome.ok) {
      await store.transaction((tx) =>
        tx.updateWebhook(row.id, { status: 'delivered', attempts, nextAttemptAt: at.toISOString(), lastError: null, finishedAt: at.toISOString() }),
      );
      log(`${label} delivered (HTTP ${outcome.status}, attempt ${attempts})`);
      return;
    }

    if (attempts >= webhook.maxAttempts) {
      await store.transaction((tx) =>
        tx.updateWebhook(row.id, { status: 'failed', attempts, nextAttemptAt: at.toISOString(), lastError: outcome.error, finishedAt: at.toISOString() }),
      );
      log(`${label} failed for good after ${attempts} attempts (${outcome.error})`);
      return;
    }

    const delay = retryDelay(webhook, attempts, outcome.retryAfterMs);
    await store.transaction((tx) =>
      tx.updateWebhook(row.id, {
        status: 'pending',
        attempts,
        nextAttemptAt: new Date(at.getTime() + delay).toISOString(),
        lastError: outcome.error,
        finishedAt: null,
      }),
    );
    wakeAt = Math.min(wakeAt, Date.now() + delay);
    log(`${label} attempt ${attempts}/${webhook.maxAttempts} failed (${outcome.error}), retry in ${delay} ms`);
  }

  function retryDelay(webhook: WebhookConfig, attempts: number, retryAfterMs: number | undefined): number {
    const floor = Math.max(1, Math.ceil(webhook.retryBaseMs / 10));
    if (retryAfterMs !== undefined) return Math.min(maxRetryAfterMs, Math.max(floor, retryAfterMs));
    const policy = { baseMs: webhook.retryBaseMs, maxMs: Math.max(MAX_RETRY_WAIT_MS, webhook.retryBaseMs) };
    // The first retry (attempts = 1) waits at most retryBaseMs, the next twice that, and so on.
    return Math.max(floor, backoffDelay(attempts - 1, random(), policy));
  }

  async function post(webhook: WebhookConfig, row: WebhookDelivery): Promise<Outcome> {
    const timestamp = Math.floor(now().getTime() / 1000);
    let response: Response;
    try {
      response = await send(webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Tandem-Webhook-Id': row.id,
          'Tandem-Webhook-Timestamp': String(timestamp),
          'Tandem-Signature': signWebhook(webhook.secret, timestamp, row.body),
          'User-Agent': WEBHOOK_USER_AGENT,
        },
        body: row.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return { ok: false, error: isTimeout(err) ? `timeout after ${timeoutMs} ms` : `network error (${errorName(err)})` };
    }
    // The answer's body is the receiver's business: never read, never logged.
    response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const error = response.status >= 300 && response.status < 400 ? `HTTP ${response.status} (redirects are not followed)` : `HTTP ${response.status}`;
    const retryAfterMs =
      response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers.get('retry-after'), now().getTime()) : undefined;
    return { ok: false, error, retryAfterMs };
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

function patchOf(row: WebhookDelivery): Pick<WebhookDelivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'finishedAt'> {
  return { status: row.status, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, lastError: row.lastError, finishedAt: row.finishedAt };
}

function isTimeout(err: unknown): boolean {
  const named = (value: unknown) => typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'TimeoutError';
  return named(err) || (typeof err === 'object' && err !== null && named((err as { cause?: unknown }).cause));
}

/** A short, safe name for an error: its code (ECONNREFUSED…) or class, never a message that might quote a URL. */
function errorName(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; name?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (err && typeof (err as { code?: unknown }).code === 'string') return (err as { code: string }).code;
  if (cause && typeof cause.name === 'string' && cause.name !== 'Error') return cause.name;
  return err instanceof Error ? err.name : 'unknown';
}
