import * as z from 'zod/mini';
import { PARTS_OF_DAY, SLOTS_PER_WEEK } from '../core/availability.js';
import { DisplayName, IsoTime, LearnerId, Modality, ModalityList, ObjectCode, ObjectList, integer, pattern, text } from './codes.js';

/*
 * Opt-in discovery (issue 3): the profile a learner shares to be found, and the
 * ranked page of peers. Server-side only for now: the widget's lazy peers chunk
 * will import it; part-1 elements must not, to keep their bundle budget.
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
});
export type PeerProfileInput = z.infer<typeof PeerProfileInput>;

/** The stored profile, as the PUT answers it. */
export const PeerProfile = z.extend(PeerProfileInput, { optedInAt: IsoTime });
export type PeerProfile = z.infer<typeof PeerProfile>;

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
