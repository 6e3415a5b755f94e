import type * as z from 'zod/mini';
import type { Command, CommandResult, ErrorCode, InviteDetails, LearnerState } from '../protocol/api.js';

/**
 * A failure's code: one of the API's ERROR_CODES, a code of the widget's own,
 * or a code an endpoint added that this widget does not know yet (shown as a
 * generic failure). The `string & {}` keeps editors suggesting the known ones.
 */
export type FailureCode = ErrorCode | 'network' | 'bad_reply' | (string & {});
import type { ClientEvent, ServerEvent } from '../protocol/events.js';

/**
 * What an element sees of one learner's connection to the endpoint. Elements
 * render from a snapshot and call the methods; they never touch fetch,
 * IndexedDB or tokens themselves.
 */

/** A client-side fact before the session stamps it with id, version, time, course and learner. */
export type ClientFact = ClientEvent extends infer E
  ? E extends ClientEvent
    ? Omit<E, 'id' | 'v' | 'time' | 'course' | 'learner'>
    : never
  : never;

export type SessionStatus =
  /** Looking for a token and the cached state. */
  | 'loading'
  /** No token: a normal state with its own view, not an error. */
  | 'signed-out'
  /** Signed in; `state` may still be null until the cache or the endpoint answers. */
  | 'signed-in';

export interface PendingCommand {
  id: string;
  command: Command;
  /** ISO time the learner asked for it. */
  requestedAt: string;
}

/** A problem the session reports (shown translated by the element that owns it). */
export interface SessionProblem {
  code: FailureCode | 'storage_unavailable' | 'storage_corrupt' | 'token_unavailable';
  /** A technical detail for logs, where a host's own session has one; Tandem's session reports the code alone. */
  detail?: string;
}

export interface SessionSnapshot {
  status: SessionStatus;
  /** The learner's state as last known: from local storage at first, then from the endpoint. */
  state: LearnerState | null;
  /** True while the endpoint cannot be reached (commands wait, events queue). */
  offline: boolean;
  /** True when IndexedDB is unavailable and state lives in memory for this page only. */
  memoryOnly: boolean;
  /** Commands waiting for the network, oldest first. Never shown as done. */
  pending: readonly PendingCommand[];
  /** An invite code this browser kept while its holder signed in or enrolled. */
  keptInvite: string | null;
  /** Events set aside after the endpoint refused them (reported, never silently dropped). */
  setAside: number;
  /** The last problem, until the next successful exchange. */
  problem: SessionProblem | null;
}

export type CommandOutcome =
  | { ok: true; result: CommandResult; events: ServerEvent[] }
  | { ok: false; code: FailureCode; message: string; path: string };

/**
 * The answer to `request`: the reply as `schema` parsed it, or a typed
 * failure (`network` when no HTTP answer came, `token_missing` when nobody
 * is signed in, `bad_reply` when the reply did not parse, else the endpoint's
 * code); `status` is the HTTP status, 0 for none.
 */
export type Reply<T> = { ok: true; value: T } | { ok: false; code: FailureCode; message: string; path: string; status: number };

export interface TandemSessionApi {
  snapshot(): SessionSnapshot;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void;
  /**
   * Sends a command now, or keeps it (persisted) until the endpoint is back;
   * resolves with the endpoint's answer, never before.
   */
  send(command: Command): Promise<CommandOutcome>;
  /** Queues a client-side fact in the persistent outbox. */
  track(fact: ClientFact): Promise<void>;
  /** What an invite code's holder may see, before signing in. */
  inviteDetails(code: string): Promise<{ ok: true; details: InviteDetails } | { ok: false; code: FailureCode; message: string }>;
  /** Keeps an invite code locally (for a visitor who goes to sign in or enroll first); null forgets it. */
  keepInvite(code: string | null): Promise<void>;
  /** Asks the endpoint for fresh state now (also done every 30 s while the page is visible). */
  refresh(): Promise<void>;
  /**
   * Calls a route of the course, `v1/courses/{course}/` + `path`, with the
   * learner's token (refreshed once on 401), now: a GET, a POST with `body`, or
   * `method`. The reply is parsed with `schema` (a 204's empty body reads as
   * undefined). Never rejects. For the lazy part-2 elements, whose routes and
   * schemas are theirs (src/transport/discovery.ts), not this chunk's. Call it
   * once the snapshot says `signed-in`: before, it answers `token_missing`.
   */
  request<T>(path: string, schema: z.ZodMiniType<T>, body?: object, method?: 'PUT' | 'DELETE'): Promise<Reply<T>>;
}
