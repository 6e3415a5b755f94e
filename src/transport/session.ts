import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from '../core/backoff.js';
import type { TokenClaims } from '../core/token-claims.js';
import { Command, type LearnerState } from '../protocol/api.js';
import { InviteCode } from '../protocol/codes.js';
import type { TandemConfig } from '../protocol/config.js';
import { ClientEvent } from '../protocol/events.js';
import { LearnerData, VisitorData, learnerRecordKey } from '../storage/learner-data.js';
import { createMemoryStore } from '../storage/memory-store.js';
import { openStore, type OpenedStore } from '../storage/open-store.js';
import type { StorageReport } from '../storage/versioned-record.js';
import { createApiClient, type ApiClient, type ApiFailure } from './api-client.js';
import { Outbox, type PageLifecycle } from './outbox.js';
import type {
  ClientFact,
  CommandOutcome,
  PendingCommand,
  SessionProblem,
  SessionSnapshot,
  TandemSessionApi,
} from './session-types.js';
import { browserTimers, type Timers } from './timers.js';
import type { TokenProviderRegistry } from './token-provider-registry.js';
import { createTokenSource, type TokenResult, type TokenSource } from './token-source.js';

/**
 * One learner's connection to the endpoint for one course, as elements see
 * it: status, cached then fresh state, commands that wait visibly while
 * offline, and the outbox. Every change produces a new snapshot object, so a
 * new `problem` object means a new report (elements turn it into a
 * `tandem-error` event).
 */

export const POLL_MS = 30_000;

export interface SessionOptions {
  config: Pick<TandemConfig, 'endpoint' | 'course' | 'token' | 'token-url'>;
  /** Defaults to Tandem's IndexedDB database, or memory when it is unavailable. */
  store?: OpenedStore | Promise<OpenedStore>;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  uuid?: () => string;
  policy?: BackoffPolicy;
  timers?: Timers;
  locks?: LockManager | null;
  /** Page events (online, visibilitychange, pagehide); null in tests that drive the session by hand. */
  page?: PageLifecycle | null;
  registry?: TokenProviderRegistry;
  sendBeacon?: (url: string, data: Blob) => boolean;
  pollMs?: number;
  /** Given instead of building one from the config (tests). */
  tokens?: TokenSource;
}

export interface TandemSession extends TandemSessionApi {
  /** Settles when the first look at the token and the cached state is done. */
  readonly ready: Promise<void>;
  dispose(): void;
}

type Waiter = (outcome: CommandOutcome) => void;

interface Learner {
  claims: Pick<TokenClaims, 'iss' | 'sub'>;
  data: LearnerData;
  outbox: Outbox;
}

function defaultPage(): PageLifecycle | null {
  if (typeof window === 'undefined' || typeof document === 'undefined') return null;
  return { target: window, visibility: () => document.visibilityState };
}

function isRetryable(failure: ApiFailure): boolean {
  return failure.kind === 'network' || (failure.kind === 'http' && (failure.status === 429 || failure.status === 408 || failure.status >= 500));
}

