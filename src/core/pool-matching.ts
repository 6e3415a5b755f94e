/**
 * Pool matching (issue 3, "Pool matching"): forms groups of `groupSize` among the
 * learners who opted in to "match me automatically", maximising the sum over
 * groups of the group's mean pairwise score, under hard constraints.
 *
 * Pure and deterministic: no I/O, no clock, no global randomness. The only
 * randomness is a mulberry32 PRNG seeded from `options.seed`, and learners are
 * first put in id order, so the same learners and signals in any order with the
 * same seed give the identical result.
 *
 * ## Scores and rules
 * - The pair score is the ranking's (ranking.ts): the same `scoreFromParts` on the
 *   same parts, so `pairScore(a, b)` there and the matcher agree to the bit. It is
 *   symmetric. A group's score is the mean of its pairwise scores.
 * - Hard constraints, never violated: every group has a language common to ALL
 *   its members and a UTC hour of the week in which ALL are available; no blocked
 *   pair (either direction) is in a group; only the learners given are grouped,
 *   each at most once. A learner without a language or an available slot is
 *   never matched.
 * - A group whose mean score is negative would lower the objective, so none is
 *   formed: its members rather wait for the next round.
 * - Groups have `groupSize` members. The learners left over then form the
 *   largest valid groups possible: groups of `groupSize - 1` among them first,
 *   then `groupSize - 2`, … down to 2. Whoever is still alone is `unmatched`
 *   ("no match this round"). E.g. 7 learners who all fit, size 3: 3 + 3, and
 *   one unmatched; 8 learners: 3 + 3 + 2.
 *
 * ## Algorithm (no all-pairs comparison, no exhaustive search at any size)
 * 0. Learners are renumbered by a similarity key (time zone, city, objects,
 *    modalities, schedule; ties in id order) and what a pair score reads of a
 *    learner is packed into one 32-byte record, so learners compared with each
 *    other sit close in memory (at 100k learners, cache misses are the cost).
 * 1. Candidates. Each learner enters one bucket per (language, anchor hour of
 *    one of its slots), anchors being the UTC hours that are multiples of 3: two
 *    slots overlapping by 3 hours or more share one. Buckets come out sorted by
 *    the similarity key; each learner is scored against the next `WINDOW`
 *    learners of each of its buckets (each pair once) and keeps its best
 *    `CANDIDATES_PER_LEARNER`. Learners left with fewer (sparse buckets) also
 *    look at the neighbouring anchors. Forum neighbours and earlier partners are
 *    always candidates. The union is a sparse graph of O(n) edges, best first.
 * 2. Construction. Edges best first: two groups merge when the result has at
 *    most the target size, is valid and has a non-negative sum (for tandems, the
 *    greedy matching). Groups left short are undone; for sizes above 2, groups
 *    are then grown from learners still alone, fewest candidates first, adding
 *    the candidate that adds most.
 * 3. Improvement, from a work queue (a learner is re-examined when its group
 *    changes; bounded work). Tandems: a Lin–Kernighan-style search of improving
 *    alternating paths and cycles from each learner (leave one's partner, take a
 *    candidate, whose partner takes another, …; close back, pair with a learner
 *    alone, or leave alone), depth 3, branching 8 then 4, each added pair keeping
 *    the running gain positive. Larger groups: exchanges of members between two
 *    groups that bring a candidate pair together, and replacement of a member by
 *    a learner alone; learners still alone are grown into new groups.
 * 4. Perturbation (iterated local search) with a fixed work budget that only
 *    matters for small pools: undo the groups around a random learner, regrow
 *    them with randomised choices, settle again; keep unless worse.
 * 5. A second run of 1–4 over the learners still open, with candidates found
 *    among them only; then the same for the leftover sizes groupSize−1 … 2.
 *
 * ## Signals
 * `PoolSignals` (= ranking.ts `PairSignals`): forum interaction counts, earlier
 * partners and blocks as unordered pairs keyed both ways; a pair given in one
 * direction only counts (forum: the larger count of the two directions).
 *
 * ## Reasons
 * Each group gets the ranking's reason shapes, for what ALL its members share:
 * `earlier-partner` if any pair of them had a group before; `forum` with the
 * total interaction count over its pairs, if any; the objects, modalities and
 * languages common to all; `availability` with the number of UTC hours of the
 * week common to all and the part of day holding most of them, in the local time
 * of the group's first member (`members[0]`, ids ascending); `same-city` when all
 * want to meet in person in the same city.
 */
import {
  PARTS_OF_DAY,
  WEEK_WORDS,
  type PartOfDay,
  isValidSlot,
  offsetHours,
  slotUtcStart,
  HOURS_PER_SLOT,
  HOURS_PER_WEEK,
  wrapWeekHour,
} from './availability.js';
import {
  IN_PERSON_MODALITY_MASK,
  modalityMask,
  normaliseCity,
  normaliseForumCount,
  objectMask,
  scoreFromParts,
  type PairSignals,
  type PeerProfile,
  type RankingReason,
} from './ranking.js';
import { mulberry32 } from './prng.js';
import { MODALITIES, OBJECTS } from './typology.js';

/** A learner of the pool: the ranking's profile. */
export type PoolLearner = PeerProfile;
/** Signals between learners of the pool; see `PairSignals` in ranking.ts. */
export type PoolSignals = PairSignals;

export const MIN_GROUP_SIZE = 2;
export const MAX_GROUP_SIZE = 6;

export interface PoolOptions {
  /** Members per group, 2..6. */
  groupSize: number;
  /** Seeds the PRNG (taken as a 32-bit unsigned integer). */
  seed: number;
}

export interface PoolGroup {
  /** Learner ids, ascending (UTF-16 code unit order). */
  members: string[];
  /** Mean of the pairwise scores of the members. */
  score: number;
  reasons: RankingReason[];
}

export interface PoolResult {
  /** Full groups and leftover groups, ordered by their first member. */
  groups: PoolGroup[];
  /** Learners in no group this round, ascending. */
  unmatched: string[];
}

/** Candidates kept per learner (its best scores found). */
const CANDIDATES_PER_LEARNER = 10;
/** Neighbours scored forward of a learner in each of its buckets' similarity order. */
const WINDOW = 7;
/** Local search work: at most MAX_PASSES visits per learner on average. */
const MAX_PASSES = 12;
/** Bucket anchors: UTC hours of the week that are multiples of ANCHOR_STEP. */
const ANCHOR_STEP = 3;
/** Tandem search: at most TANDEM_DEPTH added pairs before closing; BREADTH0 branches at the root, BREADTH below. */
const TANDEM_DEPTH = 3;
const BREADTH0 = 8;
const BREADTH = 4;
/**
 * Perturbation rounds: at most ILS_MAX_ROUNDS, and ILS_WORK / (learners still
 * open), so a fixed extra effort that matters for small pools (or few learners
 * left) only. Each undoes the group of a random learner and of PERTURB_GROUPS
 * random candidates of it, and regrows them with up to PERTURB_NOISE points of
 * noise on each choice.
 */
const ILS_WORK = 2000;
const ILS_MAX_ROUNDS = 200;
/** Each round saves the whole state (O(n)): at most ILS_COPY_BUDGET / n rounds. */
const ILS_COPY_BUDGET = 500_000;
const PERTURB_GROUPS = 2;
const PERTURB_NOISE = 25;
/** Added to a move's gain per pair of learners it newly matches, so zero-score tandems still form. */
const MATCHED_BONUS = 1e-6;
const ANCHORS = HOURS_PER_WEEK / ANCHOR_STEP;
const EPSILON = 1e-9;
const INVALID = -Infinity;
const HW = WEEK_WORDS;

