/**
 * Child process of the `pool.100k_*` figures (bench/pool.ts): generates the pool,
 * then matches it into tandems once, cold, and prints one JSON line. Run in its
 * own process so that its peak RSS (`maxRSS`) is the matching's, not the bench's.
 * Usage: node --import tsx bench/pool-child.ts <size> <seed>
 */
import { performance } from 'node:perf_hooks';
import { matchPool } from '../src/core/pool-matching.js';
import { benchPool } from './pool-reference.js';

const size = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const { learners, signals } = benchPool(seed, size);
const cpu = process.cpuUsage();
const start = performance.now();
const result = matchPool(learners, signals, { groupSize: 2, seed });
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000;
let total = 0;
for (const group of result.groups) total += group.score;
console.log(
  JSON.stringify({
    ms,
    cpuMs,
    peakMb: process.resourceUsage().maxRSS / 1024,
    total,
    groups: result.groups.length,
    unmatched: result.unmatched.length,
  }),
);
