import { Worker } from 'node:worker_threads';
import type { PoolJob, PoolReply } from './pool-worker.js';

/**
 * Runs a pool job in a worker thread. Under tsx (the reference endpoint runs
 * its TypeScript directly), a thread does not inherit the main thread's
 * loader, so the thread registers tsx before importing the worker module; a
 * compiled build (`.js`) starts the worker module directly.
 */
export function runInThread(job: PoolJob, { timeoutMs = 10 * 60_000 } = {}): Promise<PoolReply> {
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(compiled ? './pool-worker.js' : './pool-worker.ts', import.meta.url);
  const workerData = { poolJob: job };
  const worker = compiled
    ? new Worker(entry, { workerData })
    : new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
        { eval: true, workerData },
      );
  return new Promise<PoolReply>((resolve) => {
    let settled = false;
    const settle = (reply: PoolReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(reply);
    };
    const timer = setTimeout(() => settle({ ok: false, error: `the round took longer than ${timeoutMs} ms` }), timeoutMs);
    worker.once('message', (reply: PoolReply) => settle(reply));
    worker.once('error', (err) => settle({ ok: false, error: err.message }));
    worker.once('exit', (code) => settle({ ok: false, error: `the matcher thread exited (${code}) without an answer` }));
  });
}
