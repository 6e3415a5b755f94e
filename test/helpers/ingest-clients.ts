/**
 * Clients that ingest events during a fault (issue 5, "Load and faults"):
 * each makes batches of events and sends each until it is acknowledged (same
 * ids, resent as is after no answer or a refusal), as the widget's outbox
 * does. `check` then compares what they made and what the server answered
 * with what the database holds: every acknowledged or held event stored
 * exactly once, no other event. Used by crash-ingest.test.ts (the server
 * killed; the database restarted).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { learnerToken, TEST_COURSE } from './server.js';

export const BATCH = 20;
/** While the server or its database is down, clients retry this often. */
const RETRY_MS = 25;

export interface Tally {
  /** Requests sent and not yet settled, over every client (each an object, to follow one request's fate). */
  inFlight: Set<{ answered?: boolean }>;
  /** Batches the server acknowledged (200), over every client. */
  ackedBatches: number;
  /** Requests that got no HTTP answer (socket closed, connection refused). */
  unanswered: number;
  /** Non-200 HTTP answers, by status and error code (`503 unavailable`). */
  refused: Map<string, number>;
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

export interface IngestClients {
  tally: Tally;
  /** Starts every client's loop against `url()` (read at each request: the server may move). */
  start(): void;
  /** Waits until at least `batches` more batches were acknowledged and `ms` passed, then until a request is in flight; the requests in flight then. */
  ingestFor(ms: number, batches: number, what: string): Promise<Array<{ answered?: boolean }>>;
  /** Clients still holding a batch they do not know the fate of. */
  holding(): number;
  /** No new batches: every client resends what it holds until acknowledged; fails after `timeoutMs`. */
  drain(timeoutMs: number, context: () => unknown): Promise<void>;
  /** Sends again three acknowledged batches of each client: each must store nothing. */
  resendAcknowledged(): Promise<string[]>;
  /** Compares with the database, given its client events (id, learner, copies) and its count of all events. */
  check(rows: Array<{ id: string; learner: string; n: number }>, total: number, extra: Record<string, unknown>, allowedRefusals: string[]): void;
  /** Ends the loops (a failed run may leave them retrying against a dead port). */
  stop(): Promise<void>;
}

export function createIngestClients(count: number, url: () => string, prefix: string): IngestClients {
  const tally: Tally = { inFlight: new Set(), ackedBatches: 0, unanswered: 0, refused: new Map(), badAnswers: [], lastFailure: new Map(), stored: 0, duplicates: 0 };
  const clients: Client[] = Array.from({ length: count }, (_, i) => ({ learner: `${prefix}-${i}`, made: new Set(), acked: new Set(), ackedBatches: [], held: null }));
  /** Clients make new batches while this is true; afterwards they only resend what they hold. */
  let making = true;

  const post = (client: Client, events: Record<string, unknown>[]) =>
    fetch(`${url()}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${learnerToken(client.learner, Date.now())}` },
      body: JSON.stringify({ events }),
    });

  async function send(client: Client, events: Record<string, unknown>[]): Promise<boolean> {
    const request: { answered?: boolean } = {};
    tally.inFlight.add(request);
    try {
      const response = await post(client, events);
      const text = await response.text();
      request.answered = true;
      if (response.status !== 200) {
        let code = '';
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '';
        } catch {
          // not JSON: the status says enough
        }
        const key = `${response.status} ${code}`.trim();
        tally.refused.set(key, (tally.refused.get(key) ?? 0) + 1);
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

  return {
    tally,
    start() {
      for (const client of clients) client.done = run(client);
    },
    async ingestFor(ms, batches, what) {
      const ackedAtStart = tally.ackedBatches;
      const began = Date.now();
      while (Date.now() - began < ms || tally.ackedBatches - ackedAtStart < batches) {
        if (Date.now() - began > 20_000) assert.fail(`${what}: ingest stalled (${tally.ackedBatches - ackedAtStart} batches acknowledged)`);
        await sleep(20);
      }
      while (tally.inFlight.size === 0) await sleep(0);
      return [...tally.inFlight];
    },
    holding: () => clients.filter((c) => c.held).length,
    async drain(timeoutMs, context) {
      making = false;
      const drained = Promise.all(clients.map((c) => c.done));
      const giveUp = new AbortController();
      try {
        await Promise.race([
          drained,
          sleep(timeoutMs, undefined, { signal: giveUp.signal }).then(
            () =>
              assert.fail(
                `clients still hold batches after ${timeoutMs} ms: ${clients.filter((c) => c.held).length} ${JSON.stringify({
                  ...(context() as object),
                  ackedBatches: tally.ackedBatches,
                  unanswered: tally.unanswered,
                  refused: Object.fromEntries(tally.refused),
                  lastFailure: Object.fromEntries(tally.lastFailure),
                })}`,
              ),
            () => undefined, // aborted: the clients were done first
          ),
        ]);
      } finally {
        giveUp.abort();
      }
    },
    // A resend of batches already acknowledged (an answer lost on the way, a beacon and a fetch of the same
    // events, two tabs): stored nothing, each event a duplicate. Whether a fault fell between a commit and its
    // answer is luck; this makes sure the resend path is taken after it every run.
    async resendAcknowledged() {
      const picks = clients.flatMap((client) =>
        [...new Set([client.ackedBatches[0], client.ackedBatches[Math.floor(client.ackedBatches.length / 2)], client.ackedBatches.at(-1)])]
          .filter((events) => events !== undefined)
          .map((events) => ({ client, events })),
      );
      const answers = await Promise.all(
        picks.map(async ({ client, events }) => {
          const response = await post(client, events);
          return `${response.status} ${await response.text()}`;
        }),
      );
      assert.ok(answers.length >= clients.length);
      return answers;
    },
    check(rows, total, extraReport, allowedRefusals) {
      const stored = new Map(rows.map((r) => [r.id, r]));
      const made = new Map(clients.flatMap((c) => [...c.made].map((id) => [id, c.learner] as const)));
      const missing = [...made.keys()].filter((id) => !stored.has(id));
      const twice = rows.filter((r) => r.n !== 1);
      const extra = rows.filter((r) => !made.has(r.id));
      const wrongLearner = rows.filter((r) => made.has(r.id) && made.get(r.id) !== r.learner);
      const notAcked = [...made.keys()].filter((id) => !clients.some((c) => c.acked.has(id)));
      const report = JSON.stringify(
        {
          ...extraReport,
          made: made.size,
          acknowledged: clients.reduce((n, c) => n + c.acked.size, 0),
          storedRows: rows.length,
          allRows: total,
          missing: missing.length,
          storedTwice: twice.length,
          extra: extra.length,
          wrongLearner: wrongLearner.length,
          neverAcknowledged: notAcked.length,
          acknowledgedBatches: tally.ackedBatches,
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
      const unexpected = [...tally.refused.keys()].filter((key) => !allowedRefusals.includes(key));
      assert.deepEqual(unexpected, [], `no other HTTP refusal\n${report}`);
      // Each acknowledged event counted once, as stored or (resent after its commit's answer was lost) as a duplicate.
      assert.equal(tally.stored + tally.duplicates, tally.ackedBatches * BATCH, `the answers account for every acknowledged event\n${report}`);
      if (process.env.TANDEM_TEST_VERBOSE) console.log(report);
    },
    async stop() {
      making = false;
      for (const client of clients) client.held = null;
      await Promise.allSettled(clients.map((c) => c.done));
    },
  };
}
