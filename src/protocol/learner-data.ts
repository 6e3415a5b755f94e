import * as z from 'zod/mini';
import { IsoTime, LearnerId, Modality, ObjectCode, Relationship, Uuid, integer } from './codes.js';

/*
 * A learner's data on request (issue 5, "Hardening"): the platform, server to
 * server with its key, exports everything the endpoint holds about one
 * learner, or erases it. Server only: the widget never sees these.
 */

const When = z.nullable(IsoTime);

/** `GET /v1/learners/{learner}/export`: every record that names the learner, across courses. */
export const LearnerExport = z.object({
  learner: LearnerId,
  exportedAt: IsoTime,
  /** Their latest display name, as their tokens carried it (null: never seen or erased). */
  name: z.nullable(z.string()),
  /** Courses that saw them (with a token, a profile, or the platform's forum interactions). */
  courses: z.array(z.string()),
  profiles: z.array(z.object({ course: z.string(), profile: z.unknown(), optedInAt: IsoTime })),
  memberships: z.array(
    z.object({ group: Uuid, course: z.string(), relationship: Relationship, note: z.nullable(z.string()), joinedAt: IsoTime, leftAt: When }),
  ),
  invites: z.array(
    z.object({
      id: Uuid,
      course: z.string(),
      role: z.enum(['inviter', 'invitee']),
      relationship: Relationship,
      objects: z.array(ObjectCode),
      modalities: z.array(Modality),
      status: z.string(),
      createdAt: IsoTime,
      answeredAt: When,
    }),
  ),
  requests: z.array(
    z.object({
      id: Uuid,
      course: z.string(),
      role: z.enum(['sender', 'recipient']),
      peer: LearnerId,
      status: z.string(),
      objects: z.array(ObjectCode),
      modalities: z.array(Modality),
      createdAt: IsoTime,
      answeredAt: When,
    }),
  ),
  blocks: z.array(z.object({ blocked: LearnerId, at: IsoTime })),
  reports: z.array(z.object({ id: Uuid, course: z.string(), peer: LearnerId, reason: z.string(), details: z.nullable(z.string()), createdAt: IsoTime })),
  forumInteractions: z.array(z.object({ course: z.string(), with: LearnerId, count: integer(1) })),
  /** Pool-matching rounds they were in, and what came of each. */
  poolOutcomes: z.array(z.object({ run: Uuid, course: z.string(), outcome: z.string(), group: z.nullable(Uuid), at: IsoTime })),
  /** Their own events as stored (what they did, and the platform's progress reports about them). */
  events: z.array(z.unknown()),
});
export type LearnerExport = z.infer<typeof LearnerExport>;

/**
 * `DELETE /v1/learners/{learner}`: what the erasure did. Their groups were
 * left (as if they had left), pending invites and requests cancelled, their
 * name, profiles, notes, blocks, forum interactions and report details
 * deleted, and their id replaced everywhere else by a random pseudonym that
 * nothing links back to them (so the course's counts stay true).
 */
export const ErasureAnswer = z.object({
  learner: LearnerId,
  erasedAt: IsoTime,
  groupsLeft: integer(0),
  eventsPseudonymised: integer(0),
  recordsDeleted: integer(0),
  /** xAPI statements the Learning Record Store had that named them, now voided there (0 without forwarding). */
  statementsVoided: integer(0),
});
export type ErasureAnswer = z.infer<typeof ErasureAnswer>;