export function emptyPoolSignals(): PoolSignals {
  return { forumInteractions: new Map(), earlierPartners: new Map(), blocked: new Map() };
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Bits of the similarity key. */
const SIMILARITY_BITS = 36;

/** Orders similar learners together: time zone, city, objects, modalities, then a hash of the schedule. */
function similarityKey(packed: number, city: number, hours: Int32Array, at: number): number {
  const tz = (packed >>> TZ_SHIFT) & 31; // 5 bits
  const cityBits = city === 0 ? 0 : 1 + (city % 127); // 7 bits
  let h = 0x811c9dc5;
  for (let w = 0; w < HW; w++) h = Math.imul(h ^ hours[at + w]!, 0x01000193);
  const schedule = (h >>> 20) & 0xfff; // 12 bits
  return (((tz * 128 + cityBits) * 64 + (packed & 63)) * 64 + ((packed >>> MOD_SHIFT) & 63)) * 4096 + schedule;
}

/** Sparse symmetric relation by learner index: row i is nbr[start[i] .. start[i+1]), ascending. */
interface Csr {
  start: Int32Array;
  nbr: Int32Array;
  val: Float64Array | null;
}

/**
 * Everything about the pool the matcher reads, learners in id order. What a pair
 * score needs of one learner is one record of `stride` 32-bit words in `rec`, so
 * scoring a pair touches two records (cache misses dominate at 100k learners):
 * words 0..5 the UTC hours of the week, word 6 packed fields (below), then the
 * language bit set (`langWords` words, bit k = language k).
 */
interface Pool {
  n: number;
  /** By internal index (similarity order, see compile). */
  learners: PeerProfile[];
  /** By internal index: the learner's position in id order. */
  rank: Int32Array;
  /** By position in id order: the internal index. */
  byRank: Int32Array;
  stride: number;
  langWords: number;
  rec: Int32Array;
  /** Interned normalised city when the learner wants to meet in person and gave one; else 0. */
  city: Int32Array;
  languageNames: string[];
  /** Per learner: interned languages (langBeg) and UTC start hours of its slots (slotBeg). */
  langBeg: Int32Array;
  langList: Int32Array;
  slotBeg: Int32Array;
  slotList: Int32Array;
  forum: Csr;
  earlier: Csr;
  blocked: Csr;
}

/** Word 6 of a record: objects, modalities, offset hour (mod 24), signal flags, city hash. */
const PACKED = HW;
const LANG = HW + 1;
const MOD_SHIFT = 6;
const TZ_SHIFT = 12;
const HAS_BLOCKED = 1 << 17;
const HAS_FORUM = 1 << 18;
const HAS_EARLIER = 1 << 19;
const CITY_SHIFT = 20;
const CITY_HASH_MASK = 0x7ff;

/** A relation from pairs (both directions given), rows sorted, duplicates merged keeping the larger value. */
function buildCsr(n: number, src: number[], dst: number[], val: number[]): Csr {
  const m = src.length;
  const count = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) count[src[k]! + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const fill = count.slice(0, n);
  const nbr = new Int32Array(m);
  const vals = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const at = fill[src[k]!]!++;
    nbr[at] = dst[k]!;
    vals[at] = val[k]!;
  }
  const start = new Int32Array(n + 1);
  let out = 0;
  for (let i = 0; i < n; i++) {
    const from = count[i]!;
    const to = count[i + 1]!;
    start[i] = out;
    if (to - from <= 16) {
      // Insertion sort by neighbour (most rows are this short).
      for (let k = from + 1; k < to; k++) {
        const x = nbr[k]!;
        const v = vals[k]!;
        let at = k;
        while (at > from && nbr[at - 1]! > x) {
          nbr[at] = nbr[at - 1]!;
          vals[at] = vals[at - 1]!;
          at--;
        }
        nbr[at] = x;
        vals[at] = v;
      }
    } else {
      // Long rows (forum hubs): sort packed (neighbour, position) keys.
      const len = to - from;
      const order = new Float64Array(len);
      for (let k = 0; k < len; k++) order[k] = nbr[from + k]! * 2 ** 32 + k;
      order.sort();
      const rowNbr = nbr.slice(from, to);
      const rowVal = vals.slice(from, to);
      for (let k = 0; k < len; k++) {
        const at = order[k]! % 2 ** 32;
        nbr[from + k] = rowNbr[at]!;
        vals[from + k] = rowVal[at]!;
      }
    }
    // Merge duplicates (a pair given both ways), keeping the larger value.
    for (let k = from; k < to; k++) {
      if (out > start[i]! && nbr[out - 1] === nbr[k]) {
        if (vals[k]! > vals[out - 1]!) vals[out - 1] = vals[k]!;
        continue;
      }
      nbr[out] = nbr[k]!;
      vals[out] = vals[k]!;
      out++;
    }
  }
  start[n] = out;
  return { start, nbr: nbr.slice(0, out), val: vals.slice(0, out) };
}

