import { learnerKey, type TokenClaims } from '../core/token-claims.js';
import { LearnerState, type EventFailure } from '../protocol/api.js';
import { ClientEvent } from '../protocol/events.js';
import { InviteCode } from '../protocol/codes.js';
import type { KeyValueStore } from './key-value-store.js';
import {
  LastLearner,
  LearnerRecord,
  SetAsideEvent,
  StoredPendingCommand,
  VisitorRecord,
  type LastLearner as LastLearnerType,
} from './schemas.js';
import { readableItems, RecordSlot, type Migration, type RecordKind, type StorageReport } from './versioned-record.js';

/**
 * The data kept for each learner, and for whoever visits, on this browser.
 * Learner records are keyed by endpoint, token issuer, learner and course:
 * two people sharing a computer never see or send each other's data, and the
 * course is in the key because a token is for one course, so events queued
 * for one course can only be sent with that course's token.
 */

/** Learner record migrations: `[0]` turns schema 1 into 2, and so on. None yet: v1 is current. */
export const LEARNER_MIGRATIONS: readonly Migration[] = [];
/** Visitor record migrations, same rule. */
export const VISITOR_MIGRATIONS: readonly Migration[] = [];

export function learnerRecordKey(endpoint: string, course: string, claims: Pick<TokenClaims, 'iss' | 'sub'>): string {
  return `learner:${JSON.stringify([learnerKey(endpoint, claims), course])}`;
}

export function visitorRecordKey(endpoint: string, course: string): string {
  return `visitor:${JSON.stringify([endpoint, course])}`;
}

export interface DataOptions {
  store: KeyValueStore;
  endpoint: string;
  course: string;
  /** Called for unreadable data (set aside) and failing storage. */
  report: (report: StorageReport) => void;
  now?: () => number;
  /** Tests pass their own list to exercise the mechanism. */
  migrations?: readonly Migration[];
}

function learnerKind(migrations: readonly Migration[]): RecordKind<LearnerRecord> {
  return {
    schema: LearnerRecord,
    migrations,
    empty: (schema) => ({ schema, state: null, pending: [], outbox: [], setAside: [] }),
    salvage: (raw, schema) => {
      const state = LearnerState.safeParse(raw.state);
      return {
        schema,
        state: state.success ? state.data : null,
        pending: readableItems(raw.pending, StoredPendingCommand),
        outbox: readableItems(raw.outbox, ClientEvent),
        setAside: readableItems(raw.setAside, SetAsideEvent),
      };
    },
  };
}

function visitorKind(migrations: readonly Migration[]): RecordKind<VisitorRecord> {
  return {
    schema: VisitorRecord,
    migrations,
    empty: (schema) => ({ schema, invite: null, lastLearner: null }),
    salvage: (raw, schema) => {
      const invite = InviteCode.safeParse(raw.invite);
      const last = LastLearner.safeParse(raw.lastLearner);
      return { schema, invite: invite.success ? invite.data : null, lastLearner: last.success ? last.data : null };
    },
  };
}

/** One learner's record for one course: cached state, pending commands, outbox, set-aside events. */
export class LearnerData {
  readonly key: string;
  readonly #slot: RecordSlot<LearnerRecord>;
  readonly #now: () => number;

  constructor(options: DataOptions & { claims: Pick<TokenClaims, 'iss' | 'sub'> }) {
    this.key = learnerRecordKey(options.endpoint, options.course, options.claims);
    this.#now = options.now ?? Date.now;
    this.#slot = new RecordSlot(
      options.store,
      this.key,
      learnerKind(options.migrations ?? LEARNER_MIGRATIONS),
      options.report,
      this.#now,
    );
  }

  read(): Promise<LearnerRecord> {
    return this.#slot.read();
  }

  change(fn: (record: LearnerRecord) => LearnerRecord): Promise<LearnerRecord> {
    return this.#slot.change(fn);
  }

  saveState(state: LearnerState): Promise<LearnerRecord> {
    return this.change((r) => ({ ...r, state }));
  }

  addPending(command: StoredPendingCommand): Promise<LearnerRecord> {
    return this.change((r) => (r.pending.some((p) => p.id === command.id) ? r : { ...r, pending: [...r.pending, command] }));
  }

  /** Removes an answered command and, when given, stores the state that came with the answer. */
  settlePending(id: string, state?: LearnerState): Promise<LearnerRecord> {
    return this.change((r) => ({ ...r, pending: r.pending.filter((p) => p.id !== id), state: state ?? r.state }));
  }

  /** Appends events (an id already queued is not queued twice). */
  enqueue(events: readonly ClientEvent[]): Promise<LearnerRecord> {
    return this.change((r) => {
      const known = new Set(r.outbox.map((e) => e.id));
      return { ...r, outbox: [...r.outbox, ...events.filter((e) => !known.has(e.id))] };
    });
  }

  /** Removes events the endpoint acknowledged. */
  acknowledge(ids: readonly string[]): Promise<LearnerRecord> {
    const done = new Set(ids);
    return this.change((r) => ({ ...r, outbox: r.outbox.filter((e) => !done.has(e.id)) }));
  }

  /** Moves refused events from the outbox to the set-aside list, each with the endpoint's reason. */
  setAside(refused: readonly { event: ClientEvent; failure: Pick<EventFailure, 'code' | 'message'> }[]): Promise<LearnerRecord> {
    const at = new Date(this.#now()).toISOString();
    const ids = new Set(refused.map((r) => r.event.id));
    return this.change((r) => ({
      ...r,
      outbox: r.outbox.filter((e) => !ids.has(e.id)),
      setAside: [
        ...r.setAside,
        ...refused
          .filter((x) => !r.setAside.some((s) => s.event.id === x.event.id))
          .map((x) => ({ event: x.event, code: x.failure.code, message: x.failure.message, at })),
      ],
    }));
  }
}

/** What this browser keeps for an endpoint and course, whoever is signed in. */
export class VisitorData {
  readonly key: string;
  readonly #slot: RecordSlot<VisitorRecord>;

  constructor(options: DataOptions) {
    this.key = visitorRecordKey(options.endpoint, options.course);
    this.#slot = new RecordSlot(
      options.store,
      this.key,
      visitorKind(options.migrations ?? VISITOR_MIGRATIONS),
      options.report,
      options.now ?? Date.now,
    );
  }

  read(): Promise<VisitorRecord> {
    return this.#slot.read();
  }

  keepInvite(code: string | null): Promise<VisitorRecord> {
    return this.#slot.change((r) => ({ ...r, invite: code }));
  }

  rememberLearner(learner: LastLearnerType | null): Promise<VisitorRecord> {
    return this.#slot.change((r) => ({ ...r, lastLearner: learner && { iss: learner.iss, sub: learner.sub } }));
  }
}
