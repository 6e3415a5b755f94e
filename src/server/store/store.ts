import type { CommandResult, InviteStatus } from '../../protocol/api.js';
import type { EndpointCourseSettings as CourseSettings, PeerProfile, PeerReason } from '../../protocol/peers.js';
import type { LearnerExport } from '../../protocol/learner-data.js';
import type { ReportReason, RequestOrigin, RequestStatus } from '../../protocol/requests.js';
import type { Modality, ObjectCode, PchmRelationship, Relationship } from '../../core/typology.js';

/**
 * The endpoint's storage, behind one small interface so that SQL stays out of
 * the routes and a second adapter (PostgreSQL, part 4) passes the same tests.
 *
 * Every read and write happens inside `transaction`: the adapter runs one at a
 * time (SQLite) or with row locks (PostgreSQL: SELECT … FOR UPDATE on the
 * invite and group a command touches), and commits before the promise
 * resolves, so an answered request is a committed one.
 */
export interface Store {
  /** Names the back end in the health answer (`sqlite`). */
  readonly kind: string;
  /** Runs `work` atomically: all its writes commit together, or none do if it throws. */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Replays every stored event into empty stats tables (the `stats:rebuild` command); returns how many events it read. */
  rebuildStats(): Promise<number>;
  /** Waits for the running transaction, then releases the database. */
  close(): Promise<void>;
}

/** Stored statuses; "expired" is computed from expiresAt when read, never stored. */
export type StoredInviteStatus = Exclude<InviteStatus, 'expired'>;

export interface InviteRecord {
  id: string;
  code: string;
  course: string;
  inviter: string;
  relationship: PchmRelationship;
  objects: ObjectCode[];
  modalities: Modality[];
  /** The group the invite joins: given at creation, or set when the first acceptance creates it. */
  group: string | null;
  status: StoredInviteStatus;
  createdAt: string;
  expiresAt: string;
  /** Who accepted or declined it. */
  answeredBy: string | null;
  /** When it was accepted, declined or cancelled. */
  answeredAt: string | null;
}

/** An invite as its inviter lists it, with the answerer's display name. */
export interface OwnInviteRecord extends InviteRecord {
  answeredByName: string | null;
}

export interface GroupRecord {
  id: string;
  course: string;
  objects: ObjectCode[];
  modalities: Modality[];
  size: number;
  createdAt: string;
  dissolvedAt: string | null;
}

export interface MemberRecord {
  learner: string;
  /** The learner's latest display name from their token (their id if never seen). */
  name: string;
  relationship: Relationship;
  note: string | null;
  joinedAt: string;
}

export interface CommandRecord {
  id: string;
  learner: string;
  course: string;
  /** SHA-256 of the canonical request body: the same id with another body is an id_conflict. */
  hash: string;
  result: CommandResult;
  createdAt: string;
}

export interface EventRecord {
  id: string;
  type: string;
  course: string;
  learner: string;
  time: string;
  /** The whole event as canonical JSON: a resent id is a duplicate only if this text is identical. */
  body: string;
  source: 'client' | 'server';
  /** The command that wrote it, for server events (replays answer the same events). */
  command: string | null;
  receivedAt: string;
}

/** The row for a parsed event: its envelope in columns, the whole event as `body` (canonical JSON). */
export function eventRecord(
  event: { id: string; type: string; course: string; learner: string; time: string },
  body: string,
  source: EventRecord['source'],
  command: string | null,
  receivedAt: string,
): EventRecord {
  return { id: event.id, type: event.type, course: event.course, learner: event.learner, time: event.time, body, source, command, receivedAt };
}

/** An opted-in learner of a course, with their latest display name (their id if never seen). */
export interface PeerProfileRecord {
  learner: string;
  name: string;
  profile: PeerProfile;
  /** Staff hid the note: it is listed to nobody (its owner still sees it in their form). */
  noteHidden: boolean;
}

