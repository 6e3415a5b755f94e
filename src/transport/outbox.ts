import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../core/backoff.js';
import { isExpired, readTokenClaims, type TokenClaims } from '../core/token-claims.js';
import type { ErrorCode } from '../protocol/api.js';
import type { ClientEvent } from '../protocol/events.js';
import { learnerRecordKey, type LearnerData } from '../storage/learner-data.js';
import type { ApiClient } from './api-client.js';
import { browserTimers, type Timers } from './timers.js';
import type { TokenSource } from './token-source.js';

/**
 * The persistent queue of one learner's client events for one course.
 *
 * At-least-once without loss: an event leaves storage only when the endpoint
 * acknowledged it or refused it (then it is set aside, counted and reported).
 * Exactly-once is the endpoint's job: it stores an id once, so resending after
 * a lost answer, from a beacon or from another tab is harmless.
 */

/** Events per request; the endpoint accepts up to 100, smaller batches keep a beacon well under its quota. */
export const OUTBOX_BATCH_SIZE = 50;

export interface OutboxSetAside {
  count: number;
  code: ErrorCode;
  message: string;
}

export interface OutboxStatus {
  /** False after a network failure, true after any answer. */
  reachable: boolean;
  /** What went wrong on the last attempt, null after a success. */
  problem: { code: ErrorCode | 'network' | 'bad_reply' | 'token_unavailable'; detail: string } | null;
}

/** The page events the final flush listens to. */
export interface PageLifecycle {
  target: EventTarget;
  visibility(): DocumentVisibilityState;
}

export interface OutboxOptions {
  data: LearnerData;
  /** Whose queue this is: its items are sent only with a token naming this learner. */
  endpoint: string;
  course: string;
  claims: Pick<TokenClaims, 'iss' | 'sub'>;
  api: ApiClient;
  tokens: TokenSource;
  policy?: BackoffPolicy;
  random?: () => number;
  timers?: Timers;
  now?: () => number;
  /** Web Locks; null when the browser has none (then this tab flushes without asking). */
  locks?: LockManager | null;
  page?: PageLifecycle | null;
  onSetAside?: (report: OutboxSetAside) => void;
  onStatus?: (status: OutboxStatus) => void;
  /** After every change of the stored queue: how many wait, how many were set aside. */
  onQueue?: (queued: number, setAside: number) => void;
}

export class Outbox {
  readonly #o: OutboxOptions;
  readonly #lockName: string;
  readonly #timers: Timers;
  #attempt = 0;
  #timer: unknown = null;
  #running: Promise<void> | null = null;
  #again = false;
  #disposed = false;
  /** The queue as last read, and the last token used, so page hide can beacon synchronously. */
  #mirror: readonly ClientEvent[] = [];
  #lastToken: string | null = null;
  readonly #onPageHide = (): void => this.beacon();
  readonly #onVisibility = (): void => {
    if (this.#o.page?.visibility() === 'hidden') this.beacon();
  };

