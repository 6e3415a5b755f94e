/**
 * Faults, issue 5 "Load and faults", while several clients ingest batches of
 * events and resend each (same ids) until it is acknowledged
 * (helpers/ingest-clients.ts):
 *
 * - `kill -9` the endpoint (a child process, on either store), restart it on
 *   the same store and port;
 * - PostgreSQL restarted (an immediate shutdown: a crash for the database)
 *   under a running endpoint, which answers 503 meanwhile and reconnects.
 *
 * Each proves the fault landed mid-flight, then compares with the database:
 * every acknowledged event stored exactly once, every event a client still
 * held stored exactly once, no other event.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import pg from 'pg';
import { BATCH, createIngestClients } from '../helpers/ingest-clients.js';
import { startPostgresCluster } from '../helpers/postgres-cluster.js';
import { makeDataDir, queryDataFile, startChildServer, TEST_STORE, type ChildServer } from '../helpers/server.js';

const CLIENTS = 8;
/**
 * Crash rounds: each kills the server during sustained ingest and restarts it. At least MIN_ROUNDS, and more
 * (up to MAX_ROUNDS) until a kill has cut a request with no answer: with group commit, the requests in flight
 * are often answered together, and a kill may fall just after their answers left.
 */
const MIN_ROUNDS = 2;
const MAX_ROUNDS = 6;
/** Sustained ingest before each fault, at least (and until enough batches were acknowledged). */
const INGEST_MS = 1_500;
const MIN_ACKED_BATCHES_BEFORE_FAULT = 16;
/** This test is about faults, not request limits: 8 clients on one address would meet them within seconds. */
const NO_LIMITS = { TANDEM_REQUESTS_PER_MINUTE: '0', TANDEM_LEARNER_REQUESTS_PER_MINUTE: '0' };
const CLIENT_EVENTS = "SELECT id, learner, COUNT(*) AS n FROM events WHERE source = 'client' GROUP BY id, learner";
const ALL_EVENTS = 'SELECT COUNT(*) AS n FROM events';

/** A TCP port free right now on loopback (the clients keep one address across the restart, as behind a load balancer). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

test('kill -9 during sustained ingest: every acknowledged event and every held event is stored exactly once, nothing else', { timeout: 60_000 }, async () => {
  const folder = makeDataDir();
  const port = await freePort();
  /** The server's address as it prints it; the same after every restart. */
  let url = '';
  const children: ChildProcess[] = [];
  const start = async (): Promise<ChildServer> => {
    const server = await startChildServer(folder.dir, { PORT: String(port), ...NO_LIMITS });
    children.push(server.child);
    url ||= server.url;
    assert.equal(server.url, url, 'restarted on the same address');
    assert.equal(new URL(url).port, String(port));
    return server;
  };
  const ingest = createIngestClients(CLIENTS, () => url, 'crash-learner');
  const kills: { inFlight: number; cut: number; holding: number; heldEvents: number }[] = [];

  try {
    let server = await start();
    ingest.start();
    for (let round = 0; round < MIN_ROUNDS || (round < MAX_ROUNDS && !kills.some((k) => k.cut > 0)); round++) {
      // Sustained ingest, then the kill, at a moment when requests are in flight.
      const atKill = await ingest.ingestFor(INGEST_MS, MIN_ACKED_BATCHES_BEFORE_FAULT, `round ${round}`);
      server.child.kill('SIGKILL');
      const exit = await server.exited;
      assert.equal(exit.signal, 'SIGKILL', `round ${round}: killed, not exited`);
      // Let every request that was in flight at the kill settle, then look at what the clients hold.
      const settled = Date.now();
      while (atKill.some((r) => r.answered === undefined) && Date.now() - settled < 10_000) await sleep(5);
      const holding = ingest.holding();
      const kill = { inFlight: atKill.length, cut: atKill.filter((r) => r.answered === false).length, holding, heldEvents: holding * BATCH };
      kills.push(kill);
      // Mid-flight: requests were in flight at the kill, and clients hold batches they do not know the fate of
      // (below, after the rounds: some kill cut requests that never got an answer).
      assert.ok(kill.inFlight > 0, `round ${round}: requests in flight at the kill ${JSON.stringify(kill)}`);
      assert.ok(kill.holding > 0, `round ${round}: clients still hold unacknowledged batches ${JSON.stringify(kill)}`);
      // Down for a moment (clients keep retrying against a closed port), then up again on the same store and port.
      await sleep(300);
      server = await start();
    }
    assert.ok(kills.some((k) => k.cut > 0), `a kill cut requests in flight, which never got an answer: ${JSON.stringify(kills)}`);

    await ingest.drain(30_000, () => ({ kills }));
    const resends = await ingest.resendAcknowledged();
    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0, 'the last server shuts down cleanly');

    const rows = await queryDataFile<{ id: string; learner: string; n: number }>(folder.dir, CLIENT_EVENTS);
    const total = (await queryDataFile<{ n: number }>(folder.dir, ALL_EVENTS))[0]!.n;
    ingest.check(rows, total, { store: TEST_STORE, kills, resends: resends.length }, []);
    for (const answer of resends) assert.equal(answer, `200 {"stored":0,"duplicates":${BATCH}}`, 'a resent batch stores nothing');
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await ingest.stop();
    folder.remove();
  }
});

