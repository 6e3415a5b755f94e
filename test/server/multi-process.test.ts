/**
 * Several server processes on one database (issue 5, "PostgreSQL and several
 * processes"): two child processes share one store (one SQLite file, or one
 * PostgreSQL schema) and stay correct together: a group never past its size
 * when accepts into its last seat race from both, an event id stored once
 * when both receive the same batch, the dashboard's counters exact when a
 * course is driven through both at once (and equal to a rebuild from the
 * events), and, on PostgreSQL, pool rounds run by one process at a time and
 * failed at a start only when the process running them is gone for the
 * database (its advisory lock released).
 *
 * The children run with TANDEM_TEST_HOLD_BEFORE_COMMIT_MS, which keeps every
 * transaction open that long before its COMMIT, so that the two processes'
 * transactions overlap for sure.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import { PoolRun } from '../../src/protocol/pool.js';
import { CourseStats } from '../../src/protocol/stats.js';
import { heldRunner } from '../helpers/held-pool-runner.js';
import {
  childServerEnv,
  createInviteCommand,
  learnerToken,
  makeDataDir,
  queryDataFile,
  REPO_ROOT,
  request,
  startChildServer,
  startTestServer,
  TEST_AUDIENCE,
  TEST_COURSE,
  TEST_ISSUER,
  TEST_PLATFORM_KEY,
  TEST_SECRET,
  TEST_STORE,
  TestClock,
  type ApiAnswer,
  type ChildServer,
  type TestServer,
} from '../helpers/server.js';

const HOLD_MS = 300;
const ROUNDS = 4;
const COURSE_PATH = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
const PLATFORM = { 'x-tandem-platform-key': TEST_PLATFORM_KEY };
const RETRY_LINE = /store: a transaction conflicted with another process's \((40001|40P01|23505)\); running it again \(attempt \d+\)/;

/** A child server whose every output line (the log goes to stdout or stderr) is kept, to count the store's retry lines. */
interface Proc extends ChildServer {
  name: string;
  lines: string[];
  retries(): number;
  stop(): Promise<void>;
}

async function startProc(name: string, dataDir: string, env: Record<string, string> = {}): Promise<Proc> {
  const child = await startChildServer(dataDir, { TANDEM_PLATFORM_KEY: TEST_PLATFORM_KEY, ...env });
  const lines: string[] = [];
  createInterface({ input: child.child.stdout! }).on('line', (line) => lines.push(line));
  createInterface({ input: child.child.stderr! }).on('line', (line) => lines.push(line));
  return {
    ...child,
    name,
    lines,
    retries: () => lines.filter((line) => RETRY_LINE.test(line)).length,
    async stop() {
      if (child.child.exitCode !== null || child.child.signalCode !== null) return;
      child.child.kill('SIGTERM');
      const timer = setTimeout(() => child.child.kill('SIGKILL'), 5_000);
      await child.exited;
      clearTimeout(timer);
    },
  };
}

/** Both children, started together with the hold on (the caller kills them: killAll). */
async function startPair(dataDir: string, env: Record<string, string> = {}): Promise<[Proc, Proc]> {
  const hold = { TANDEM_TEST_HOLD_BEFORE_COMMIT_MS: String(HOLD_MS), ...env };
  const started = await Promise.allSettled([startProc('one', dataDir, hold), startProc('two', dataDir, hold)]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    // Never leave the one that did start behind.
    killAll(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<Proc>).value) as [Proc, Proc];
}