export interface PeerRequestRecord {
  id: string;
  course: string;
  sender: string;
  recipient: string;
  origin: RequestOrigin;
  relationship: 'this-mooc' | 'earlier-mooc';
  objects: ObjectCode[];
  modalities: Modality[];
  /** The sender's group the request joins (null: a new tandem), then the group an acceptance formed. */
  group: string | null;
  status: RequestStatus;
  /** SHA-256 of the canonical request body, for idempotent resends. */
  hash: string;
  createdAt: string;
  answeredAt: string | null;
}

/** A request with both sides' display names. */
export interface NamedRequestRecord extends PeerRequestRecord {
  senderName: string;
  recipientName: string;
}

export interface ReportRecord {
  id: string;
  course: string;
  reporter: string;
  peer: string;
  reason: ReportReason;
  details: string | null;
  hash: string;
  createdAt: string;
}

/**
 * A row of an outbox (webhook deliveries, xAPI statements): queued in the
 * transaction that made it, then sent by a dispatcher (src/server/outbox/) and
 * retried until delivered or failed. Both tables have these columns.
 */
export interface OutboxRecord {
  id: string;
  course: string;
  /** The exact text sent, the same on every attempt. */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** When the next attempt is due; pushed past a send in flight while it is leased. */
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What an attempt (or a lease) changes in an outbox row. */
export type OutboxPatch = Pick<OutboxRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'finishedAt'>;

export interface WebhookDelivery extends OutboxRecord {
  /** The notification's type, for the log. */
  type: string;
  /** The exact JSON text sent (and signed). */
  body: string;
}

/** An xAPI statement queued for the Learning Record Store; its id is the event's. */
export interface XapiStatementRecord extends OutboxRecord {
  /** The event's type, for the log. */
  eventType: string;
  /** The exact statement JSON sent, the same on every attempt. */
  body: string;
}

export interface PoolRunRecord {
  id: string;
  course: string;
  seed: number;
  trigger: 'api' | 'schedule';
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  candidates: number | null;
  groups: number | null;
  matched: number | null;
  unmatched: number | null;
  error: string | null;
}

export interface PoolOutcomeRecord {
  run: string;
  course: string;
  learner: string;
  outcome: 'matched' | 'no-match';
  group: string | null;
  reasons: PeerReason[];
  at: string;
}

export interface StoreTx {
  /** Records the learner's latest display name, and (with `course`) that the course has seen them. */
  upsertLearner(id: string, name: string, now: string, course?: string): Promise<void>;
  /** Whether the course knows the learner: seen with a token for it, opted in, or named by the platform's forum interactions. */
  knownInCourse(course: string, learner: string): Promise<boolean>;
  /** The learner's latest display name, or null if never seen. */
  learnerName(id: string): Promise<string | null>;

  getCourseSettings(course: string): Promise<CourseSettings | null>;
  putCourseSettings(course: string, settings: CourseSettings, now: string): Promise<void>;

  getCommand(id: string): Promise<CommandRecord | null>;
  insertCommand(command: CommandRecord): Promise<void>;

  getInvite(id: string): Promise<InviteRecord | null>;
  getInviteByCode(code: string): Promise<InviteRecord | null>;
  insertInvite(invite: InviteRecord): Promise<void>;
  /** Records an answer or a cancellation (and the group an acceptance created or joined). */
  answerInvite(
    id: string,
    answer: { status: StoredInviteStatus; answeredBy: string | null; answeredAt: string; group: string | null },
  ): Promise<void>;
  /** The inviter's invites in a course that are pending, or were answered or expired at or after `since`. */
  listOwnInvites(course: string, inviter: string, since: string): Promise<OwnInviteRecord[]>;

  getGroup(id: string): Promise<GroupRecord | null>;
  insertGroup(group: GroupRecord): Promise<void>;
  dissolveGroup(id: string, now: string): Promise<void>;
  /** Groups of a course, not dissolved, that `learner` is an active member of, oldest first. */
  listGroupsOf(course: string, learner: string): Promise<GroupRecord[]>;
  activeMembers(group: string): Promise<MemberRecord[]>;
  addMember(group: string, member: { learner: string; relationship: Relationship; joinedAt: string }): Promise<void>;
  /**
   * Ends an active membership and erases its contact note: the note is
   * personal data shown only to fellow members, and there are none any more.
   */
  endMembership(group: string, learner: string, now: string): Promise<void>;
  setNote(group: string, learner: string, note: string | null): Promise<void>;

