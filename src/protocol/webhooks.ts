import * as z from 'zod/mini';
import { CourseId, DisplayName, IsoTime, LearnerId, Modality, ObjectCode, Uuid } from './codes.js';
import { PcdmRelationship, ReportReason } from './requests.js';

/*
 * Notifications the endpoint POSTs to the platform's webhook (issue 3): a
 * learner is rarely on the course page when a request arrives, so the
 * platform emails or notifies them its own way. Each body is signed (see
 * src/server/webhooks/webhook-signature.ts) and retried with backoff until
 * the receiver answers 2xx; `id` is stable across retries, so a receiver
 * drops one it has already handled.
 */

export const WEBHOOK_TYPES = ['request.received', 'request.accepted', 'invite.accepted', 'pool.matched', 'report.created'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

const Person = z.object({ id: LearnerId, name: DisplayName });

const envelope = {
  id: Uuid,
  time: IsoTime,
  course: CourseId,
};

export const RequestReceivedNotification = z.object({
  ...envelope,
  type: z.literal('request.received'),
  /** Whom to notify: the recipient of the request. */
  learner: LearnerId,
  data: z.object({
    request: Uuid,
    from: Person,
    relationship: PcdmRelationship,
    objects: z.array(ObjectCode),
    modalities: z.array(Modality),
  }),
});

export const RequestAcceptedNotification = z.object({
  ...envelope,
  type: z.literal('request.accepted'),
  /** Whom to notify: the learner who sent the request. */
  learner: LearnerId,
  data: z.object({ request: Uuid, by: Person, group: Uuid }),
});

export const InviteAcceptedNotification = z.object({
  ...envelope,
  type: z.literal('invite.accepted'),
  /** Whom to notify: the inviter. */
  learner: LearnerId,
  data: z.object({ invite: Uuid, by: Person, group: Uuid }),
});

export const PoolMatchedNotification = z.object({
  ...envelope,
  type: z.literal('pool.matched'),
  /** Whom to notify: one matched learner (one notification each). */
  learner: LearnerId,
  data: z.object({ run: Uuid, group: Uuid, members: z.array(Person) }),
});

export const ReportCreatedNotification = z.object({
  ...envelope,
  type: z.literal('report.created'),
  /** For the course's staff: no learner to notify. */
  data: z.object({ report: Uuid, reporter: LearnerId, peer: LearnerId, reason: ReportReason, details: z.optional(z.string()) }),
});

export const WebhookNotification = z.discriminatedUnion('type', [
  RequestReceivedNotification,
  RequestAcceptedNotification,
  InviteAcceptedNotification,
  PoolMatchedNotification,
  ReportCreatedNotification,
]);
export type WebhookNotification = z.infer<typeof WebhookNotification>;
