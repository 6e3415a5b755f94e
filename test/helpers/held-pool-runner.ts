import { runPoolJob, type PoolJob, type PoolReply } from '../../src/server/pool/pool-worker.js';

/** An inline matcher (a server's `runPoolJob`) that waits for `release` before answering, to hold a round open. */
export function heldRunner(): { run: (job: PoolJob) => Promise<PoolReply>; release: () => void; started: Promise<void> } {
  let release!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const startedP = new Promise<void>((r) => (started = r));
  return {
    run: async (job) => {
      started();
      await gate;
      return runPoolJob(job);
    },
    release,
    started: startedP,
  };
}
