import * as z from 'zod/mini';
import { CourseId, IsoTime, LearnerId, Modality, ModalityList, ObjectList, Relationship, Uuid, integer, text } from './codes.js';

/**
 * Events record what happened, for the host page, statistics and learning
 * records. Each carries a UUID, an ISO time, the course, the learner's
 * pseudonymous id and the typology codes: never an email, a name or a note.
 */
const envelope = {
  id: Uuid,
  v: integer(1, 1),
  time: IsoTime,
  course: CourseId,
  learner: LearnerId,
};

// Client-side facts: sent through the outbox.
export const InviteOpenedEvent = z.object({ ...envelope, type: z.enum(['invite.opened']), invite: Uuid });
export const InviteLinkSharedEvent = z.object({
  ...envelope,
  type: z.enum(['invite.link-shared']),
  invite: Uuid,
  channel: z.enum(['copy', 'share', 'email']),
});

// Server-written facts: written by the endpoint with each command, in the same transaction.
const typology = { relationship: Relationship, objects: ObjectList, modalities: ModalityList };
export const InviteCreatedEvent = z.object({
  ...envelope,
  type: z.enum(['invite.created']),
  invite: Uuid,
  group: z.nullable(Uuid),
  ...typology,
});
export const InviteCancelledEvent = z.object({ ...envelope, type: z.enum(['invite.cancelled']), invite: Uuid });
export const InviteDeclinedEvent = z.object({ ...envelope, type: z.enum(['invite.declined']), invite: Uuid });
export const InviteAcceptedEvent = z.object({
  ...envelope,
  type: z.enum(['invite.accepted']),
  invite: Uuid,
  group: Uuid,
  inviter: LearnerId,
  ...typology,
});
export const GroupLeftEvent = z.object({
  ...envelope,
  type: z.enum(['group.left']),
  group: Uuid,
  relationship: Relationship,
  modalities: z.array(Modality),
});
export const GroupDissolvedEvent = z.object({ ...envelope, type: z.enum(['group.dissolved']), group: Uuid });

// Plain unions of objects told apart by their one-value `type`, rather than
// z.discriminatedUnion: the same values pass and the widget's bundle is
// ~0.4 KB lighter; the endpoint's error reporting looks into the branch whose
// type matched (src/server/validation.ts), so paths stay precise.

/** What a client may send to `POST /v1/events`. */
export const ClientEvent = z.union([InviteOpenedEvent, InviteLinkSharedEvent]);
export type ClientEvent = z.infer<typeof ClientEvent>;

export const ServerEvent = z.union([
  InviteCreatedEvent,
  InviteCancelledEvent,
  InviteDeclinedEvent,
  InviteAcceptedEvent,
  GroupLeftEvent,
  GroupDissolvedEvent,
]);
export type ServerEvent = z.infer<typeof ServerEvent>;

export type TandemEvent = ClientEvent | ServerEvent;
export type TandemEventType = TandemEvent['type'];

/** Largest batch `POST /v1/events` accepts. */
export const MAX_EVENTS_PER_BATCH = 100;

// The batch schemas serve the endpoint only. Built in a function marked free of
// side effects, so bundlers drop them (and the length checks) from the widget.
/* @__NO_SIDE_EFFECTS__ */
function batch<T extends z.core.$ZodLooseShape>(extra: T) {
  return z.object({ ...extra, events: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_EVENTS_PER_BATCH)) });
}

export const EventBatch = batch({});

/** The `sendBeacon` form: `text/plain` JSON with the token in the body, since beacons carry no headers. */
export const BeaconBatch = batch({ token: text(1, '') });
