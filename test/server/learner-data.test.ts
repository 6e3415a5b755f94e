import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CommandResponse, LearnerState } from '../../src/protocol/api.js';
import { ErasureAnswer, LearnerExport } from '../../src/protocol/learner-data.js';
import { createServer } from '../../src/server/app.js';
import { tombstoneKey } from '../../src/server/learners/tombstones.js';
import {
  createInviteCommand,
  learnerToken,
  makeDataDir,
  openTestStore,
  queryDataFile,
  request,
  startTestServer,
  TEST_COURSE,
  TEST_PLATFORM_KEY,
  TEST_SECRET,
  testConfig,
  TEST_STORE,
  type TestServer,
} from '../helpers/server.js';
import { startTestLrs } from '../helpers/test-lrs.js';
import { xapiProblems } from '../helpers/xapi-validate.js';

const COURSE_PATH = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
const PLATFORM = { 'x-tandem-platform-key': TEST_PLATFORM_KEY };
/** Distinctive, so a scan of the whole database finds any trace. */
const GONE = 'learner-to-erase-7f3a';
const GONE_NAME = 'Zéphyrine Erasable';
const NOTE = 'reach Zéphyrine at zeph-handle-991';

/** Every text value of every table (of the SQLite file, or of the server's PostgreSQL schema), with where it is. */
async function everyText(dataDir: string): Promise<Array<[string, string]>> {
  const tables = (
    await queryDataFile<{ name: string }>(
      dataDir,
      TEST_STORE === 'postgres'
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
  ).map((t) => t.name);
  assert.ok(tables.includes('events') && tables.includes('learners'), `the tables found: ${tables.join(', ')}`);
  const out: Array<[string, string]> = [];
  for (const table of tables) {
    for (const row of await queryDataFile(dataDir, `SELECT * FROM "${table}"`)) {
      for (const [column, value] of Object.entries(row)) if (typeof value === 'string') out.push([`${table}.${column}`, value]);
    }
  }
  return out;
}

describe('a learner’s data on request', () => {
  let server: TestServer;
  let group: string;
  let oldEvent: Record<string, unknown>;
  /** An event stored before the erasure (and pseudonymised by it). */
  let storedEvent: Record<string, unknown>;
  before(async () => {
    server = await startTestServer({ config: { webhook: { url: 'http://127.0.0.1:9/hook', secret: 'w'.repeat(32), maxAttempts: 1000, retryBaseMs: 3_600_000 } } });
    const token = server.token(GONE, { name: GONE_NAME });
    // A tandem by invite with a contact note, an opt-in, a request to someone, a block, a report, forum replies, progress.
    const created = await server.command('partner', createInviteCommand());
    const code = CommandResponse.parse(created.json).result.code;
    const accepted = await server.request('/v1/commands', { token, body: { id: randomUUID(), course: TEST_COURSE, command: { type: 'invite.accept', code } } });
    assert.equal(accepted.status, 200, accepted.text);
    group = CommandResponse.parse(accepted.json).result.group!;
    const noted = await server.request('/v1/commands', { token, body: { id: randomUUID(), course: TEST_COURSE, command: { type: 'group.set-note', group, note: NOTE } } });
    assert.equal(noted.status, 200, noted.text);
    const profile = { objects: ['discuss'], modalities: ['email'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], note: NOTE };
    for (const [sub, t] of [[GONE, token], ['asked', server.token('asked')], ['pest', server.token('pest')]] as const) {
      const body = sub === GONE ? profile : { ...profile, note: `${sub}'s own note` };
      assert.equal((await server.request(`${COURSE_PATH}/me/profile`, { method: 'PUT', token: t, body })).status, 200, sub);
    }
    const sent = await server.request(`${COURSE_PATH}/requests`, { token, body: { id: randomUUID(), peer: 'asked', from: 'peers', objects: ['discuss'], modalities: ['email'] } });
    assert.equal(sent.status, 201, sent.text);
    assert.equal((await server.request(`${COURSE_PATH}/blocks/pest`, { method: 'PUT', token })).status, 204);
    const report = await server.request(`${COURSE_PATH}/reports`, { token, body: { id: randomUUID(), peer: 'pest', reason: 'spam', details: `from ${GONE_NAME}` } });
    assert.equal(report.status, 201, report.text);
    await server.request(`${COURSE_PATH}/forum-interactions`, { headers: PLATFORM, body: { interactions: [{ from: GONE, to: 'asked', count: 2 }] } });
    const time = server.clock.now().toISOString();
    await server.request(`${COURSE_PATH}/progress`, { headers: PLATFORM, body: { reports: [{ id: randomUUID(), learner: GONE, progress: 0.4, completed: false, time }] } });
    oldEvent = { id: randomUUID(), v: 1, type: 'invite.opened', time, course: TEST_COURSE, learner: GONE, invite: CommandResponse.parse(created.json).result.invite };
    storedEvent = { ...oldEvent, id: randomUUID(), type: 'invite.link-shared', channel: 'copy' };
    assert.equal((await server.request('/v1/events', { token, body: { events: [storedEvent] } })).status, 200);
    server.clock.advance(60_000);
  });
  after(async () => {
    await server.dispose();
    // The server started again on the first one's folder does not own it.
    rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('exports every record naming the learner, to the platform only', async () => {
    assert.equal((await server.request(`/v1/learners/${GONE}/export`)).status, 401);
    assert.equal((await server.request(`/v1/learners/${GONE}/export`, { token: server.token(GONE) })).status, 401, 'a learner’s own token is not the platform');
    const res = await server.request(`/v1/learners/${GONE}/export`, { headers: PLATFORM });
    assert.equal(res.status, 200, res.text);
    const data = LearnerExport.parse(res.json);
    assert.equal(data.name, GONE_NAME);
    assert.deepEqual(data.courses, [TEST_COURSE]);
    assert.equal(data.profiles.length, 1);
    assert.deepEqual(data.memberships.map((m) => [m.group, m.relationship, m.note, m.leftAt]), [[group, 'friend', NOTE, null]]);
    assert.deepEqual(data.invites.map((i) => [i.role, i.status]), [['invitee', 'accepted']]);
    assert.deepEqual(data.requests.map((r) => [r.role, r.peer, r.status]), [['sender', 'asked', 'pending']]);
    assert.deepEqual(data.blocks.map((b) => b.blocked), ['pest']);
    assert.deepEqual(data.reports.map((r) => [r.peer, r.reason, r.details]), [['pest', 'spam', `from ${GONE_NAME}`]]);
    assert.deepEqual(data.forumInteractions, [{ course: TEST_COURSE, with: 'asked', count: 2 }]);
    assert.deepEqual(
      data.events.map((e) => (e as { type: string }).type),
      ['invite.accepted', 'peer.opted-in', 'request.sent', 'learner.progress', 'invite.link-shared'],
    );
  });

  it('erases the learner: groups left through events, nothing left naming them, the counts still true', async () => {
    assert.equal((await server.request(`/v1/learners/${GONE}`, { method: 'DELETE', token: server.token(GONE) })).status, 401);
    const res = await server.request(`/v1/learners/${GONE}`, { method: 'DELETE', headers: PLATFORM });
    assert.equal(res.status, 200, res.text);
    const answer = ErasureAnswer.parse(res.json);
    assert.equal(answer.groupsLeft, 1);
    assert.ok(answer.eventsPseudonymised >= 6, `${answer.eventsPseudonymised} events`);

    // Not a trace of their id, name or note anywhere in the database.
    for (const [where, text] of await everyText(server.dataDir)) {
      for (const secret of [GONE, 'Zéphyrine', 'zeph-handle']) assert.ok(!text.includes(secret), `${where} still holds ${secret}: ${text.slice(0, 200)}`);
    }
    // Their partner's tandem was dissolved, as if they had left.
    const partner = LearnerState.parse((await server.request(`${COURSE_PATH}/state`, { token: server.token('partner') })).json);
    assert.deepEqual(partner.groups, []);
    // The request they sent is cancelled; the learner they asked sees nothing pending.
    const asked = await server.request(`${COURSE_PATH}/requests`, { token: server.token('asked') });
    assert.deepEqual(asked.json.incoming, []);
    // The export is now empty.
    const data = LearnerExport.parse((await server.request(`/v1/learners/${GONE}/export`, { headers: PLATFORM })).json);
    assert.deepEqual([data.name, data.courses, data.memberships, data.invites, data.requests, data.events], [null, [], [], [], [], []]);
    // The course's counters: the group formed and then dissolved, one member left; and a rebuild agrees.
    const counters = () => queryDataFile(server.dataDir, 'SELECT course, key, n FROM stats_counters WHERE n <> 0 ORDER BY course, key');
    const c = Object.fromEntries(((await counters()) as Array<{ key: string; n: number }>).map((r) => [r.key, r.n]));
    assert.equal(c['groups.formed'], 1);
    assert.equal(c['groups.dissolved'], 1);
    assert.equal(c['members.left'], 1);
    assert.equal(c['persist:grouped:learners'], 1, 'their progress still counts, under the pseudonym');
    const before = await counters();
    await server.close();
    const store = openTestStore(server.dataDir);
    try {
      await store.rebuildStats();
    } finally {
      await store.close();
    }
    assert.deepEqual(await counters(), before);
    server = await startTestServer({ dataDir: server.dataDir, clock: server.clock });
  });

  it('refuses tokens issued before the erasure everywhere, so an open tab cannot put their name back', async () => {
    const before = server.token(GONE, { name: GONE_NAME }); // issued in the second of the erasure
    const refused = await server.request(`${COURSE_PATH}/state`, { token: before });
    assert.equal(refused.status, 401);
    assert.equal(refused.json.error.code, 'token_invalid');
    assert.equal((await server.request('/v1/events', { token: before, body: { events: [oldEvent] } })).status, 401);
    assert.deepEqual(await queryDataFile(server.dataDir, 'SELECT id FROM learners WHERE id = ?', GONE), []);
  });

  it('does not store again events their browser held from before, but does store what they do later', async () => {
    server.clock.advance(2000); // they sign in again: a new token
    const token = server.token(GONE, { name: GONE_NAME });
    const resent = await server.request('/v1/events', { token, body: { events: [oldEvent] } });
    assert.equal(resent.status, 200, resent.text);
    assert.deepEqual(resent.json, { stored: 0, duplicates: 1 });
    // One their browser sent before and resends (its answer lost): stored then, pseudonymised since, still a duplicate.
    const again = await server.request('/v1/events', { token, body: { events: [storedEvent] } });
    assert.deepEqual([again.status, again.json], [200, { stored: 0, duplicates: 1 }], again.text);
    const later = { ...oldEvent, id: randomUUID(), time: server.clock.now().toISOString() };
    server.clock.advance(1000);
    const fresh = await server.request('/v1/events', { token, body: { events: [{ ...later, time: server.clock.now().toISOString() }] } });
    assert.deepEqual(fresh.json, { stored: 1, duplicates: 0 }, 'a learner who comes back starts afresh');
    // The platform's progress report from before the erasure, resent, is not taken again either.
    const old = { id: randomUUID(), learner: GONE, progress: 0.4, completed: false, time: oldEvent.time };
    const resent2 = await server.request(`${COURSE_PATH}/progress`, { headers: PLATFORM, body: { reports: [old] } });
    assert.deepEqual(resent2.json, { stored: 0, duplicates: 1 });
  });

  it('erasing again, or someone unknown, answers the same and changes nothing else', async () => {
    const res = await server.request(`/v1/learners/nobody-here`, { method: 'DELETE', headers: PLATFORM });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual({ ...ErasureAnswer.parse(res.json), erasedAt: 'x' }, { learner: 'nobody-here', erasedAt: 'x', groupsLeft: 0, eventsPseudonymised: 0, recordsDeleted: 0, statementsVoided: 0 });
    assert.equal((await server.request(`/v1/learners/bad%40email.org`, { method: 'DELETE', headers: PLATFORM })).status, 200);

    // What each process reads again every few seconds: every tombstone, or those since a time (its incremental reload).
    const { erasedAt } = ErasureAnswer.parse(res.json);
    const read = async (since?: string) =>
      new Map((await server.app.store.transaction((tx) => tx.tombstones(since))).map((t) => [t.key, t.at]));
    const all = await read();
    assert.ok(all.has(tombstoneKey(GONE, TEST_SECRET)) && all.get(tombstoneKey('nobody-here', TEST_SECRET)) === erasedAt);
    const recent = await read(erasedAt);
    assert.deepEqual([recent.has(tombstoneKey('nobody-here', TEST_SECRET)), recent.has(tombstoneKey(GONE, TEST_SECRET))], [true, false]);
    assert.equal((await read(new Date(Date.parse(erasedAt) + 1).toISOString())).has(tombstoneKey('nobody-here', TEST_SECRET)), false);
  });
});

describe('erasing a learner whose events went to a Learning Record Store', () => {
  it('pseudonymises statements not sent yet and voids those the LRS has, in statements that name nobody', { timeout: 30_000 }, async () => {
    const lrs = await startTestLrs();
    const { dir, remove } = makeDataDir();
    const xapi = {
      url: lrs.url,
      auth: 'Basic dGFuZGVtOnNlY3JldA==',
      homePage: 'https://courses.example.org',
      activityBase: 'https://courses.example.org/tandem',
      vocabularyBase: 'https://tandem.example/xapi',
      maxAttempts: 50,
      retryBaseMs: 20,
    };
    const app = createServer({ config: testConfig(dir, { xapi }), xapi: { pollMs: 20, timeoutMs: 2000 } });
    try {
      const url = await app.listen(0, '127.0.0.1');
      const command = (sub: string, c: Record<string, unknown>) =>
        request(url, '/v1/commands', { token: learnerToken(sub, Date.now(), { name: GONE_NAME }), body: { id: randomUUID(), course: TEST_COURSE, command: c } });
      const created = CommandResponse.parse((await command('xapi-partner', createInviteCommand())).json);
      const accepted = await command(GONE, { type: 'invite.accept', code: created.result.code });
      assert.equal(accepted.status, 200, accepted.text);
      const joined = CommandResponse.parse(accepted.json).events[0]!.id;
      const until = async (what: string, check: () => boolean) => {
        for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
        assert.ok(check(), what);
      };
      await until('the join reaches the LRS', () => lrs.statements.has(joined));

      const erased = await request(url, `/v1/learners/${GONE}`, { method: 'DELETE', headers: PLATFORM });
      assert.equal(erased.status, 200, erased.text);
      assert.equal(ErasureAnswer.parse(erased.json).statementsVoided, 1, 'the join the LRS has; their leaving was not sent yet');
      const voiding = () => [...lrs.statements.values()].filter((s) => (s.verb as { id: string }).id === 'http://adlnet.gov/expapi/verbs/voided');
      await until('the voiding statement reaches the LRS', () => voiding().length === 1);
      const [statement] = voiding();
      assert.deepEqual(statement!.object, { objectType: 'StatementRef', id: joined });
      assert.deepEqual(xapiProblems(statement), []);
      // A copy of the join under a new id and the pseudonym, and their leaving (queued at the erasure) under the
      // pseudonym: the LRS keeps the record, about nobody; nothing sent after the erasure names them.
      await until('every statement is sent', () => lrs.statements.size === 5);
      const joins = [...lrs.statements.values()].filter((s) => (s.verb as { id: string }).id === 'http://activitystrea.ms/schema/1.0/join');
      assert.equal(joins.length, 2);
      assert.match((joins[1]!.actor as { account: { name: string } }).account.name, /^erased-/);
      const sentAfter = lrs.calls.filter((c) => c.statementId !== created.events[0]!.id && c.statementId !== joined).map((c) => c.body);
      for (const body of sentAfter) assert.ok(!body.includes(GONE), body);
      for (const [where, text] of await everyText(dir)) assert.ok(!text.includes(GONE), `${where} still holds their id`);
    } finally {
      await app.close();
      await lrs.close();
      remove();
    }
  });
});
