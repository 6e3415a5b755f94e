import * as z from 'zod/mini';
import { PCDM_RELATIONSHIPS } from '../core/typology.js';
import { DisplayName, IsoTime, LearnerId, Modality, ModalityList, ObjectCode, ObjectList, Uuid, integer, text } from './codes.js';
import { PeerReason } from './peers.js';

/*
 * Tandem requests between learners who met in a MOOC (issue 3), blocks and
 * reports. Their own routes, not `POST /v1/commands`: the widget's lazy part-2
 * chunks speak them, so the part-1 runtime does not carry these schemas.
 * Creating a request and reporting take a client-made UUID, so a resend after
 * a lost answer is safe; answering is idempotent by nature.
 */

/** At most this many pending outgoing requests per learner and course. */
export const MAX_PENDING_REQUESTS = 20;
/** At most this many requests sent per learner, course and day, whatever became of them (sending and cancelling is no way around the limit). */
export const MAX_REQUESTS_PER_DAY = 50;
/** After a decline, the same learner cannot be asked again for this many days. */
export const DECLINE_QUIET_DAYS = 30;

export const PcdmRelationship = z.enum(PCDM_RELATIONSHIPS);

/**
 * Another learner's id as a request, block or report names it: a token `sub`,
 * which is never an email (the endpoint refuses such tokens), so neither is this:
 * an email typed here would otherwise reach events and webhooks.
 */
export const PeerId = text(1, 200, '[^@]', 'a learner id (1 to 200 characters, never an email)');

/** Where the asker found the peer: the ranked list, a forum button, or the earlier-partners shortcut. */
export const RequestOrigin = z.enum(['peers', 'ask', 'earlier']);
export type RequestOrigin = z.infer<typeof RequestOrigin>;

/**
 * `POST /v1/courses/{course}/requests`. The relationship is the endpoint's to
 * decide: `earlier-mooc` when the two had a group in an earlier course on this
 * endpoint, else `this-mooc`.
 */
export const SendRequest = z.object({
  /** Idempotency key: the same id and body answer the same request again. */
  id: Uuid,
  peer: PeerId,
  from: RequestOrigin,
  objects: ObjectList,
  modalities: ModalityList,
  /** Into this group of the asker's (with room), rather than a new tandem. */
  group: z.optional(Uuid),
});
export type SendRequest = z.infer<typeof SendRequest>;

export const RequestStatus = z.enum(['pending', 'accepted', 'declined', 'cancelled']);
export type RequestStatus = z.infer<typeof RequestStatus>;

/** A request as one of its two sides sees it: `peer` is the other side. */
export const PeerRequest = z.object({
  id: Uuid,
  peer: z.object({ id: LearnerId, name: DisplayName }),
  relationship: PcdmRelationship,
  objects: z.array(ObjectCode),
  modalities: z.array(Modality),
  /** The asker's group the request joins, if not a new tandem. */
  group: z.nullable(Uuid),
  /** Members already in that group (0 for a new tandem). */
  members: integer(0),
  status: RequestStatus,
  /** Why the two match, from the recipient's side (empty when one of them is not opted in). */
  reasons: z.array(PeerReason),
  createdAt: IsoTime,
  answeredAt: z.optional(IsoTime),
});
export type PeerRequest = z.infer<typeof PeerRequest>;

/** `GET /v1/courses/{course}/requests`: pending incoming ones, and one's own sent in the last 30 days. */
export const RequestList = z.object({
  incoming: z.array(PeerRequest),
  outgoing: z.array(PeerRequest),
  /** Pending outgoing requests, against MAX_PENDING_REQUESTS. */
  pendingOut: integer(0),
});
export type RequestList = z.infer<typeof RequestList>;

/** `POST /v1/courses/{course}/requests/{id}/{accept|decline|cancel}`: the request after it, and the group on accept. */
export const RequestAnswer = z.object({
  request: PeerRequest,
  /** Server events written (dispatched on the page as `tandem-event`). */
  events: z.array(z.looseObject({ id: Uuid, type: z.string() })),
});
export type RequestAnswer = z.infer<typeof RequestAnswer>;

/* ------------------------------------------------------------- safety */

/** `PUT` / `DELETE /v1/courses/{course}/blocks/{peer}`; the list is `GET /v1/courses/{course}/blocks`. */
export const BlockList = z.object({
  blocked: z.array(z.object({ id: LearnerId, name: DisplayName, at: IsoTime })),
});
export type BlockList = z.infer<typeof BlockList>;

export const REPORT_REASONS = ['spam', 'harassment', 'inappropriate-note', 'safety', 'other'] as const;
export const ReportReason = z.enum(REPORT_REASONS);
export type ReportReason = z.infer<typeof ReportReason>;

/** `POST /v1/courses/{course}/reports`: reaches the course's staff (webhook and API). */
export const SendReport = z.object({
  id: Uuid,
  peer: PeerId,
  reason: ReportReason,
  details: z.optional(text(0, 1000)),
  /** Also block the peer in the same step. */
  block: z.optional(z.boolean()),
});
export type SendReport = z.infer<typeof SendReport>;

/** A report as staff read it (`GET /v1/courses/{course}/reports`, platform key). */
export const StaffReport = z.object({
  id: Uuid,
  course: z.string(),
  reporter: LearnerId,
  peer: LearnerId,
  reason: ReportReason,
  details: z.optional(z.string()),
  createdAt: IsoTime,
});
export type StaffReport = z.infer<typeof StaffReport>;

/** `PUT /v1/courses/{course}/peers/{learner}/note-visibility` (platform key): staff hide or show a note. */
export const NoteVisibility = z.object({ hidden: z.boolean() });

/* ------------------------------------------------------------- events */

// Server-written facts of part 2, stored with part 1's in the events table (for
// statistics and learning records) and dispatched on the page as `tandem-event`.
// Pseudonymous ids and typology codes only: never a name, a note or a city.
const envelope = { id: Uuid, v: integer(1, 1), time: IsoTime, course: z.string(), learner: LearnerId };
const typology = { relationship: PcdmRelationship, objects: ObjectList, modalities: ModalityList };

export const RequestSentEvent = z.object({
  ...envelope,
  type: z.literal('request.sent'),
  request: Uuid,
  recipient: LearnerId,
  from: RequestOrigin,
  group: z.nullable(Uuid),
  ...typology,
});
export const RequestAcceptedEvent = z.object({
  ...envelope,
  type: z.literal('request.accepted'),
  request: Uuid,
  sender: LearnerId,
  group: Uuid,
  ...typology,
});
export const RequestDeclinedEvent = z.object({ ...envelope, type: z.literal('request.declined'), request: Uuid });
export const RequestCancelledEvent = z.object({ ...envelope, type: z.literal('request.cancelled'), request: Uuid });
/** One per matched learner: the pool formed their group. */
export const PoolMatchedEvent = z.object({
  ...envelope,
  type: z.literal('pool.matched'),
  run: Uuid,
  group: Uuid,
  ...typology,
});

/** The learner opted in to discovery (a first opt-in, or again after opting out): counted in the instructor's funnel. */
export const OptedInEvent = z.object({ ...envelope, type: z.literal('peer.opted-in'), autoMatch: z.boolean() });
export type OptedInEvent = z.infer<typeof OptedInEvent>;

export const PeerEvent = z.discriminatedUnion('type', [
  RequestSentEvent,
  RequestAcceptedEvent,
  RequestDeclinedEvent,
  RequestCancelledEvent,
  PoolMatchedEvent,
]);
export type PeerEvent = z.infer<typeof PeerEvent>;
