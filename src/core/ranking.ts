/**
 * Ranking of opted-in learners for one asker (issue 3, "See who fits, and why").
 * Pure and deterministic: the endpoint gathers profiles and signals, this decides
 * who is listed, in which order, and why. Reasons are structured codes with
 * parameters (the widget translates them), built only for the page returned.
 *
 * Cost model: the asker's sets are precomputed once; each candidate is scored
 * with integer masks and prefix counts, no allocation; only the best
 * `(page + 1) * pageSize` survive a bounded heap; reasons are then built for the
 * page alone.
 */
import { IN_PERSON_MODALITIES, MODALITIES, OBJECTS, type Modality, type ObjectCode } from './typology.js';
import {
  createOverlapCounter,
  dominantSharedPart,
  overlapHours,
  slotsToUtcHours,
  timeZoneDistanceHours,
  type PartOfDay,
  type WeekHours,
} from './availability.js';

export interface PeerProfile {
  id: string;
  objects: readonly ObjectCode[];
  modalities: readonly Modality[];
  /** Language tags as the endpoint stores them (compared exactly, e.g. 'fr'). */
  languages: readonly string[];
  /** Positive east of UTC; see availability.ts. */
  utcOffsetMinutes: number;
  /** Local slots 0..27; see availability.ts for the encoding. */
  slots: readonly number[];
  city?: string;
}

export interface RankingSignals {
  /** Forum interactions (replies, mentions) between the asker and each other learner, by id. */
  forumInteractions: ReadonlyMap<string, number>;
  /** Learners who had a group with the asker in an earlier course. */
  earlierPartners: ReadonlySet<string>;
  /** Learners the asker blocked or who blocked the asker: never listed, either way. */
  blocked: ReadonlySet<string>;
}

/**
 * The score of a listed candidate is the sum of these components. The earlier
 * partnership bonus exceeds the largest sum all other components can reach
 * (see MAX_SCORE_WITHOUT_PARTNERSHIP), so earlier partners always come first.
 */
export const RANKING_WEIGHTS = {
  /** Per object both want. */
  sharedObject: 3,
  /** Per modality both accept. */
  sharedModality: 2,
  /** Per UTC hour of the week both are available, counted up to availabilityCapHours. */
  availabilityHour: 1,
  availabilityCapHours: 12,
  /** Subtracted per hour of circular time-zone distance (0..12). */
  timeZoneHourPenalty: 0.5,
  /** Same city, only when both want an in-person modality. */
  sameCity: 6,
  /** × log2(1 + interactions), interactions counted up to forumCountCap. */
  forum: 4,
  forumCountCap: 255,
  /** Had a group together in an earlier course. */
  earlierPartner: 1000,
} as const;

export const MAX_SCORE_WITHOUT_PARTNERSHIP =
  RANKING_WEIGHTS.sharedObject * OBJECTS.length +
  RANKING_WEIGHTS.sharedModality * MODALITIES.length +
  RANKING_WEIGHTS.availabilityHour * RANKING_WEIGHTS.availabilityCapHours +
  RANKING_WEIGHTS.sameCity +
  RANKING_WEIGHTS.forum * Math.log2(1 + RANKING_WEIGHTS.forumCountCap);

export type RankingReason =
  | { code: 'earlier-partner' }
  | { code: 'forum'; count: number }
  | { code: 'objects'; objects: ObjectCode[] }
  | { code: 'modalities'; modalities: Modality[] }
  | { code: 'availability'; hours: number; part: PartOfDay }
  | { code: 'same-city' }
  | { code: 'language'; languages: string[] };

export interface RankedPeer {
  id: string;
  score: number;
  reasons: RankingReason[];
}

export interface RankingPage {
  items: RankedPeer[];
  /** Listed candidates over all pages. */
  total: number;
  hasMore: boolean;
}

