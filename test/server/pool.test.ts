import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LearnerState } from '../../src/protocol/api.js';
import { MyDiscovery } from '../../src/protocol/peers.js';
import { PoolRun } from '../../src/protocol/pool.js';
import { PeerEvent } from '../../src/protocol/requests.js';
import { runPoolJob } from '../../src/server/pool/pool-worker.js';
import { heldRunner } from '../helpers/held-pool-runner.js';
import { makeDataDir, queryDataFile, startTestServer, TEST_COURSE, TEST_PLATFORM_KEY, TEST_STORE, writeDataFile, type TestServer } from '../helpers/server.js';

const COURSE_PATH = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
const STALE = '0e9f8a7b-6c5d-4e3f-8a1b-2c3d4e5f6a7b';
const STAFF = { 'x-tandem-platform-key': TEST_PLATFORM_KEY };

/** French speakers free on Monday evening (UTC) unless told otherwise. */
function profile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], autoMatch: true, ...extra };
}


async function optIn(server: TestServer, sub: string, body: unknown = profile()) {
  const res = await server.request(`${COURSE_PATH}/me/profile`, { method: 'PUT', token: server.token(sub), body });
  assert.equal(res.status, 200, res.text);
}

async function startRun(server: TestServer, body: unknown = { seed: 7 }, headers: Record<string, string> = STAFF) {
  return server.request(`${COURSE_PATH}/pool-runs`, { headers, body });
}

async function waitForRun(server: TestServer, id: string): Promise<PoolRun> {
  for (let i = 0; i < 400; i++) {
    const run = PoolRun.parse((await server.request(`${COURSE_PATH}/pool-runs/${id}`, { headers: STAFF })).json);
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`round ${id} did not finish`);
}

const discovery = async (server: TestServer, sub: string) =>
  MyDiscovery.parse((await server.request(`${COURSE_PATH}/me/profile`, { token: server.token(sub) })).json);
const state = async (server: TestServer, sub: string) =>
  LearnerState.parse((await server.request(`${COURSE_PATH}/state`, { token: server.token(sub) })).json);

describe('pool matching on the endpoint', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: { webhook: { url: 'http://127.0.0.1:9/hook', secret: 'w'.repeat(32), maxAttempts: 1000, retryBaseMs: 3_600_000 } },
    });
  });
  after(() => server.dispose());

  it('forms tandems in a worker thread from learners who asked for it, tells everyone the outcome, and never pairs a blocked pair', async () => {
    // Five who asked to be matched (one blocked by another), one who did not, one already in a group.
    for (const sub of ['pm-ana', 'pm-ben', 'pm-cat', 'pm-dan', 'pm-eve']) await optIn(server, sub);
    await optIn(server, 'pm-fay', profile({ autoMatch: false }));
    await optIn(server, 'pm-gus');
    await server.request(`${COURSE_PATH}/blocks/pm-ben`, { method: 'PUT', token: server.token('pm-ana') });
    const invite = await server.command('pm-gus', { type: 'invite.create', relationship: 'friend', objects: ['discuss'], modalities: ['email'] });
    await server.command('pm-hal', { type: 'invite.accept', code: invite.json.result.code });

    const started = await startRun(server);
    assert.equal(started.status, 202, started.text);
    const run = PoolRun.parse(started.json);
    assert.equal(run.status, 'running');
    assert.equal(run.seed, 7);
    assert.equal(started.headers.get('location'), `${COURSE_PATH}/pool-runs/${run.id}`);
    const done = await waitForRun(server, run.id);
    assert.equal(done.status, 'done', done.error);
    assert.equal(done.candidates, 5);
    assert.equal(done.groups, 2);
    assert.equal(done.matched, 4);
    assert.equal(done.unmatched, 1);

    const together = new Map<string, string>();
    for (const sub of ['pm-ana', 'pm-ben', 'pm-cat', 'pm-dan', 'pm-eve']) {
      const mine = await discovery(server, sub);
      assert.equal(mine.pool!.run, run.id);
      if (mine.pool!.outcome === 'matched') {
        const group = (await state(server, sub)).groups.find((g) => g.id === mine.pool!.group)!;
        assert.equal(group.members.length, 2);
        assert.ok(group.members.every((m) => m.relationship === 'this-mooc'));
        assert.ok(mine.pool!.reasons.some((r) => r.code === 'language'));
        together.set(sub, group.members.find((m) => m.id !== sub)!.id);
      } else {
        assert.equal(mine.pool!.group, undefined);
      }
    }
    assert.equal(together.size, 4);
    assert.notEqual(together.get('pm-ana'), 'pm-ben', 'a blocked pair is never matched');
    assert.equal((await discovery(server, 'pm-fay')).pool, null);
    assert.equal((await discovery(server, 'pm-gus')).pool, null);

    const events = await queryDataFile<{ body: string }>(server.dataDir, "SELECT body FROM events WHERE type = 'pool.matched'");
    assert.equal(events.length, 4);
    for (const e of events) assert.equal(PeerEvent.parse(JSON.parse(e.body)).type, 'pool.matched');
    assert.equal((await queryDataFile(server.dataDir, "SELECT * FROM webhook_deliveries WHERE type = 'pool.matched'")).length, 4);

    // Matched learners are in a group now: the next round leaves them out.
    const next = await waitForRun(server, PoolRun.parse((await startRun(server)).json).id);
    assert.equal(next.candidates, 1);
    assert.equal(next.groups, 0);
  });

  it('is staff only: the platform key or an instructor’s token; a learner’s is 403', async () => {
    assert.equal((await startRun(server, {}, {})).status, 401);
    const learner = await server.request(`${COURSE_PATH}/pool-runs`, { token: server.token('st-ana'), body: {} });
    assert.equal(learner.status, 403);
    assert.equal(learner.json.error.code, 'forbidden');
    const instructor = await server.request(`${COURSE_PATH}/pool-runs`, { token: server.token('st-teacher', { role: 'instructor' }), body: {} });
    assert.equal(instructor.status, 202, instructor.text);
    await waitForRun(server, instructor.json.id);
    const bad = await startRun(server, { seed: -1 });
    assert.equal(bad.json.error.path, 'seed');
    assert.equal((await server.request(`${COURSE_PATH}/pool-runs/not-a-uuid`, { headers: STAFF })).json.error.path, 'run');
  });
});

