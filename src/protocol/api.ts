import * as z from 'zod/mini';
import { MAX_GROUP_SIZE, MAX_INVITE_LIFETIME_DAYS, MIN_GROUP_SIZE } from '../core/course-settings.js';
import {
  ContactNote,
  CourseId,
  DisplayName,
  InviteCode,
  IsoTime,
  LearnerId,
  ModalityList,
  ObjectList,
  PchmRelationship,
  Relationship,
  Uuid,
  Modality,
  integer,
  ObjectCode,
} from './codes.js';
import { ServerEvent } from './events.js';

/* ----------------------------------------------------------------- errors */

/** Stable error codes of the API. Messages are for people; codes are for programs. */
export const ERROR_CODES = [
  'bad_request',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'origin_not_allowed',
  'token_missing',
  'token_invalid',
  'token_expired',
  'course_mismatch',
  'forbidden',
  'invite_not_found',
  'invite_expired',
  'invite_cancelled',
  'invite_used',
  'invite_declined',
  'own_invite',
  'already_member',
  'group_full',
  'group_not_found',
  'not_member',
  'not_offered',
  'not_opted_in',
  'peer_unavailable',
  'own_request',
  'duplicate_request',
  'request_limit',
  'request_not_found',
  'request_closed',
  'pool_running',
  'invalid_events',
  'id_conflict',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * An error code on the wire: one of ERROR_CODES from this endpoint, but a
 * client accepts any string, because later versions and other implementations
 * of the API may add codes (an unknown one reads as a generic failure).
 */
const WireErrorCode = z.string();

export const ApiErrorBody = z.object({
  error: z.object({
    code: WireErrorCode,
    message: z.string(),
    /** The failing path in the request, as dotted segments (`command.objects.0`); empty when not about one field. */
    path: z.string(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/* -------------------------------------------------------------- settings */

export const CourseSettings = z.object({
  groupSize: integer(MIN_GROUP_SIZE, MAX_GROUP_SIZE),
  objects: ObjectList,
  modalities: ModalityList,
  inviteLifetimeDays: integer(1, MAX_INVITE_LIFETIME_DAYS),
});
export type CourseSettings = z.infer<typeof CourseSettings>;

/* ----------------------------------------------------------------- state */

export const Member = z.object({
  id: LearnerId,
  name: DisplayName,
  relationship: Relationship,
  note: z.optional(ContactNote),
  joinedAt: IsoTime,
});
export type Member = z.infer<typeof Member>;

export const Group = z.object({
  id: Uuid,
  objects: z.array(ObjectCode),
  modalities: z.array(Modality),
  size: integer(),
  createdAt: IsoTime,
  members: z.array(Member),
});
export type Group = z.infer<typeof Group>;

export const InviteStatus = z.enum(['pending', 'accepted', 'declined', 'cancelled', 'expired']);
export type InviteStatus = z.infer<typeof InviteStatus>;

/** An invite as its inviter sees it (with the code, to copy the link again). */
export const OwnInvite = z.object({
  id: Uuid,
  code: InviteCode,
  relationship: PchmRelationship,
  objects: z.array(ObjectCode),
  modalities: z.array(Modality),
  group: z.nullable(Uuid),
  status: InviteStatus,
  createdAt: IsoTime,
  expiresAt: IsoTime,
  /** Who accepted or declined, once someone did. */
  answeredBy: z.optional(DisplayName),
});
export type OwnInvite = z.infer<typeof OwnInvite>;

/** Everything one learner sees of one course: `GET /v1/courses/{course}/state`. */
export const LearnerState = z.object({
  course: CourseId,
  learner: z.object({ id: LearnerId, name: DisplayName }),
  settings: CourseSettings,
  groups: z.array(Group),
  invites: z.array(OwnInvite),
  /** Pending tandem requests to this learner (part 2): the widget loads their view only when there are some. */
  incomingRequests: z.optional(integer(0)),
  serverTime: IsoTime,
});
export type LearnerState = z.infer<typeof LearnerState>;

/* ------------------------------------------------------- invite details */

/** `POST /v1/invite-details`: authorised by the code itself (the body keeps it out of URLs and logs). */
export const InviteDetailsRequest = z.object({ code: InviteCode });

/** Only what the invitee needs: who, which course, what and how. */
export const InviteDetails = z.object({
  id: Uuid,
  course: CourseId,
  inviter: z.object({ name: DisplayName }),
  relationship: PchmRelationship,
  objects: z.array(ObjectCode),
  modalities: z.array(Modality),
  /** Members already in the group the invite joins (0 for a new tandem). */
  members: integer(0),
  groupSize: integer(),
  expiresAt: IsoTime,
});
export type InviteDetails = z.infer<typeof InviteDetails>;

/* -------------------------------------------------------------- commands */

export const CreateInvite = z.object({
  type: z.enum(['invite.create']),
  relationship: PchmRelationship,
  objects: ObjectList,
  modalities: ModalityList,
  /** Invite into this existing group (its objects and modalities then apply). */
  group: z.optional(Uuid),
});
export const CancelInvite = z.object({ type: z.enum(['invite.cancel']), invite: Uuid });
export const AcceptInvite = z.object({ type: z.enum(['invite.accept']), code: InviteCode });
export const DeclineInvite = z.object({ type: z.enum(['invite.decline']), code: InviteCode });
export const LeaveGroup = z.object({ type: z.enum(['group.leave']), group: Uuid });
export const SetContactNote = z.object({ type: z.enum(['group.set-note']), group: Uuid, note: ContactNote });

/** A union told apart by `type` (see the note on unions in events.ts). */
export const Command = z.union([
  CreateInvite,
  CancelInvite,
  AcceptInvite,
  DeclineInvite,
  LeaveGroup,
  SetContactNote,
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command['type'];

/** `POST /v1/commands`: the id is the client-made idempotency key. */
export const CommandRequest = z.object({ id: Uuid, course: CourseId, command: Command });
export type CommandRequest = z.infer<typeof CommandRequest>;

export const CommandResult = z.object({
  id: Uuid,
  type: z.string(),
  /** The invite created, cancelled, accepted or declined; the group joined, left or noted. */
  invite: z.optional(Uuid),
  group: z.optional(z.nullable(Uuid)),
  /** The new invite's code, for `invite.create`. */
  code: z.optional(InviteCode),
});
export type CommandResult = z.infer<typeof CommandResult>;

/**
 * A command's answer: its result, the events the endpoint wrote for it (so the
 * widget can dispatch them as DOM events without a second copy), and the
 * learner's state after it.
 */
export const CommandResponse = z.object({ result: CommandResult, events: z.array(ServerEvent), state: LearnerState });
export type CommandResponse = z.infer<typeof CommandResponse>;

/* ---------------------------------------------------------------- events */

export const EventFailure = z.object({
  index: integer(0),
  code: WireErrorCode,
  message: z.string(),
  path: z.string(),
});
export type EventFailure = z.infer<typeof EventFailure>;

/** 200: all stored (a known id with the same body counts as a duplicate, not an error). */
export const EventsAccepted = z.object({
  stored: integer(0),
  duplicates: integer(0),
});
/** 400 `invalid_events`: nothing of the batch was stored; these indices failed. */
export const EventsRejected = z.object({
  error: ApiErrorBody.shape.error,
  failures: z.array(EventFailure),
});

/* ---------------------------------------------------------------- health */

export const Health = z.object({ status: z.enum(['ok']), version: z.string(), store: z.string() });