export interface PageRequest {
  /** 0-based. */
  page?: number;
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 20;

const OBJECT_BIT = new Map<string, number>(OBJECTS.map((code, i) => [code, 1 << i]));
const MODALITY_BIT = new Map<string, number>(MODALITIES.map((code, i) => [code, 1 << i]));
const IN_PERSON_MASK = IN_PERSON_MODALITIES.reduce((mask, m) => mask | MODALITY_BIT.get(m)!, 0);
/** Bit mask of the in-person modalities within a `modalityMask`. */
export const IN_PERSON_MODALITY_MASK = IN_PERSON_MASK;

function maskOf(codes: readonly string[], bits: ReadonlyMap<string, number>): number {
  let mask = 0;
  for (let i = 0; i < codes.length; i++) mask |= bits.get(codes[i]!) ?? 0;
  return mask;
}

function bitCount(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

/** Bit i set for OBJECTS[i] among `codes`; unknown codes are ignored. */
export function objectMask(codes: readonly string[]): number {
  return maskOf(codes, OBJECT_BIT);
}

/** Bit i set for MODALITIES[i] among `codes`; unknown codes are ignored. */
export function modalityMask(codes: readonly string[]): number {
  return maskOf(codes, MODALITY_BIT);
}

/** The city as compared for 'same city': trimmed, lower case; '' when none. */
export function normaliseCity(city: string | undefined): string {
  return city === undefined ? '' : city.trim().toLowerCase();
}

/** An interaction count as scored: a finite positive count, floored; anything else is 0. */
export function normaliseForumCount(count: number | undefined): number {
  return count !== undefined && Number.isFinite(count) && count > 0 ? Math.floor(count) : 0;
}

function forumCount(signals: RankingSignals, id: string): number {
  return normaliseForumCount(signals.forumInteractions.get(id));
}

/**
 * The score formula from its parts, in one place: the ranking and the pool
 * matcher (pool-matching.ts) both score through it, so they agree to the bit.
 * Every part is symmetric in the two learners, so the score is too.
 */
export function scoreFromParts(
  sharedObjects: number,
  sharedModalities: number,
  overlapHours: number,
  timeZoneDistance: number,
  sameCity: boolean,
  forumInteractions: number,
  earlierPartner: boolean,
): number {
  const W = RANKING_WEIGHTS;
  let s = W.sharedObject * sharedObjects;
  s += W.sharedModality * sharedModalities;
  s += W.availabilityHour * Math.min(W.availabilityCapHours, overlapHours);
  s -= W.timeZoneHourPenalty * timeZoneDistance;
  if (sameCity) s += W.sameCity;
  if (forumInteractions > 0) s += W.forum * Math.log2(1 + Math.min(forumInteractions, W.forumCountCap));
  if (earlierPartner) s += W.earlierPartner;
  return s;
}

/** Everything about the asker that candidates are compared with, computed once. */
interface AskerContext {
  asker: PeerProfile;
  signals: RankingSignals;
  objects: number;
  modalities: number;
  wantsInPerson: boolean;
  city: string;
  languages: ReadonlySet<string>;
  hours: WeekHours;
  overlap: (slots: readonly number[], utcOffsetMinutes: number) => number;
}

function prepare(asker: PeerProfile, signals: RankingSignals): AskerContext {
  const modalities = maskOf(asker.modalities, MODALITY_BIT);
  const hours = slotsToUtcHours(asker.slots, asker.utcOffsetMinutes);
  return {
    asker,
    signals,
    objects: maskOf(asker.objects, OBJECT_BIT),
    modalities,
    wantsInPerson: (modalities & IN_PERSON_MASK) !== 0,
    city: normaliseCity(asker.city),
    languages: new Set(asker.languages),
    hours,
    overlap: createOverlapCounter(hours),
  };
}

function sharesLanguage(ctx: AskerContext, candidate: PeerProfile): boolean {
  for (let i = 0; i < candidate.languages.length; i++) if (ctx.languages.has(candidate.languages[i]!)) return true;
  return false;
}

function sameCity(ctx: AskerContext, candidate: PeerProfile, candidateModalities: number): boolean {
  return (
    ctx.wantsInPerson &&
    ctx.city !== '' &&
    (candidateModalities & IN_PERSON_MASK) !== 0 &&
    candidate.city !== undefined &&
    normaliseCity(candidate.city) === ctx.city
  );
}

/** The score, or null when a hard rule keeps the candidate off the list. Allocation-free. */
function score(ctx: AskerContext, candidate: PeerProfile): number | null {
  const { signals } = ctx;
  if (candidate.id === ctx.asker.id || signals.blocked.has(candidate.id) || !sharesLanguage(ctx, candidate)) return null;
  const modalities = maskOf(candidate.modalities, MODALITY_BIT);
  return scoreFromParts(
    bitCount(ctx.objects & maskOf(candidate.objects, OBJECT_BIT)),
    bitCount(ctx.modalities & modalities),
    ctx.overlap(candidate.slots, candidate.utcOffsetMinutes),
    timeZoneDistanceHours(ctx.asker.utcOffsetMinutes, candidate.utcOffsetMinutes),
    sameCity(ctx, candidate, modalities),
    forumCount(signals, candidate.id),
    signals.earlierPartners.has(candidate.id),
  );
}

/** The score of one candidate for the asker, or null if the candidate is not to be listed. */
export function scoreCandidate(asker: PeerProfile, candidate: PeerProfile, signals: RankingSignals): number | null {
  return score(prepare(asker, signals), candidate);
}

/**
 * Signals between any two learners of a pool, as unordered pairs keyed both ways
 * (`forumInteractions.get(a)?.get(b)` and `.get(b)?.get(a)`). A pair given in one
 * direction only still counts: forum interactions take the larger of the two
 * directions, an earlier partnership or a block either one.
 */
export interface PairSignals {
  forumInteractions: ReadonlyMap<string, ReadonlyMap<string, number>>;
  earlierPartners: ReadonlyMap<string, ReadonlySet<string>>;
  blocked: ReadonlyMap<string, ReadonlySet<string>>;
}

const NO_IDS: ReadonlySet<string> = new Set();

/** The ranking's signals for `a` as the asker, restricted to the one candidate `b`. */
function pairView(a: string, b: string, signals: PairSignals): RankingSignals {
  const forum = Math.max(
    normaliseForumCount(signals.forumInteractions.get(a)?.get(b)),
    normaliseForumCount(signals.forumInteractions.get(b)?.get(a)),
  );
  const either = (m: ReadonlyMap<string, ReadonlySet<string>>) => m.get(a)?.has(b) === true || m.get(b)?.has(a) === true;
  return {
    forumInteractions: forum > 0 ? new Map([[b, forum]]) : new Map(),
    earlierPartners: either(signals.earlierPartners) ? new Set([b]) : NO_IDS,
    blocked: either(signals.blocked) ? new Set([b]) : NO_IDS,
  };
}

/**
 * The ranking's score of the pair {a, b}, or null when a hard rule of the
 * ranking keeps them apart (same learner, blocked either way, no shared
 * language). Symmetric: pairScore(a, b, s) === pairScore(b, a, s), to the bit.
 * A reference for one pair (it allocates); the pool matcher scores many pairs
 * through the same `scoreFromParts` on precomputed masks.
 */
export function pairScore(a: PeerProfile, b: PeerProfile, signals: PairSignals): number | null {
  return score(prepare(a, pairView(a.id, b.id, signals)), b);
}

/** Reasons in a stable order: strongest signals first, language last. */
function reasonsFor(ctx: AskerContext, candidate: PeerProfile): RankingReason[] {
  const reasons: RankingReason[] = [];
  if (ctx.signals.earlierPartners.has(candidate.id)) reasons.push({ code: 'earlier-partner' });
  const forum = forumCount(ctx.signals, candidate.id);
  if (forum > 0) reasons.push({ code: 'forum', count: forum });
  const objects = maskOf(candidate.objects, OBJECT_BIT) & ctx.objects;
  if (objects) reasons.push({ code: 'objects', objects: OBJECTS.filter((_, i) => objects & (1 << i)) });
  const modalities = maskOf(candidate.modalities, MODALITY_BIT);
  const sharedModalities = modalities & ctx.modalities;
  if (sharedModalities) reasons.push({ code: 'modalities', modalities: MODALITIES.filter((_, i) => sharedModalities & (1 << i)) });
  const theirHours = slotsToUtcHours(candidate.slots, candidate.utcOffsetMinutes);
  const hours = overlapHours(ctx.hours, theirHours);
  // The part of day is the asker's: they read "4 h of shared evening availability".
  const part = dominantSharedPart(ctx.hours, theirHours, ctx.asker.utcOffsetMinutes);
  if (hours > 0 && part !== null) reasons.push({ code: 'availability', hours, part });
  if (sameCity(ctx, candidate, modalities)) reasons.push({ code: 'same-city' });
  const languages = [...new Set(candidate.languages.filter((l) => ctx.languages.has(l)))].sort();
  reasons.push({ code: 'language', languages });
  return reasons;
}

/**
 * Lists `candidates` for `asker`: hard rules applied, score descending, then id
 * ascending (UTF-16 code unit order, locale-independent), one page at a time.
 */
export function rankCandidates(
  asker: PeerProfile,
  candidates: readonly PeerProfile[],
  signals: RankingSignals,
  { page = 0, pageSize = DEFAULT_PAGE_SIZE }: PageRequest = {},
): RankingPage {
  const size = Math.max(1, Math.floor(pageSize));
  const first = Math.max(0, Math.floor(page)) * size;
  const ctx = prepare(asker, signals);
  const n = candidates.length;
  const scores = new Float64Array(n);
  // Bounded heap of candidate indices, worst at the root: it keeps the best k.
  const k = Math.min(n, first + size);
  const heap = new Int32Array(k);
  let heapSize = 0;
  let total = 0;

  // `better(a, b)`: a ranks before b.
  const better = (a: number, b: number): boolean =>
    scores[a]! > scores[b]! || (scores[a] === scores[b] && candidates[a]!.id < candidates[b]!.id);
  const siftDown = (at: number): void => {
    const item = heap[at]!;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heapSize) break;
      const right = left + 1;
      const worse = right < heapSize && better(heap[left]!, heap[right]!) ? right : left;
      if (!better(item, heap[worse]!)) break;
      heap[at] = heap[worse]!;
      at = worse;
    }
    heap[at] = item;
  };
  const siftUp = (at: number): void => {
    const item = heap[at]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!better(heap[parent]!, item)) break;
      heap[at] = heap[parent]!;
      at = parent;
    }
    heap[at] = item;
  };

  for (let i = 0; i < n; i++) {
    const s = score(ctx, candidates[i]!);
    if (s === null) continue;
    total++;
    scores[i] = s;
    if (k === 0) continue;
    if (heapSize < k) {
      heap[heapSize++] = i;
      siftUp(heapSize - 1);
    } else if (better(i, heap[0]!)) {
      heap[0] = i;
      siftDown(0);
    }
  }

  const kept = Array.from(heap.subarray(0, heapSize)).sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const items = kept.slice(first).map((i) => {
    const candidate = candidates[i]!;
    return { id: candidate.id, score: scores[i]!, reasons: reasonsFor(ctx, candidate) };
  });
  return { items, total, hasMore: first + size < total };
}
