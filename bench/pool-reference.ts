/**
 * References for the pool-matching figures (bench only, never in src):
 * - `exhaustiveOptimum`: the exact optimum of the matcher's objective on a small
 *   instance (≤ ~14 learners), by dynamic programming over subsets;
 * - `compatibilityGraph`: every valid pair of a pool with its score, scored by
 *   ranking.ts `pairScore` (not by the matcher's own code), for the exact
 *   maximum-weight matching of `pool.quality_2k`;
 * - `randomGrouping`: a random valid grouping, the baseline of `pool.vs_random_ratio`;
 * - `smallInstance`: the seeded small instances of `pool.quality_vs_optimum`.
 *
 * The objective, as in src/core/pool-matching.ts: the sum over groups of exactly
 * `groupSize` members of their mean pairwise score. Leftover groups and unmatched
 * learners count as zero here. A valid group has a language common to all, a UTC
 * hour common to all and no blocked pair; a group with a negative mean never
 * helps the objective, so the optimum never contains one (nor does the matcher).
 */
import { countHours, slotsToUtcHours, type WeekHours } from '../src/core/availability.js';
import { pairScore, type PairSignals, type PeerProfile } from '../src/core/ranking.js';
import type { PoolResult } from '../src/core/pool-matching.js';
import { generatePool, mulberry32 } from './pool-generator.js';

const andHours = (a: WeekHours, b: WeekHours): WeekHours => a.map((x, i) => x & b[i]!) as WeekHours;

/** Pair scores, or null where the pair may not share a group (incl. no common hour). */
export function pairMatrix(learners: readonly PeerProfile[], signals: PairSignals): (number | null)[][] {
  const hours = learners.map((l) => slotsToUtcHours(l.slots, l.utcOffsetMinutes));
  return learners.map((a, i) =>
    learners.map((b, j) => (i === j || countHours(andHours(hours[i]!, hours[j]!)) === 0 ? null : pairScore(a, b, signals))),
  );
}

/** Whether the learners at `members` form a valid group (common language, common hour, pairs allowed). */
function validGroup(learners: readonly PeerProfile[], hours: readonly WeekHours[], scores: (number | null)[][], members: readonly number[]): boolean {
  for (let a = 0; a < members.length; a++) for (let b = a + 1; b < members.length; b++) if (scores[members[a]!]![members[b]!] === null) return false;
  let languages = new Set(learners[members[0]!]!.languages);
  let common = hours[members[0]!]!;
  for (const m of members.slice(1)) {
    languages = new Set(learners[m]!.languages.filter((l) => languages.has(l)));
    common = andHours(common, hours[m]!);
  }
  return languages.size > 0 && countHours(common) > 0;
}

