import * as z from 'zod/mini';
import { DEFAULT_SUPPRESSION_THRESHOLD, MAX_SUPPRESSION_THRESHOLD, MIN_SUPPRESSION_THRESHOLD } from '../core/suppression.js';
import { CourseId, IsoTime, LearnerId, Modality, ObjectCode, Relationship, Uuid, integer, pattern } from './codes.js';

/*
 * The instructor's figures (issue 4): `GET /v1/courses/{course}/stats`, with
 * an instructor's or admin's token for the course (a learner's gets 403), or
 * the platform key. Counts only, never a name or an id.
 *
 * Every count is a number, or null when it is withheld: counts from 1 to
 * threshold − 1, and the few others withheld with them so that none of them
 * can be worked out by subtraction from the totals shown, in this answer or
 * by comparing it with earlier ones. A withheld count looks the same whatever
 * the reason, since telling them apart would narrow them down.
 */

/** A count as answered: null when withheld. */
export const ShownCount = z.nullable(integer(0));
export type ShownCount = z.infer<typeof ShownCount>;

export { DEFAULT_SUPPRESSION_THRESHOLD, MAX_SUPPRESSION_THRESHOLD, MIN_SUPPRESSION_THRESHOLD };

const codeCount = <T extends z.ZodMiniType<string>>(code: T) => z.object({ code, count: ShownCount });

/** An ISO date (`2026-11-23`): weeks are named by their Monday, UTC. */
export const IsoDate = pattern(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD');

export const CourseStats = z.object({
  course: CourseId,
  generatedAt: IsoTime,
  /** Counts under this are withheld (the course's setting, at least 3). */
  threshold: integer(MIN_SUPPRESSION_THRESHOLD, MAX_SUPPRESSION_THRESHOLD),
  groups: z.object({
    /** Groups ever formed in the course, dissolved ones included. */
    formed: ShownCount,
    active: ShownCount,
    dissolved: ShownCount,
    /** Active groups by their number of members now, sizes 2 to 6. */
    bySize: z.array(z.object({ size: integer(2, 6), count: ShownCount })),
    /** Memberships ended by the member leaving (not by their group dissolving). */
    membersLeft: ShownCount,
    /** Learners who joined a group of the course, once each. */
    learnersGrouped: ShownCount,
  }),
  /**
   * Table 1 of the paper, filled in by the course: every group ever formed,
   * counted once under each code it carries (its members' relationships, its
   * objects, its modalities), so a dimension's counts may add up to more than
   * `groups.formed`. The cross-tables follow the order of `object` and `modality`.
   */
  typology: z.object({
    relationship: z.array(codeCount(Relationship)),
    object: z.array(codeCount(ObjectCode)),
    modality: z.array(codeCount(Modality)),
    relationshipByObject: z.array(z.object({ relationship: Relationship, counts: z.array(ShownCount) })),
    relationshipByModality: z.array(z.object({ relationship: Relationship, counts: z.array(ShownCount) })),
  }),
  /** Groups formed each week (by the Monday, UTC) from the course's first group to this week, empty weeks included. */
  weekly: z.array(z.object({ week: IsoDate, groupsFormed: ShownCount })),
  funnels: z.object({
    invites: z.object({
      created: ShownCount,
      /** Invites opened at least once by someone holding the link. */
      opened: ShownCount,
      accepted: ShownCount,
      /** Median hours from an invite's creation to its acceptance; null when withheld or none. */
      medianHoursToAccept: z.nullable(z.number()),
    }),
    requests: z.object({ sent: ShownCount, accepted: ShownCount }),
    /** Learners who ever opted in to discovery, and those the pool matched. */
    pool: z.object({ optedIn: ShownCount, matched: ShownCount }),
  }),
  /**
   * Completion and progress as the platform reported them, for learners who
   * were ever in a group of the course and for those never in one, then by
   * the relationship of their first group (so those rows add up to the grouped ones). A
   * correlation, not proof that pairing causes persistence.
   */
  persistence: z.object({
    /** Learners with a progress report. */
    reported: ShownCount,
    rows: z.array(
      z.object({
        key: z.enum(['grouped', 'alone', 'family', 'friend', 'colleague', 'classmate', 'earlier-mooc', 'this-mooc']),
        learners: ShownCount,
        completed: ShownCount,
        /** Mean progress from 0 to 1; null when withheld. */
        meanProgress: z.nullable(z.number()),
      }),
    ),
  }),
});
export type CourseStats = z.infer<typeof CourseStats>;
export type PersistenceKey = CourseStats['persistence']['rows'][number]['key'];

/** Largest batch of `POST /v1/courses/{course}/progress`. */
export const MAX_PROGRESS_REPORTS = 1000;

/**
 * `POST /v1/courses/{course}/progress`, server to server with the platform
 * key: where each learner stands. The id makes a resend idempotent; the
 * latest report of a learner (in the order received) is the one counted.
 */
export const ProgressReport = z.object({
  id: Uuid,
  learner: LearnerId,
  /** Share of the course done, 0 to 1. */
  progress: z.number().check(z.refine((n: number) => Number.isFinite(n) && n >= 0 && n <= 1, { error: 'expected a number from 0 to 1' })),
  completed: z.boolean(),
  time: IsoTime,
});
export type ProgressReport = z.infer<typeof ProgressReport>;

/* @__NO_SIDE_EFFECTS__ */
function progressBatch() {
  return z.object({
    reports: z.array(ProgressReport).check(z.minLength(1), z.maxLength(MAX_PROGRESS_REPORTS)),
  });
}
export const ProgressBatch = progressBatch();
export type ProgressBatch = z.infer<typeof ProgressBatch>;

/** The event each stored report becomes (its id is the report's). */
export const ProgressEvent = z.object({
  id: Uuid,
  v: integer(1, 1),
  time: IsoTime,
  course: CourseId,
  learner: LearnerId,
  type: z.literal('learner.progress'),
  progress: ProgressReport.shape.progress,
  completed: z.boolean(),
});
export type ProgressEvent = z.infer<typeof ProgressEvent>;

export const ProgressAnswer = z.object({ stored: integer(0), duplicates: integer(0) });
export type ProgressAnswer = z.infer<typeof ProgressAnswer>;