describe('pool rounds: one at a time, changes during a round, determinism, failures and the schedule', () => {
  it('refuses a second round while one runs, and drops a match whose member opted out meanwhile', async () => {
    const held = heldRunner();
    const server = await startTestServer({ runPoolJob: held.run });
    try {
      await optIn(server, 'hd-ana');
      await optIn(server, 'hd-ben');
      const run = PoolRun.parse((await startRun(server)).json);
      await held.started;
      const second = await startRun(server);
      assert.equal(second.status, 409);
      assert.equal(second.json.error.code, 'pool_running');
      await server.request(`${COURSE_PATH}/me/profile`, { method: 'DELETE', token: server.token('hd-ben') });
      held.release();
      const done = await waitForRun(server, run.id);
      assert.equal(done.groups, 0);
      assert.equal(done.unmatched, 2);
      assert.equal((await discovery(server, 'hd-ana')).pool!.outcome, 'no-match');
      assert.equal((await state(server, 'hd-ana')).groups.length, 0);
    } finally {
      await server.dispose();
    }
  });

  it('never pairs a blocked pair: two learners who fit are matched, and not once one blocks the other', async () => {
    const server = await startTestServer({ runPoolJob: async (job) => runPoolJob(job) });
    try {
      await optIn(server, 'bk-ana');
      await optIn(server, 'bk-ben');
      // Ana and Ben fit (the second round matches them once the block is lifted).
      await server.request(`${COURSE_PATH}/blocks/bk-ana`, { method: 'PUT', token: server.token('bk-ben') });
      const blocked = await waitForRun(server, PoolRun.parse((await startRun(server)).json).id);
      assert.equal(blocked.groups, 0);
      assert.equal(blocked.unmatched, 2);
      await server.request(`${COURSE_PATH}/blocks/bk-ana`, { method: 'DELETE', token: server.token('bk-ben') });
      const free = await waitForRun(server, PoolRun.parse((await startRun(server)).json).id);
      assert.equal(free.groups, 1);
    } finally {
      await server.dispose();
    }
  });

  it('the same seed over the same learners forms the same groups', async () => {
    const groupsWith = async (seed: number) => {
      const server = await startTestServer({ runPoolJob: async (job) => runPoolJob(job) });
      try {
        for (let i = 0; i < 12; i++) await optIn(server, `dt-${i}`, profile({ slots: [3, 4 + (i % 3)], objects: i % 2 ? ['discuss'] : ['discuss', 'mutual-help'] }));
        await waitForRun(server, PoolRun.parse((await startRun(server, { seed })).json).id);
        return (await queryDataFile<{ g: string }>(
          server.dataDir,
          TEST_STORE === 'postgres'
            ? "SELECT string_agg(learner, ',' ORDER BY learner) AS g FROM memberships GROUP BY group_id ORDER BY g"
            : 'SELECT group_concat(learner) AS g FROM (SELECT group_id, learner FROM memberships ORDER BY learner) GROUP BY group_id ORDER BY g',
        )).map((r) => r.g);
      } finally {
        await server.dispose();
      }
    };
    const first = await groupsWith(42);
    assert.equal(first.length, 6);
    assert.deepEqual(await groupsWith(42), first);
  });

  it('a failing round is recorded as failed; one left running by a stopped server is failed at the next start', async () => {
    const failing = await startTestServer({ runPoolJob: async () => ({ ok: false, error: 'boom' }) });
    try {
      const done = await waitForRun(failing, PoolRun.parse((await startRun(failing)).json).id);
      assert.equal(done.status, 'failed');
      assert.equal(done.error, 'boom');
    } finally {
      await failing.dispose();
    }

    const data = makeDataDir();
    try {
      // A server that stops waits for its round to be written.
      const held = heldRunner();
      const first = await startTestServer({ dataDir: data.dir, runPoolJob: held.run });
      let closing: Promise<void> | null = null;
      try {
        await optIn(first, 'rc-ana');
        const finished = PoolRun.parse((await startRun(first)).json);
        await held.started;
        closing = first.close();
        held.release();
        await closing;
        assert.equal((await queryDataFile<{ status: string }>(data.dir, 'SELECT status FROM pool_runs WHERE id = ?', finished.id))[0]!.status, 'done');
      } finally {
        if (!closing) {
          held.release();
          await first.close();
        }
      }

      // A process killed mid-round leaves it running: the next server fails it, and the course can run again.
      await writeDataFile(
        data.dir,
        `INSERT INTO pool_runs (id, course, seed, trigger, status, started_at) VALUES (?, ?, 1, 'api', 'running', '2025-03-03T09:00:00.000Z')`,
        STALE,
        TEST_COURSE,
      );
      const second = await startTestServer({ dataDir: data.dir, runPoolJob: async (job) => runPoolJob(job) });
      try {
        let status = 'running';
        for (let i = 0; i < 100 && status === 'running'; i++) {
          status = PoolRun.parse((await second.request(`${COURSE_PATH}/pool-runs/${STALE}`, { headers: STAFF })).json).status;
          if (status === 'running') await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(status, 'failed');
        assert.equal((await startRun(second)).status, 202);
      } finally {
        await second.close();
      }
    } finally {
      data.remove();
    }
  });

  it('runs on the course’s schedule', async () => {
    const server = await startTestServer({ config: { poolCheckMs: 20 }, runPoolJob: async (job) => runPoolJob(job) });
    try {
      await optIn(server, 'sc-ana');
      await optIn(server, 'sc-ben');
      await server.request(`${COURSE_PATH}/settings`, {
        method: 'PUT',
        headers: STAFF,
        body: { groupSize: 2, objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'], inviteLifetimeDays: 14, poolEveryHours: 24 },
      });
      let outcome = null;
      for (let i = 0; i < 200 && !outcome; i++) {
        outcome = (await discovery(server, 'sc-ana')).pool;
        if (!outcome) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(outcome?.outcome, 'matched');
      const runs = () => queryDataFile<{ trigger: string }>(server.dataDir, 'SELECT trigger FROM pool_runs');
      assert.deepEqual((await runs()).map((r) => r.trigger), ['schedule']);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal((await runs()).length, 1, 'not again before the period has passed');
      server.clock.advance(24 * 3_600_000);
      for (let i = 0; i < 100 && (await runs()).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await runs()).length, 2);
    } finally {
      await server.dispose();
    }
  });
});
