/**
 * The pool-matching figures of issue 3 ("Performance"), one JSON line each via
 * bench/run.ts:
 * - pool.100k_ms, pool.100k_peak_mb: matchPool over 100,000 generated learners
 *   (benchPool: generator + 1 % blocked pairs) into tandems, cold, in a child
 *   process of its own (bench/pool-child.ts), 3 times: the median time of the
 *   call alone (the pool is generated before it) and the highest peak RSS of the
 *   children (maxRSS, pool included, so an upper bound of the matcher's own). The
 *   children run V8 with --single-threaded: one core, GC included.
 * - pool.vs_random_ratio: that total over a random valid tandem grouping of the
 *   same pool (bench/pool-reference.ts randomTandems).
 * - pool.quality_vs_optimum, pool.quality_min: over 300 seeded small instances
 *   (4..12 learners of one region and language, group sizes 2..4; see
 *   smallInstance), the matcher's objective over the exhaustive optimum. Seeds
 *   whose optimum is 0 (no full group possible, or only zero-score ones) have no
 *   ratio and are skipped; their count is printed (pool.quality_instances is the
 *   number of ratios). Leftover groups and unmatched learners count 0 on both sides.
 * - pool.quality_2k: tandems over 2,000 learners, the matcher's total over the
 *   exact maximum-weight matching of the full compatibility graph (every valid
 *   pair, scored by ranking.ts pairScore, bench/exact-matching.ts with its
 *   optimality certificate checked). Pairs scoring ≤ 0 are left out of that graph
 *   (they never add to a maximum; the matcher never forms a negative pair either);
 *   weights are the scores × 2^16 rounded to integers for the exact algorithm, and
 *   the optimum is then re-summed with the true scores.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { matchPool } from '../src/core/pool-matching.js';
import { maxWeightMatching } from './exact-matching.js';
import { benchPool, compatibilityGraph, exhaustiveOptimum, objective, randomTandems, smallInstance } from './pool-reference.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS_100K = 3;

export interface PoolFigures {
  ms100k: number;
  cpuMs100k: number;
  peakMb100k: number;
  vsRandom: number;
  qualityMean: number;
  qualityMin: number;
  qualityInstances: number;
  qualitySkipped: number;
  quality2k: number;
}

interface ChildReport {
  ms: number;
  cpuMs: number;
  peakMb: number;
  total: number;
  groups: number;
  unmatched: number;
}

/** One cold run in a fresh process. `--single-threaded`: V8 runs GC and compilation on the main thread too, so the run uses one core. */
function run100k(size: number, seed: number): ChildReport {
  const out = execFileSync(process.execPath, ['--single-threaded', '--import', 'tsx', resolve(ROOT, 'bench/pool-child.ts'), String(size), String(seed)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildReport;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function measurePool({ size = 100_000, seed = 20_170_301, smallSeeds = 300, size2k = 2_000 } = {}): PoolFigures {
  // 100k: time and peak memory in child processes (median time and highest peak
  // of RUNS_100K cold runs: one run on a shared machine is at the mercy of its
  // neighbours), then the random baseline here.
  const runs = Array.from({ length: RUNS_100K }, () => run100k(size, seed));
  const child = runs[0]!;
  const { learners, signals } = benchPool(seed, size);
  const random = randomTandems(learners, signals, seed);

  // Small instances against the exhaustive optimum.
  const ratios: number[] = [];
  let skipped = 0;
  for (let s = 1; s <= smallSeeds; s++) {
    const instance = smallInstance(s);
    const optimum = exhaustiveOptimum(instance.learners, instance.signals, instance.groupSize);
    if (optimum <= 0) {
      skipped++;
      continue;
    }
    const result = matchPool(instance.learners, instance.signals, { groupSize: instance.groupSize, seed: s });
    ratios.push(objective(result, instance.groupSize) / optimum);
  }

  // 2k tandems against the exact maximum-weight matching of the full graph.
  const pool2k = benchPool(seed + 1, size2k);
  const graph = compatibilityGraph(pool2k.learners, pool2k.signals);
  const SCALE = 2 ** 16;
  const exact = maxWeightMatching(
    { n: size2k, u: graph.u, v: graph.v, w: graph.score.map((x) => Math.round(x * SCALE)) },
    { verify: true },
  );
  let optimum = 0;
  const edgeScore = new Map<number, number>();
  for (let k = 0; k < graph.u.length; k++) edgeScore.set(graph.u[k]! * size2k + graph.v[k]!, graph.score[k]!);
  for (let x = 0; x < size2k; x++) {
    const y = exact.mate[x]!;
    if (y > x) optimum += edgeScore.get(x * size2k + y)!;
  }
  const heuristic2k = objective(matchPool(pool2k.learners, pool2k.signals, { groupSize: 2, seed }), 2);

  return {
    ms100k: median(runs.map((r) => r.ms)),
    cpuMs100k: median(runs.map((r) => r.cpuMs)),
    peakMb100k: Math.max(...runs.map((r) => r.peakMb)),
    vsRandom: child.total / random.total,
    qualityMean: ratios.reduce((a, b) => a + b, 0) / ratios.length,
    qualityMin: Math.min(...ratios),
    qualityInstances: ratios.length,
    qualitySkipped: skipped,
    quality2k: heuristic2k / optimum,
  };
}
