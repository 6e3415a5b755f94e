import * as z from 'zod/mini';
import { CourseSettings } from './api.js';
import { PARTS_OF_DAY, SLOTS_PER_WEEK } from '../core/availability.js';
import { MAX_SUPPRESSION_THRESHOLD, MIN_SUPPRESSION_THRESHOLD } from '../core/suppression.js';
import { DisplayName, IsoTime, LearnerId, Modality, ModalityList, ObjectCode, ObjectList, Uuid, integer, pattern, text } from './codes.js';

/*
 * Opt-in discovery (issue 3): the profile a learner shares to be found, and the
 * ranked page of peers. The endpoint and the widget's lazy part-2 chunks import
 * it; part-1 elements and the runtime chunk must not, to keep their budget.
 */

/** A BCP 47-like tag as learners pick them ('fr', 'pt-BR'); compared exactly by the ranking. */
export const LanguageTag = pattern(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as "fr" or "pt-BR"');

/* @__NO_SIDE_EFFECTS__ */
function uniqueList<T extends z.ZodMiniType>(item: T, min: number, max: number, expected: string) {
  return z.array(item).check(
    z.refine((list: readonly unknown[]) => list.length >= min && list.length <= max && new Set(list).size === list.length, {
      error: `expected ${expected}`,
    }),
  );
}

export const LanguageList = uniqueList(LanguageTag, 1, 5, '1 to 5 language tags, none repeated');
/** Local weekly slots, `day * 4 + part` (see core/availability.ts). */
export const SlotList = uniqueList(integer(0, SLOTS_PER_WEEK - 1), 1, SLOTS_PER_WEEK, `1 to ${SLOTS_PER_WEEK} slots, none repeated`);
export const City = text(1, 80);
export const PeerNote = text(0, 280);

/** `PUT /v1/courses/{course}/me/profile`: opting in (or updating) to be found. */
export const PeerProfileInput = z.object({
  objects: ObjectList,
  modalities: ModalityList,
  languages: LanguageList,
  /** Positive east of UTC (UTC+2 → 120), from −12:00 to +14:00. */
  utcOffsetMinutes: integer(-720, 840),
  slots: SlotList,
  /** Only with an in-person modality: learners who meet online share no place. */
  city: z.optional(City),
  note: z.optional(PeerNote),
  /** Also take part in the course's pool matching ("match me automatically"). */
  autoMatch: z.optional(z.boolean()),
});
export type PeerProfileInput = z.infer<typeof PeerProfileInput>;

/** The stored profile, as the PUT answers it. */
export const PeerProfile = z.extend(PeerProfileInput, { optedInAt: IsoTime });
export type PeerProfile = z.infer<typeof PeerProfile>;

/** Longest pool-matching period a course can set: four weeks. */
export const MAX_POOL_EVERY_HOURS = 24 * 28;

/**
 * A course's settings as the endpoint keeps them: part 1's, plus discovery's.
 * The widget's part-1 state schema reads the part-1 fields only (zod drops the rest).
 */
export const EndpointCourseSettings = z.extend(CourseSettings, {
  /** Whether learners may give a city (default true); in-person modalities are switched off by not offering them. */
  city: z.optional(z.boolean()),
  /** Runs pool matching every so many hours (absent or 0: only when asked through the API). */
  poolEveryHours: z.optional(integer(0, MAX_POOL_EVERY_HOURS)),
  /** The instructor's dashboard withholds counts under this (default 5, at least 3; issue 4). */
  suppressionThreshold: z.optional(integer(MIN_SUPPRESSION_THRESHOLD, MAX_SUPPRESSION_THRESHOLD)),
});
export type EndpointCourseSettings = z.infer<typeof EndpointCourseSettings>;

/** What a course allows in discovery, beside its part-1 settings (the endpoint decides). */
export const DiscoveryOptions = z.object({
  /** Objects and modalities a profile may name (the course's offer; no in-person ones when switched off). */
  objects: z.array(ObjectCode),
  modalities: z.array(Modality),
  /** Whether learners may give a city (for in-person meetings). */
  city: z.boolean(),
  /** Whether the course runs pool matching ("match me automatically" is offered). */
  pool: z.boolean(),
});
export type DiscoveryOptions = z.infer<typeof DiscoveryOptions>;

/** Why a peer ranks: structured, the widget words it (mirrors core/ranking.ts RankingReason). */
export const PeerReason = z.discriminatedUnion('code', [
  z.object({ code: z.literal('earlier-partner') }),
  z.object({ code: z.literal('forum'), count: integer(1) }),
  z.object({ code: z.literal('objects'), objects: z.array(ObjectCode) }),
  z.object({ code: z.literal('modalities'), modalities: z.array(Modality) }),
  z.object({ code: z.literal('availability'), hours: integer(1), part: z.enum(PARTS_OF_DAY) }),
  z.object({ code: z.literal('same-city') }),
  z.object({ code: z.literal('language'), languages: z.array(LanguageTag) }),
]);
export type PeerReason = z.infer<typeof PeerReason>;

/** One listed peer: the display name, note and coarse profile only; never an email, a city only when given. */
export const PeerItem = z.object({
  id: LearnerId,
  /** True for a learner the asker had a group with in an earlier course: one action teams up again. */
  earlierPartner: z.optional(z.boolean()),
  name: DisplayName,
  note: z.optional(PeerNote),
  objects: z.array(ObjectCode),
  modalities: z.array(Modality),
  languages: z.array(LanguageTag),
  city: z.optional(City),
  score: z.number(),
  reasons: z.array(PeerReason),
});
export type PeerItem = z.infer<typeof PeerItem>;

/** The last pool-matching round as one learner sees it. */
export const PoolOutcome = z.object({
  run: Uuid,
  at: IsoTime,
  outcome: z.enum(['matched', 'no-match']),
  /** The group formed, when matched (its members appear in the learner's state like any group). */
  group: z.optional(Uuid),
  reasons: z.array(PeerReason),
});
export type PoolOutcome = z.infer<typeof PoolOutcome>;

/** `GET /v1/courses/{course}/me/profile`: the learner's discovery status in one answer. */
export const MyDiscovery = z.object({
  /** Null while not opted in. */
  profile: z.nullable(PeerProfile),
  options: DiscoveryOptions,
  /** The learner's outcome in the latest pool round they took part in, if any. */
  pool: z.nullable(PoolOutcome),
});
export type MyDiscovery = z.infer<typeof MyDiscovery>;

/** `GET /v1/courses/{course}/peers?page=N` (0-based pages of PEERS_PAGE_SIZE). */
export const PeersPage = z.object({
  items: z.array(PeerItem),
  page: integer(0),
  hasMore: z.boolean(),
  /** Listed peers over all pages. */
  total: integer(0),
});
export type PeersPage = z.infer<typeof PeersPage>;

export const PEERS_PAGE_SIZE = 20;
export const MAX_FORUM_INTERACTIONS = 1000;

/** `POST /v1/courses/{course}/forum-interactions`: the platform, server to server. */
export const ForumInteractionsInput = z.object({
  interactions: z.array(
    z.object({
      from: LearnerId,
      to: LearnerId,
      /** Replies or mentions this entry stands for (1 when left out). */
      count: z.optional(integer(1, 1000)),
    }),
  ).check(
    z.refine((list: readonly unknown[]) => list.length >= 1 && list.length <= MAX_FORUM_INTERACTIONS, {
      error: `expected 1 to ${MAX_FORUM_INTERACTIONS} interactions`,
    }),
  ),
});
export type ForumInteractionsInput = z.infer<typeof ForumInteractionsInput>;
