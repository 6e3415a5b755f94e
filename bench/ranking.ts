/**
 * The two ranking figures of issue 3, measured in the same Node process and
 * interleaved, so machine drift hits both alike:
 * - rank.10k_ms: rankCandidates over 10,000 generated candidates for one learner
 *   (scores, order, reasons for the first page);
 * - rank.10k_sort_floor_ms: sorting 10,000 {id, score} objects with a comparator.
 */
import { performance } from 'node:perf_hooks';
import { rankCandidates, type RankingSignals } from '../src/core/ranking.js';
import { generatePool, mulberry32 } from './pool-generator.js';

export interface RankingFigures {
  rankMs: number;
  sortFloorMs: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function measureRanking({ candidates = 10_000, runs = 41, warmup = 10, seed = 20_170_301 } = {}): RankingFigures {
  const pool = generatePool(seed, candidates + 1);
  // The asker is the most connected learner, so forum signals actually weigh in.
  let asker = pool.learners[0]!;
  for (const learner of pool.learners) {
    if ((pool.forum.get(learner.id)?.size ?? 0) > (pool.forum.get(asker.id)?.size ?? 0)) asker = learner;
  }
  const others = pool.learners.filter((l) => l.id !== asker.id);
  const signals: RankingSignals = {
    forumInteractions: pool.forum.get(asker.id) ?? new Map(),
    earlierPartners: new Set(others.slice(0, 5).map((l) => l.id)),
    blocked: new Set(others.slice(5, 8).map((l) => l.id)),
  };

  const random = mulberry32(seed);
  const entries = others.map((l) => ({ id: l.id, score: Math.round(random() * 400) / 10 }));
  const byScore = (a: { id: string; score: number }, b: { id: string; score: number }) =>
    b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  const rank: number[] = [];
  const floor: number[] = [];
  let sink = 0; // keeps results observable so nothing is optimised away
  for (let i = 0; i < warmup + runs; i++) {
    const copy = entries.slice(); // fresh unsorted order each run, copied outside the timing
    let start = performance.now();
    copy.sort(byScore);
    const sortMs = performance.now() - start;
    start = performance.now();
    const page = rankCandidates(asker, others, signals, { page: 0, pageSize: 20 });
    const rankMs = performance.now() - start;
    sink += page.items.length + copy.length;
    if (i >= warmup) {
      floor.push(sortMs);
      rank.push(rankMs);
    }
  }
  if (sink === 0) throw new Error('ranking bench: nothing ranked');
  return { rankMs: median(rank), sortFloorMs: median(floor) };
}
