import { backoffDelay, type BackoffPolicy } from '../core/backoff.js';
import { isExpired, type TokenClaims } from '../core/token-claims.js';
import { Command, type LearnerState } from '../protocol/api.js';
import { InviteCode } from '../protocol/codes.js';
import type { TandemConfig } from '../protocol/config.js';
import { ClientEvent } from '../protocol/events.js';
import { openStore, type OpenedStore } from '../storage/key-value-store.js';
import { acknowledge, enqueue, learnerData, learnerRecordKey, setAside, visitorData, type RecordSlot } from '../storage/records.js';
import type { LearnerRecord } from '../storage/schemas.js';
import { createApiClient, type ApiFailure, type ApiResult } from './api-client.js';
import type { CommandOutcome, PendingCommand, SessionProblem, SessionSnapshot, TandemSessionApi } from './session-types.js';
import type { TokenProviderRegistry } from './token-provider-registry.js';
import { createTokenSource, type TokenResult } from './token-source.js';

/**
 * One learner's connection to the endpoint for one course, as elements see
 * it: status, cached then fresh state, commands that wait visibly while
 * offline, and the persistent outbox of client events. Every change produces
 * a new snapshot object, so a new `problem` object means a new report.
 *
 * Delivery is at-least-once without loss: a command or an event leaves
 * storage only when the endpoint answered it (a refused event is set aside,
 * counted and reported). Exactly-once is the endpoint's job: it stores an id
 * once, so resending after a lost answer, from a beacon or from another tab
 * is harmless. Network errors, 408, 429 and 5xx are retried with backoff
 * (honouring Retry-After); a 401 refreshes the token once and resends.
 */

export const POLL_MS = 30_000;
/** Events per request; the endpoint accepts up to 100, smaller batches keep a beacon well under its quota. */
export const OUTBOX_BATCH_SIZE = 50;

/** Timers the session schedules on, injectable so tests can compress or record the schedule. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The page events the session listens to (online, visibilitychange, pagehide). */
export interface PageLifecycle {
  target: EventTarget;
  visibility(): DocumentVisibilityState;
}

export interface SessionOptions {
  config: Pick<TandemConfig, 'endpoint' | 'course' | 'token' | 'token-url'>;
  /** Defaults to Tandem's IndexedDB database, or memory when it is unavailable. */
  store?: OpenedStore;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  uuid?: () => string;
  policy?: BackoffPolicy;
  timers?: Timers;
  /** Web Locks, so one tab flushes a queue at a time; null when the browser has none. */
  locks?: LockManager | null;
  /** Null in tests that drive the session by hand. */
  page?: PageLifecycle | null;
  registry?: TokenProviderRegistry;
  sendBeacon?: (url: string, data: Blob) => boolean;
  pollMs?: number;
}

export interface TandemSession extends TandemSessionApi {
  /** Settles when the first look at the token and the cached state is done. */
  readonly ready: Promise<void>;
  /** Sends what waits (commands, then events); resolves when this attempt ends. */
  flush(): Promise<void>;
  dispose(): void;
}

interface Learner {
  key: string;
  sub: string;
  data: RecordSlot<LearnerRecord>;
  /** The queue as last read, and the last token used for this learner, so page hide can beacon synchronously. */
  queue: LearnerRecord['outbox'];
  token?: TokenResult & { kind: 'token' };
}

const noop = (): void => {};
/** The answer to a call the session could not make (no token, the learner gone): the code says it all, and no HTTP status. */
const unsent = (code: 'token_missing' | 'network') => ({ ok: false as const, code, message: code, path: '', status: 0 });