  getEvent(id: string): Promise<EventRecord | null>;
  /**
   * What storing a batch of events must check, in one read: the bodies of those of these event ids already
   * stored, by id, and when each of these tombstone keys was erased (keys never erased are absent). Read in
   * the transaction that stores them, so that what another server process stored or erased is seen.
   */
  knownEvents(ids: readonly string[], tombstoneKeys: readonly string[]): Promise<{ bodies: Map<string, string>; erasedAt: Map<string, string> }>;
  /** Stores events, in the order given (new ids only), and applies them to their courses' stats, in this same transaction. */
  insertEvents(events: readonly EventRecord[]): Promise<void>;
  /**
   * Stores, as insertEvents does, those of these events (distinct ids) whose id is not stored yet and that are not
   * dated at or before the erasure under `tombstoneKey`; answers the ids it stored. One statement for a batch of
   * client events, whose ids are nearly always new (knownEvents then explains the others).
   */
  insertNewEvents(events: readonly EventRecord[], tombstoneKey: string): Promise<Set<string>>;
  eventsOfCommand(command: string): Promise<EventRecord[]>;

  /** Opts in, or updates the profile; the first opt-in time is kept. */
  upsertProfile(course: string, learner: string, profile: PeerProfile): Promise<PeerProfile>;
  /** Opts out: the profile is erased at once. */
  deleteProfile(course: string, learner: string): Promise<void>;
  getProfile(course: string, learner: string): Promise<PeerProfile | null>;
  /** Every opted-in learner of a course, by id. */
  listProfiles(course: string): Promise<PeerProfileRecord[]>;
  /** Adds `count` interactions between two learners (either direction: the pair is unordered). */
  addForumInteraction(course: string, a: string, b: string, count: number): Promise<void>;
  /** Forum interactions between `learner` and each other learner of the course, by their id. */
  forumCounts(course: string, learner: string): Promise<Map<string, number>>;
  /** Learners who shared a group (then or now) with `learner` in any course but `excludingCourse`. */
  earlierPartners(learner: string, excludingCourse: string): Promise<Set<string>>;
  setNoteHidden(course: string, learner: string, hidden: boolean): Promise<boolean>;

  insertRequest(request: PeerRequestRecord): Promise<void>;
  getRequest(id: string): Promise<NamedRequestRecord | null>;
  answerRequest(id: string, answer: { status: RequestStatus; answeredAt: string; group: string | null }): Promise<void>;
  /** The pending request from `sender` to `recipient` in a course, if any. */
  pendingRequest(course: string, sender: string, recipient: string): Promise<PeerRequestRecord | null>;
  countPendingOut(course: string, sender: string): Promise<number>;
  /** Requests `sender` made in a course since `since`, whatever became of them. */
  countSentSince(course: string, sender: string, since: string): Promise<number>;
  /** When `recipient` last declined a request from `sender` in a course, or null. */
  lastDeclined(course: string, sender: string, recipient: string): Promise<string | null>;
  countPendingIn(course: string, recipient: string): Promise<number>;
  /** Pending requests to `recipient`, oldest first. */
  listIncoming(course: string, recipient: string): Promise<NamedRequestRecord[]>;
  /** Requests `sender` made: pending, or answered at or after `since`; newest first. */
  listOutgoing(course: string, sender: string, since: string): Promise<NamedRequestRecord[]>;
  /** Cancels every pending request between two learners, either way, in every course; returns them. */
  cancelRequestsBetween(a: string, b: string, now: string): Promise<PeerRequestRecord[]>;

  /** Blocks `blocked` for `blocker` (again: no change). */
  addBlock(blocker: string, blocked: string, now: string): Promise<void>;
  removeBlock(blocker: string, blocked: string): Promise<void>;
  listBlocks(blocker: string): Promise<{ id: string; name: string; at: string }[]>;
  /** Everyone `learner` blocked or who blocked `learner`. */
  blockedEitherWay(learner: string): Promise<Set<string>>;
  /** Every block among the learners of a course's profiles, as [blocker, blocked] pairs. */
  blocksAmong(course: string): Promise<Array<[string, string]>>;

