/**
 * Seeded generator of realistic learner pools for the ranking and pool-matching
 * benches and tests (issue 3). Same seed and size → the identical pool.
 *
 * Realism, roughly: skewed languages (English dominant), 2–6 coarse slots leaning
 * to evenings and weekends, time zones weighted toward Europe, the Americas and
 * Asia (one half-hour zone, India, included on purpose), a sparse power-law forum
 * graph (most learners 0–2 interactions, a few hubs), 1–3 objects and modalities,
 * and a city for about 15 %, who then also want to meet in person.
 */
import { IN_PERSON_MODALITIES, MODALITIES, OBJECTS, type Modality, type ObjectCode } from '../src/core/typology.js';
import { SLOTS_PER_WEEK, partOfSlot } from '../src/core/availability.js';
import type { PeerProfile } from '../src/core/ranking.js';

export { mulberry32 } from '../src/core/prng.js';
import { mulberry32 } from '../src/core/prng.js';

export const LANGUAGE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['en', 45], ['fr', 20], ['es', 12], ['pt', 6], ['de', 5], ['ar', 4], ['zh', 4], ['hi', 4],
];

/** [UTC offset in minutes, weight, cities there]. */
const ZONES: ReadonlyArray<readonly [number, number, readonly string[]]> = [
  [-480, 5, ['Vancouver', 'Los Angeles']],
  [-420, 3, ['Denver']],
  [-360, 6, ['Mexico City', 'Chicago']],
  [-300, 9, ['New York', 'Bogotá', 'Montréal']],
  [-180, 7, ['São Paulo', 'Buenos Aires']],
  [0, 6, ['London', 'Lisbon', 'Dakar']],
  [60, 16, ['Paris', 'Lyon', 'Madrid', 'Berlin', 'Lagos']],
  [120, 8, ['Cairo', 'Athens', 'Johannesburg']],
  [180, 4, ['Nairobi', 'Moscow']],
  [240, 2, ['Dubai']],
  [330, 9, ['Mumbai', 'Bangalore']],
  [420, 4, ['Jakarta', 'Bangkok']],
  [480, 11, ['Beijing', 'Singapore', 'Manila']],
  [540, 5, ['Tokyo', 'Seoul']],
  [600, 3, ['Sydney']],
  [720, 2, ['Auckland']],
];

/** Evenings most, then afternoons and mornings; nights rarely; weekends a bit more. */
const SLOT_WEIGHTS: readonly number[] = Array.from({ length: SLOTS_PER_WEEK }, (_, slot) => {
  const part = { night: 0.3, morning: 1, afternoon: 1.5, evening: 4 }[partOfSlot(slot)];
  return Math.floor(slot / 4) >= 5 ? part * 1.5 : part;
});

const OBJECT_WEIGHTS: readonly number[] = [2, 3, 2, 3, 4, 2]; // order of OBJECTS
const REMOTE_MODALITIES = MODALITIES.filter((m) => !IN_PERSON_MODALITIES.includes(m));
const REMOTE_WEIGHTS: readonly number[] = REMOTE_MODALITIES.map((m) => (m === 'synchronous' ? 4 : m === 'shared-documents' ? 3 : 2));

export const CITY_SHARE = 0.15;

export interface GeneratedPool {
  learners: PeerProfile[];
  /** Symmetric: forum.get(a)?.get(b) === forum.get(b)?.get(a) = interactions between a and b. */
  forum: Map<string, Map<string, number>>;
}

export interface PoolOptions {
  /** Forum edges per learner on average (sparse by default). */
  edgesPerLearner?: number;
}

function pickWeighted(random: () => number, weights: readonly number[]): number {
  let sum = 0;
  for (const w of weights) sum += w;
  let r = random() * sum;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

/** `count` distinct indices, each drawn by weight among those not yet drawn. */
function pickDistinct(random: () => number, weights: readonly number[], count: number): number[] {
  const left = [...weights];
  const picked: number[] = [];
  for (let i = 0; i < count && i < left.length; i++) {
    const at = pickWeighted(random, left);
    picked.push(at);
    left[at] = 0;
  }
  return picked.sort((a, b) => a - b);
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** 1 (60 %), 2 (30 %) or 3 (10 %). */
function oneToThree(random: () => number): number {
  const r = random();
  return r < 0.6 ? 1 : r < 0.9 ? 2 : 3;
}

export function learnerId(index: number): string {
  return `l${String(index).padStart(6, '0')}`;
}

export function generatePool(seed: number, size: number, { edgesPerLearner = 0.8 }: PoolOptions = {}): GeneratedPool {
  const random = mulberry32(seed);
  const languageWeights = LANGUAGE_WEIGHTS.map(([, w]) => w);
  const zoneWeights = ZONES.map(([, w]) => w);
  const learners: PeerProfile[] = [];
  for (let i = 0; i < size; i++) {
    const [utcOffsetMinutes, , cities] = ZONES[pickWeighted(random, zoneWeights)]!;
    const languages = pickDistinct(random, languageWeights, oneToThree(random)).map((at) => LANGUAGE_WEIGHTS[at]![0]);
    const slots = pickDistinct(random, SLOT_WEIGHTS, between(random, 2, 6));
    const objects = pickDistinct(random, OBJECT_WEIGHTS, oneToThree(random)).map((at) => OBJECTS[at]! as ObjectCode);
    const hasCity = random() < CITY_SHARE;
    const remoteCount = hasCity ? oneToThree(random) - 1 : oneToThree(random);
    const modalities: Modality[] = pickDistinct(random, REMOTE_WEIGHTS, remoteCount).map((at) => REMOTE_MODALITIES[at]!);
    const learner: PeerProfile = { id: learnerId(i), objects, modalities, languages, utcOffsetMinutes, slots };
    if (hasCity) {
      // A city is only given by someone who wants to meet in person.
      modalities.unshift(IN_PERSON_MODALITIES[random() < 0.6 ? 0 : 1]!);
      learner.city = cities[Math.floor(random() * cities.length)]!;
    }
    learners.push(learner);
  }
  return { learners, forum: forumGraph(random, size, edgesPerLearner) };
}

/**
 * Preferential endpoints: one end uniform, the other drawn with a Zipf weight
 * 1/(rank+1), so a few learners (the forum's regulars) collect many interactions.
 */
function forumGraph(random: () => number, size: number, edgesPerLearner: number): Map<string, Map<string, number>> {
  const forum = new Map<string, Map<string, number>>();
  if (size < 2) return forum;
  // Hub ranks are a seeded shuffle, so hubs are not simply the first ids.
  const rankToLearner = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rankToLearner[i], rankToLearner[j]] = [rankToLearner[j]!, rankToLearner[i]!];
  }
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) cumulative[r] = sum += 1 / (r + 1);
  const zipf = (): number => {
    const target = random() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return rankToLearner[lo]!;
  };
  const add = (a: string, b: string, count: number): void => {
    let row = forum.get(a);
    if (!row) forum.set(a, (row = new Map()));
    row.set(b, (row.get(b) ?? 0) + count);
  };
  const edges = Math.round(size * edgesPerLearner);
  for (let e = 0; e < edges; e++) {
    const a = Math.floor(random() * size);
    const b = zipf();
    if (a === b) continue;
    // Interactions per pair: mostly one reply, sometimes a conversation.
    let count = 1;
    while (count < 20 && random() < 0.35) count++;
    add(learnerId(a), learnerId(b), count);
    add(learnerId(b), learnerId(a), count);
  }
  return forum;
}