test(
  'PostgreSQL restarted (immediate shutdown) during sustained ingest: the endpoint answers 503 meanwhile, then every acknowledged and held event is stored exactly once',
  // Its own cluster, restarted under the endpoint: run with the PostgreSQL suite (it needs the server binaries).
  { timeout: 60_000, skip: TEST_STORE !== 'postgres' && 'runs in the PostgreSQL suite' },
  async () => {
    const cluster = await startPostgresCluster();
    const folder = makeDataDir();
    let server: ChildServer | null = null;
    const ingest = createIngestClients(CLIENTS, () => server!.url, 'pg-restart-learner');
    const restarts: { inFlight: number; refusedDuring: number }[] = [];
    try {
      server = await startChildServer(folder.dir, { DATABASE_URL: cluster.url, ...NO_LIMITS });
      ingest.start();
      for (let round = 0; round < 2; round++) {
        const atRestart = await ingest.ingestFor(INGEST_MS, MIN_ACKED_BATCHES_BEFORE_FAULT, `round ${round}`);
        const refusedBefore = ingest.tally.refused.get('503 unavailable') ?? 0;
        await cluster.restart('immediate');
        // Ingest goes on after the database is back.
        await ingest.ingestFor(500, MIN_ACKED_BATCHES_BEFORE_FAULT, `round ${round}, after the restart`);
        const restart = { inFlight: atRestart.length, refusedDuring: (ingest.tally.refused.get('503 unavailable') ?? 0) - refusedBefore };
        restarts.push(restart);
        // Mid-flight: requests were in flight when the database went down, and some were refused while it was.
        assert.ok(restart.inFlight > 0, `round ${round}: requests in flight at the restart ${JSON.stringify(restart)}`);
        assert.ok(restart.refusedDuring > 0, `round ${round}: requests refused with 503 while the database was down ${JSON.stringify(restart)}`);
      }
      await ingest.drain(30_000, () => ({ restarts }));
      const resends = await ingest.resendAcknowledged();
      server.child.kill('SIGTERM');
      assert.equal((await server.exited).code, 0, 'the server shuts down cleanly');
      assert.equal(ingest.tally.unanswered, 0, 'the endpoint itself never went away');

      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        const rows = (await client.query<{ id: string; learner: string; n: string }>(CLIENT_EVENTS)).rows.map((r) => ({ ...r, n: Number(r.n) }));
        const total = Number((await client.query<{ n: string }>(ALL_EVENTS)).rows[0]!.n);
        ingest.check(rows, total, { restarts, resends: resends.length }, ['503 unavailable']);
      } finally {
        await client.end();
      }
      for (const answer of resends) assert.equal(answer, `200 {"stored":0,"duplicates":${BATCH}}`, 'a resent batch stores nothing');
    } finally {
      if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await ingest.stop();
      folder.remove();
      await cluster.stop();
    }
  },
);
