import * as z from 'zod/mini';
import { Command, LearnerState } from '../protocol/api.js';
import { InviteCode, IsoTime, LearnerId, Uuid, integer, text } from '../protocol/codes.js';
import { ClientEvent } from '../protocol/events.js';

/**
 * What Tandem keeps in its own IndexedDB database. Every record carries the
 * `schema` version it was written with; see records.ts for how older
 * versions are migrated and unreadable ones set aside.
 */

const SchemaVersion = integer(1);

/** A command the learner asked for that the endpoint has not answered yet. */
export const StoredPendingCommand = z.object({ id: Uuid, command: Command, requestedAt: IsoTime });
export type StoredPendingCommand = z.infer<typeof StoredPendingCommand>;

/** An event the endpoint refused: kept, counted and reported, never silently dropped. */
export const SetAsideEvent = z.object({
  event: ClientEvent,
  code: z.string(),
  message: z.string(),
  at: IsoTime,
});
export type SetAsideEvent = z.infer<typeof SetAsideEvent>;

/** One learner's data for one course on one endpoint (the key says whose: see records.ts). */
export const LearnerRecord = z.object({
  schema: SchemaVersion,
  /** The learner's state as the endpoint last sent it. */
  state: z.nullable(LearnerState),
  /** Commands waiting for an answer, oldest first. */
  pending: z.array(StoredPendingCommand),
  /** Client events not yet acknowledged by the endpoint, oldest first. */
  outbox: z.array(ClientEvent),
  setAside: z.array(SetAsideEvent),
});
export type LearnerRecord = z.infer<typeof LearnerRecord>;

/** Which learner this browser last saw signed in (no token: tokens are secrets). */
export const LastLearner = z.object({ iss: text(1, ''), sub: LearnerId });
export type LastLearner = z.infer<typeof LastLearner>;

/** What this browser keeps for an endpoint and course whoever is signed in. */
export const VisitorRecord = z.object({
  schema: SchemaVersion,
  /** An invite code kept while its holder signs in or enrols. */
  invite: z.nullable(InviteCode),
  /** Used only when the token cannot be fetched (offline), to show that learner's cached state. */
  lastLearner: z.nullable(LastLearner),
});
export type VisitorRecord = z.infer<typeof VisitorRecord>;