function killAll(procs: Proc[]): void {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

function statuses(answers: ApiAnswer[]): string[] {
  return answers.map((a) => `${a.status} ${a.status === 200 || a.status === 202 ? 'ok' : a.json?.error?.code}`).sort();
}

/** An answer with how long it took, in milliseconds from when the request was sent. */
async function timed(send: () => Promise<ApiAnswer>): Promise<ApiAnswer & { ms: number }> {
  const started = performance.now();
  const answer = await send();
  return { ...answer, ms: performance.now() - started };
}

const command = (url: string, sub: string, cmd: Record<string, unknown>) =>
  request(url, '/v1/commands', { token: learnerToken(sub, Date.now()), body: { id: randomUUID(), course: TEST_COURSE, command: cmd } });

async function commandOk(url: string, sub: string, cmd: Record<string, unknown>) {
  const answer = await command(url, sub, cmd);
  assert.equal(answer.status, 200, `${sub} ${String(cmd.type)}: ${answer.text}`);
  return CommandResponse.parse(answer.json).result;
}

async function putSettings(url: string, extra: Record<string, unknown>) {
  const res = await request(url, `${COURSE_PATH}/settings`, {
    method: 'PUT',
    headers: PLATFORM,
    body: { groupSize: 3, objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'], inviteLifetimeDays: 14, ...extra },
  });
  assert.equal(res.status, 200, res.text);
}

async function activeMembers(dataDir: string, group: string): Promise<number> {
  return (await queryDataFile<{ n: number }>(dataDir, 'SELECT COUNT(*) AS n FROM memberships WHERE group_id = ? AND left_at IS NULL', group))[0]!.n;
}

/** A server on the real clock (the children's), for setting a course up before the children start. */
const setupServer = (dataDir: string, extra: Parameters<typeof startTestServer>[0] = {}) =>
  startTestServer({ dataDir, clock: new TestClock(Date.now()), ...extra });

describe('several server processes on one database', () => {
  it(
    'two processes started at the same moment on a fresh store both start (the schema is created once)',
    { timeout: 60_000 },
    async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const data = makeDataDir();
      const procs: Proc[] = [];
      try {
        const started = await Promise.allSettled([startProc('one', data.dir), startProc('two', data.dir)]);
        for (const s of started) if (s.status === 'fulfilled') procs.push(s.value);
        const refused = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason));
        assert.deepEqual(refused, [], `attempt ${attempt}: a process could not start`);
        for (const p of procs) assert.equal((await request(p.url, `${COURSE_PATH}/stats`, { headers: PLATFORM })).status, 200);
      } finally {
        killAll(procs);
        data.remove();
      }
    }
  });

  it('never lets accepts racing from two processes into the last seat of a group exceed its size', { timeout: 90_000 }, async (t) => {
    const data = makeDataDir();
    const procs: Proc[] = [];
    try {
      // Per round: a group of three with one seat left, and two invites into it (made while the seat was free).
      const setup = await setupServer(data.dir);
      await putSettings(setup.url, { groupSize: 3 });
      const rounds: Array<{ group: string; a: string; b: string }> = [];
      for (let r = 0; r < ROUNDS; r++) {
        const first = await commandOk(setup.url, `ra-alice-${r}`, createInviteCommand({ objects: ['discuss'], modalities: ['email'] }));
        const joined = await commandOk(setup.url, `ra-bob-${r}`, { type: 'invite.accept', code: first.code });
        const group = joined.group!;
        const a = await commandOk(setup.url, `ra-alice-${r}`, createInviteCommand({ group }));
        const b = await commandOk(setup.url, `ra-bob-${r}`, createInviteCommand({ group, relationship: 'classmate' }));
        rounds.push({ group, a: a.code!, b: b.code! });
      }
      await setup.close();

      const [one, two] = await startPair(data.dir);
      procs.push(one, two);
      const losers: number[] = [];
      for (const [r, { group, a, b }] of rounds.entries()) {
        const answers = await Promise.all([
          timed(() => command(one.url, `ra-chloe-${r}`, { type: 'invite.accept', code: a })),
          timed(() => command(two.url, `ra-david-${r}`, { type: 'invite.accept', code: b })),
        ]);
        assert.deepEqual(statuses(answers), ['200 ok', '409 group_full'], `round ${r}: ${answers.map((x) => x.text).join(' | ')}`);
        assert.equal(await activeMembers(data.dir, group), 3, `round ${r}: never more than the group size`);
        const loser = answers.find((x) => x.status === 409)!;
        const winner = answers.find((x) => x.status === 200)!;
        // Each process reached its store: an answer comes only after a held COMMIT of its own process.
        assert.ok(winner.ms >= HOLD_MS * 0.95 && loser.ms >= HOLD_MS * 0.95, `round ${r}: answered after ${winner.ms.toFixed(0)} / ${loser.ms.toFixed(0)} ms`);
        losers.push(loser.ms);
        t.diagnostic(`round ${r}: 200 after ${winner.ms.toFixed(0)} ms, 409 after ${loser.ms.toFixed(0)} ms; retry lines so far ${one.retries() + two.retries()}`);
      }
      // …and the loser's refusal also waited for the winner's held transaction (SQLite: BEGIN IMMEDIATE waits for the
      // other process's COMMIT; PostgreSQL: its transaction conflicts with the winner's and runs again): it took at least
      // a hold longer than the same refusal sent alone (one transaction), measured now on each process.
      const alone: number[] = [];
      for (let i = 0; i < 3; i++) {
        for (const [k, p] of [one, two].entries()) {
          const refused = await timed(() => command(p.url, `ra-solo-${i}-${k}`, { type: 'invite.accept', code: rounds[0]!.a }));
          assert.ok(refused.status === 409 || refused.status === 410, refused.text);
          alone.push(refused.ms);
        }
      }
      const baseline = Math.min(...alone);
      t.diagnostic(`a refusal alone: ${baseline.toFixed(0)} ms (fastest of ${alone.map((ms) => ms.toFixed(0)).join(', ')})`);
      for (const [r, ms] of losers.entries()) {
        assert.ok(ms >= baseline + HOLD_MS * 0.9, `round ${r}: the refused accept took ${ms.toFixed(0)} ms, not a hold more than alone (${baseline.toFixed(0)} ms)`);
      }
      const accepted = await queryDataFile<{ n: number }>(data.dir, "SELECT COUNT(*) AS n FROM events WHERE type = 'invite.accepted' AND learner LIKE 'ra-%'");
      assert.equal(accepted[0]!.n, 2 * ROUNDS, 'one accept per round at setup, one per race');
      if (TEST_STORE === 'postgres') {
        const retries = one.retries() + two.retries();
        assert.ok(retries >= 1, `no process logged a conflict with the other's transaction:\n${[...one.lines, ...two.lines].join('\n')}`);
      }
    } finally {
      killAll(procs);
      data.remove();
    }
  });

  it('stores an event id once when both processes receive the same batch at once', { timeout: 90_000 }, async (t) => {
    const data = makeDataDir();
    const procs: Proc[] = [];
    const BATCH = 8;
    try {
      await (await setupServer(data.dir)).close(); // the store created once (see the fresh-store test below)
      const [one, two] = await startPair(data.dir);
      procs.push(one, two);
      const ids: string[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const learner = `ev-learner-${r}`;
        const time = new Date().toISOString();
        const events = Array.from({ length: BATCH }, (_, i) => ({
          id: randomUUID(),
          v: 1,
          time,
          course: TEST_COURSE,
          learner,
          type: i % 2 ? 'invite.opened' : 'invite.link-shared',
          invite: randomUUID(),
          ...(i % 2 ? {} : { channel: 'copy' }),
        }));
        ids.push(...events.map((e) => e.id));
        const send = (url: string) => timed(() => request(url, '/v1/events', { token: learnerToken(learner, Date.now()), body: { events } }));
        const answers = await Promise.all([send(one.url), send(two.url)]);
        for (const a of answers) {
          assert.equal(a.status, 200, `round ${r}: ${a.text}`);
          assert.equal(a.json.stored + a.json.duplicates, BATCH, `round ${r}: ${a.text}`);
          assert.ok(a.ms >= HOLD_MS * 0.95, `round ${r}: answered after ${a.ms.toFixed(0)} ms, before its held COMMIT`);
        }
        assert.equal(answers[0]!.json.stored + answers[1]!.json.stored, BATCH, `round ${r}: ${answers.map((a) => a.text).join(' | ')}`);
        const rows = await queryDataFile<{ id: string; n: number }>(
          data.dir,
          `SELECT id, COUNT(*) AS n FROM events WHERE learner = ? GROUP BY id ORDER BY id`,
          learner,
        );
        assert.deepEqual(rows.map((row) => [row.id, row.n]), events.map((e) => [e.id, 1]).sort(), `round ${r}: each id stored once`);
      }
      const stored = await queryDataFile<{ n: number }>(data.dir, "SELECT COUNT(*) AS n FROM events WHERE learner LIKE 'ev-learner-%'");
      assert.equal(stored[0]!.n, ids.length);
      t.diagnostic(`retry lines: ${one.retries() + two.retries()}`);
      if (TEST_STORE === 'postgres') {
        // Informative: a batch that lost the race either conflicted (and ran again) or waited on the winner's unique key.
        const retries = one.retries() + two.retries();
        assert.ok(retries >= 1, `no process logged a conflict with the other's transaction:\n${[...one.lines, ...two.lines].join('\n')}`);
      }
    } finally {
      killAll(procs);
      data.remove();
    }
  });

  it('keeps the dashboard’s counters exact when a course is driven through both processes at once, and equal to a rebuild', { timeout: 120_000 }, async () => {
    const data = makeDataDir();
    const procs: Proc[] = [];
    const PAIRS = 6;
    try {
      const setup = await setupServer(data.dir);
      await putSettings(setup.url, { groupSize: 3, suppressionThreshold: 3 });
      await setup.close();

      const [one, two] = await startPair(data.dir);
      procs.push(one, two);
      const other = (p: Proc) => (p === one ? two : one);
      const at = (i: number) => (i % 2 ? one : two);
      const friend = { relationship: 'friend', objects: ['discuss'], modalities: ['email'] };

      const chains: Array<Promise<unknown>> = [];
      // PAIRS tandems: one learner invites in one process, the other accepts in the other; half are then left (dissolved).
      for (let i = 0; i < PAIRS; i++) {
        chains.push(
          (async () => {
            const p = at(i);
            const { code } = await commandOk(p.url, `st-a${i}`, createInviteCommand(friend));
            const { group } = await commandOk(other(p).url, `st-b${i}`, { type: 'invite.accept', code });
            if (i < PAIRS / 2) await commandOk(p.url, `st-b${i}`, { type: 'group.leave', group });
          })(),
        );
      }
      // Three invites never answered.
      for (let i = 0; i < 3; i++) chains.push(commandOk(at(i).url, `st-n${i}`, createInviteCommand(friend)));
      // Four opt-ins to the peer list.
      for (let i = 0; i < 4; i++) {
        chains.push(
          (async () => {
            const res = await request(at(i).url, `${COURSE_PATH}/me/profile`, {
              method: 'PUT',
              token: learnerToken(`st-o${i}`, Date.now()),
              body: { objects: ['discuss'], modalities: ['synchronous'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3] },
            });
            assert.equal(res.status, 200, res.text);
          })(),
        );
      }
      // Progress reports from the platform: each inviter done (one report a request), three learners alone at 20 %.
      const progress = (p: Proc, reports: Array<[string, number, boolean]>) =>
        (async () => {
          const res = await request(p.url, `${COURSE_PATH}/progress`, {
            headers: PLATFORM,
            body: { reports: reports.map(([learner, value, completed]) => ({ id: randomUUID(), learner, progress: value, completed, time: new Date().toISOString() })) },
          });
          assert.equal(res.status, 200, res.text);
          assert.equal(res.json.stored, reports.length);
        })();
      for (let i = 0; i < PAIRS; i++) chains.push(progress(at(i + 1), [[`st-a${i}`, 1, true]]));
      chains.push(progress(one, [['st-alone0', 0.2, false], ['st-alone1', 0.2, false]]), progress(two, [['st-alone2', 0.2, false]]));
      await Promise.all(chains);

      /** The answer without the moment it was made. */
      const statsFrom = async (url: string): Promise<Omit<CourseStats, 'generatedAt'>> => {
        const res = await request(url, `${COURSE_PATH}/stats`, { headers: PLATFORM });
        assert.equal(res.status, 200, res.text);
        const { generatedAt: _, ...rest } = CourseStats.parse(res.json);
        return rest;
      };
      const live = [await statsFrom(one.url), await statsFrom(two.url)];
      assert.deepEqual(live[1], live[0], 'both processes answer the same');
      const stats = live[0]!;
      assert.equal(stats.threshold, 3);
      assert.deepEqual(stats.groups, {
        formed: PAIRS,
        active: PAIRS / 2,
        dissolved: PAIRS / 2,
        bySize: [
          { size: 2, count: PAIRS / 2 },
          { size: 3, count: 0 },
          { size: 4, count: 0 },
          { size: 5, count: 0 },
          { size: 6, count: 0 },
        ],
        membersLeft: PAIRS / 2,
        learnersGrouped: 2 * PAIRS,
      });
      const byCode = (list: Array<{ code: string; count: number | null }>) => Object.fromEntries(list.map((c) => [c.code, c.count]).filter(([, n]) => n !== 0));
      assert.deepEqual(byCode(stats.typology.relationship), { friend: PAIRS });
      assert.deepEqual(byCode(stats.typology.object), { discuss: PAIRS });
      assert.deepEqual(byCode(stats.typology.modality), { email: PAIRS });
      const { medianHoursToAccept, ...invites } = stats.funnels.invites;
      assert.deepEqual(invites, { created: PAIRS + 3, opened: 0, accepted: PAIRS });
      assert.ok(medianHoursToAccept === null || medianHoursToAccept < 1, `median ${medianHoursToAccept}`);
      assert.deepEqual(stats.funnels.requests, { sent: 0, accepted: 0 });
      assert.deepEqual(stats.funnels.pool, { optedIn: 4, matched: 0 });
      assert.equal(stats.persistence.reported, PAIRS + 3);
      const rows = Object.fromEntries(stats.persistence.rows.map(({ key, ...rest }) => [key, rest]));
      assert.deepEqual(rows.grouped, { learners: PAIRS, completed: PAIRS, meanProgress: 1 });
      assert.deepEqual(rows.alone, { learners: 3, completed: 0, meanProgress: 0.2 });
      assert.deepEqual(rows.friend, { learners: PAIRS, completed: PAIRS, meanProgress: 1 });

      // A full rebuild from the events, with no server writing, gives the same counters and the same answer.
      const counters = () => queryDataFile(data.dir, 'SELECT course, key, n FROM stats_counters WHERE n <> 0 ORDER BY course, key');
      await Promise.all([one.stop(), two.stop()]);
      const before = await counters();
      assert.ok(before.length > 0);
      const rebuild = await new Promise<{ code: number | null; output: string }>((done) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/stats/rebuild-stats.ts'], {
          cwd: REPO_ROOT,
          env: {
            ...childServerEnv(data.dir),
            TANDEM_DATA_DIR: data.dir,
            TANDEM_JWT_SECRET: TEST_SECRET,
            TANDEM_JWT_ISSUER: TEST_ISSUER,
            TANDEM_JWT_AUDIENCE: TEST_AUDIENCE,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.once('exit', (code) => done({ code, output }));
      });
      assert.equal(rebuild.code, 0, rebuild.output);
      assert.match(rebuild.output, /rebuilt the stats/);
      assert.deepEqual(await counters(), before, 'the counters kept under concurrency are those the events give');
      const fresh = await setupServer(data.dir);
      try {
        assert.deepEqual(await statsFrom(fresh.url), stats, 'the answer after a rebuild');
      } finally {
        await fresh.close();
      }
    } finally {
      killAll(procs);
      data.remove();
    }
  });
});


