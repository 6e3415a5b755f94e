import { parentPort, workerData } from 'node:worker_threads';
import { matchPool, type PoolLearner, type PoolOptions, type PoolResult } from '../../core/pool-matching.js';

/**
 * The pool matcher's thread: it receives plain data (structured clone), runs
 * the pure matcher and posts the result back, so the server's event loop keeps
 * answering during a long round. See pool-thread.ts for the other side.
 */
export interface PoolJob {
  learners: PoolLearner[];
  /** Pairs, each given once: forum interaction counts, earlier partnerships, blocks. */
  forum: Array<[string, string, number]>;
  earlier: Array<[string, string]>;
  blocked: Array<[string, string]>;
  options: PoolOptions;
}

export type PoolReply = { ok: true; result: PoolResult } | { ok: false; error: string };

function pairsToMap<V>(pairs: Array<[string, string, V]>): Map<string, Map<string, V>> {
  const map = new Map<string, Map<string, V>>();
  for (const [a, b, v] of pairs) {
    let inner = map.get(a);
    if (!inner) map.set(a, (inner = new Map()));
    inner.set(b, v);
  }
  return map;
}

function pairsToSets(pairs: Array<[string, string]>): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    let inner = map.get(a);
    if (!inner) map.set(a, (inner = new Set()));
    inner.add(b);
  }
  return map;
}

/** Runs one job; exported for the thread and for tests. */
export function runPoolJob(job: PoolJob): PoolReply {
  try {
    const result = matchPool(
      job.learners,
      { forumInteractions: pairsToMap(job.forum), earlierPartners: pairsToSets(job.earlier), blocked: pairsToSets(job.blocked) },
      job.options,
    );
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

if (parentPort && workerData && (workerData as { poolJob?: PoolJob }).poolJob) {
  parentPort.postMessage(runPoolJob((workerData as { poolJob: PoolJob }).poolJob));
}