/** The exact optimum of the objective (see above) over all groupings, by DP over subsets. */
export function exhaustiveOptimum(learners: readonly PeerProfile[], signals: PairSignals, groupSize: number): number {
  const n = learners.length;
  if (n > 16) throw new RangeError('exhaustiveOptimum: at most 16 learners');
  const scores = pairMatrix(learners, signals);
  const hours = learners.map((l) => slotsToUtcHours(l.slots, l.utcOffsetMinutes));
  const pairs = (groupSize * (groupSize - 1)) / 2;
  // Every valid group of groupSize with a non-negative mean, by its lowest member.
  const groupsFrom: Array<Array<{ mask: number; mean: number }>> = Array.from({ length: n }, () => []);
  const pick = (from: number, chosen: number[]): void => {
    if (chosen.length === groupSize) {
      if (!validGroup(learners, hours, scores, chosen)) return;
      let sum = 0;
      for (let a = 0; a < chosen.length; a++) for (let b = a + 1; b < chosen.length; b++) sum += scores[chosen[a]!]![chosen[b]!]!;
      if (sum < 0) return;
      groupsFrom[chosen[0]!]!.push({ mask: chosen.reduce((m, i) => m | (1 << i), 0), mean: sum / pairs });
      return;
    }
    for (let i = from; i < n; i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  const memo = new Float64Array(1 << n).fill(NaN);
  const best = (left: number): number => {
    if (left === 0) return 0;
    if (!Number.isNaN(memo[left]!)) return memo[left]!;
    const i = 31 - Math.clz32(left & -left); // lowest learner left
    let value = best(left & ~(1 << i)); // i in no full group
    for (const g of groupsFrom[i]!) if ((g.mask & left) === g.mask) value = Math.max(value, g.mean + best(left & ~g.mask));
    memo[left] = value;
    return value;
  };
  return best((1 << n) - 1);
}

/** The matcher's objective for a result: the sum of the scores of its groups of exactly groupSize. */
export function objective(result: PoolResult, groupSize: number): number {
  let total = 0;
  for (const g of result.groups) if (g.members.length === groupSize) total += g.score;
  return total;
}

/**
 * The pool of the 100k and 2k figures: generated learners and forum graph, plus
 * blocked pairs for 1 % of the learners. No earlier partners: their 1000-point
 * bonus would dominate the totals and say nothing about the matching.
 */
export function benchPool(seed: number, size: number): { learners: PeerProfile[]; signals: PairSignals } {
  const pool = generatePool(seed, size);
  const random = mulberry32(seed ^ 0x9e3779b9);
  const blocked = new Map<string, Set<string>>();
  for (let k = 0; k < Math.floor(size / 100); k++) {
    const a = pool.learners[Math.floor(random() * size)]!.id;
    const b = pool.learners[Math.floor(random() * size)]!.id;
    if (a === b) continue;
    if (!blocked.has(a)) blocked.set(a, new Set());
    blocked.get(a)!.add(b);
  }
  return { learners: pool.learners, signals: { forumInteractions: pool.forum, earlierPartners: new Map(), blocked } };
}

export interface SmallInstance {
  learners: PeerProfile[];
  signals: PairSignals;
  groupSize: number;
}

const REGIONS: ReadonlyArray<readonly [min: number, max: number]> = [
  [0, 180], // Europe and Africa
  [-480, -180], // the Americas
  [330, 600], // South and East Asia
];
const LANGUAGES = ['en', 'fr', 'es'];

/**
 * A small instance: 4..12 learners (by seed), group size 2..4 (by seed), drawn from
 * a generated pool among the learners of one region who speak one language, so
 * the constraints still leave groupings to choose from (a plain draw of 12 from
 * the whole world mostly shares no language or hour). Forum interactions come
 * from the generated pool; a blocked pair in every other instance; no earlier
 * partners (their 1000-point bonus would make any ratio close to 1).
 */
export function smallInstance(seed: number): SmallInstance {
  const random = mulberry32(seed * 7919 + 17);
  const size = 4 + (seed % 9);
  const groupSize = 2 + (Math.floor(seed / 9) % 3);
  const [min, max] = REGIONS[seed % REGIONS.length]!;
  const language = LANGUAGES[Math.floor(seed / 3) % LANGUAGES.length]!;
  const pool = generatePool(seed, 600);
  const learners = pool.learners.filter((l) => l.utcOffsetMinutes >= min && l.utcOffsetMinutes <= max && l.languages.includes(language)).slice(0, size);
  const ids = new Set(learners.map((l) => l.id));
  const forum = new Map<string, Map<string, number>>();
  for (const id of ids) {
    const row = new Map([...(pool.forum.get(id) ?? [])].filter(([other]) => ids.has(other)));
    if (row.size > 0) forum.set(id, row);
  }
  const blocked = new Map<string, Set<string>>();
  if (seed % 2 === 0 && learners.length >= 2) {
    const a = Math.floor(random() * learners.length);
    const b = (a + 1 + Math.floor(random() * (learners.length - 1))) % learners.length;
    blocked.set(learners[a]!.id, new Set([learners[b]!.id]));
  }
  return { learners, signals: { forumInteractions: forum, earlierPartners: new Map(), blocked }, groupSize };
}

/** Every valid pair with a positive score, scored by ranking.ts pairScore (the full compatibility graph). */
export function compatibilityGraph(learners: readonly PeerProfile[], signals: PairSignals): { u: Int32Array; v: Int32Array; score: Float64Array } {
  const hours = learners.map((l) => slotsToUtcHours(l.slots, l.utcOffsetMinutes));
  const u: number[] = [];
  const v: number[] = [];
  const score: number[] = [];
  for (let i = 0; i < learners.length; i++) {
    const hi = hours[i]!;
    for (let j = i + 1; j < learners.length; j++) {
      const hj = hours[j]!;
      let shared = 0;
      for (let w = 0; w < hi.length; w++) shared |= hi[w]! & hj[w]!;
      if (shared === 0) continue;
      const s = pairScore(learners[i]!, learners[j]!, signals);
      if (s === null || s <= 0) continue;
      u.push(i);
      v.push(j);
      score.push(s);
    }
  }
  return { u: Int32Array.from(u), v: Int32Array.from(v), score: Float64Array.from(score) };
}

/**
 * A random valid grouping into tandems: learners in a seeded random order, each
 * still alone paired with the first of up to `tries` random others still alone
 * with whom the pair is valid (shared language and hour, not blocked, score ≥ 0,
 * the matcher's own rule). Returns the total of the pair scores.
 */
export function randomTandems(learners: readonly PeerProfile[], signals: PairSignals, seed: number, tries = 50): { total: number; pairs: number } {
  const random = mulberry32(seed);
  const n = learners.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hours = learners.map((l) => slotsToUtcHours(l.slots, l.utcOffsetMinutes));
  const alone = new Uint8Array(n).fill(1);
  let total = 0;
  let pairs = 0;
  for (let k = 0; k < n; k++) {
    const a = order[k]!;
    if (!alone[a]) continue;
    for (let t = 0; t < tries; t++) {
      const b = order[k + 1 + Math.floor(random() * (n - k - 1))];
      if (b === undefined || !alone[b]) continue;
      let shared = 0;
      for (let w = 0; w < hours[a]!.length; w++) shared |= hours[a]![w]! & hours[b]![w]!;
      if (shared === 0) continue;
      const s = pairScore(learners[a]!, learners[b]!, signals);
      if (s === null || s < 0) continue;
      alone[a] = alone[b] = 0;
      total += s;
      pairs++;
      break;
    }
  }
  return { total, pairs };
}
