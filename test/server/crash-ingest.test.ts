/**
 * Fault, issue 5 "Load and faults": `kill -9` the endpoint (a child process,
 * embedded store) while several clients ingest batches of events, restart it
 * on the same data folder and port, let the clients resend every batch they
 * hold (same ids) until acknowledged, then compare with the database: every
 * acknowledged event stored exactly once, every event a client still held
 * stored exactly once, no other event.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { learnerToken, makeDataDir, queryDataFile, startChildServer, TEST_COURSE, type ChildServer } from '../helpers/server.js';

const CLIENTS = 8;
const BATCH = 20;
/**
 * Crash rounds: each kills the server during sustained ingest and restarts it. At least MIN_ROUNDS, and more
 * (up to MAX_ROUNDS) until a kill has cut a request with no answer: with group commit, the requests in flight
 * are often answered together, and a kill may fall just after their answers left.
 */
const MIN_ROUNDS = 2;
const MAX_ROUNDS = 6;
/** Sustained ingest before each kill, at least (and until enough batches were acknowledged). */
const INGEST_MS = 1_500;
const MIN_ACKED_BATCHES_BEFORE_KILL = 16;
/** While the server is down, clients retry this often. */
const RETRY_MS = 25;

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

interface Tally {
  /** Requests sent and not yet settled, over every client (each an object, to follow one request's fate). */
  inFlight: Set<{ answered?: boolean }>;
  /** Batches the server acknowledged (200), over every client. */
  ackedBatches: number;
  /** Requests that got no HTTP answer (socket closed, connection refused). */
  unanswered: number;
  /** Non-200 HTTP answers, by status (none expected: recorded for the failure message). */
  refused: Map<number, number>;
  /** Acknowledgements whose body did not account for the whole batch. */
  badAnswers: string[];
  /** The last failure each learner met (an HTTP answer or a network error), for the failure messages. */
  lastFailure: Map<string, string>;
  /** Events the server answered as stored, and as duplicates (a resend after a lost answer). */
  stored: number;
  duplicates: number;
}

interface Client {
  learner: string;
  /** Every event id this client made. */
  made: Set<string>;
  /** Ids of events the server acknowledged (200). */
  acked: Set<string>;
  /** The batches acknowledged, in order. */
  ackedBatches: Record<string, unknown>[][];
  /** The batch sent and not acknowledged yet (resent as is until it is). */
  held: { events: Record<string, unknown>[] } | null;
  /** The promise of the client's loop. */
  done?: Promise<void>;
}

function makeBatch(learner: string): Record<string, unknown>[] {
  const time = new Date().toISOString();
  return Array.from({ length: BATCH }, (_, i) =>
    i % 2
      ? { id: randomUUID(), v: 1, time, course: TEST_COURSE, learner, type: 'invite.opened', invite: randomUUID() }
      : { id: randomUUID(), v: 1, time, course: TEST_COURSE, learner, type: 'invite.link-shared', invite: randomUUID(), channel: 'copy' },
  );
}