/** Position of j in row i, or -1. */
function csrFind(csr: Csr, i: number, j: number): number {
  let lo = csr.start[i]!;
  let hi = csr.start[i + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = csr.nbr[mid]!;
    if (v === j) return mid;
    if (v < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function compile(learners: readonly PoolLearner[], signals: PoolSignals): Pool {
  // Id order (UTF-16 code units), so the input order does not matter.
  const index = new Map<string, number>();
  let inOrder = true;
  for (let k = 0; k < learners.length; k++) {
    const id = learners[k]!.id;
    if (index.has(id)) throw new RangeError(`matchPool: learner ${JSON.stringify(id)} is given twice`);
    index.set(id, k);
    if (k > 0 && !(learners[k - 1]!.id < id)) inOrder = false;
  }
  let sorted: readonly PeerProfile[] = learners;
  if (!inOrder) {
    sorted = [...learners].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let c = 0; c < sorted.length; c++) index.set(sorted[c]!.id, c);
  }
  const n = sorted.length;

  const city = new Int32Array(n);
  const cityIds = new Map<string, number>();
  const languageIds = new Map<string, number>();
  const languageNames: string[] = [];
  const langBeg = new Int32Array(n + 1);
  const slotBeg = new Int32Array(n + 1);
  const langList: number[] = [];
  const slotList: number[] = [];
  const packed = new Int32Array(n);
  const hours = new Int32Array(n * HW);

  for (let i = 0; i < n; i++) {
    const l = sorted[i]!;
    const modalities = modalityMask(l.modalities);
    const c = normaliseCity(l.city);
    if ((modalities & IN_PERSON_MODALITY_MASK) !== 0 && c !== '') {
      let id = cityIds.get(c);
      if (id === undefined) cityIds.set(c, (id = cityIds.size + 1));
      city[i] = id;
    }
    const tz = ((offsetHours(l.utcOffsetMinutes) % 24) + 24) % 24;
    const cityHash = city[i] === 0 ? 0 : 1 + (city[i]! % CITY_HASH_MASK);
    packed[i] = objectMask(l.objects) | (modalities << MOD_SHIFT) | (tz << TZ_SHIFT) | (cityHash << CITY_SHIFT);
    langBeg[i] = langList.length;
    for (const name of l.languages) {
      let id = languageIds.get(name);
      if (id === undefined) {
        languageIds.set(name, (id = languageNames.length));
        languageNames.push(name);
      }
      let seen = false;
      for (let k = langBeg[i]!; k < langList.length; k++) if (langList[k] === id) seen = true;
      if (!seen) langList.push(id);
    }
    slotBeg[i] = slotList.length;
    let seenSlots = 0;
    for (const slot of l.slots) {
      if (!isValidSlot(slot) || (seenSlots >>> slot) & 1) continue;
      seenSlots |= 1 << slot;
      const start = slotUtcStart(slot, l.utcOffsetMinutes);
      // Anchors: the hours of the slot that are multiples of ANCHOR_STEP. Two slots
      // overlapping by at least ANCHOR_STEP hours share one.
      for (let h = 0; h < HOURS_PER_SLOT; h++) {
        const hour = wrapWeekHour(start + h);
        if (hour % ANCHOR_STEP === 0) slotList.push(hour / ANCHOR_STEP);
      }
      for (let h = 0; h < HOURS_PER_SLOT; h++) {
        const hour = wrapWeekHour(start + h);
        hours[i * HW + (hour >>> 5)]! |= 1 << (hour & 31);
      }
    }
  }
  langBeg[n] = langList.length;
  slotBeg[n] = slotList.length;

  // Internal order: by similarity key (ties: id order). Learners compared with each
  // other are then mostly near each other in memory, and each candidate bucket,
  // filled in this order, comes out sorted by similarity.
  const keys = new Float64Array(n);
  const idxMul = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
  const keyScale = 2 ** Math.max(0, SIMILARITY_BITS - (53 - Math.log2(idxMul)));
  for (let c = 0; c < n; c++) keys[c] = Math.floor(similarityKey(packed[c]!, city[c]!, hours, c * HW) / keyScale) * idxMul + c;
  keys.sort();
  const canonical = new Int32Array(n); // internal → id order
  const internal = new Int32Array(n); // id order → internal
  for (let i = 0; i < n; i++) {
    const c = keys[i]! % idxMul;
    canonical[i] = c;
    internal[c] = i;
  }

  const pairs = (m: ReadonlyMap<string, ReadonlyMap<string, number> | ReadonlySet<string>>, counted: boolean, flag: number): Csr => {
    const src: number[] = [];
    const dst: number[] = [];
    const val: number[] = [];
    for (const [a, row] of m) {
      const ca = index.get(a);
      if (ca === undefined) continue;
      for (const b of row.keys()) {
        const cb = index.get(b);
        if (cb === undefined || cb === ca) continue;
        const v = counted ? normaliseForumCount((row as ReadonlyMap<string, number>).get(b)) : 1;
        if (v <= 0) continue;
        const ia = internal[ca]!;
        const ib = internal[cb]!;
        src.push(ia, ib);
        dst.push(ib, ia);
        val.push(v, v);
        packed[ca]! |= flag;
        packed[cb]! |= flag;
      }
    }
    return buildCsr(n, src, dst, val);
  };
  const forum = pairs(signals.forumInteractions, true, HAS_FORUM);
  const earlier = pairs(signals.earlierPartners, false, HAS_EARLIER);
  const blocked = pairs(signals.blocked, false, HAS_BLOCKED);

  const langWords = Math.max(1, Math.ceil(languageNames.length / 32));
  const stride = LANG + langWords;
  const rec = new Int32Array(n * stride);
  const cityInternal = new Int32Array(n);
  const langBegI = new Int32Array(n + 1);
  const langListI = new Int32Array(langList.length);
  const slotBegI = new Int32Array(n + 1);
  const slotListI = new Int32Array(slotList.length);
  for (let i = 0; i < n; i++) {
    const c = canonical[i]!;
    const r = i * stride;
    for (let w = 0; w < HW; w++) rec[r + w] = hours[c * HW + w]!;
    rec[r + PACKED] = packed[c]!;
    cityInternal[i] = city[c]!;
    langBegI[i + 1] = langBegI[i]!;
    for (let k = langBeg[c]!; k < langBeg[c + 1]!; k++) {
      const id = langList[k]!;
      rec[r + LANG + (id >>> 5)]! |= 1 << (id & 31);
      langListI[langBegI[i + 1]!++] = id;
    }
    slotBegI[i + 1] = slotBegI[i]!;
    for (let k = slotBeg[c]!; k < slotBeg[c + 1]!; k++) slotListI[slotBegI[i + 1]!++] = slotList[k]!;
  }

  return {
    n,
    learners: Array.from(canonical, (c) => sorted[c]!),
    rank: canonical,
    byRank: internal,
    stride,
    langWords,
    rec,
    city: cityInternal,
    languageNames,
    langBeg: langBegI,
    langList: langListI,
    slotBeg: slotBegI,
    slotList: slotListI,
    forum,
    earlier,
    blocked,
  };
}

const POP6 = Uint8Array.from({ length: 64 }, (_, m) => popcount32(m));

/**
 * The pair score of learners i and j (the ranking's, see `pairScore`), or INVALID
 * when they may not be in a group together: no shared language, no shared hour,
 * or blocked.
 */
function pairValue(p: Pool, i: number, j: number): number {
  const rec = p.rec;
  const S = p.stride;
  const ri = i * S;
  const rj = j * S;
  let shared = 0;
  for (let w = LANG; w < S; w++) shared |= rec[ri + w]! & rec[rj + w]!;
  if (shared === 0 || i === j) return INVALID;
  let overlap = 0;
  for (let w = 0; w < HW; w++) overlap += popcount32(rec[ri + w]! & rec[rj + w]!);
  if (overlap === 0) return INVALID;
  const pi = rec[ri + PACKED]!;
  const pj = rec[rj + PACKED]!;
  const both = pi & pj;
  if ((both & HAS_BLOCKED) !== 0 && csrFind(p.blocked, i, j) >= 0) return INVALID;
  let forum = 0;
  if ((both & HAS_FORUM) !== 0) {
    const at = csrFind(p.forum, i, j);
    if (at >= 0) forum = p.forum.val![at]!;
  }
  const earlier = (both & HAS_EARLIER) !== 0 && csrFind(p.earlier, i, j) >= 0;
  let d = ((pi >>> TZ_SHIFT) & 31) - ((pj >>> TZ_SHIFT) & 31);
  if (d < 0) d += 24;
  const cityHash = (pi >>> CITY_SHIFT) & CITY_HASH_MASK;
  return scoreFromParts(
    POP6[both & 63]!,
    POP6[(both >>> MOD_SHIFT) & 63]!,
    overlap,
    d > 12 ? 24 - d : d,
    cityHash !== 0 && cityHash === ((pj >>> CITY_SHIFT) & CITY_HASH_MASK) && p.city[i] === p.city[j],
    forum,
    earlier,
  );
}

/** Visiting order: fewest candidates first (hardest to place), seeded ties. */
function visitOrder(cand: Candidates, n: number, random: () => number): Int32Array {
  const idxBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const randomBits = Math.min(30, 53 - 12 - idxBits);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const degree = Math.min(4095, cand.start[i + 1]! - cand.start[i]!);
    keys[i] = (degree * 2 ** randomBits + Math.floor(random() * 2 ** randomBits)) * 2 ** idxBits + i;
  }
  keys.sort();
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = keys[k]! % 2 ** idxBits;
  return order;
}

/** Per learner, an upper bound of its pair score with anyone (each part at its most). */
function scoreBounds(p: Pool): Float64Array {
  const ub = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) {
    const r = i * p.stride;
    const packed = p.rec[r + PACKED]!;
    let hours = 0;
    for (let w = 0; w < HW; w++) hours += popcount32(p.rec[r + w]!);
    let forum = 0;
    for (let k = p.forum.start[i]!; k < p.forum.start[i + 1]!; k++) forum = Math.max(forum, p.forum.val![k]!);
    ub[i] = scoreFromParts(POP6[packed & 63]!, POP6[(packed >>> MOD_SHIFT) & 63]!, hours, 0, p.city[i] !== 0, forum, (packed & HAS_EARLIER) !== 0);
  }
  return ub;
}