const runStatus = async (dataDir: string, id: string): Promise<{ status: string; error: string | null } | undefined> =>
  (await queryDataFile<{ status: string; error: string | null }>(dataDir, 'SELECT status, error FROM pool_runs WHERE id = ?', id))[0];

async function waitForStatus(dataDir: string, id: string, wanted: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | undefined;
  while (Date.now() < deadline) {
    seen = (await runStatus(dataDir, id))?.status;
    if (seen === wanted) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`round ${id} is ${seen}, not ${wanted}, after ${timeoutMs} ms`);
}

/** A round of another course left `running` by no one (no lock held): a start that recovers fails it, which shows the recovery ran. */
async function insertStaleRound(dataDir: string): Promise<string> {
  const id = randomUUID();
  await queryDataFile(
    dataDir,
    `INSERT INTO pool_runs (id, course, seed, trigger, status, started_at) VALUES (?, ?, 1, 'api', 'running', ?)`,
    id,
    `stale-course-${id.slice(0, 8)}`,
    new Date().toISOString(),
  );
  return id;
}

describe('pool rounds with several processes on PostgreSQL', { skip: TEST_STORE !== 'postgres' && 'the advisory locks are PostgreSQL’s; one SQLite file serves one course’s rounds through BEGIN IMMEDIATE' }, () => {
  it('starts one round of a course when two processes are asked at the same moment', { timeout: 90_000 }, async () => {
    const data = makeDataDir();
    const procs: Proc[] = [];
    try {
      await (await setupServer(data.dir)).close();
      const [one, two] = await startPair(data.dir);
      procs.push(one, two);
      const start = (p: Proc) => request(p.url, `${COURSE_PATH}/pool-runs`, { headers: PLATFORM, body: { seed: 7 } });
      for (let r = 0; r < 3; r++) {
        const answers = await Promise.all([start(one), start(two)]);
        assert.deepEqual(statuses(answers), ['202 ok', '409 pool_running'], `round ${r}: ${answers.map((a) => a.text).join(' | ')}`);
        const run = PoolRun.parse(answers.find((a) => a.status === 202)!.json);
        await waitForStatus(data.dir, run.id, 'done');
        const running = await queryDataFile<{ n: number }>(data.dir, `SELECT COUNT(*) AS n FROM pool_runs WHERE status <> 'done'`);
        assert.equal(running[0]!.n, 0);
      }
      assert.equal((await queryDataFile<{ n: number }>(data.dir, 'SELECT COUNT(*) AS n FROM pool_runs'))[0]!.n, 3);
    } finally {
      killAll(procs);
      data.remove();
    }
  });

  it('a process starting does not fail a round another live process is running', { timeout: 60_000 }, async () => {
    const data = makeDataDir();
    const procs: Proc[] = [];
    const held = heldRunner();
    const a = await setupServer(data.dir, { runPoolJob: held.run });
    try {
      const started = await a.request(`${COURSE_PATH}/pool-runs`, { headers: PLATFORM, body: { seed: 1 } });
      assert.equal(started.status, 202, started.text);
      const run = PoolRun.parse(started.json);
      await held.started;
      const stale = await insertStaleRound(data.dir);

      const b = await startProc('b', data.dir);
      procs.push(b);
      await waitForStatus(data.dir, stale, 'failed');
      assert.deepEqual(await runStatus(data.dir, run.id), { status: 'running', error: null }, 'A’s round is still running');
      const seen = await request(b.url, `${COURSE_PATH}/pool-runs/${run.id}`, { headers: PLATFORM });
      assert.equal(PoolRun.parse(seen.json).status, 'running');
      const refused = await request(b.url, `${COURSE_PATH}/pool-runs`, { headers: PLATFORM, body: { seed: 2 } });
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.json.error.code, 'pool_running');

      held.release();
      await waitForStatus(data.dir, run.id, 'done');
    } finally {
      held.release();
      await a.close();
      killAll(procs);
      data.remove();
    }
  });

  it('a process starting fails a round whose process is gone for the database (its session ended)', { timeout: 60_000 }, async (t) => {
    const data = makeDataDir();
    const procs: Proc[] = [];
    const held = heldRunner();
    const a = await setupServer(data.dir, { runPoolJob: held.run });
    try {
      const started = await a.request(`${COURSE_PATH}/pool-runs`, { headers: PLATFORM, body: { seed: 1 } });
      assert.equal(started.status, 202, started.text);
      const run = PoolRun.parse(started.json);
      await held.started;

      // A's backend: the 'tandem' session holding the round's advisory lock (7235100, hashtext(run id)).
      const holders = await queryDataFile<{ pid: number }>(
        data.dir,
        `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = 7235100
           AND l.objid::text::bigint = (hashtext(?)::bigint & 4294967295)
           AND s.application_name = 'tandem' AND l.pid <> pg_backend_pid()`,
        run.id,
      );
      assert.equal(holders.length, 1, `one session holds the round's lock: ${JSON.stringify(holders)}`);
      const killed = await queryDataFile<{ ok: number }>(data.dir, 'SELECT pg_terminate_backend(?) AS ok', holders[0]!.pid);
      assert.equal(killed[0]!.ok, 1);
      // The lock is gone with the session.
      for (let i = 0; i < 200; i++) {
        const left = await queryDataFile<{ n: number }>(
          data.dir,
          `SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7235100 AND objsubid = 2 AND objid::text::bigint = (hashtext(?)::bigint & 4294967295)`,
          run.id,
        );
        if (left[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }

      const c = await startProc('c', data.dir);
      procs.push(c);
      await waitForStatus(data.dir, run.id, 'failed');
      assert.equal((await runStatus(data.dir, run.id))!.error, 'the server stopped during the round');
      const again = await request(c.url, `${COURSE_PATH}/pool-runs`, { headers: PLATFORM, body: { seed: 3 } });
      assert.equal(again.status, 202, `the course can run again: ${again.text}`);

      // When A (alive, only its session lost) finishes the round after all, the round must stay failed: C's start
      // declared it so, and C may already run the course's next round.
      held.release();
      await a.close();
      const final = await runStatus(data.dir, run.id);
      t.diagnostic(`A's round once A finished it: ${JSON.stringify(final)}`);
      await t.test('the round stays failed when its process finishes it after all, and its result is dropped', () => {
        assert.equal(final?.status, 'failed');
      });
      const outcomes = await queryDataFile<{ n: number }>(data.dir, 'SELECT COUNT(*) AS n FROM pool_outcomes WHERE run = ?', run.id);
      assert.equal(outcomes[0]!.n, 0, 'nothing of the abandoned round is written');
    } finally {
      held.release();
      await a.close();
      killAll(procs);
      data.remove();
    }
  });
});