export function createSession(options: SessionOptions): TandemSession {
  const {
    config: { endpoint, course },
    now = Date.now,
    random = Math.random,
    uuid = () => crypto.randomUUID(),
    // Called unbound (never as `timers.set`), so the globals work as they are.
    timers: { set: setTimer, clear: clearTimer } = { set: setTimeout, clear: clearTimeout },
    locks = navigator.locks,
    page = { target: window, visibility: () => document.visibilityState },
  } = options;
  const api = createApiClient(endpoint, options);
  const tokens = createTokenSource(options.config, options);

  let snap: SessionSnapshot = {
    status: 'loading',
    state: null,
    offline: false,
    memoryOnly: false,
    pending: [],
    keptInvite: null,
    setAside: 0,
    problem: null,
  };
  const listeners = new Set<(s: SessionSnapshot) => void>();
  const waiters = new Map<string, (outcome: CommandOutcome) => void>();
  let opened: OpenedStore | undefined;
  let visitor: RecordSlot<{ invite: string | null; lastLearner: Pick<TokenClaims, 'iss' | 'sub'> | null }> | undefined;
  let learner: Learner | null = null;
  let disposed = false;
  let attempt = 0;
  let retryTimer: unknown;
  let pollTimer: unknown;

  function emit(patch: Partial<SessionSnapshot>): void {
    snap = { ...snap, ...patch };
    listeners.forEach((listener) => listener(snap));
  }

  // Problems carry a code only: people see it translated; the endpoint's messages stay in the outcomes and set-aside records.
  const report = (code: SessionProblem['code'], offline = snap.offline): void => emit({ problem: { code }, offline });
  /** The one mapping from a failed exchange to the snapshot: no HTTP status means offline. */
  const failed = (r: ApiFailure): void => report(r.code, !r.status);
  const answered = (): void => {
    attempt = 0;
    if (snap.offline || snap.problem) emit({ offline: false, problem: null });
  };
  /** A reply to a call made for an element: an answer means online again, no answer means offline (an HTTP error is the element's to show). */
  function heard<T>(answer: ApiResult<T>): ApiResult<T> {
    if (answer.ok) answered();
    else if (!answer.status) failed(answer);
    return answer;
  }
  const retryable = (r: ApiFailure): boolean => !r.status || r.status === 408 || r.status === 429 || r.status >= 500;

  /** Runs `task` once at a time; a call during a run makes it run once more after, so nothing asked for is missed. */
  function serial(task: () => Promise<unknown>): () => Promise<void> {
    let running: Promise<void> | null = null;
    let again = false;
    return () => {
      again = true;
      // `.finally` runs after the assignment even when the loop finishes without awaiting;
      // a `finally` inside the async body would run first and leave a settled promise behind.
      return (running ??= (async () => {
        while (again && !disposed) {
          again = false;
          await task();
        }
      })().finally(() => {
        running = null;
      }));
    };
  }

  function retry(afterMs?: number): void {
    clearTimer(retryTimer);
    if (!disposed) retryTimer = setTimer(flush, afterMs ?? backoffDelay(attempt++, random(), options.policy));
  }

  /** Keeps the newer of two states (a slow poll must not undo a command's answer). */
  const newer = (state: LearnerState): boolean => !snap.state || Date.parse(state.serverTime) >= Date.parse(snap.state.serverTime);

  function settleWaiter(id: string, outcome: CommandOutcome): void {
    waiters.get(id)?.(outcome);
    waiters.delete(id);
  }

  /** Answers every waiting caller with `code` (also its message: it says all there is): the commands stay stored under their learner. */
  function abandon(code: 'token_missing' | 'network'): void {
    for (const id of [...waiters.keys()]) settleWaiter(id, unsent(code));
  }

  /* ------------------------------------------------------------ learner */

  async function becomeLearner(claims: Pick<TokenClaims, 'iss' | 'sub'> | null): Promise<void> {
    const key = claims && learnerRecordKey(endpoint, course, claims);
    if (learner?.key === key) return;
    // The page that asked hears its commands did not go with another's token.
    abandon('token_missing');
    learner = null;
    emit({ state: null, pending: [], setAside: 0 });
    if (!key || !opened) return;
    const next: Learner = { key, sub: claims!.sub, data: learnerData(opened.store, endpoint, course, claims!, report), queue: [] };
    learner = next;
    // Cached state first, so a reload without network shows what the learner saw.
    const record = await next.data.read().catch(noop);
    if (learner === next && record) {
      next.queue = record.outbox;
      emit({ state: record.state, pending: record.pending, setAside: record.setAside.length });
    }
  }

  async function applyToken(result: TokenResult): Promise<void> {
    const remember = (last: Pick<TokenClaims, 'iss' | 'sub'> | null) => visitor?.change((r) => ({ ...r, lastLearner: last && { iss: last.iss, sub: last.sub } })).catch(noop);
    if (result.kind === 'token') {
      await becomeLearner(result.claims);
      emit({ status: 'signed-in' });
      await remember(result.claims);
      return;
    }
    // Offline, the platform cannot say who is signed in: show the last learner's cached state.
    const offline = result.kind === 'offline';
    const last = offline ? (await visitor?.read().catch(noop))?.lastLearner : null;
    await becomeLearner(last ?? null);
    emit({ status: last ? 'signed-in' : 'signed-out' });
    if (result.kind === 'signed-out') await remember(null);
    else report('token_unavailable', offline || snap.offline);
  }

  /** Asks the token source who is signed in and switches to that learner's data. */
  const resolveLearner = serial(async () => applyToken(await tokens.current()));

  /**
   * Calls the endpoint with a token naming `target` (never one learner's data
   * with another's token), refreshing it once on 401; null when there is no
   * such token (the snapshot then says why).
   */
  async function authed<T>(target: Learner, call: (token: string) => Promise<ApiResult<T>>): Promise<ApiResult<T> | null> {
    for (let refreshed = false; ; refreshed = true) {
      const result = await tokens.current();
      if (result.kind !== 'token' || learnerRecordKey(endpoint, course, result.claims) !== target.key) {
        if (result.kind !== 'token' || learner === target) await applyToken(result);
        if (snap.offline) retry();
        return null;
      }
      target.token = result;
      const answer = await call(result.token);
      if (answer.ok || answer.status !== 401 || refreshed) return answer;
      tokens.invalidate(result.token);
    }
  }

  /* ------------------------------------------------------------ delivery */

  /** Commands first, one at a time and oldest first, so their order is the learner's; then the events. */
  async function deliver(): Promise<void> {
    const target = learner;
    if (!target) return;
    let refused = false;
    let pending: PendingCommand | undefined;
    while ((pending = snap.pending[0]) && learner === target && !disposed) {
      const p = pending;
      const answer = await authed(target, (token) => api.command({ id: p.id, course, command: p.command }, token));
      if (!answer) return;
      let outcome: CommandOutcome;
      let state: LearnerState | undefined;
      if (answer.ok) {
        answered();
        ({ state, ...outcome } = { ok: true, ...answer.value });
      } else if (retryable(answer)) {
        // Kept pending (and visible in the snapshot) until the endpoint answers.
        failed(answer);
        return retry(answer.retryAfterMs);
      } else {
        // The endpoint answered: a typed refusal (group full, invite expired…) or an unreadable reply.
        refused = true;
        outcome = { ok: false, code: answer.code, message: answer.message, path: answer.path };
      }
      const keep = state && newer(state) ? state : undefined;
      if (learner === target) emit({ pending: snap.pending.filter((x) => x !== p), ...(keep && { state: keep }) });
      await target.data.change((r) => ({ ...r, pending: r.pending.filter((x) => x.id !== p.id), state: keep ?? r.state })).catch(noop);
      settleWaiter(p.id, outcome);
    }
    // A refusal often means the state moved on (someone else filled the group).
    if (refused) void refresh();
    // One tab flushes a learner's queue at a time; another tab holding it is looked at again later.
    await (locks
      ? locks.request(`tandem-outbox:${target.key}`, { ifAvailable: true }, (lock) => (lock ? sendEvents(target) : retry()))
      : sendEvents(target));
  }

  function show(target: Learner, record: LearnerRecord): LearnerRecord {
    target.queue = record.outbox;
    if (learner === target && record.setAside.length !== snap.setAside) emit({ setAside: record.setAside.length });
    return record;
  }

  async function sendEvents(target: Learner): Promise<void> {
    for (;;) {
      const batch = show(target, await target.data.read()).outbox.slice(0, OUTBOX_BATCH_SIZE);
      if (!batch.length || learner !== target || disposed) return;
      const answer = await authed(target, (token) => api.events(batch, token));
      if (!answer) return;
      if (answer.ok) {
        answered();
        show(target, await target.data.change(acknowledge(batch)));
        continue;
      }
      // An unreadable answer or a second 401 may not be final either: resend later, ids make it safe.
      if (retryable(answer) || answer.code === 'bad_reply' || answer.status === 401) {
        failed(answer);
        return retry(answer.retryAfterMs);
      }
      // Refused: exactly the failing indices, or the whole batch when the endpoint named none.
      const refused = answer.failures?.length
        ? answer.failures.flatMap(({ index, code, message }) => (batch[index] ? [{ event: batch[index], code, message }] : []))
        : batch.map((event) => ({ event, code: answer.code as LearnerRecord['setAside'][number]['code'], message: answer.message }));
      show(target, await target.data.change(setAside(refused)));
      report(refused[0]!.code);
    }
  }

  const flush = serial(deliver);

  /** The final flush on page hide: one beacon per batch, with the token last used for this learner. */
  function beacon(): void {
    const t = learner?.token;
    if (!t || isExpired(t.claims, now(), 0)) return;
    const queue = learner!.queue;
    // Events stay stored: a beacon's delivery is unknown, and the endpoint dedupes the resend.
    for (let i = 0; i < queue.length && api.beacon(queue.slice(i, i + OUTBOX_BATCH_SIZE), t.token); i += OUTBOX_BATCH_SIZE);
  }

  /* --------------------------------------------------------------- state */

  const refresh = serial(async () => {
    if (!learner) await resolveLearner();
    const target = learner;
    const answer = target && (await authed(target, (token) => api.state(course, token)));
    if (!answer) return;
    if (!answer.ok) return failed(answer);
    answered();
    if (learner === target && newer(answer.value)) {
      emit({ state: answer.value });
      await target.data.change((r) => ({ ...r, state: answer.value })).catch(noop);
    }
  });

  function poll(): void {
    pollTimer = setTimer(() => {
      // Hidden pages do not poll; becoming visible refreshes at once.
      if (page?.visibility() !== 'hidden') void refresh();
      poll();
    }, options.pollMs ?? POLL_MS);
  }

  /** After being offline, or a sign-in: fresh state, then whatever waits. */
  async function catchUp(): Promise<void> {
    await refresh();
    attempt = 0;
    await flush();
  }

  const onPage = (event: Event): void => {
    if (event.type === 'online') void catchUp();
    else if (event.type === 'visibilitychange' && page?.visibility() === 'visible') void refresh();
    else beacon();
  };
  const PAGE_EVENTS = ['online', 'visibilitychange', 'pagehide'];

  /* ---------------------------------------------------------------- start */

  const ready = (async () => {
    opened = options.store ?? (await openStore());
    emit({ memoryOnly: opened.memoryOnly });
    if (opened.memoryOnly) report('storage_unavailable');
    visitor = visitorData(opened.store, endpoint, course, report);
    emit({ keptInvite: (await visitor.read().catch(noop))?.invite ?? null });
    await resolveLearner();
  })();

  const unwatchTokens = tokens.onChange(() => void resolveLearner().then(catchUp));
  for (const type of PAGE_EVENTS) page?.target.addEventListener(type, onPage);
  void ready.then(() => {
    if (!disposed) poll();
    return catchUp();
  });

  /* ------------------------------------------------------------ public API */

  return {
    ready,
    flush,
    refresh,
    snapshot: () => snap,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async send(command) {
      const parsed = Command.safeParse(command);
      if (!parsed.success) return { ok: false, code: 'bad_request', message: parsed.error.message, path: 'command' };
      await ready;
      const target = learner;
      if (!target || snap.status !== 'signed-in') return unsent('token_missing');
      const pending: PendingCommand = { id: uuid(), command: parsed.data, requestedAt: new Date(now()).toISOString() };
      const outcome = new Promise<CommandOutcome>((resolve) => waiters.set(pending.id, resolve));
      emit({ pending: [...snap.pending, pending] });
      // Persisted before sending, so a reload or a crash cannot lose it; a failing store still lets it go out.
      await target.data.change((r) => ({ ...r, pending: [...r.pending, pending] })).catch(noop);
      void flush();
      return outcome;
    },

    async track(fact) {
      await ready;
      const target = learner;
      const event = ClientEvent.safeParse({ ...fact, id: uuid(), v: 1, time: new Date(now()).toISOString(), course, learner: target?.sub });
      if (!target || !event.success) {
        return report(target ? 'bad_request' : 'token_missing');
      }
      const record = await target.data.change(enqueue([event.data])).catch(noop);
      if (record) show(target, record);
      void flush();
    },

    async inviteDetails(code) {
      const answer = heard(await api.inviteDetails(code));
      return answer.ok ? { ok: true, details: answer.value } : answer;
    },

    async request(path, schema, body, method) {
      // No `await ready`: callers ask once the snapshot says who is signed in, and before that there is no learner.
      const target = learner;
      // No learner, or no token naming them (signed out, or offline where the platform cannot say): nothing is sent.
      const answer = target && (await authed(target, (token) => api.call(`v1/courses/${encodeURIComponent(course)}/${path}`, schema, token, body, method)));
      return answer ? heard(answer) : unsent(snap.offline ? 'network' : 'token_missing');
    },

    async keepInvite(code) {
      if (code !== null && !InviteCode.safeParse(code).success) return report('invite_not_found');
      await ready;
      emit({ keptInvite: code });
      await visitor?.change((r) => ({ ...r, invite: code })).catch(noop);
    },

    dispose() {
      disposed = true;
      unwatchTokens();
      for (const type of PAGE_EVENTS) page?.target.removeEventListener(type, onPage);
      clearTimer(retryTimer);
      clearTimer(pollTimer);
      abandon('network');
      listeners.clear();
    },
  };
}

/* ------------------------------------------------------------- registry */

/**
 * One session per endpoint and course on a page: several `<tandem-*>`
 * elements share one poll, one outbox and one view of pending commands. The
 * first element's token settings win; elements of one course on one page are
 * expected to agree on them.
 */
const sessions = new Map<string, TandemSession>();

export function getSession(config: TandemConfig, options: Omit<SessionOptions, 'config'> = {}): TandemSession {
  const key = JSON.stringify([config.endpoint, config.course]);
  let session = sessions.get(key);
  if (!session) sessions.set(key, (session = createSession({ ...options, config })));
  return session;
}

/** Disposes every shared session (tests, or a host app tearing the widget down). */
export function disposeSessions(): void {
  for (const session of sessions.values()) session.dispose();
  sessions.clear();
}