/** Whether learners list[from .. from+k) except `skip`, plus `add` unless -1, share a language and an hour. */
function sharesAll(p: Pool, list: Int32Array, from: number, k: number, skip: number, add: number): boolean {
  const rec = p.rec;
  const S = p.stride;
  let langOk = false;
  for (let w = LANG; w < S && !langOk; w++) {
    let acc = add >= 0 ? rec[add * S + w]! : -1;
    for (let m = from; m < from + k; m++) if (list[m] !== skip) acc &= rec[list[m]! * S + w]!;
    if (acc !== 0) langOk = true;
  }
  if (!langOk) return false;
  for (let w = 0; w < HW; w++) {
    let acc = add >= 0 ? rec[add * S + w]! : -1;
    for (let m = from; m < from + k; m++) if (list[m] !== skip) acc &= rec[list[m]! * S + w]!;
    if (acc !== 0) return true;
  }
  return false;
}

/** The sparse candidate graph: symmetric adjacency with scores, and the edges best first. */
interface Candidates {
  /** Row i: nbr/score[start[i] .. start[i+1]), best score first. */
  start: Int32Array;
  nbr: Int32Array;
  score: Float64Array;
  /** Edge endpoints, best score first (ties: lower pair first). */
  ea: Int32Array;
  eb: Int32Array;
  es: Float64Array;
}

