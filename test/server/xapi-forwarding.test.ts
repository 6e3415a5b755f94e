/**
 * The xAPI forwarder end to end: a real endpoint (createServer, real SQLite in
 * a temp folder, real HTTP) sends its events as statements to a local test LRS
 * (test/helpers/test-lrs.ts) that enforces the version header and the
 * 204/409 rules of a known id.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import { statementForEvent, XAPI_VERSION } from '../../src/core/xapi-statements.js';
import { createServer, type ServerOptions, type TandemServer } from '../../src/server/app.js';
import type { XapiConfig } from '../../src/server/config.js';
import { XAPI_USER_AGENT } from '../../src/server/xapi/dispatcher.js';
import { vocabularyOf } from '../../src/server/xapi/queue.js';
import {
  createInviteCommand,
  learnerToken,
  makeDataDir,
  queryDataFile,
  request,
  testConfig,
  TEST_COURSE,
  TEST_PLATFORM_KEY,
  type ApiAnswer,
  XAPI_INSERTION_ORDER,
} from '../helpers/server.js';
import { startTestLrs, type TestLrs } from '../helpers/test-lrs.js';
import { xapiProblems } from '../helpers/xapi-validate.js';

const AUTH = 'Basic ' + Buffer.from('tandem-key:lrs-secret-4f8a2c').toString('base64');
const NAMES = { alice: 'Alice Zéphyrine-Unique', bob: 'Bob Quillfeather-Unique' };
const NOTE = 'text me: bob.unique@example.org';

/** Every test must finish (pass or fail) within a bounded time. */
const SUITE = { timeout: 30_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function xapiConfig(url: string, extra: Partial<XapiConfig> = {}): XapiConfig {
  return {
    url,
    auth: AUTH,
    homePage: 'https://courses.example.org',
    activityBase: 'https://courses.example.org/tandem',
    vocabularyBase: 'https://tandem.example/xapi',
    maxAttempts: 50,
    retryBaseMs: 20,
    ...extra,
  };
}

interface Endpoint {
  app: TandemServer;
  url: string;
  logs: string[];
  /** Sends a command as `sub` (token with the learner's display name). */
  command(sub: keyof typeof NAMES, command: Record<string, unknown>): Promise<ApiAnswer>;
  close(): Promise<void>;
}

async function startEndpoint(dataDir: string, xapi: XapiConfig | null, knobs: ServerOptions['xapi'] = {}): Promise<Endpoint> {
  const logs: string[] = [];
  const app = createServer({
    config: testConfig(dataDir, { xapi }),
    log: (line) => logs.push(line),
    xapi: { pollMs: 50, timeoutMs: 2000, ...knobs },
  });
  const url = await app.listen(0, '127.0.0.1');
  return {
    app,
    url,
    logs,
    command: (sub, command) =>
      request(url, '/v1/commands', {
        token: learnerToken(sub, Date.now(), { name: NAMES[sub] }),
        body: { id: randomUUID(), course: TEST_COURSE, command },
      }),
    close: () => app.close(),
  };
}

/** Alice invites, Bob accepts, writes a contact note and leaves: three forwarded events (created, accepted, left). */
async function inviteJoinLeave(endpoint: Endpoint): Promise<string[]> {
  const created = await endpoint.command('alice', createInviteCommand());
  assert.equal(created.status, 200, created.text);
  const createdBody = CommandResponse.parse(created.json);
  const code = createdBody.result.code!;
  const accepted = await endpoint.command('bob', { type: 'invite.accept', code });
  assert.equal(accepted.status, 200, accepted.text);
  const acceptedBody = CommandResponse.parse(accepted.json);
  const group = acceptedBody.result.group!;
  assert.equal((await endpoint.command('bob', { type: 'group.set-note', group, note: NOTE })).status, 200);
  const left = await endpoint.command('bob', { type: 'group.leave', group });
  assert.equal(left.status, 200, left.text);
  const leftBody = CommandResponse.parse(left.json);
  return [...createdBody.events, ...acceptedBody.events, ...leftBody.events]
    .filter((e) => ['invite.created', 'invite.accepted', 'group.left'].includes(e.type))
    .map((e) => e.id);
}

interface Row {
  id: string;
  event_type: string;
  body: string;
  status: string;
  attempts: number;
  last_error: string | null;
}

function rows(dataDir: string): Promise<Row[]> {
  return queryDataFile<Row>(dataDir, `SELECT * FROM xapi_statements ORDER BY created_at, ${XAPI_INSERTION_ORDER}`);
}

/** The stored events' bodies by id. */
async function storedEvents(dataDir: string): Promise<Map<string, Record<string, unknown>>> {
  const events = await queryDataFile<{ id: string; body: string }>(dataDir, 'SELECT id, body FROM events');
  return new Map(events.map((e) => [e.id, JSON.parse(e.body) as Record<string, unknown>]));
}

/** PUTs the LRS answered 204 to, by statement id. */
function deliveredCounts(lrs: TestLrs): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of lrs.calls) {
    if (call.method === 'PUT' && call.status === 204 && call.statementId) counts.set(call.statementId, (counts.get(call.statementId) ?? 0) + 1);
  }
  return counts;
}

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setup(): Promise<{ lrs: TestLrs; dataDir: string }> {
  const lrs = await startTestLrs({ auth: AUTH });
  const data = makeDataDir();
  cleanups.push(() => lrs.close(), () => data.remove());
  return { lrs, dataDir: data.dir };
}

