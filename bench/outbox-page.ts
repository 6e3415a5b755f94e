// Loaded by the outbox benchmark in a real page: queues client events through
// the real session and outbox (IndexedDB, fetch, the running endpoint).
import { createSession, type TandemSession } from '../src/transport/session.js';
import type { TandemConfig } from '../src/protocol/config.js';

declare global {
  interface Window {
    benchOutboxOpen(config: TandemConfig): Promise<void>;
    benchOutboxTrack(count: number): Promise<void>;
  }
}

let session: TandemSession | undefined;

window.benchOutboxOpen = async (config) => {
  session = createSession({ config });
  await session.ready;
};

window.benchOutboxTrack = async (count) => {
  for (let i = 0; i < count; i++) {
    await session!.track({ type: 'invite.link-shared', invite: crypto.randomUUID(), channel: 'copy' });
  }
};