/** The candidate graph among the learners with include[i] === 1. */
function buildCandidates(p: Pool, include: Uint8Array): Candidates {
  const n = p.n;
  const K = CANDIDATES_PER_LEARNER;
  // Kept candidates by slot: learners included get slots 0, 1, … in order (a
  // second run over a few leftovers then allocates for those few only).
  const slot = new Int32Array(n).fill(-1);
  let included = 0;
  for (let i = 0; i < n; i++) if (include[i] === 1) slot[i] = included++;
  const topNbr = new Int32Array(included * K).fill(-1);
  const topVal = new Float64Array(included * K).fill(INVALID);
  const offer = (i: number, j: number, v: number): void => {
    const base = slot[i]! * K;
    if (v <= topVal[base + K - 1]!) return;
    for (let k = 0; k < K; k++) if (topNbr[base + k] === j) return;
    let at = K - 1;
    while (at > 0 && topVal[base + at - 1]! < v) {
      topVal[base + at] = topVal[base + at - 1]!;
      topNbr[base + at] = topNbr[base + at - 1]!;
      at--;
    }
    topVal[base + at] = v;
    topNbr[base + at] = j;
  };

  // Buckets: (language, anchor hour of a slot).
  const nb = p.languageNames.length * ANCHORS;
  const bucketStart = new Int32Array(nb + 1);
  for (let i = 0; i < n; i++) {
    if (include[i] !== 1) continue;
    for (let a = p.langBeg[i]!; a < p.langBeg[i + 1]!; a++) {
      for (let s = p.slotBeg[i]!; s < p.slotBeg[i + 1]!; s++) bucketStart[p.langList[a]! * ANCHORS + p.slotList[s]! + 1]!++;
    }
  }
  for (let b = 0; b < nb; b++) bucketStart[b + 1]! += bucketStart[b]!;
  const entries = bucketStart[nb]!;
  // Filled in internal order, so each bucket is sorted by similarity. Per learner,
  // its entries (position, end of bucket), to scan learner by learner.
  const member = new Int32Array(entries);
  const entryAt = new Int32Array(entries);
  const entryEnd = new Int32Array(entries);
  const entryBeg = new Int32Array(n + 1);
  const fill = bucketStart.slice(0, nb);
  let e = 0;
  for (let i = 0; i < n; i++) {
    entryBeg[i] = e;
    if (include[i] !== 1) continue;
    for (let a = p.langBeg[i]!; a < p.langBeg[i + 1]!; a++) {
      for (let s = p.slotBeg[i]!; s < p.slotBeg[i + 1]!; s++) {
        const b = p.langList[a]! * ANCHORS + p.slotList[s]!;
        const at = fill[b]!++;
        member[at] = i;
        entryAt[e] = at;
        entryEnd[e++] = bucketStart[b + 1]!;
      }
    }
  }
  entryBeg[n] = e;
  // Each learner is scored against the next WINDOW learners of each of its buckets
  // (each pair once: the later learner is forward of the earlier in every bucket).
  // Neighbours in bucket order are near in memory too; random members would not be.
  const seen = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let f = entryBeg[i]!; f < entryBeg[i + 1]!; f++) {
      const at = entryAt[f]!;
      const last = Math.min(entryEnd[f]! - 1, at + WINDOW);
      for (let q = at + 1; q <= last; q++) {
        const j = member[q]!;
        if (seen[j] === i) continue;
        seen[j] = i;
        const v = pairValue(p, i, j);
        if (v >= 0) {
          offer(i, j, v);
          offer(j, i, v);
        }
      }
    }
  }

  // Learners left with fewer than K candidates (sparse buckets) also look at the
  // neighbouring anchors of theirs: slots overlapping by 1–2 hours share no anchor.
  const offerBoth = (i: number, j: number): void => {
    const v = pairValue(p, i, j);
    if (v >= 0) {
      offer(i, j, v);
      offer(j, i, v);
    }
  };
  for (let i = 0; i < n; i++) {
    if (include[i] !== 1 || topNbr[slot[i]! * K + K - 1]! >= 0) continue;
    for (let a = p.langBeg[i]!; a < p.langBeg[i + 1]!; a++) {
      for (let s = p.slotBeg[i]!; s < p.slotBeg[i + 1]!; s++) {
        for (const step of [ANCHORS - 1, 1]) {
          const b = p.langList[a]! * ANCHORS + ((p.slotList[s]! + step) % ANCHORS);
          const from = bucketStart[b]!;
          const to = bucketStart[b + 1]!;
          let lo = from;
          let hi = to;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (member[mid]! < i) lo = mid + 1;
            else hi = mid;
          }
          for (let q = Math.max(from, lo - WINDOW); q < Math.min(to, lo + WINDOW); q++) if (member[q] !== i) offerBoth(i, member[q]!);
        }
      }
    }
  }

  // Edges: the kept candidates, plus forum neighbours and earlier partners always.
  // Each edge {i, j} is listed by its lower learner, then deduplicated there.
  const forcedRelations = [p.forum, p.earlier];
  const ownerStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if (include[i] !== 1) continue;
    for (let k = 0; k < K; k++) {
      const j = topNbr[slot[i]! * K + k]!;
      if (j >= 0) ownerStart[Math.min(i, j) + 1]!++;
    }
    for (const csr of forcedRelations) for (let k = csr.start[i]!; k < csr.start[i + 1]!; k++) if (csr.nbr[k]! > i) ownerStart[i + 1]!++;
  }
  for (let i = 0; i < n; i++) ownerStart[i + 1]! += ownerStart[i]!;
  const listed = ownerStart[n]!;
  const other = new Int32Array(listed).fill(-1);
  const otherScore = new Float64Array(listed);
  const ownerFill = ownerStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    if (include[i] !== 1) continue;
    for (let k = 0; k < K; k++) {
      const j = topNbr[slot[i]! * K + k]!;
      if (j < 0) continue;
      const at = ownerFill[Math.min(i, j)]!++;
      other[at] = Math.max(i, j);
      otherScore[at] = topVal[slot[i]! * K + k]!;
    }
    for (const csr of forcedRelations) {
      for (let k = csr.start[i]!; k < csr.start[i + 1]!; k++) {
        const j = csr.nbr[k]!;
        if (j <= i) continue;
        const at = ownerFill[i]!++;
        otherScore[at] = pairValue(p, i, j);
        if (otherScore[at]! >= 0 && include[j] === 1) other[at] = j;
      }
    }
  }
  const ua = new Int32Array(listed);
  const ub = new Int32Array(listed);
  const score = new Float64Array(listed);
  let m = 0;
  let qMax = 0;
  seen.fill(-1);
  for (let i = 0; i < n; i++) {
    for (let k = ownerStart[i]!; k < ownerStart[i + 1]!; k++) {
      const j = other[k]!;
      if (j < 0 || seen[j] === i) continue;
      seen[j] = i;
      ua[m] = i;
      ub[m] = j;
      score[m] = otherScore[k]!;
      qMax = Math.max(qMax, Math.round(otherScore[k]! * 64));
      m++;
    }
  }
  // Best first: a counting sort on scores quantised to 1/64 (ties: in listing order).
  const bucket = new Int32Array(qMax + 2);
  for (let e = 0; e < m; e++) bucket[qMax - Math.round(score[e]! * 64) + 1]!++;
  for (let q = 0; q <= qMax; q++) bucket[q + 1]! += bucket[q]!;
  const ea = new Int32Array(m);
  const eb = new Int32Array(m);
  const es = new Float64Array(m);
  for (let e = 0; e < m; e++) {
    const k = bucket[qMax - Math.round(score[e]! * 64)]!++;
    ea[k] = ua[e]!;
    eb[k] = ub[e]!;
    es[k] = score[e]!;
  }
  // Symmetric adjacency.
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    start[ea[e]! + 1]!++;
    start[eb[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const at = start.slice(0, n);
  const nbr = new Int32Array(2 * m);
  const adjScore = new Float64Array(2 * m);
  for (let k = 0; k < m; k++) {
    // Edges come best first, so each row ends up best first.
    adjScore[at[ea[k]!]!] = es[k]!;
    nbr[at[ea[k]!]!++] = eb[k]!;
    adjScore[at[eb[k]!]!] = es[k]!;
    nbr[at[eb[k]!]!++] = ea[k]!;
  }
  return { start, nbr, score: adjScore, ea, eb, es };
}

interface GroupsState {
  groupOf: Int32Array;
  size: Int32Array;
  members: Int32Array;
  sum: Float64Array;
  contrib: Float64Array;
  mate: Int32Array;
  spare: Int32Array;
  spareTop: number;
}

/**
 * Groups over learner indices. Every learner is always in exactly one group (a
 * learner alone is a group of 1); group ids are recycled from learner indices.
 */
class Groups {
  readonly groupOf: Int32Array;
  readonly size: Int32Array;
  readonly members: Int32Array;
  readonly sum: Float64Array;
  /** Per learner: the sum of its scores with the other members of its group. */
  readonly contrib: Float64Array;
  /** Per learner: the other member of its group when the group is a pair; else -1. */
  readonly mate: Int32Array;
  private readonly spare: Int32Array;
  private spareTop = 0;

  constructor(
    private readonly p: Pool,
    readonly stride: number,
  ) {
    const n = p.n;
    this.groupOf = Int32Array.from({ length: n }, (_, i) => i);
    this.size = new Int32Array(n).fill(1);
    this.members = new Int32Array(n * stride);
    for (let i = 0; i < n; i++) this.members[i * stride] = i;
    this.sum = new Float64Array(n);
    this.contrib = new Float64Array(n);
    this.mate = new Int32Array(n).fill(-1);
    this.spare = new Int32Array(n);
  }

  private recompute(g: number): void {
    const base = g * this.stride;
    const k = this.size[g]!;
    let total = 0;
    for (let a = 0; a < k; a++) {
      this.contrib[this.members[base + a]!] = 0;
      this.mate[this.members[base + a]!] = -1;
    }
    if (k === 2) {
      this.mate[this.members[base]!] = this.members[base + 1]!;
      this.mate[this.members[base + 1]!] = this.members[base]!;
    }
    for (let a = 0; a < k; a++) {
      const x = this.members[base + a]!;
      for (let b = a + 1; b < k; b++) {
        const y = this.members[base + b]!;
        const v = pairValue(this.p, x, y);
        total += v;
        this.contrib[x]! += v;
        this.contrib[y]! += v;
      }
    }
    this.sum[g] = total;
  }

  /** Moves all members of group b into group a. */
  merge(a: number, b: number): void {
    const base = a * this.stride;
    let k = this.size[a]!;
    for (let m = 0; m < this.size[b]!; m++) {
      const x = this.members[b * this.stride + m]!;
      this.members[base + k++] = x;
      this.groupOf[x] = a;
    }
    this.size[a] = k;
    this.size[b] = 0;
    this.sum[b] = 0;
    this.spare[this.spareTop++] = b;
    this.recompute(a);
  }

  /** Every member alone again. */
  dissolve(g: number): void {
    const k = this.size[g]!;
    const base = g * this.stride;
    for (let m = 1; m < k; m++) {
      const x = this.members[base + m]!;
      const id = this.spare[--this.spareTop]!;
      this.members[id * this.stride] = x;
      this.size[id] = 1;
      this.sum[id] = 0;
      this.contrib[x] = 0;
      this.mate[x] = -1;
      this.groupOf[x] = id;
    }
    this.size[g] = 1;
    this.recompute(g);
  }

  /** Swaps learners a and b between their groups. */
  exchange(a: number, b: number): void {
    const ga = this.groupOf[a]!;
    const gb = this.groupOf[b]!;
    for (let m = 0; m < this.size[ga]!; m++) if (this.members[ga * this.stride + m] === a) this.members[ga * this.stride + m] = b;
    for (let m = 0; m < this.size[gb]!; m++) if (this.members[gb * this.stride + m] === b) this.members[gb * this.stride + m] = a;
    this.groupOf[a] = gb;
    this.groupOf[b] = ga;
    this.recompute(ga);
    this.recompute(gb);
  }

  /** A copy of the state (into `into` when given). */
  save(into?: GroupsState): GroupsState {
    const state = into ?? {
      groupOf: new Int32Array(this.groupOf.length),
      size: new Int32Array(this.size.length),
      members: new Int32Array(this.members.length),
      sum: new Float64Array(this.sum.length),
      contrib: new Float64Array(this.contrib.length),
      mate: new Int32Array(this.mate.length),
      spare: new Int32Array(this.spare.length),
      spareTop: 0,
    };
    state.groupOf.set(this.groupOf);
    state.size.set(this.size);
    state.members.set(this.members);
    state.sum.set(this.sum);
    state.contrib.set(this.contrib);
    state.mate.set(this.mate);
    state.spare.set(this.spare);
    state.spareTop = this.spareTop;
    return state;
  }

  restore(state: GroupsState): void {
    this.groupOf.set(state.groupOf);
    this.size.set(state.size);
    this.members.set(state.members);
    this.sum.set(state.sum);
    this.contrib.set(state.contrib);
    this.mate.set(state.mate);
    this.spare.set(state.spare);
    this.spareTop = state.spareTop;
  }

  /** The sum of group g if member `out` were replaced by learner `by`, or INVALID. */
  sumWithReplaced(g: number, out: number, by: number): number {
    const base = g * this.stride;
    const k = this.size[g]!;
    let s = this.sum[g]! - this.contrib[out]!;
    for (let m = 0; m < k; m++) {
      const x = this.members[base + m]!;
      if (x === out) continue;
      const v = pairValue(this.p, by, x);
      if (v === INVALID) return INVALID;
      s += v;
    }
    if (k > 2 && !sharesAll(this.p, this.members, base, k, out, by)) return INVALID;
    return s;
  }
}

/** One grouping run at a target size over the learners still `open`; locks the groups it forms. */
function formGroups(p: Pool, cand: Candidates, G: Groups, target: number, open: Uint8Array, order: Int32Array, random: () => number, ub: Float64Array): void {
  const n = p.n;
  const pairs = (target * (target - 1)) / 2;
  const { start, nbr } = cand;
  const scratch = new Int32Array(2 * MAX_GROUP_SIZE);
  const stamp = new Int32Array(n);
  let stampNo = 0;

  const isOpenAlone = (x: number): boolean => open[x] === 1 && G.size[G.groupOf[x]!] === 1;

  // Construction: best edges first, merging groups while valid and within the target size.
  const merged = (ga: number, gb: number): number => {
    const ka = G.size[ga]!;
    const kb = G.size[gb]!;
    let cross = 0;
    for (let a = 0; a < ka; a++) {
      const x = G.members[ga * G.stride + a]!;
      for (let b = 0; b < kb; b++) {
        const v = pairValue(p, x, G.members[gb * G.stride + b]!);
        if (v === INVALID) return INVALID;
        cross += v;
      }
    }
    if (ka + kb > 2) {
      for (let a = 0; a < ka; a++) scratch[a] = G.members[ga * G.stride + a]!;
      for (let b = 0; b < kb; b++) scratch[ka + b] = G.members[gb * G.stride + b]!;
      if (!sharesAll(p, scratch, 0, ka + kb, -1, -1)) return INVALID;
    }
    return G.sum[ga]! + G.sum[gb]! + cross;
  };
  for (let k = 0; k < cand.ea.length; k++) {
    const u = cand.ea[k]!;
    const v = cand.eb[k]!;
    if (open[u] !== 1 || open[v] !== 1) continue;
    const gu = G.groupOf[u]!;
    const gv = G.groupOf[v]!;
    if (gu === gv || G.size[gu]! + G.size[gv]! > target) continue;
    const s = G.size[gu] === 1 && G.size[gv] === 1 ? cand.es[k]! : merged(gu, gv);
    if (s >= 0) G.merge(gu, gv);
  }
  for (let i = 0; i < n; i++) {
    const g = G.groupOf[i]!;
    if (open[i] === 1 && G.size[g]! > 1 && G.size[g]! < target) G.dissolve(g);
  }

  // Growth from seeds still alone (sizes above 2).
  let onForm = (_g: number): void => undefined;
  const list = new Int32Array(MAX_GROUP_SIZE);
  let noise = 0; // > 0 in perturbation rounds: randomised growth
  let seeds: Int32Array = order;
  let seedCount = n;
  const grow = (): boolean => {
    let formed = false;
    for (let o = 0; o < seedCount; o++) {
      const u = seeds[o]!;
      if (!isOpenAlone(u)) continue;
      list[0] = u;
      let k = 1;
      let total = 0;
      while (k < target) {
        stampNo++;
        for (let m = 0; m < k; m++) stamp[list[m]!] = stampNo;
        let best = -1;
        let bestGain = INVALID;
        for (let m = 0; m < k; m++) {
          const x = list[m]!;
          for (let e = start[x]!; e < start[x + 1]!; e++) {
            const c = nbr[e]!;
            if (stamp[c] === stampNo || !isOpenAlone(c)) continue;
            stamp[c] = stampNo;
            let gain = 0;
            for (let q = 0; q < k && gain !== INVALID; q++) gain += pairValue(p, c, list[q]!);
            if (gain === INVALID) continue;
            const noisy = noise > 0 ? gain + noise * random() : gain;
            if (noisy > bestGain && (k < 2 || sharesAll(p, list, 0, k, -1, c))) {
              bestGain = noisy;
              best = c;
            }
          }
        }
        if (best < 0) break;
        for (let q = 0; q < k; q++) total += pairValue(p, best, list[q]!);
        list[k++] = best;
      }
      if (k === target && total >= 0) {
        const g = G.groupOf[u]!;
        for (let m = 1; m < k; m++) G.merge(g, G.groupOf[list[m]!]!);
        onForm(g);
        formed = true;
      }
    }
    return formed;
  };
  if (target > 2) grow();

  // Local search.
  /** The best open learner alone to pair with x (tandems), other than `not`, or -1. */
  const bestAlonePartner = (x: number, not: number): number => {
    let best = -1;
    let bestV = INVALID;
    for (let e = start[x]!; e < start[x + 1]!; e++) {
      const z = nbr[e]!;
      if (z === not || !isOpenAlone(z)) continue;
      const v = pairValue(p, x, z);
      if (v > bestV) {
        bestV = v;
        best = z;
      }
    }
    return bestV >= 0 ? best : -1;
  };

  // Learners to examine, first-in first-out; a move re-queues the members of the groups it changed.
  const queued = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let queuedCount = 0;
  const push = (x: number): void => {
    if (queued[x] === 1 || open[x] !== 1) return;
    queued[x] = 1;
    queue[(head + queuedCount) % n] = x;
    queuedCount++;
  };
  const pushGroup = (g: number): void => {
    for (let m = 0; m < G.size[g]!; m++) push(G.members[g * G.stride + m]!);
  };
  for (let o = 0; o < n; o++) push(order[o]!);
  if (target > 2) onForm = pushGroup;

  /**
   * Groups above 2: for each candidate pair (u, v) in two different groups, the
   * best exchange that brings them together (v takes the place of some member of
   * u's full group, who goes where v was, or the other way round). Where v was
   * alone, that member is freed: the exchange is then a replacement.
   */
  const improveAround = (u: number): void => {
    for (let e = start[u]!; e < start[u + 1]!; e++) {
      const v = nbr[e]!;
      if (open[v] !== 1) continue;
      const gu = G.groupOf[u]!;
      const gv = G.groupOf[v]!;
      if (gu === gv || (G.size[gu] === 1 && G.size[gv] === 1)) continue;
      let bestGain = EPSILON;
      let bestOut = -1;
      let bestIn = -1;
      for (let side = 0; side < 2; side++) {
        const stay = side === 0 ? u : v; // stays in its group
        const mover = side === 0 ? v : u; // joins stay's group
        const gs = side === 0 ? gu : gv;
        const gm = side === 0 ? gv : gu;
        const ks = G.size[gs]!;
        if (ks !== target) continue; // only full groups take members
        for (let m = 0; m < ks; m++) {
          const out = G.members[gs * G.stride + m]!;
          if (out === stay) continue;
          const newS = G.sumWithReplaced(gs, out, mover);
          if (newS === INVALID) continue;
          let gain = newS - G.sum[gs]!;
          if (G.size[gm] === target) {
            const newM = G.sumWithReplaced(gm, mover, out);
            if (newM === INVALID) continue;
            gain += newM - G.sum[gm]!;
          }
          gain /= pairs;
          if (gain > bestGain) {
            bestGain = gain;
            bestOut = out;
            bestIn = mover;
          }
        }
      }
      if (bestOut >= 0) {
        G.exchange(bestOut, bestIn);
        pushGroup(G.groupOf[bestOut]!);
        pushGroup(G.groupOf[bestIn]!);
      }
    }
  };

  /**
   * Tandems: the best improving alternating path or cycle from s, Lin–Kernighan
   * style. s leaves its partner a0 and takes v1; v1's partner b1 takes v2; …; the
   * last partner set loose is paired back with a0 (a cycle), with a learner
   * alone, or left alone. Each added edge must keep the running gain positive,
   * and rows are best first, so a scan stops at the first edge that cannot.
   */
  const top = new Float64Array(n);
  for (let i = 0; i < n; i++) top[i] = start[i + 1]! > start[i]! ? cand.score[start[i]!]! : 0;
  const chainV = new Int32Array(TANDEM_DEPTH);
  const chainB = new Int32Array(TANDEM_DEPTH);
  const bestV = new Int32Array(TANDEM_DEPTH);
  const bestB = new Int32Array(TANDEM_DEPTH);
  let bestLen = 0;
  let bestClose = -1; // -2: pair the last loose learner with a0; ≥ 0: with that learner alone; -1: leave it
  let bestA0Partner = -1;
  let bestTotal = 0;
  let root = -1;
  let a0 = -1;
  let a0Partner = -1;
  let a0PartnerGain = 0;
  const mateOf = (x: number): number => G.mate[x]!;
  const inChain = (x: number, depth: number): boolean => {
    for (let d = 0; d < depth; d++) if (chainV[d] === x || chainB[d] === x) return true;
    return false;
  };
  const record = (depth: number, total: number, close: number, withA0Partner: boolean): void => {
    if (total <= bestTotal) return;
    bestTotal = total;
    bestLen = depth;
    for (let d = 0; d < depth; d++) {
      bestV[d] = chainV[d]!;
      bestB[d] = chainB[d]!;
    }
    bestClose = close;
    bestA0Partner = withA0Partner ? a0AlonePartner() : -1;
  };
  const search = (depth: number, x: number, gain: number): void => {
    let expanded = 0;
    for (let e = start[x]!; e < start[x + 1]!; e++) {
      const w = cand.score[e]!;
      if (gain + w <= EPSILON && !(gain === 0 && w === 0)) break; // rows are best first
      const v = nbr[e]!;
      if (open[v] !== 1 || v === a0 || v === root || inChain(v, depth)) continue;
      const b = mateOf(v);
      if (b === x) continue;
      chainV[depth] = v;
      chainB[depth] = b;
      if (b < 0) {
        // v was alone: the path ends here. A pairing of two learners alone gains w ≥ 0:
        // worth it even at 0, as two more learners are matched.
        const total = gain + w + MATCHED_BONUS;
        record(depth + 1, total, -1, false);
        if (a0 >= 0 && total + ub[a0]! > bestTotal && a0AlonePartner() >= 0 && a0Partner !== v) record(depth + 1, total + a0PartnerGain, -1, true);
        continue;
      }
      const after = gain + w - G.contrib[v]!;
      record(depth + 1, after, -1, false);
      if (a0 >= 0) {
        // Closing is scored only when the best candidate scores of both could make it pay.
        if (after + Math.min(top[b]!, top[a0]!) > bestTotal) {
          const close = pairValue(p, b, a0);
          if (close !== INVALID && close >= 0) record(depth + 1, after + close, -2, false);
        }
        if (after + ub[a0]! > bestTotal && a0AlonePartner() >= 0) record(depth + 1, after + a0PartnerGain, -1, true);
      }
      if (depth + 1 < TANDEM_DEPTH && ((a0 < 0 && depth === 0) || expanded++ < (depth === 0 ? BREADTH0 : BREADTH))) search(depth + 1, b, after);
    }
  };
  /** The best learner alone for a0 (once per search, when first needed), or -1. */
  const a0AlonePartner = (): number => {
    if (a0Partner === -2) {
      a0Partner = bestAlonePartner(a0, root);
      a0PartnerGain = a0Partner >= 0 ? pairValue(p, a0, a0Partner) + MATCHED_BONUS : 0;
    }
    return a0Partner;
  };
  const improveTandem = (s: number): void => {
    root = s;
    a0 = mateOf(s);
    bestTotal = EPSILON;
    bestLen = 0;
    a0Partner = -2; // not looked up yet
    search(0, s, a0 >= 0 ? -G.contrib[s]! : 0);
    if (bestLen === 0) return;
    // Apply: break the old pairs, form the new ones.
    if (a0 >= 0) G.dissolve(G.groupOf[s]!);
    for (let d = 0; d < bestLen; d++) if (bestB[d]! >= 0) G.dissolve(G.groupOf[bestV[d]!]!);
    let x = s;
    for (let d = 0; d < bestLen; d++) {
      G.merge(G.groupOf[x]!, G.groupOf[bestV[d]!]!);
      pushGroup(G.groupOf[x]!);
      x = bestB[d]!;
    }
    if (x >= 0) {
      push(x);
      if (bestClose === -2) G.merge(G.groupOf[x]!, G.groupOf[a0]!);
      pushGroup(G.groupOf[x]!);
    }
    if (a0 >= 0) {
      if (bestA0Partner >= 0) G.merge(G.groupOf[a0]!, G.groupOf[bestA0Partner]!);
      pushGroup(G.groupOf[a0]!);
    }
  };

  // Bounded work: at most MAX_PASSES visits per learner on average.
  let budget = MAX_PASSES * n;
  const settle = (): void => {
    for (; budget > 0; budget--) {
      if (queuedCount === 0 && !(target > 2 && grow())) break;
      if (queuedCount === 0) break;
      const u = queue[head]!;
      head = (head + 1) % n;
      queuedCount--;
      queued[u] = 0;
      if (target === 2) improveTandem(u);
      else improveAround(u);
    }
  };
  settle();

  // Perturbation rounds (iterated local search), a fixed amount of extra work that
  // matters for small pools: undo the groups around a random learner, regrow them
  // with randomised choices, settle again; keep the result unless it is worse.
  const openList: number[] = [];
  for (let o = 0; o < n; o++) if (open[order[o]!] === 1) openList.push(order[o]!);
  const rounds = openList.length < target ? 0 : Math.min(ILS_MAX_ROUNDS, Math.floor(ILS_WORK / openList.length), Math.floor(ILS_COPY_BUDGET / n));
  if (rounds > 0) {
    const objective = (): number => {
      let total = 0;
      for (const x of openList) {
        const g = G.groupOf[x]!;
        if (G.size[g] === target && G.members[g * G.stride] === x) total += G.sum[g]! / pairs + MATCHED_BONUS;
      }
      return total;
    };
    const saved = G.save();
    const freed = new Int32Array(n);
    let current = objective();
    for (let r = 0; r < rounds; r++) {
      G.save(saved);
      const x = openList[Math.floor(random() * openList.length)]!;
      let freedCount = 0;
      const ruin = (y: number): void => {
        const g = G.groupOf[y]!;
        if (open[y] !== 1 || G.size[g] !== target) return;
        for (let m = 0; m < G.size[g]!; m++) freed[freedCount++] = G.members[g * G.stride + m]!;
        G.dissolve(g);
      };
      ruin(x);
      const degree = start[x + 1]! - start[x]!;
      for (let t = 0; t < PERTURB_GROUPS && degree > 0; t++) ruin(nbr[start[x]! + Math.floor(random() * degree)]!);
      if (freedCount === 0) freed[freedCount++] = x;
      // Regrow from the freed learners in random order, then settle.
      for (let k = freedCount - 1; k > 0; k--) {
        const j = Math.floor(random() * (k + 1));
        const t = freed[k]!;
        freed[k] = freed[j]!;
        freed[j] = t;
      }
      seeds = freed;
      seedCount = freedCount;
      noise = PERTURB_NOISE;
      if (target > 2) grow();
      noise = 0;
      seeds = order;
      seedCount = n;
      for (let k = 0; k < freedCount; k++) pushGroup(G.groupOf[freed[k]!]!);
      budget = Math.max(budget, 4 * freedCount * target);
      settle();
      const value = objective();
      if (value >= current - EPSILON) current = Math.max(current, value);
      else G.restore(saved);
    }
  }

  // A group with a negative mean lowers the objective: undone. The rest are final.
  for (let i = 0; i < n; i++) {
    if (open[i] !== 1) continue;
    const g = G.groupOf[i]!;
    if (G.size[g] === target && G.sum[g]! < 0) G.dissolve(g);
  }
  for (let i = 0; i < n; i++) if (open[i] === 1 && G.size[G.groupOf[i]!] === target) open[i] = 0;
}

/**
 * availability.ts `dominantSharedPart(hours, hours, offset)`, visiting set bits
 * only: the part of day (in local time at `shift` hours from UTC) holding most of
 * `hours`, ties to the earlier part; null if none.
 */
function dominantPart(hours: Uint32Array, shift: number): PartOfDay | null {
  const perPart = [0, 0, 0, 0];
  for (let w = 0; w < HW; w++) {
    for (let bits = hours[w]!; bits !== 0; bits &= bits - 1) {
      const h = w * 32 + (31 - Math.clz32(bits & -bits));
      perPart[Math.floor((wrapWeekHour(h + shift) % 24) / HOURS_PER_SLOT)]!++;
    }
  }
  let best = -1;
  for (let q = 0; q < 4; q++) if (perPart[q]! > 0 && (best < 0 || perPart[q]! > perPart[best]!)) best = q;
  return best < 0 ? null : PARTS_OF_DAY[best]!;
}

const OBJECT_LISTS = Array.from({ length: 64 }, (_, mask) => OBJECTS.filter((_, i) => mask & (1 << i)));
const MODALITY_LISTS = Array.from({ length: 64 }, (_, mask) => MODALITIES.filter((_, i) => mask & (1 << i)));

function reasonsFor(p: Pool, members: readonly number[], hours: Uint32Array, langs: Int32Array): RankingReason[] {
  const reasons: RankingReason[] = [];
  const S = p.stride;
  let earlier = false;
  let forum = 0;
  for (let a = 0; a < members.length; a++) {
    for (let b = a + 1; b < members.length; b++) {
      const x = members[a]!;
      const y = members[b]!;
      const both = p.rec[x * S + PACKED]! & p.rec[y * S + PACKED]!;
      if ((both & HAS_EARLIER) !== 0 && csrFind(p.earlier, x, y) >= 0) earlier = true;
      if ((both & HAS_FORUM) !== 0) {
        const at = csrFind(p.forum, x, y);
        if (at >= 0) forum += p.forum.val![at]!;
      }
    }
  }
  if (earlier) reasons.push({ code: 'earlier-partner' });
  if (forum > 0) reasons.push({ code: 'forum', count: forum });
  let both = -1;
  hours.fill(0xffffffff);
  langs.fill(-1);
  const firstCity = p.city[members[0]!]!;
  let sameCity = firstCity !== 0;
  for (const x of members) {
    both &= p.rec[x * S + PACKED]!;
    for (let w = 0; w < HW; w++) hours[w]! &= p.rec[x * S + w]!;
    for (let w = 0; w < p.langWords; w++) langs[w]! &= p.rec[x * S + LANG + w]!;
    if (p.city[x] !== firstCity) sameCity = false;
  }
  const objects = both & 63;
  const modalities = (both >>> MOD_SHIFT) & 63;
  if (objects) reasons.push({ code: 'objects', objects: OBJECT_LISTS[objects]!.slice() });
  if (modalities) reasons.push({ code: 'modalities', modalities: MODALITY_LISTS[modalities]!.slice() });
  let count = 0;
  for (let w = 0; w < HW; w++) count += popcount32(hours[w]!);
  const part = dominantPart(hours, offsetHours(p.learners[members[0]!]!.utcOffsetMinutes));
  if (count > 0 && part !== null) reasons.push({ code: 'availability', hours: count, part });
  if (sameCity) reasons.push({ code: 'same-city' });
  const languages: string[] = [];
  for (let w = 0; w < p.langWords; w++) {
    for (let bits = langs[w]!; bits !== 0; bits &= bits - 1) languages.push(p.languageNames[w * 32 + (31 - Math.clz32(bits & -bits))]!);
  }
  if (languages.length > 1) languages.sort();
  reasons.push({ code: 'language', languages });
  return reasons;
}

/**
 * Forms the groups of one round over `learners` (those who opted in to automatic
 * matching). See the module comment for the rules and the algorithm.
 */
export function matchPool(learners: readonly PoolLearner[], signals: PoolSignals, options: PoolOptions): PoolResult {
  const size = options.groupSize;
  if (!Number.isInteger(size) || size < MIN_GROUP_SIZE || size > MAX_GROUP_SIZE) {
    throw new RangeError(`matchPool: groupSize must be an integer from ${MIN_GROUP_SIZE} to ${MAX_GROUP_SIZE}, got ${size}`);
  }
  const p = compile(learners, signals);
  const n = p.n;
  const random = mulberry32(options.seed >>> 0);
  const ub = scoreBounds(p);
  const G = new Groups(p, size);
  const open = new Uint8Array(n);
  for (let i = 0; i < n; i++) open[i] = p.langBeg[i + 1]! > p.langBeg[i]! && p.slotBeg[i + 1]! > p.slotBeg[i]! ? 1 : 0;
  // Full groups first, then the largest leftover groups possible. Each size gets a
  // second run over the learners still open, with candidates found among them only
  // (their first candidates are mostly in groups by then).
  for (let target = size; target >= MIN_GROUP_SIZE; target--) {
    for (let run = 0; run < 2; run++) {
      let left = 0;
      for (let i = 0; i < n; i++) left += open[i]!;
      if (left < target) break;
      const cand = buildCandidates(p, open);
      // Tandems visit learners in internal (similarity) order: neighbours in memory,
      // faster and as good; larger groups grow from the hardest to place first.
      const order = target === 2 ? Int32Array.from({ length: n }, (_, i) => i) : visitOrder(cand, n, random);
      formGroups(p, cand, G, target, open, order, random, ub);
    }
  }

  const groups: PoolGroup[] = [];
  const hours = new Uint32Array(HW);
  const langs = new Int32Array(p.langWords);
  const unmatched: string[] = [];
  for (let c = 0; c < n; c++) {
    const i = p.byRank[c]!; // in id order
    const g = G.groupOf[i]!;
    const k = G.size[g]!;
    if (k === 1) {
      unmatched.push(p.learners[i]!.id);
      continue;
    }
    let first = true; // listed once, at its first member in id order
    for (let m = 0; m < k; m++) if (p.rank[G.members[g * G.stride + m]!]! < c) first = false;
    if (!first) continue;
    const members: number[] = [];
    for (let m = 0; m < k; m++) members.push(G.members[g * G.stride + m]!);
    members.sort((a, b) => p.rank[a]! - p.rank[b]!);
    groups.push({
      members: members.map((x) => p.learners[x]!.id),
      score: G.sum[g]! / ((k * (k - 1)) / 2),
      reasons: reasonsFor(p, members, hours, langs),
    });
  }
  return { groups, unmatched };
}