describe('the test LRS enforces the rules the forwarder relies on', SUITE, () => {
  it('needs the version header, stores by id, answers 204 to a new id or the same statement, 409 to another', async () => {
    const { lrs } = await setup();
    const statement = statementForEvent(
      {
        id: randomUUID(),
        v: 1,
        time: '2026-03-03T09:00:00.000Z',
        course: TEST_COURSE,
        learner: 'alice',
        type: 'group.left',
        group: randomUUID(),
        relationship: 'friend',
        modalities: ['email'],
      },
      vocabularyOf(xapiConfig(lrs.url)),
    )!;
    const put = (body: unknown, headers: Record<string, string> = { 'X-Experience-API-Version': XAPI_VERSION }) =>
      fetch(`${lrs.url}/statements?statementId=${statement.id}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: AUTH, ...headers },
        body: JSON.stringify(body),
      });
    assert.equal((await put(statement, {})).status, 400, 'no version header');
    assert.equal(lrs.statements.size, 0);
    assert.equal((await put({ ...statement, actor: { mbox: 'alice@example.org' } })).status, 400, 'an invalid statement');
    assert.equal((await put(statement)).status, 204, 'a new id');
    assert.equal((await put(statement)).status, 204, 'the same statement again');
    const other = { ...statement, timestamp: '2026-03-04T09:00:00.000Z' };
    assert.equal((await put(other)).status, 409, 'another statement under a known id');
    assert.deepEqual(lrs.statements.get(statement.id), statement, 'the 409 changed nothing');
    const read = await fetch(`${lrs.url}/statements?statementId=${statement.id}`, { headers: { 'X-Experience-API-Version': XAPI_VERSION, Authorization: AUTH } });
    assert.deepEqual(await read.json(), statement);
  });
});

describe('xAPI forwarding', SUITE, () => {
  it('forwards invited, joined and left as valid statements, each once, with the xAPI headers', async () => {
    const { lrs, dataDir } = await setup();
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url));
    cleanups.push(() => endpoint.close());
    const ids = await inviteJoinLeave(endpoint);
    assert.equal(ids.length, 3);
    await waitFor('three statements at the LRS', async () => ids.every((id) => lrs.statements.has(id)));
    await waitFor('the rows marked delivered', async () => (await rows(dataDir)).every((r) => r.status === 'delivered'));

    const events = await storedEvents(dataDir);
    const vocabulary = vocabularyOf(xapiConfig(lrs.url));
    assert.deepEqual(
      (await rows(dataDir)).map((r) => [r.id, r.event_type, r.attempts]),
      ids.map((id) => [id, events.get(id)!.type, 1]),
    );
    for (const id of ids) {
      const received = lrs.statements.get(id)!;
      // Exactly the pure builder's statement for the stored event (golden shapes in xapi-statements.test.ts).
      assert.deepEqual(received, statementForEvent(events.get(id)!, vocabulary));
      assert.equal(received.id, id, 'statement id = event id');
      assert.equal(received.timestamp, events.get(id)!.time, 'timestamp = event time');
      assert.deepEqual(xapiProblems(received), []);
    }
    assert.deepEqual(
      ids.map((id) => (lrs.statements.get(id)!.verb as { id: string }).id),
      ['invite', 'join', 'leave'].map((verb) => `http://activitystrea.ms/schema/1.0/${verb}`),
    );
    assert.deepEqual([...deliveredCounts(lrs).values()], [1, 1, 1]);
    for (const call of lrs.calls) {
      assert.equal(call.method, 'PUT');
      assert.equal(call.headers['x-experience-api-version'], '1.0.3');
      assert.equal(call.headers['content-type'], 'application/json');
      assert.equal(call.headers.authorization, AUTH);
      assert.equal(call.headers['user-agent'], XAPI_USER_AGENT);
    }

    // No email, display name or note in any statement; no credential or LRS URL in the log.
    for (const call of lrs.calls) {
      for (const leak of [NAMES.alice, NAMES.bob, 'Unique', NOTE, '@']) assert.ok(!call.body.includes(leak), `${leak} in ${call.body}`);
    }
    const log = endpoint.logs.join('\n');
    assert.match(log, /xapi \S+ invite\.created delivered \(HTTP 204, attempt 1\)/);
    for (const secret of [AUTH, 'lrs-secret', lrs.url, '127.0.0.1:']) assert.ok(!log.includes(secret), `${secret} logged`);
    // Nor does any answer to the browser carry it.
    const health = await request(endpoint.url, '/v1/health');
    assert.ok(!health.text.includes('lrs-secret') && !health.text.includes(lrs.url));
  });

  it('forwards joins by request and by the pool too (and no opt-in, request sent or profile note)', async () => {
    const { lrs, dataDir } = await setup();
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url));
    cleanups.push(() => endpoint.close());
    const coursePath = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
    const token = (sub: string) => learnerToken(sub, Date.now(), { name: `${sub} Unique-Name` });
    const profile = { objects: ['discuss'], modalities: ['email'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], note: NOTE };
    for (const sub of ['rq-ana', 'rq-ben', 'pm-cat', 'pm-dan']) {
      const opted = await request(endpoint.url, `${coursePath}/me/profile`, {
        method: 'PUT',
        token: token(sub),
        body: { ...profile, autoMatch: sub.startsWith('pm-') },
      });
      assert.equal(opted.status, 200, opted.text);
    }
    const sent = await request(endpoint.url, `${coursePath}/requests`, {
      token: token('rq-ana'),
      body: { id: randomUUID(), peer: 'rq-ben', from: 'peers', objects: ['discuss'], modalities: ['email'] },
    });
    assert.equal(sent.status, 201, sent.text);
    const accepted = await request(endpoint.url, `${coursePath}/requests/${sent.json.request.id}/accept`, { token: token('rq-ben'), body: {} });
    assert.equal(accepted.status, 200, accepted.text);
    const staff = { 'x-tandem-platform-key': TEST_PLATFORM_KEY };
    const run = await request(endpoint.url, `${coursePath}/pool-runs`, { headers: staff, body: { seed: 7 } });
    assert.equal(run.status, 202, run.text);
    await waitFor('the pool round', async () => (await request(endpoint.url, `${coursePath}/pool-runs/${run.json.id}`, { headers: staff })).json.status !== 'running');

    const events = await storedEvents(dataDir);
    const forwarded = [...events.values()].filter((e) => ['request.accepted', 'pool.matched'].includes(e.type as string));
    assert.deepEqual(forwarded.map((e) => e.type).sort(), ['pool.matched', 'pool.matched', 'request.accepted']);
    await waitFor('their statements', async () => forwarded.every((e) => lrs.statements.has(e.id as string)));
    await waitFor('the rows marked delivered', async () => (await rows(dataDir)).every((r) => r.status === 'delivered'));
    assert.equal(lrs.statements.size, 3, 'only the joins: no opt-in, no request sent');
    const vocabulary = vocabularyOf(xapiConfig(lrs.url));
    for (const event of forwarded) {
      const received = lrs.statements.get(event.id as string)!;
      assert.deepEqual(received, statementForEvent(event, vocabulary));
      assert.deepEqual(xapiProblems(received), []);
      assert.equal((received.verb as { id: string }).id, 'http://activitystrea.ms/schema/1.0/join');
    }
    for (const call of lrs.calls) for (const leak of ['Unique', NOTE, '@']) assert.ok(!call.body.includes(leak), `${leak} in ${call.body}`);
  });

  it('queues nothing when no LRS is configured', async () => {
    const { lrs, dataDir } = await setup();
    const endpoint = await startEndpoint(dataDir, null);
    cleanups.push(() => endpoint.close());
    await inviteJoinLeave(endpoint);
    await sleep(150);
    assert.deepEqual(await rows(dataDir), []);
    assert.equal(lrs.calls.length, 0);
  });

  it('keeps serving and storing while the LRS is down, then delivers every statement once', async () => {
    const { lrs, dataDir } = await setup();
    await lrs.down();
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url, { retryBaseMs: 50 }));
    cleanups.push(() => endpoint.close());
    const started = Date.now();
    const ids = [...(await inviteJoinLeave(endpoint)), ...(await inviteJoinLeave(endpoint))];
    assert.ok(Date.now() - started < 5000, 'the commands were answered without waiting for the LRS');
    assert.equal(ids.length, 6);
    const stored = await storedEvents(dataDir);
    assert.ok(ids.every((id) => stored.has(id)), 'every event stored');
    await waitFor('failed attempts recorded', async () => (await rows(dataDir)).some((r) => r.attempts >= 1));
    assert.ok((await rows(dataDir)).every((r) => r.status === 'pending'));
    assert.match((await rows(dataDir)).find((r) => r.attempts >= 1)!.last_error ?? '', /network error \(ECONNREFUSED\)/);
    assert.equal(lrs.calls.length, 0);

    await lrs.up();
    await waitFor('every statement delivered', async () => (await rows(dataDir)).every((r) => r.status === 'delivered'));
    await sleep(200);
    assert.deepEqual(new Set(lrs.statements.keys()), new Set(ids));
    assert.deepEqual([...deliveredCounts(lrs).values()], [1, 1, 1, 1, 1, 1], 'each statement arrived once');
    assert.equal(lrs.calls.length, 6, 'nothing sent after delivery');
  });

  it('resumes pending deliveries after a restart', async () => {
    const { lrs, dataDir } = await setup();
    await lrs.down();
    const first = await startEndpoint(dataDir, xapiConfig(lrs.url));
    const ids = await inviteJoinLeave(first);
    await waitFor('an attempt failed', async () => (await rows(dataDir)).some((r) => r.attempts >= 1));
    await first.close();
    assert.ok((await rows(dataDir)).every((r) => r.status === 'pending'));

    await lrs.up();
    const second = await startEndpoint(dataDir, xapiConfig(lrs.url));
    cleanups.push(() => second.close());
    await waitFor('every statement delivered by the new process', async () => (await rows(dataDir)).every((r) => r.status === 'delivered'));
    assert.deepEqual(new Set(lrs.statements.keys()), new Set(ids));
    assert.deepEqual([...deliveredCounts(lrs).values()], [1, 1, 1]);
  });

  it('a resend of a delivered statement (a crash before it was marked) is answered 204 and changes nothing', async () => {
    const { lrs, dataDir } = await setup();
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url));
    cleanups.push(() => endpoint.close());
    const [id] = await inviteJoinLeave(endpoint);
    await waitFor('delivered', async () => (await rows(dataDir)).every((r) => r.status === 'delivered'));
    const before = structuredClone(lrs.statements.get(id!));
    // As if the process had died between the LRS's answer and the row's update.
    await endpoint.app.store.transaction((tx) =>
      tx.updateXapiStatement(id!, { status: 'pending', attempts: 1, nextAttemptAt: new Date().toISOString(), lastError: null, finishedAt: null }),
    );
    await waitFor('sent again', async () => (await rows(dataDir)).find((r) => r.id === id)!.attempts === 2);
    assert.equal((await rows(dataDir)).find((r) => r.id === id)!.status, 'delivered');
    const puts = lrs.calls.filter((c) => c.statementId === id);
    assert.deepEqual(puts.map((c) => c.status), [204, 204]);
    assert.equal(puts[0]!.body, puts[1]!.body, 'the same bytes');
    assert.deepEqual(lrs.statements.get(id!), before);
  });

  it('409 (another statement under the id): marked failed with the reason, never resent, the LRS unchanged', async () => {
    const { lrs, dataDir } = await setup();
    await lrs.down();
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url));
    cleanups.push(() => endpoint.close());
    const created = CommandResponse.parse((await endpoint.command('alice', createInviteCommand())).json);
    const id = created.events[0]!.id;
    const theirs = { ...statementForEvent((await storedEvents(dataDir)).get(id)!, vocabularyOf(xapiConfig(lrs.url)))!, timestamp: '2020-01-01T00:00:00.000Z' };
    lrs.seed(theirs);
    await lrs.up();
    await waitFor('marked failed', async () => (await rows(dataDir))[0]!.status === 'failed');
    const row = (await rows(dataDir))[0]!;
    assert.match(row.last_error ?? '', /HTTP 409/);
    await sleep(300);
    assert.equal(lrs.calls.filter((c) => c.statementId === id).length, 1, 'tried once, never again');
    assert.deepEqual(lrs.statements.get(id), theirs);
    assert.match(endpoint.logs.join('\n'), new RegExp(`xapi ${id} invite.created failed: HTTP 409`));
  });

  it('honours Retry-After on 503 and 429', async () => {
    const { lrs, dataDir } = await setup();
    lrs.respond = (n) =>
      n === 1 ? { status: 503, headers: { 'Retry-After': '1' } } : n === 2 ? { status: 429, headers: { 'Retry-After': '1' } } : undefined;
    // Backoff alone would retry within 20 ms: only the Retry-After explains a wait of a second.
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url, { retryBaseMs: 20 }));
    cleanups.push(() => endpoint.close());
    const created = CommandResponse.parse((await endpoint.command('alice', createInviteCommand())).json);
    const id = created.events[0]!.id;
    await waitFor('delivered', async () => (await rows(dataDir))[0]!.status === 'delivered', 10_000);
    const puts = lrs.calls.filter((c) => c.statementId === id);
    assert.deepEqual(puts.map((c) => c.status), [503, 429, 204]);
    assert.ok(puts[1]!.at - puts[0]!.at >= 950, `waited ${puts[1]!.at - puts[0]!.at} ms after the 503`);
    assert.ok(puts[2]!.at - puts[1]!.at >= 950, `waited ${puts[2]!.at - puts[1]!.at} ms after the 429`);
    assert.equal((await rows(dataDir))[0]!.attempts, 3);
  });

  it('leaves a busy LRS alone until the Retry-After, whatever the number of statements queued', async () => {
    const { lrs, dataDir } = await setup();
    lrs.respond = (n) => (n === 1 ? { status: 503, headers: { 'Retry-After': '1' } } : undefined);
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url, { retryBaseMs: 20 }));
    cleanups.push(() => endpoint.close());
    const ids = [...(await inviteJoinLeave(endpoint)), ...(await inviteJoinLeave(endpoint))];
    await waitFor('the first attempt answered 503', async () => lrs.calls.length >= 1);
    await sleep(600);
    assert.equal(lrs.calls.length, 1, 'no other statement is tried while the LRS asked for a second');
    await waitFor('every statement delivered', async () => (await rows(dataDir)).every((r) => r.status === 'delivered'), 10_000);
    assert.deepEqual(new Set(lrs.statements.keys()), new Set(ids));
    assert.ok(lrs.calls[1]!.at - lrs.calls[0]!.at >= 950, `the next attempt came ${lrs.calls[1]!.at - lrs.calls[0]!.at} ms later`);
  });

  it('retries other errors with backoff, and gives up after the maximum attempts', async () => {
    const { lrs, dataDir } = await setup();
    lrs.respond = () => ({ status: 500 });
    const endpoint = await startEndpoint(dataDir, xapiConfig(lrs.url, { maxAttempts: 4, retryBaseMs: 20 }), { random: () => 0.99 });
    cleanups.push(() => endpoint.close());
    await endpoint.command('alice', createInviteCommand());
    await waitFor('marked failed', async () => (await rows(dataDir))[0]!.status === 'failed');
    const row = (await rows(dataDir))[0]!;
    assert.equal(row.attempts, 4);
    assert.equal(row.last_error, 'HTTP 500');
    const at = lrs.calls.map((c) => c.at);
    assert.equal(at.length, 4);
    // Full jitter with random ≈ 1: the waits grow as 20, 40, 80 ms.
    for (const [i, ceiling] of [20, 40, 80].entries()) assert.ok(at[i + 1]! - at[i]! >= ceiling * 0.9, `wait ${i + 1}: ${at[i + 1]! - at[i]!} ms`);
    await sleep(300);
    assert.equal(lrs.calls.length, 4, 'not retried after failing');
  });
});
