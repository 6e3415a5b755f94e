import * as z from 'zod/mini';
import { IsoTime, Uuid, integer } from './codes.js';

/*
 * Pool-matching rounds (issue 3): staff start one (`POST /v1/courses/{course}/pool-runs`,
 * platform key or an instructor's token) or the course's schedule does; the
 * endpoint runs it in a worker thread and answers at once with the round to poll.
 */

/** `POST /v1/courses/{course}/pool-runs`: the seed makes a round repeatable (random when left out). */
export const StartPoolRun = z.object({ seed: z.optional(integer(0, 2 ** 32 - 1)) });
export type StartPoolRun = z.infer<typeof StartPoolRun>;

export const PoolRun = z.object({
  id: Uuid,
  course: z.string(),
  seed: integer(0, 2 ** 32 - 1),
  trigger: z.enum(['api', 'schedule']),
  status: z.enum(['running', 'done', 'failed']),
  startedAt: IsoTime,
  finishedAt: z.optional(IsoTime),
  /**
   * Learners who had opted in to automatic matching and were in no group of
   * the course. Absent until the round is done; null when withheld: an
   * instructor's token gets the round's progress without its counts (they
   * would be a second view of the funnel's learners, withheld apart from it);
   * the platform key gets them all.
   */
  candidates: z.optional(z.nullable(integer(0))),
  groups: z.optional(z.nullable(integer(0))),
  matched: z.optional(z.nullable(integer(0))),
  unmatched: z.optional(z.nullable(integer(0))),
  /** Why a round failed (for staff; never shown to learners). */
  error: z.optional(z.string()),
});
export type PoolRun = z.infer<typeof PoolRun>;