export function createSession(options: SessionOptions): TandemSession {
  const { endpoint, course } = options.config;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const uuid = options.uuid ?? (() => crypto.randomUUID());
  const timers = options.timers ?? browserTimers;
  const policy = options.policy ?? DEFAULT_BACKOFF;
  const page = options.page === undefined ? defaultPage() : options.page;
  const api: ApiClient = createApiClient({
    endpoint,
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sendBeacon ? { sendBeacon: options.sendBeacon } : {}),
  });
  const tokens =
    options.tokens ??
    createTokenSource({
      endpoint,
      course,
      token: options.config.token,
      tokenUrl: options.config['token-url'],
      now,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
    });

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
  const waiters = new Map<string, Waiter>();
  let store: OpenedStore | null = null;
  let visitor: VisitorData | null = null;
  let learner: Learner | null = null;
  let disposed = false;
  let commandAttempt = 0;
  let commandTimer: unknown = null;
  let pollTimer: unknown = null;
  let pumping: Promise<void> | null = null;
  let refreshing: Promise<void> | null = null;
  let resolving: Promise<void> | null = null;
  let resolveAgain = false;

  function emit(patch: Partial<SessionSnapshot>): void {
    snap = { ...snap, ...patch };
    for (const listener of [...listeners]) listener(snap);
  }

  function report(problem: SessionProblem, offline?: boolean): void {
    emit({ problem, ...(offline !== undefined ? { offline } : {}) });
  }

  const onStorage = (r: StorageReport): void => report({ code: r.code, detail: r.detail });

  /** Keeps the newer of two states (a slow poll must not undo a command's answer). */
  function newer(state: LearnerState): boolean {
    return !snap.state || Date.parse(state.serverTime) >= Date.parse(snap.state.serverTime);
  }

  async function storeState(target: Learner, state: LearnerState): Promise<void> {
    if (learner !== target || !newer(state)) return;
    emit({ state });
    await target.data.saveState(state).catch(() => undefined);
  }

  /* ------------------------------------------------------------ learner */

  async function becomeLearner(claims: Pick<TokenClaims, 'iss' | 'sub'> | null): Promise<void> {
    const key = claims ? learnerRecordKey(endpoint, course, claims) : null;
    if (learner && learner.data.key === key) return;
    if (learner) {
      learner.outbox.dispose();
      // The commands stay stored under their learner; the page that asked hears they did not go with another's token.
      for (const p of snap.pending) settleWaiter(p.id, { ok: false, code: 'token_missing', message: 'signed out before the endpoint answered', path: '' });
    }
    learner = null;
    emit({ state: null, pending: [], setAside: 0 });
    if (!claims || !store) return;
    const data = new LearnerData({ store: store.store, endpoint, course, claims, report: onStorage, now });
    const next: Learner = {
      claims,
      data,
      outbox: new Outbox({
        data,
        endpoint,
        course,
        claims,
        api,
        tokens,
        policy,
        random,
        timers,
        now,
        page,
        ...(options.locks !== undefined ? { locks: options.locks } : {}),
        onSetAside: (r) =>
          report({ code: r.code, detail: `${r.count} event${r.count === 1 ? '' : 's'} set aside: ${r.message}` }),
        onStatus: (s) => {
          if (s.problem) report(s.problem, !s.reachable);
          else if (snap.offline) emit({ offline: false });
        },
        onQueue: (_queued, setAside) => {
          if (learner === next && setAside !== snap.setAside) emit({ setAside });
        },
      }),
    };
    learner = next;
    // Cached state first, so a reload without network shows what the learner saw.
    const record = await data.read().catch(() => null);
    if (learner !== next || !record) return;
    emit({ state: record.state, pending: record.pending, setAside: record.setAside.length });
  }

  async function applyToken(result: TokenResult): Promise<void> {
    if (result.kind === 'token') {
      await becomeLearner(result.claims);
      emit({ status: 'signed-in' });
      await visitor?.rememberLearner(result.claims).catch(() => undefined);
      return;
    }
    if (result.kind === 'unavailable' && result.network) {
      // Offline: the platform cannot be asked who is signed in; show the last learner's cached state.
      const last = visitor ? (await visitor.read().catch(() => null))?.lastLearner : null;
      await becomeLearner(last ?? null);
      emit({ status: last ? 'signed-in' : 'signed-out' });
      report({ code: 'token_unavailable', detail: result.detail }, true);
      return;
    }
    await becomeLearner(null);
    emit({ status: 'signed-out' });
    if (result.kind === 'unavailable') report({ code: 'token_unavailable', detail: result.detail });
    else await visitor?.rememberLearner(null).catch(() => undefined);
  }

  /** Asks the token source who is signed in and switches to that learner's data. */
  function resolveLearner(): Promise<void> {
    if (resolving) {
      // A sign-in or sign-out during a resolution: look once more when it ends.
      resolveAgain = true;
      return resolving;
    }
    resolving = (async () => {
      try {
        do {
          resolveAgain = false;
          await applyToken(await tokens.current());
        } while (resolveAgain && !disposed);
      } finally {
        resolving = null;
      }
    })();
    return resolving;
  }

  /** A token for `target`, or null (after updating the snapshot) when there is none to use. */
  async function tokenFor(target: Learner): Promise<string | null> {
    const result = await tokens.current();
    if (result.kind === 'token' && learnerRecordKey(endpoint, course, result.claims) === target.data.key) return result.token;
    if (result.kind !== 'token' || learner === target) await applyToken(result);
    return null;
  }

  /* ------------------------------------------------------------ commands */

  function settleWaiter(id: string, outcome: CommandOutcome): void {
    const waiter = waiters.get(id);
    waiters.delete(id);
    waiter?.(outcome);
  }

  async function settle(target: Learner, pending: PendingCommand, outcome: CommandOutcome, state?: LearnerState): Promise<void> {
    if (learner === target) emit({ pending: snap.pending.filter((p) => p.id !== pending.id) });
    const keep = state && newer(state) ? state : undefined;
    if (keep && learner === target) emit({ state: keep });
    await target.data.settlePending(pending.id, keep).catch(() => undefined);
    settleWaiter(pending.id, outcome);
  }

  function retryCommands(afterMs: number | undefined): void {
    if (disposed) return;
    const delay = afterMs ?? backoffDelay(commandAttempt, random(), policy);
    commandAttempt++;
    if (commandTimer !== null) timers.clear(commandTimer);
    commandTimer = timers.set(() => {
      commandTimer = null;
      void pump();
    }, delay);
  }

  /** Sends pending commands one at a time, oldest first, so their order is the learner's. */
  function pump(): Promise<void> {
    // `.finally` runs after the assignment even when drain() finishes without awaiting;
    // a `finally` inside the async body would run first and leave a settled promise behind.
    pumping ??= drain().finally(() => {
      pumping = null;
    });
    return pumping;
  }

  async function drain(): Promise<void> {
    let refreshedFor: string | null = null;
    let changed = false;
    while (!disposed && learner && snap.pending.length > 0) {
      const target = learner;
      const pending = snap.pending[0]!;
      const token = await tokenFor(target);
      if (!token) {
        if (snap.offline) retryCommands(undefined);
        break;
      }
      const result = await api.command({ id: pending.id, course, command: pending.command }, token);
      if (result.ok) {
        commandAttempt = 0;
        emit({ offline: false, problem: null });
        const { result: commandResult, events, state } = result.value;
        await settle(target, pending, { ok: true, result: commandResult, events }, state);
        continue;
      }
      if (isRetryable(result)) {
        // Kept pending (and visible in the snapshot) until the endpoint answers.
        report(
          result.kind === 'network' ? { code: 'network', detail: result.detail } : { code: result.kind === 'http' ? result.code : 'bad_reply', detail: 'retrying' },
          result.kind === 'network',
        );
        retryCommands(result.kind === 'http' ? result.retryAfterMs : undefined);
        break;
      }
      if (result.kind === 'http' && result.status === 401 && refreshedFor !== token) {
        tokens.invalidate(token);
        refreshedFor = token;
        continue;
      }
      // The endpoint answered: a typed refusal (group full, invite expired…) or an unreadable reply.
      changed = true;
      await settle(
        target,
        pending,
        result.kind === 'http'
          ? { ok: false, code: result.code, message: result.message, path: result.path }
          : { ok: false, code: 'bad_reply', message: result.detail, path: '' },
      );
    }
    // A refusal often means the state moved on (someone else filled the group).
    if (changed) void refresh();
  }

  /* --------------------------------------------------------------- state */

  async function fetchState(): Promise<void> {
    let target = learner;
    if (!target) {
      await resolveLearner();
      target = learner;
      if (!target) return;
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await tokenFor(target);
      if (!token) return;
      const result = await api.state(course, token);
      if (result.ok) {
        emit({ offline: false, problem: null });
        await storeState(target, result.value);
        return;
      }
      if (result.kind === 'network') return report({ code: 'network', detail: result.detail }, true);
      if (result.kind === 'bad_reply') return report({ code: 'bad_reply', detail: result.detail }, false);
      if (result.status === 401 && attempt === 0) {
        tokens.invalidate(token);
        continue;
      }
      return report({ code: result.code, detail: result.message }, false);
    }
  }

  function refresh(): Promise<void> {
    refreshing ??= fetchState().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  function schedulePoll(): void {
    if (disposed) return;
    if (pollTimer !== null) timers.clear(pollTimer);
    pollTimer = timers.set(() => {
      pollTimer = null;
      // Hidden pages do not poll; becoming visible refreshes at once.
      if (!page || page.visibility() === 'visible') void refresh();
      schedulePoll();
    }, options.pollMs ?? POLL_MS);
  }

  /** After being offline, or a sign-in: fresh state, then whatever waits. */
  async function catchUp(): Promise<void> {
    await refresh();
    if (!learner) return;
    commandAttempt = 0;
    await Promise.all([pump(), learner.outbox.flush()]);
  }

  const onOnline = (): void => void catchUp();
  const onVisibility = (): void => {
    if (page?.visibility() === 'visible') void refresh();
  };

  /* ---------------------------------------------------------------- start */

  const ready = (async () => {
    try {
      store = await (options.store ?? openStore());
    } catch (error) {
      // openStore itself never rejects; an injected promise might.
      store = { store: createMemoryStore(), memoryOnly: true, reason: String(error) };
    }
    emit({ memoryOnly: store.memoryOnly });
    if (store.memoryOnly) report({ code: 'storage_unavailable', detail: store.reason ?? 'IndexedDB unavailable' });
    visitor = new VisitorData({ store: store.store, endpoint, course, report: onStorage, now });
    const kept = await visitor.read().catch(() => null);
    emit({ keptInvite: kept?.invite ?? null });
    await resolveLearner();
  })();

  const unwatchTokens = tokens.onChange(() => void resolveLearner().then(catchUp));
  page?.target.addEventListener('online', onOnline);
  page?.target.addEventListener('visibilitychange', onVisibility);
  void ready.then(() => {
    schedulePoll();
    return catchUp();
  });

  /* ------------------------------------------------------------ public API */

  return {
    ready,
    snapshot: () => snap,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async send(command) {
      const parsed = Command.safeParse(command);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return { ok: false, code: 'bad_request', message: issue?.message ?? 'invalid command', path: `command.${issue?.path.join('.') ?? ''}` };
      }
      await ready;
      const target = learner;
      if (!target || snap.status !== 'signed-in') {
        return { ok: false, code: 'token_missing', message: 'not signed in', path: '' };
      }
      const pending: PendingCommand = { id: uuid(), command: parsed.data, requestedAt: new Date(now()).toISOString() };
      const outcome = new Promise<CommandOutcome>((resolve) => waiters.set(pending.id, resolve));
      emit({ pending: [...snap.pending, pending] });
      // Persisted before sending, so a reload or a crash cannot lose it; a failing store still lets it go out.
      await target.data.addPending(pending).catch(() => undefined);
      void pump();
      return outcome;
    },

    async track(fact) {
      await ready;
      const target = learner;
      if (!target) {
        report({ code: 'token_missing', detail: `${fact.type} not recorded: nobody is signed in` });
        return;
      }
      const event = ClientEvent.safeParse({ ...fact, id: uuid(), v: 1, time: new Date(now()).toISOString(), course, learner: target.claims.sub });
      if (!event.success) {
        report({ code: 'bad_request', detail: `${fact.type} not recorded: ${event.error.issues[0]?.message ?? 'invalid'}` });
        return;
      }
      await target.outbox.enqueue([event.data]).catch(() => undefined);
    },

    async inviteDetails(code) {
      const token = learner ? await tokens.current() : null;
      const result = await api.inviteDetails(code, token?.kind === 'token' ? token.token : undefined);
      if (result.ok) {
        if (snap.offline) emit({ offline: false });
        return { ok: true, details: result.value };
      }
      if (result.kind === 'network') {
        emit({ offline: true });
        return { ok: false, code: 'network', message: result.detail };
      }
      if (result.kind === 'bad_reply') return { ok: false, code: 'bad_reply', message: result.detail };
      return { ok: false, code: result.code, message: result.message };
    },

    async keepInvite(code) {
      if (code !== null && !InviteCode.safeParse(code).success) {
        report({ code: 'invite_not_found', detail: 'not an invite code' });
        return;
      }
      await ready;
      emit({ keptInvite: code });
      await visitor?.keepInvite(code).catch(() => undefined);
    },

    refresh,

    dispose() {
      disposed = true;
      unwatchTokens();
      page?.target.removeEventListener('online', onOnline);
      page?.target.removeEventListener('visibilitychange', onVisibility);
      if (commandTimer !== null) timers.clear(commandTimer);
      if (pollTimer !== null) timers.clear(pollTimer);
      learner?.outbox.dispose();
      for (const id of [...waiters.keys()]) settleWaiter(id, { ok: false, code: 'network', message: 'session closed', path: '' });
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
  if (!session) {
    session = createSession({ ...options, config });
    sessions.set(key, session);
  }
  return session;
}

/** Disposes every shared session (tests, or a host app tearing the widget down). */
export function disposeSessions(): void {
  for (const session of sessions.values()) session.dispose();
  sessions.clear();
}