  insertReport(report: ReportRecord): Promise<void>;
  getReport(id: string): Promise<ReportRecord | null>;
  listReports(course: string): Promise<ReportRecord[]>;

  insertWebhook(delivery: WebhookDelivery): Promise<void>;
  /** Pending deliveries due at `now`, oldest first. */
  dueWebhooks(now: string, limit: number): Promise<WebhookDelivery[]>;
  updateWebhook(id: string, patch: OutboxPatch): Promise<void>;
  getWebhook(id: string): Promise<WebhookDelivery | null>;

  /** Queues an xAPI statement (in the transaction that stores its event). */
  insertXapiStatement(statement: XapiStatementRecord): Promise<void>;
  /** Pending statements due at `now`, oldest first. */
  dueXapiStatements(now: string, limit: number): Promise<XapiStatementRecord[]>;
  updateXapiStatement(id: string, patch: OutboxPatch): Promise<void>;
  getXapiStatement(id: string): Promise<XapiStatementRecord | null>;

  /** Inserts a running round; false when one is already running for the course. */
  startPoolRun(run: PoolRunRecord): Promise<boolean>;
  /** Records a running round's end; false (nothing changed) when it is no longer running: another process marked it failed. */
  finishPoolRun(id: string, patch: Pick<PoolRunRecord, 'status' | 'finishedAt' | 'candidates' | 'groups' | 'matched' | 'unmatched' | 'error'>): Promise<boolean>;
  getPoolRun(id: string): Promise<PoolRunRecord | null>;
  /** The course's latest round (running or not), for the schedule. */
  latestPoolRun(course: string): Promise<PoolRunRecord | null>;
  /** Rounds left running by a process that stopped: marked failed at start. */
  failRunningPoolRuns(now: string, error: string): Promise<number>;
  insertPoolOutcome(outcome: PoolOutcomeRecord): Promise<void>;
  /** Every forum pair of a course, each once. */
  forumPairs(course: string): Promise<Array<[string, string, number]>>;
  /** Pairs of a course's opted-in learners who shared a group in another course, each once. */
  earlierPartnerPairs(course: string): Promise<Array<[string, string]>>;
  /** Learners with an active membership in a group of the course. */
  groupedLearners(course: string): Promise<Set<string>>;
  latestPoolOutcome(course: string, learner: string): Promise<PoolOutcomeRecord | null>;
  /** Every course with stored settings, for the pool schedule. */
  listCourseSettings(): Promise<Array<{ course: string; settings: CourseSettings }>>;

  /** The course's stats counters by key (see src/core/stats-contributions.ts), zeros left out. */
  statsCounters(course: string): Promise<Map<string, number>>;
  /** Median seconds from an invite's creation to its acceptance, or null when none was accepted. */
  medianAcceptSeconds(course: string): Promise<number | null>;
  /** The stats keys withheld in the course's last answer. */
  withheldKeys(course: string): Promise<Set<string>>;
  setWithheldKeys(course: string, keys: readonly string[]): Promise<void>;

  /** Every record naming the learner, for an export on request (`exportedAt` left to the caller). */
  learnerExport(learner: string): Promise<LearnerExport>;
  /** Groups of any course, not dissolved, the learner is an active member of. */
  activeGroupsOfLearner(learner: string): Promise<GroupRecord[]>;
  /**
   * Erases the learner (their groups already left): deletes what is theirs
   * alone, puts `pseudonym` for their id in what stays for others, and keeps a
   * tombstone of the id's hash and `now`. See sqlite-erasure.ts.
   */
  eraseLearner(
    learner: string,
    pseudonym: string,
    now: string,
    /** The tombstone's key for the learner (see learners/learner-data.ts). */
    key: string,
  ): Promise<{ eventsPseudonymised: number; recordsDeleted: number; /** xAPI statements the LRS has that named them. */ deliveredStatements: Array<{ id: string; course: string }> }>;
  /** The tombstones, for the server's in-memory check of tokens: every one, or those of erasures at or after `since` (ISO). */
  tombstones(since?: string): Promise<Array<{ key: string; at: string }>>;
}