  constructor(options: OutboxOptions) {
    this.#o = options;
    this.#timers = options.timers ?? browserTimers;
    this.#lockName = `tandem-outbox:${options.data.key}`;
    options.page?.target.addEventListener('pagehide', this.#onPageHide);
    options.page?.target.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** Stores the events, then tries to send them. Resolves once they are stored (not sent). */
  async enqueue(events: readonly ClientEvent[]): Promise<void> {
    const record = await this.#o.data.enqueue(events);
    this.#remember(record.outbox, record.setAside.length);
    void this.flush();
  }

  /**
   * Sends what is queued, unless another tab is already doing it. Resolves when
   * this attempt ends (sent, set aside, or waiting for a scheduled retry).
   */
  flush(): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    if (this.#running) {
      // Something was queued during a flush: go round once more after it.
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#underLock();
        } while (this.#again && !this.#disposed);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  /** The final flush on page hide: one beacon per batch, with the token last used for this learner. */
  beacon(): void {
    const token = this.#lastToken;
    if (this.#disposed || !token || this.#mirror.length === 0) return;
    const claims = readTokenClaims(token);
    const now = (this.#o.now ?? Date.now)();
    if (!claims || isExpired(claims, now, 0) || !this.#owns(claims)) return;
    for (let i = 0; i < this.#mirror.length; i += OUTBOX_BATCH_SIZE) {
      // Events stay stored: a beacon's delivery is unknown, and the endpoint dedupes the resend.
      if (!this.#o.api.beacon(this.#mirror.slice(i, i + OUTBOX_BATCH_SIZE), token)) break;
    }
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== null) this.#timers.clear(this.#timer);
    this.#timer = null;
    this.#o.page?.target.removeEventListener('pagehide', this.#onPageHide);
    this.#o.page?.target.removeEventListener('visibilitychange', this.#onVisibility);
  }

  async #underLock(): Promise<void> {
    const locks = this.#o.locks === undefined ? globalThis.navigator?.locks : this.#o.locks;
    if (!locks) return this.#drain();
    const held = await locks.request(this.#lockName, { ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await this.#drain();
      return true;
    });
    // Another tab is flushing this queue; look again later in case it finished before our events were stored.
    if (!held) this.#retry(undefined);
  }

  #owns(claims: Pick<TokenClaims, 'iss' | 'sub'>): boolean {
    return learnerRecordKey(this.#o.endpoint, this.#o.course, claims) === this.#o.data.key;
  }

  #remember(outbox: readonly ClientEvent[], setAside: number): void {
    this.#mirror = outbox;
    this.#o.onQueue?.(outbox.length, setAside);
  }

  #retry(afterMs: number | undefined): void {
    if (this.#disposed) return;
    const delay = afterMs ?? backoffDelay(this.#attempt, (this.#o.random ?? Math.random)(), this.#o.policy ?? DEFAULT_BACKOFF);
    this.#attempt++;
    if (this.#timer !== null) this.#timers.clear(this.#timer);
    this.#timer = this.#timers.set(() => {
      this.#timer = null;
      void this.flush();
    }, delay);
  }

  async #drain(): Promise<void> {
    let refreshedFor: string | null = null;
    while (!this.#disposed) {
      const record = await this.#o.data.read();
      this.#remember(record.outbox, record.setAside.length);
      const batch = record.outbox.slice(0, OUTBOX_BATCH_SIZE);
      if (batch.length === 0) {
        this.#attempt = 0;
        return;
      }
      const token = await this.#o.tokens.current();
      if (token.kind !== 'token') {
        // Signed out: the items wait for their learner to come back (a token change restarts the flush).
        if (token.kind === 'unavailable') {
          this.#o.onStatus?.({ reachable: !token.network, problem: { code: 'token_unavailable', detail: token.detail } });
          this.#retry(undefined);
        }
        return;
      }
      // Never send one learner's queue with another learner's token.
      if (!this.#owns(token.claims)) return;
      this.#lastToken = token.token;

      const result = await this.#o.api.events(batch, token.token);
      if (result.ok) {
        this.#attempt = 0;
        refreshedFor = null;
        this.#o.onStatus?.({ reachable: true, problem: null });
        const after = await this.#o.data.acknowledge(batch.map((e) => e.id));
        this.#remember(after.outbox, after.setAside.length);
        continue;
      }
      if (result.kind === 'network') {
        this.#o.onStatus?.({ reachable: false, problem: { code: 'network', detail: result.detail } });
        return this.#retry(undefined);
      }
      if (result.kind === 'bad_reply') {
        // The endpoint answered something unreadable: maybe stored, maybe not. Resend later; ids make it safe.
        this.#o.onStatus?.({ reachable: true, problem: { code: 'bad_reply', detail: result.detail } });
        return this.#retry(undefined);
      }
      this.#o.onStatus?.({ reachable: true, problem: { code: result.code, detail: result.message } });
      if (result.status === 401) {
        // Ask for a new token once per batch; a second 401 in a row waits for the backoff.
        if (refreshedFor === token.token) return this.#retry(undefined);
        this.#o.tokens.invalidate(token.token);
        refreshedFor = token.token;
        continue;
      }
      if (result.status === 429 || result.status === 408 || result.status >= 500) return this.#retry(result.retryAfterMs);

      const failures = result.code === 'invalid_events' ? (result.failures ?? []) : [];
      const refused = failures
        .map((f) => ({ event: batch[f.index], failure: f }))
        .filter((x): x is { event: ClientEvent; failure: (typeof failures)[number] } => x.event !== undefined);
      // Without usable indices, the whole batch is what the endpoint refused.
      const setAside =
        refused.length > 0 ? refused : batch.map((event) => ({ event, failure: { code: result.code, message: result.message } }));
      const after = await this.#o.data.setAside(setAside);
      this.#remember(after.outbox, after.setAside.length);
      this.#o.onSetAside?.({ count: setAside.length, code: setAside[0]!.failure.code, message: setAside[0]!.failure.message });
    }
  }
}