test('kill -9 during sustained ingest: every acknowledged event and every held event is stored exactly once, nothing else', { timeout: 60_000 }, async () => {
  const folder = makeDataDir();
  const port = await freePort();
  /** The server's address as it prints it; the same after every restart. */
  let url = '';
  const env = {
    PORT: String(port),
    // This test is about crashes, not request limits: 8 clients on one address would meet them within seconds.
    TANDEM_REQUESTS_PER_MINUTE: '0',
    TANDEM_LEARNER_REQUESTS_PER_MINUTE: '0',
  };
  const children: ChildProcess[] = [];
  /** What the server running now printed (its last lines go into failure messages). */
  let output: string[] = [];
  const lastStderr = () => output.slice(-20).join('\n');
  const start = async (): Promise<ChildServer> => {
    const server = await startChildServer(folder.dir, env);
    children.push(server.child);
    output = [];
    for (const stream of [server.child.stdout!, server.child.stderr!]) {
      stream.on('data', (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean)));
    }
    url ||= server.url;
    assert.equal(server.url, url, 'restarted on the same address');
    assert.equal(new URL(url).port, String(port));
    return server;
  };

  const tally: Tally = { inFlight: new Set(), ackedBatches: 0, unanswered: 0, refused: new Map(), badAnswers: [], lastFailure: new Map(), stored: 0, duplicates: 0 };
  const clients: Client[] = Array.from({ length: CLIENTS }, (_, i) => ({ learner: `crash-learner-${i}`, made: new Set(), acked: new Set(), ackedBatches: [], held: null }));
  /** Clients make new batches while this is true; afterwards they only resend what they hold. */
  let making = true;

  async function send(client: Client, events: Record<string, unknown>[]): Promise<boolean> {
    const request: { answered?: boolean } = {};
    tally.inFlight.add(request);
    try {
      const response = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${learnerToken(client.learner, Date.now())}` },
        body: JSON.stringify({ events }),
      });
      const text = await response.text();
      request.answered = true;
      if (response.status !== 200) {
        tally.refused.set(response.status, (tally.refused.get(response.status) ?? 0) + 1);
        tally.lastFailure.set(client.learner, `${response.status} ${text.slice(0, 200)}`);
        return false;
      }
      const answer = JSON.parse(text) as { stored: number; duplicates: number };
      if (answer.stored + answer.duplicates !== events.length) tally.badAnswers.push(text);
      tally.stored += answer.stored;
      tally.duplicates += answer.duplicates;
      return true;
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      tally.lastFailure.set(client.learner, String(cause?.code ?? cause?.message ?? error));
      // No answer: the server died with this request in flight, or is not up yet. The client keeps the batch.
      request.answered = false;
      tally.unanswered += 1;
      return false;
    } finally {
      tally.inFlight.delete(request);
    }
  }

  async function run(client: Client): Promise<void> {
    for (;;) {
      if (!client.held) {
        if (!making) return;
        const events = makeBatch(client.learner);
        for (const e of events) client.made.add(e.id as string);
        client.held = { events };
      }
      if (await send(client, client.held.events)) {
        for (const e of client.held.events) client.acked.add(e.id as string);
        client.ackedBatches.push(client.held.events);
        client.held = null;
        tally.ackedBatches += 1;
      } else {
        await sleep(RETRY_MS);
      }
    }
  }

  const count = (set: (c: Client) => Set<string>) => clients.reduce((n, c) => n + set(c).size, 0);
  const kills: { ackedBefore: number; inFlight: number; cut: number; holding: number; heldEvents: number }[] = [];

  try {
    let server = await start();
    for (const client of clients) client.done = run(client);

    for (let round = 0; round < MIN_ROUNDS || (round < MAX_ROUNDS && !kills.some((k) => k.cut > 0)); round++) {
      // Sustained ingest, then the kill, at a moment when requests are in flight.
      const ackedAtStart = tally.ackedBatches;
      const began = Date.now();
      while (Date.now() - began < INGEST_MS || tally.ackedBatches - ackedAtStart < MIN_ACKED_BATCHES_BEFORE_KILL) {
        if (Date.now() - began > 20_000) assert.fail(`round ${round}: ingest stalled (${tally.ackedBatches - ackedAtStart} batches acknowledged)`);
        await sleep(20);
      }
      while (tally.inFlight.size === 0) await sleep(0);
      const atKill = [...tally.inFlight];
      server.child.kill('SIGKILL');
      const exit = await server.exited;
      assert.equal(exit.signal, 'SIGKILL', `round ${round}: killed, not exited`);
      // Let every request that was in flight at the kill settle, then look at what the clients hold.
      const settled = Date.now();
      while (atKill.some((r) => r.answered === undefined) && Date.now() - settled < 10_000) await sleep(5);
      const holding = clients.filter((c) => c.held).length;
      const kill = {
        ackedBefore: tally.ackedBatches - ackedAtStart,
        inFlight: atKill.length,
        cut: atKill.filter((r) => r.answered === false).length,
        holding,
        heldEvents: holding * BATCH,
      };
      kills.push(kill);
      // Mid-flight: batches were acknowledged before the kill, requests were in flight at it, and clients hold
      // batches they do not know the fate of (below, after the rounds: some kill cut requests that never got an answer).
      const state = JSON.stringify(kill);
      assert.ok(kill.ackedBefore > 0, `round ${round}: batches acknowledged before the kill ${state}`);
      assert.ok(kill.inFlight > 0, `round ${round}: requests in flight at the kill ${state}`);
      assert.ok(kill.holding > 0, `round ${round}: clients still hold unacknowledged batches ${state}`);

      // Down for a moment (clients keep retrying against a closed port), then up again on the same data folder and port.
      await sleep(300);
      server = await start();
    }

    assert.ok(kills.some((k) => k.cut > 0), `a kill cut requests in flight, which never got an answer: ${JSON.stringify(kills)}`);

    // No new batches: every client resends what it holds until it is acknowledged.
    making = false;
    const drained = Promise.all(clients.map((c) => c.done));
    const giveUp = new AbortController();
    try {
      await Promise.race([
        drained,
        sleep(30_000, undefined, { signal: giveUp.signal }).then(
          () =>
            assert.fail(
              `clients still hold batches after 30 s: ${clients.filter((c) => c.held).length} ${JSON.stringify({
                kills,
                ackedBatches: tally.ackedBatches,
                unanswered: tally.unanswered,
                refused: Object.fromEntries(tally.refused),
                lastFailure: Object.fromEntries(tally.lastFailure),
                serverStderr: lastStderr(),
              })}`,
            ),
          () => undefined, // aborted: the clients were done first
        ),
      ]);
    } finally {
      giveUp.abort();
    }
    // A resend of batches already acknowledged (an answer lost on the way, a beacon and a fetch of the same
    // events, two tabs): stored nothing, each event a duplicate. Whether a kill fell between a commit and its
    // answer is luck; this makes sure the resend path is taken after a crash every run.
    const resends = await Promise.all(
      clients.flatMap((client) =>
        [...new Set([client.ackedBatches[0], client.ackedBatches[Math.floor(client.ackedBatches.length / 2)], client.ackedBatches.at(-1)])].map(
          async (events) => {
            const response = await fetch(`${url}/v1/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${learnerToken(client.learner, Date.now())}` },
              body: JSON.stringify({ events }),
            });
            return `${response.status} ${await response.text()}`;
          },
        ),
      ),
    );
    assert.ok(resends.length >= CLIENTS);
    server.child.kill('SIGTERM');
    assert.equal((await server.exited).code, 0, 'the last server shuts down cleanly');

    // Compare with the database.
    const rows = queryDataFile<{ id: string; learner: string; n: number }>(
      folder.dir,
      "SELECT id, learner, COUNT(*) AS n FROM events WHERE source = 'client' GROUP BY id, learner",
    );
    const total = queryDataFile<{ n: number }>(folder.dir, 'SELECT COUNT(*) AS n FROM events')[0]!.n;
    const stored = new Map(rows.map((r) => [r.id, r]));
    const made = new Map(clients.flatMap((c) => [...c.made].map((id) => [id, c.learner] as const)));
    const missing = [...made.keys()].filter((id) => !stored.has(id));
    const twice = rows.filter((r) => r.n !== 1);
    const extra = rows.filter((r) => !made.has(r.id));
    const wrongLearner = rows.filter((r) => made.has(r.id) && made.get(r.id) !== r.learner);
    const notAcked = [...made.keys()].filter((id) => !clients.some((c) => c.acked.has(id)));

    const report = JSON.stringify(
      {
        kills,
        made: made.size,
        acknowledged: count((c) => c.acked),
        storedRows: rows.length,
        allRows: total,
        missing: missing.length,
        storedTwice: twice.length,
        extra: extra.length,
        wrongLearner: wrongLearner.length,
        neverAcknowledged: notAcked.length,
        acknowledgedBatches: tally.ackedBatches,
        resentAcknowledgedBatches: resends.length,
        answers: { stored: tally.stored, duplicates: tally.duplicates, unanswered: tally.unanswered, refused: Object.fromEntries(tally.refused) },
        badAnswers: tally.badAnswers.slice(0, 3),
      },
      null,
      2,
    );
    assert.deepEqual(notAcked, [], `every batch was finally acknowledged\n${report}`);
    assert.deepEqual(missing, [], `every acknowledged and every held event is stored\n${report}`);
    assert.deepEqual(twice, [], `no event is stored twice\n${report}`);
    assert.deepEqual(extra, [], `no event that no client made\n${report}`);
    assert.deepEqual(wrongLearner, [], `each event under its own learner\n${report}`);
    assert.equal(total, made.size, `the events table holds exactly the events made\n${report}`);
    assert.deepEqual(tally.badAnswers, [], `every acknowledgement accounts for its whole batch\n${report}`);
    assert.deepEqual(Object.fromEntries(tally.refused), {}, `no HTTP refusal\n${report}`);
    for (const answer of resends) assert.equal(answer, `200 {"stored":0,"duplicates":${BATCH}}`, `a resent batch stores nothing\n${report}`);
    // Each acknowledged event counted once, as stored or (resent after its commit's answer was lost) as a duplicate.
    assert.equal(tally.stored + tally.duplicates, tally.ackedBatches * BATCH, `the answers account for every acknowledged event\n${report}`);
    if (process.env.TANDEM_TEST_VERBOSE) console.log(report);
  } finally {
    making = false;
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // The clients' loops end once nothing is held; a failed run may leave them retrying against a dead port.
    for (const client of clients) client.held = null;
    await Promise.allSettled(clients.map((c) => c.done));
    folder.remove();
  }
});
