import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import { mulberry32 } from '../../src/core/prng.js';
import { MODALITIES, OBJECTS, RELATIONSHIPS } from '../../src/core/typology.js';
import { PoolRun } from '../../src/protocol/pool.js';
import { CourseStats } from '../../src/protocol/stats.js';
import { buildStats } from '../../src/server/stats/stats-view.js';
import { SQLITE_MIGRATIONS } from '../../src/server/store/migrations.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/server/store/sqlite-store.js';
import { childServerEnv, createInviteCommand, makeDataDir, openTestStore, queryDataFile, REPO_ROOT, startTestServer, TEST_COURSE, TEST_PLATFORM_KEY, TEST_STORE, type TestServer } from '../helpers/server.js';

const COURSE_PATH = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
const PLATFORM = { 'x-tandem-platform-key': TEST_PLATFORM_KEY };
const HOUR = 3_600_000;

function profile(extra: Record<string, unknown> = {}) {
  return { objects: ['discuss'], modalities: ['synchronous'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], ...extra };
}

/** Drives the course through the API: invites, requests, leaving, progress reports. */
class Course {
  constructor(readonly server: TestServer) {}

  async settings(extra: Record<string, unknown>) {
    const res = await this.server.request(`${COURSE_PATH}/settings`, {
      method: 'PUT',
      headers: PLATFORM,
      body: { groupSize: 3, objects: ['discuss', 'mutual-help', 'encouragement', 'watch-videos'], modalities: ['email', 'synchronous', 'social-network'], inviteLifetimeDays: 14, ...extra },
    });
    assert.equal(res.status, 200, res.text);
  }

  /** `inviter` invites `invitee`, who accepts `hours` later; returns the group and the invite. */
  async invitePair(inviter: string, invitee: string, invite: Record<string, unknown>, hours = 0): Promise<{ group: string; invite: string }> {
    const created = await this.server.command(inviter, createInviteCommand(invite));
    assert.equal(created.status, 200, created.text);
    const { result } = CommandResponse.parse(created.json);
    this.server.clock.advance(hours * HOUR);
    const accepted = await this.server.command(invitee, { type: 'invite.accept', code: result.code });
    assert.equal(accepted.status, 200, accepted.text);
    return { group: CommandResponse.parse(accepted.json).result.group!, invite: result.invite! };
  }

  async createInvite(inviter: string, invite: Record<string, unknown> = {}): Promise<string> {
    const created = await this.server.command(inviter, createInviteCommand(invite));
    assert.equal(created.status, 200, created.text);
    return CommandResponse.parse(created.json).result.invite!;
  }

  async open(sub: string, invite: string) {
    const event = { id: randomUUID(), v: 1, type: 'invite.opened', time: this.server.clock.now().toISOString(), course: TEST_COURSE, learner: sub, invite };
    const res = await this.server.request('/v1/events', { token: this.server.token(sub), body: { events: [event] } });
    assert.equal(res.status, 200, res.text);
  }

  async requestPair(sender: string, recipient: string, body: Record<string, unknown> = {}): Promise<string> {
    for (const sub of [sender, recipient]) {
      const res = await this.server.request(`${COURSE_PATH}/me/profile`, { method: 'PUT', token: this.server.token(sub), body: profile() });
      assert.equal(res.status, 200, res.text);
    }
    const sent = await this.server.request(`${COURSE_PATH}/requests`, {
      token: this.server.token(sender),
      body: { id: randomUUID(), peer: recipient, from: 'peers', objects: ['discuss'], modalities: ['synchronous'], ...body },
    });
    assert.equal(sent.status, 201, sent.text);
    const accepted = await this.server.request(`${COURSE_PATH}/requests/${sent.json.request.id}/accept`, { token: this.server.token(recipient), body: {} });
    assert.equal(accepted.status, 200, accepted.text);
    return accepted.json.request.group as string;
  }

  async leave(sub: string, group: string) {
    const res = await this.server.command(sub, { type: 'group.leave', group });
    assert.equal(res.status, 200, res.text);
  }

  async progress(reports: Array<[learner: string, progress: number, completed: boolean]>) {
    const res = await this.server.request(`${COURSE_PATH}/progress`, {
      headers: PLATFORM,
      body: { reports: reports.map(([learner, progress, completed]) => ({ id: randomUUID(), learner, progress, completed, time: this.server.clock.now().toISOString() })) },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.stored, reports.length);
  }

  async stats(headers: Record<string, string> = PLATFORM): Promise<CourseStats> {
    const res = await this.server.request(`${COURSE_PATH}/stats`, { headers });
    assert.equal(res.status, 200, res.text);
    return CourseStats.parse(res.json);
  }
}

/** Every count of an answer with where it is, for checks over the whole view. */
function allCounts(stats: CourseStats): Array<[string, number | null]> {
  const out: Array<[string, number | null]> = [];
  const { groups, typology, funnels, persistence } = stats;
  for (const k of ['formed', 'active', 'dissolved', 'membersLeft', 'learnersGrouped'] as const) out.push([`groups.${k}`, groups[k]]);
  for (const s of groups.bySize) out.push([`size ${s.size}`, s.count]);
  for (const dim of ['relationship', 'object', 'modality'] as const) for (const c of typology[dim]) out.push([`${dim} ${c.code}`, c.count]);
  for (const row of typology.relationshipByObject) row.counts.forEach((n, i) => out.push([`rel×obj ${row.relationship} ${i}`, n]));
  for (const row of typology.relationshipByModality) row.counts.forEach((n, i) => out.push([`rel×mod ${row.relationship} ${i}`, n]));
  for (const w of stats.weekly) out.push([`week ${w.week}`, w.groupsFormed]);
  for (const [k, n] of Object.entries({ ...funnels.invites, ...funnels.requests, ...funnels.pool })) if (k !== 'medianHoursToAccept') out.push([`funnel ${k}`, n as number | null]);
  out.push(['persistence.reported', persistence.reported]);
  for (const r of persistence.rows) out.push([`persistence ${r.key} learners`, r.learners], [`persistence ${r.key} completed`, r.completed]);
  return out;
}

/** Lines of the answer with exactly one withheld value, entries and total together: it could be recovered by subtraction or addition. */
function recoverable(stats: CourseStats, weeksTotal?: number): string[] {
  const found: string[] = [];
  const check = (label: string, entries: Array<number | null>, total: number | null) => {
    if (entries.length > 0 && [...entries, total].filter((e) => e === null).length === 1) found.push(label);
  };
  const { typology: t, groups: g } = stats;
  const formed = g.formed;
  check('relationships', t.relationship.map((c) => c.count), formed);
  check('objects', t.object.map((c) => c.count), formed);
  check('modalities', t.modality.map((c) => c.count), formed);
  t.relationshipByObject.forEach((row, r) => check(`rel×obj row ${row.relationship}`, row.counts, t.relationship[r]!.count));
  t.relationshipByModality.forEach((row, r) => check(`rel×mod row ${row.relationship}`, row.counts, t.relationship[r]!.count));
  t.object.forEach((o, i) => check(`rel×obj column ${o.code}`, t.relationshipByObject.map((row) => row.counts[i]!), o.count));
  t.modality.forEach((m, i) => check(`rel×mod column ${m.code}`, t.relationshipByModality.map((row) => row.counts[i]!), m.count));
  const rel = (codes: string[]) => t.relationship.filter((c) => codes.includes(c.code)).map((c) => c.count);
  check('PCHM and invites accepted', rel(['family', 'friend', 'colleague', 'classmate']), stats.funnels.invites.accepted);
  check('PCDM and requests accepted', rel(['earlier-mooc', 'this-mooc']), stats.funnels.requests.accepted);
  check('sizes', g.bySize.map((s) => s.count), g.active);
  check('active + dissolved', [g.active, g.dissolved], formed);
  // The whole weeks' sum is known from an earlier answer (the groups formed at the week's end): take it as shown.
  if (weeksTotal !== undefined) check('weekly', stats.weekly.map((w) => w.groupsFormed), weeksTotal);
  const rows = new Map(stats.persistence.rows.map((r) => [r.key, r]));
  check('grouped + alone', [rows.get('grouped')!.learners, rows.get('alone')!.learners], stats.persistence.reported);
  const byRelationship = stats.persistence.rows.filter((r) => r.key !== 'grouped' && r.key !== 'alone');
  check('persistence by relationship', byRelationship.map((r) => r.learners), rows.get('grouped')!.learners);
  check('completed by relationship', byRelationship.map((r) => r.completed), rows.get('grouped')!.completed);
  check('grouped learners reported', [rows.get('grouped')!.learners], stats.groups.learnersGrouped);
  return found;
}

function assertSafe(stats: CourseStats, weeksTotal?: number): void {
  const small = (n: number) => n > 0 && n < stats.threshold;
  for (const [where, n] of allCounts(stats)) assert.ok(n === null || !small(n), `${where} shows ${n}, under the threshold ${stats.threshold}`);
  assert.deepEqual(recoverable(stats, weeksTotal), [], 'no withheld count can be recovered by subtraction');
  for (const r of stats.persistence.rows) {
    if (r.learners === null) assert.equal(r.meanProgress, null, `${r.key}: a mean beside a withheld count`);
    if (r.learners === null) assert.equal(r.completed, null, `${r.key}: completions beside withheld learners tell how they all did`);
    if (r.learners !== null && r.completed !== null) assert.ok(!small(r.learners - r.completed), `${r.key}: ${r.learners - r.completed} did not complete`);
  }
}

describe('the instructor’s stats on a known course (threshold 3)', () => {
  let server: TestServer;
  let course: Course;
  before(async () => {
    server = await startTestServer();
    course = new Course(server);
    await course.settings({ suppressionThreshold: 3 });

    // Three friend tandems from invites, accepted 1, 2 and 3 hours after they were made.
    const friend = { relationship: 'friend', objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'] };
    const friendInvites: string[] = [];
    for (let i = 1; i <= 3; i++) friendInvites.push((await course.invitePair(`f${i}a`, `f${i}b`, friend, i)).invite);
    // Three colleague tandems, accepted 4, 5 and 6 hours later, then each left by one member (and so dissolved).
    const colleague = { relationship: 'colleague', objects: ['encouragement'], modalities: ['email'] };
    for (let i = 1; i <= 3; i++) {
      const { group } = await course.invitePair(`c${i}a`, `c${i}b`, colleague, i + 3);
      await course.leave(`c${i}b`, group);
    }
    // Three invites never answered; three invites opened (the friends' ones, by their invitees).
    for (let i = 1; i <= 3; i++) await course.createInvite(`n${i}`);
    for (let i = 1; i <= 3; i++) await course.open(`f${i}b`, friendInvites[i - 1]!);
    // Three tandems met in the course, from requests (six learners opted in).
    for (let i = 1; i <= 3; i++) await course.requestPair(`t${i}a`, `t${i}b`);
    // Progress: friends done, colleagues at 20 %, half of the course's own pairs done at 50 %, four learners alone at 10 %.
    await course.progress([
      ...[1, 2, 3].flatMap((i): Array<[string, number, boolean]> => [[`f${i}a`, 1, true], [`f${i}b`, 1, true]]),
      ...[1, 2, 3].flatMap((i): Array<[string, number, boolean]> => [[`c${i}a`, 0.2, false], [`c${i}b`, 0.2, false]]),
      ...[1, 2, 3].flatMap((i): Array<[string, number, boolean]> => [[`t${i}a`, 0.5, true], [`t${i}b`, 0.5, false]]),
      ...[1, 2, 3, 4].map((i): [string, number, boolean] => [`alone${i}`, 0.1, false]),
    ]);
    server.clock.advance(7 * 24 * HOUR); // the weekly series shows whole weeks
  });
  after(() => server.dispose());

  it('answers every figure exactly', async () => {
    const stats = await course.stats();
    assert.equal(stats.threshold, 3);
    assert.deepEqual(stats.groups, {
      formed: 9,
      active: 6,
      dissolved: 3,
      bySize: [
        { size: 2, count: 6 },
        { size: 3, count: 0 },
        { size: 4, count: 0 },
        { size: 5, count: 0 },
        { size: 6, count: 0 },
      ],
      membersLeft: 3,
      learnersGrouped: 18,
    });
    const byCode = (list: Array<{ code: string; count: number | null }>) => Object.fromEntries(list.map((c) => [c.code, c.count]));
    assert.deepEqual(byCode(stats.typology.relationship), { family: 0, friend: 3, colleague: 3, classmate: 0, 'earlier-mooc': 0, 'this-mooc': 3 });
    assert.deepEqual(byCode(stats.typology.object), {
      'collective-activities': 0,
      'individual-activities': 0,
      'watch-videos': 0,
      discuss: 6,
      'mutual-help': 3,
      encouragement: 3,
    });
    assert.deepEqual(byCode(stats.typology.modality), {
      'in-person-pair': 0,
      'in-person-group': 0,
      'social-network': 0,
      synchronous: 6,
      email: 6,
      'shared-documents': 0,
    });
    const objects = stats.typology.object.map((o) => o.code);
    const modalities = stats.typology.modality.map((m) => m.code);
    const cross = (rows: CourseStats['typology']['relationshipByObject'], codes: string[]) =>
      Object.fromEntries(rows.map((r) => [r.relationship, Object.fromEntries(r.counts.map((n, i) => [codes[i], n]).filter(([, n]) => n !== 0))]));
    assert.deepEqual(cross(stats.typology.relationshipByObject, objects), {
      family: {},
      friend: { discuss: 3, 'mutual-help': 3 },
      colleague: { encouragement: 3 },
      classmate: {},
      'earlier-mooc': {},
      'this-mooc': { discuss: 3 },
    });
    assert.deepEqual(cross(stats.typology.relationshipByModality, modalities), {
      family: {},
      friend: { email: 3, synchronous: 3 },
      colleague: { email: 3 },
      classmate: {},
      'earlier-mooc': {},
      'this-mooc': { synchronous: 3 },
    });
    assert.deepEqual(stats.weekly, [{ week: '2025-03-03', groupsFormed: 9 }]);
    assert.deepEqual(stats.funnels, {
      invites: { created: 9, opened: 3, accepted: 6, medianHoursToAccept: 3.5 },
      requests: { sent: 3, accepted: 3 },
      pool: { optedIn: 6, matched: 0 },
    });
    const rows = Object.fromEntries(stats.persistence.rows.map(({ key, ...rest }) => [key, rest]));
    assert.equal(stats.persistence.reported, 22);
    assert.deepEqual(rows, {
      grouped: { learners: 18, completed: 9, meanProgress: 0.57 },
      alone: { learners: 4, completed: 0, meanProgress: 0.1 },
      family: { learners: 0, completed: 0, meanProgress: null },
      friend: { learners: 6, completed: 6, meanProgress: 1 },
      colleague: { learners: 6, completed: 0, meanProgress: 0.2 },
      classmate: { learners: 0, completed: 0, meanProgress: null },
      'earlier-mooc': { learners: 0, completed: 0, meanProgress: null },
      'this-mooc': { learners: 6, completed: 3, meanProgress: 0.5 },
    });
  });

  it('counts a learner’s latest report only, and a resent report once', async () => {
    const id = randomUUID();
    const report = { id, learner: 'alone1', progress: 0.4, completed: false, time: server.clock.now().toISOString() };
    for (const expected of [{ stored: 1, duplicates: 0 }, { stored: 0, duplicates: 1 }]) {
      const res = await server.request(`${COURSE_PATH}/progress`, { headers: PLATFORM, body: { reports: [report] } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, expected);
    }
    const alone = (await course.stats()).persistence.rows.find((r) => r.key === 'alone')!;
    assert.deepEqual(alone, { key: 'alone', learners: 4, completed: 0, meanProgress: 0.18 }, 'in whole percent');
  });

  it('refuses a resent report id with another body, storing nothing of its batch', async () => {
    const before = (await queryDataFile<{ n: number }>(server.dataDir, 'SELECT COUNT(*) AS n FROM events'))[0]!.n;
    const id = randomUUID();
    const time = server.clock.now().toISOString();
    assert.equal((await server.request(`${COURSE_PATH}/progress`, { headers: PLATFORM, body: { reports: [{ id, learner: 'x1', progress: 0.1, completed: false, time }] } })).status, 200);
    const res = await server.request(`${COURSE_PATH}/progress`, {
      headers: PLATFORM,
      body: { reports: [{ id: randomUUID(), learner: 'x2', progress: 0.1, completed: false, time }, { id, learner: 'x1', progress: 0.9, completed: true, time }] },
    });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.json.error.code, 'id_conflict');
    assert.equal(res.json.error.path, 'reports.1.id');
    assert.equal((await queryDataFile<{ n: number }>(server.dataDir, 'SELECT COUNT(*) AS n FROM events'))[0]!.n, before + 1);
  });

  it('refuses bad progress reports with the path of the fault', async () => {
    const time = server.clock.now().toISOString();
    const cases: Array<[unknown, string]> = [
      [{ reports: [] }, 'reports'],
      [{ reports: [{ id: randomUUID(), learner: 'x', progress: 1.5, completed: false, time }] }, 'reports.0.progress'],
      [{ reports: [{ id: 'nope', learner: 'x', progress: 0.5, completed: false, time }] }, 'reports.0.id'],
      [{ reports: [{ id: randomUUID(), learner: 'x', progress: 0.5, completed: 'yes', time }] }, 'reports.0.completed'],
    ];
    for (const [body, path] of cases) {
      const res = await server.request(`${COURSE_PATH}/progress`, { headers: PLATFORM, body });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.error.path, path, JSON.stringify(body));
    }
  });

  it('answers only the course’s staff: instructors, admins and the platform; 403 for a learner, 401 without a token', async () => {
    const instructor = await server.request(`${COURSE_PATH}/stats`, { token: server.token('prof', { role: 'instructor' }) });
    assert.equal(instructor.status, 200, instructor.text);
    assert.equal(instructor.headers.get('cache-control'), 'no-store');
    assert.equal((await server.request(`${COURSE_PATH}/stats`, { token: server.token('root', { role: 'admin' }) })).status, 200);
    const learner = await server.request(`${COURSE_PATH}/stats`, { token: server.token('f1a') });
    assert.equal(learner.status, 403);
    assert.equal(learner.json.error.code, 'forbidden');
    assert.equal((await server.request(`${COURSE_PATH}/stats`)).status, 401);
    const elsewhere = await server.request(`${COURSE_PATH}/stats`, { token: server.token('prof', { role: 'instructor', course: 'another-course' }) });
    assert.equal(elsewhere.status, 403, 'an instructor of another course');
    assert.equal((await server.request(`${COURSE_PATH}/progress`, { token: server.token('prof', { role: 'instructor' }), body: { reports: [] } })).status, 401, 'progress is server to server only');
    assert.equal((await server.request(`${COURSE_PATH}/progress`, { headers: { 'x-tandem-platform-key': 'wrong-key-0123456789' }, body: { reports: [] } })).status, 403);
  });

  it('never names a learner', async () => {
    const text = (await server.request(`${COURSE_PATH}/stats`, { headers: PLATFORM })).text;
    for (const sub of ['f1a', 'c2b', 't3a', 'alone1', 'Test']) assert.ok(!text.includes(sub), `${sub} appears in the answer`);
  });

  it('rebuilds from the stored events exactly the state and counters kept with each event', async () => {
    await server.close();
    const snapshot = async () => ({
      counters: await queryDataFile(server.dataDir, 'SELECT course, key, n FROM stats_counters WHERE n <> 0 ORDER BY course, key'),
      groups: await queryDataFile(server.dataDir, 'SELECT id, course, state FROM stats_groups ORDER BY id'),
      learners: await queryDataFile(server.dataDir, 'SELECT course, learner, state FROM stats_learners ORDER BY course, learner'),
      invites: await queryDataFile(server.dataDir, 'SELECT id, course, created_at, opened, accept_seconds FROM stats_invites ORDER BY id'),
      // What the last answer withheld survives a rebuild, so that the next answer keeps withholding it.
      withheld: await queryDataFile(server.dataDir, 'SELECT course, keys FROM stats_withheld ORDER BY course'),
    });
    const incremental = await snapshot();
    assert.ok(incremental.counters.length > 40);
    const store = openTestStore(server.dataDir);
    try {
      const read = await store.rebuildStats();
      assert.ok(read > 40, `read ${read} events`);
    } finally {
      await store.close();
    }
    assert.deepEqual(await snapshot(), incremental);

    // The same through the command a deployment runs.
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/stats/rebuild-stats.ts'], {
      cwd: REPO_ROOT,
      env: { ...childServerEnv(server.dataDir), TANDEM_DATA_DIR: server.dataDir },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /rebuilt the stats of .* from \d+ events in \d+ ms/);
    assert.deepEqual(await snapshot(), incremental);
  });
});

describe('upgrading a store', () => {
  it('turns opt-ins made before the peer.opted-in event into events, and counts them', { skip: TEST_STORE === 'postgres' ? 'upgrades an old SQLite file (PostgreSQL support came after that event)' : false }, async () => {
    const { dir, remove } = makeDataDir();
    try {
      // A store of the version before: the first five migrations, and an opt-in written as that version did (no event).
      const db = new Database(join(dir, SQLITE_FILE_NAME));
      for (const migration of SQLITE_MIGRATIONS.slice(0, 5)) db.exec(migration);
      db.pragma('user_version = 5');
      db.prepare('INSERT INTO peer_profiles (course, learner, profile, opted_in_at) VALUES (?, ?, ?, ?)').run(
        TEST_COURSE,
        'early',
        JSON.stringify({ objects: ['discuss'], modalities: ['email'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], autoMatch: true }),
        '2025-01-02T03:04:05.000Z',
      );
      db.close();
      const store = openSqliteStore(dir);
      const counters = await store.transaction((tx) => tx.statsCounters(TEST_COURSE));
      await store.close();
      assert.equal(counters.get('pool.optedIn'), 1);
      const [event] = await queryDataFile<{ id: string; body: string; time: string }>(dir, "SELECT id, body, time FROM events WHERE type = 'peer.opted-in'");
      assert.equal(event?.time, '2025-01-02T03:04:05.000Z');
      assert.deepEqual(JSON.parse(event!.body), {
        autoMatch: true,
        course: TEST_COURSE,
        id: event!.id,
        learner: 'early',
        time: '2025-01-02T03:04:05.000Z',
        type: 'peer.opted-in',
        v: 1,
      });
      assert.match(event!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      remove();
    }
  });
});

describe('withholding over the whole view, on random counters', () => {
  it('never shows a small count and leaves no line with one withheld count, over 500 random courses and their next answers', () => {
    const random = mulberry32(4);
    const keys = [
      ...RELATIONSHIPS.flatMap((r) => [`rel:${r}`, ...OBJECTS.map((o) => `relobj:${r}:${o}`), ...MODALITIES.map((m) => `relmod:${r}:${m}`)]),
      ...OBJECTS.map((o) => `obj:${o}`),
      ...MODALITIES.map((m) => `mod:${m}`),
      ...['groups.formed', 'groups.active', 'groups.dissolved', 'size:2', 'size:3', 'size:4', 'members.left', 'learners.grouped'],
      ...['week:2025-03-03', 'week:2025-03-10', 'week:2025-03-17', 'invites.created', 'invites.opened', 'invites.accepted'],
      ...['requests.sent', 'requests.accepted', 'pool.optedIn', 'pool.matched', 'persist.reported'],
      ...['grouped', 'alone', ...RELATIONSHIPS].flatMap((k) => [`persist:${k}:learners`, `persist:${k}:completed`, `persist:${k}:progress`]),
    ];
    for (let i = 0; i < 500; i++) {
      const threshold = 3 + Math.floor(random() * 5);
      const counters = new Map(keys.map((k) => [k, random() < 0.4 ? 0 : Math.floor(random() * 3 * threshold)]));
      let previouslyWithheld = new Set<string>();
      for (let answer = 0; answer < 2; answer++) {
        const { stats, withheld } = buildStats({ course: 'c', now: '2025-03-20T10:00:00Z', threshold, counters, medianAcceptSeconds: 3600, previouslyWithheld });
        assert.deepEqual(stats.weekly.map((w) => w.week), counters.get('week:2025-03-03')! > 0 ? ['2025-03-03', '2025-03-10'] : counters.get('week:2025-03-10')! > 0 ? ['2025-03-10'] : []);
        const weeksTotal = stats.weekly.reduce((sum, w) => sum + counters.get(`week:${w.week}`)!, 0);
        // A small sum of whole weeks was withheld when the last of them ended: an attacker does not know it.
        assertSafe(stats, weeksTotal > 0 && weeksTotal < threshold ? undefined : weeksTotal);
        previouslyWithheld = new Set(withheld);
        for (const k of keys) if (random() < 0.1) counters.set(k, counters.get(k)! + 1);
      }
    }
  });
});

describe('the projection, counter by counter', () => {
  let server: TestServer;
  let course: Course;
  before(async () => {
    server = await startTestServer({ runPoolJob: async (job) => (await import('../../src/server/pool/pool-worker.js')).runPoolJob(job) });
    course = new Course(server);
    await course.settings({ suppressionThreshold: 3 });
  });
  after(() => server.dispose());

  const counters = async () =>
    Object.fromEntries(
      (await queryDataFile<{ key: string; n: number }>(server.dataDir, 'SELECT key, n FROM stats_counters WHERE course = ? AND n <> 0 ORDER BY key', TEST_COURSE)).map((r) => [r.key, r.n]),
    );

  it('a trio: a third member joining by a second invite moves the group from size 2 to 3, counted once under each relationship', async () => {
    // Progress reported before the learners join anything: they count as alone until they do.
    await course.progress([['tri-a', 0.5, false], ['tri-c', 1, true]]);
    assert.equal((await counters())['persist:alone:learners'], 2);
    const { group } = await course.invitePair('tri-a', 'tri-b', { relationship: 'friend', objects: ['discuss'], modalities: ['email'] });
    const second = await server.command('tri-a', createInviteCommand({ relationship: 'family', objects: ['discuss'], modalities: ['email'], group }));
    assert.equal(second.status, 200, second.text);
    const accepted = await server.command('tri-c', { type: 'invite.accept', code: CommandResponse.parse(second.json).result.code });
    assert.equal(accepted.status, 200, accepted.text);
    const c = await counters();
    assert.equal(c['groups.formed'], 1);
    assert.equal(c['size:3'], 1);
    assert.equal(c['size:2'], undefined);
    assert.equal(c['rel:friend'], 1);
    assert.equal(c['rel:family'], 1, 'the group now carries both relationships');
    assert.equal(c['relobj:family:discuss'], 1);
    assert.equal(c['learners.grouped'], 3);
    assert.equal(c['invites.created'], 2);
    assert.equal(c['invites.accepted'], 2);
    // tri-a and tri-c moved from alone to grouped: tri-a under friend (their first group's), tri-c under family.
    assert.equal(c['persist:alone:learners'], undefined);
    assert.equal(c['persist:grouped:learners'], 2);
    assert.equal(c['persist:friend:learners'], 1);
    assert.equal(c['persist:family:learners'], 1);
    assert.equal(c['persist:family:completed'], 1);
    // Leaving a trio leaves an active pair.
    const left = await server.command('tri-b', { type: 'group.leave', group });
    assert.equal(left.status, 200, left.text);
    assert.deepEqual([(await counters())['size:3'], (await counters())['size:2'], (await counters())['members.left']], [undefined, 1, 1]);
  });

  it('a pool round: a trio formed by the pool, each member joining by this-mooc, learners matched once', async () => {
    const profile = { objects: ['discuss'], modalities: ['synchronous'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], autoMatch: true };
    for (const sub of ['pool-a', 'pool-b', 'pool-c', 'pool-d']) {
      const res = await server.request(`${COURSE_PATH}/me/profile`, { method: 'PUT', token: server.token(sub), body: profile });
      assert.equal(res.status, 200, res.text);
    }
    const before = await counters();
    const started = await server.request(`${COURSE_PATH}/pool-runs`, { headers: PLATFORM, body: { seed: 1 } });
    assert.equal(started.status, 202, started.text);
    let run: PoolRun | undefined;
    for (let i = 0; i < 200 && run?.status !== 'done'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      run = PoolRun.parse((await server.request(`${COURSE_PATH}/pool-runs/${started.json.id}`, { headers: PLATFORM })).json);
    }
    assert.equal(run?.status, 'done');
    assert.deepEqual([run.candidates, run.matched, run.unmatched, run.groups], [4, 3, 1, 1], 'the platform key gets the round’s counts: a trio and one left');
    const c = await counters();
    assert.equal(c['groups.formed']! - before['groups.formed']!, 1);
    assert.equal(c['size:3']! - (before['size:3'] ?? 0), 1);
    assert.equal(c['rel:this-mooc'], 1);
    assert.equal(c['pool.matched'], 3);
    assert.equal(c['pool.optedIn'], 4);

    // An instructor's token gets the round's progress, not its counts: matched = the funnel's 3 and candidates 4 would
    // give the one learner left unmatched.
    const seen = PoolRun.parse((await server.request(`${COURSE_PATH}/pool-runs/${started.json.id}`, { token: server.token('prof', { role: 'instructor' }) })).json);
    assert.equal(seen.status, 'done');
    assert.deepEqual([seen.candidates, seen.matched, seen.unmatched, seen.groups], [null, null, null, null]);
  });

  it('an invite opened on another course’s page counts nowhere', async () => {
    const invite = await course.createInvite('open-a');
    const before = (await counters())['invites.opened'];
    const event = { id: randomUUID(), v: 1, type: 'invite.opened', time: server.clock.now().toISOString(), course: 'another-course', learner: 'open-b', invite };
    const res = await server.request('/v1/events', { token: server.token('open-b', { course: 'another-course' }), body: { events: [event] } });
    assert.equal(res.status, 200, res.text);
    assert.equal((await counters())['invites.opened'], before);
    const other = await queryDataFile(server.dataDir, "SELECT key FROM stats_counters WHERE course = 'another-course' AND n <> 0");
    assert.deepEqual(other, []);
  });
});

describe('successive answers', () => {
  const answer = (counters: Record<string, number>, now: string, previouslyWithheld = new Set<string>()) =>
    buildStats({ course: 'c', now, threshold: 5, counters: new Map(Object.entries(counters)), medianAcceptSeconds: null, previouslyWithheld });

  it('keep a complement withheld while what it protects is small, even when another small count could protect it', () => {
    const first = { 'rel:family': 3, 'rel:friend': 6, 'rel:colleague': 7, 'groups.formed': 16 };
    const one = answer(first, '2025-03-20T10:00:00Z');
    assert.deepEqual(one.stats.typology.relationship.slice(0, 3).map((c) => c.count), [null, null, 7]);
    // A classmate tandem: afresh, family and classmate would protect each other and friend (6) be shown: 16 − 7 − 6.
    const next = { ...first, 'rel:classmate': 1, 'groups.formed': 17 };
    assert.deepEqual(
      answer(next, '2025-03-20T11:00:00Z', new Set(one.withheld)).stats.typology.relationship.slice(0, 4).map((c) => c.count),
      [null, null, 7, null],
    );
    const fresh = answer(next, '2025-03-20T11:00:00Z').stats.typology.relationship.slice(0, 4).map((c) => c.count);
    assert.deepEqual(fresh, [null, 6, 7, null], 'without the memory, friend is shown: the leak the memory closes');
  });

  it('show whole weeks only, and keep a small week’s complement when a later week is small too', () => {
    const weeks = { 'week:2025-03-03': 2, 'week:2025-03-10': 6, 'groups.formed': 8 };
    // In the second week, only the first is whole: it is small and its sum was withheld then too.
    assert.deepEqual(answer(weeks, '2025-03-12T10:00:00Z').stats.weekly, [{ week: '2025-03-03', groupsFormed: null }]);
    const third = answer({ ...weeks, 'week:2025-03-17': 9, 'groups.formed': 17 }, '2025-03-26T10:00:00Z');
    assert.deepEqual(third.stats.weekly.map((w) => w.groupsFormed), [null, null, 9]);
    const fourth = answer({ ...weeks, 'week:2025-03-17': 9, 'week:2025-03-24': 1, 'groups.formed': 18 }, '2025-04-01T10:00:00Z', new Set(third.withheld));
    assert.deepEqual(fourth.stats.weekly.map((w) => w.groupsFormed), [null, null, 9, null], 'week 2 stays withheld: 8 − 6 would give week 1');
  });
});

describe('withholding small counts (default threshold 5)', () => {
  let server: TestServer;
  let course: Course;
  before(async () => {
    server = await startTestServer();
    course = new Course(server);
    await course.settings({});
  });
  after(() => server.dispose());

  it('withholds counts under 5 and a complement in every line, over the whole view', async () => {
    // 2 family tandems, 6 friend tandems, 7 colleague tandems: family is small, friend its complement.
    const typology = (relationship: string) => ({ relationship, objects: ['discuss'], modalities: ['email'] });
    for (let i = 0; i < 2; i++) await course.invitePair(`fa${i}`, `fb${i}`, typology('family'));
    for (let i = 0; i < 6; i++) await course.invitePair(`ra${i}`, `rb${i}`, typology('friend'));
    for (let i = 0; i < 7; i++) await course.invitePair(`ca${i}`, `cb${i}`, typology('colleague'));
    const stats = await course.stats();
    assert.equal(stats.threshold, 5);
    const rel = Object.fromEntries(stats.typology.relationship.map((c) => [c.code, c.count]));
    assert.equal(rel.family, null, 'fewer than 5');
    assert.equal(rel.friend, null, 'the smallest count beside it, so that family = total − the rest cannot be worked out');
    assert.equal(rel.colleague, 7);
    assert.equal(stats.groups.formed, 15);
    assertSafe(stats);
    // The cross-tables withhold the same row margins: family's and friend's rows hold no single withheld cell.
    const discuss = stats.typology.object.findIndex((o) => o.code === 'discuss');
    assert.deepEqual(
      stats.typology.relationshipByObject.map((r) => r.counts[discuss]),
      [null, null, 7, 0, 0, 0],
    );
  });

  it('keeps withholding the same complement in the next answer, so comparing the two recovers nothing', async () => {
    // Colleague grows past friend: the smallest shown count beside family is now friend's 8 → colleague 7 would be
    // chosen afresh; the remembered complement (friend) is chosen again instead.
    for (let i = 6; i < 8; i++) await course.invitePair(`ra${i}`, `rb${i}`, { relationship: 'friend', objects: ['discuss'], modalities: ['email'] });
    const stats = await course.stats();
    const rel = Object.fromEntries(stats.typology.relationship.map((c) => [c.code, c.count]));
    assert.deepEqual([rel.family, rel.friend, rel.colleague], [null, null, 7]);
    assertSafe(stats);
  });

  it('withholds small funnels, sizes, weeks, medians and persistence rates, and the complements beside them', async () => {
    await course.createInvite('lonely');
    server.clock.advance(8 * 24 * HOUR); // next week: one more group, a week of 1
    await course.invitePair('late-a', 'late-b', { relationship: 'colleague', objects: ['discuss'], modalities: ['email'] });
    assert.deepEqual((await course.stats()).weekly.map((w) => w.week), ['2025-03-03'], 'the week in progress is not shown');
    server.clock.advance(7 * 24 * HOUR);
    await course.progress([
      ['fa0', 1, true],
      ['fb0', 1, true],
      ['ra0', 0.5, false],
      ['alone1', 0.3, false],
      ['alone2', 0.3, false],
    ]);
    const stats = await course.stats();
    assertSafe(stats, 18);
    assert.equal(stats.weekly.length, 2);
    assert.deepEqual(stats.weekly.map((w) => w.groupsFormed), [null, null], 'a week of 1 and its complement, the only other week');
    assert.equal(stats.persistence.reported, 5);
    const rows = Object.fromEntries(stats.persistence.rows.map(({ key, ...rest }) => [key, rest]));
    assert.deepEqual(rows.grouped, { learners: null, completed: null, meanProgress: null });
    assert.deepEqual(rows.alone, { learners: null, completed: null, meanProgress: null }, 'not "0 completed" beside two learners');
    assert.deepEqual(rows.family, { learners: null, completed: null, meanProgress: null });
  });

  it('refuses a threshold under 3, and lets an instructor set it, not a learner', async () => {
    const put = (token: string, threshold: number) =>
      server.request(`${COURSE_PATH}/settings`, {
        method: 'PUT',
        token,
        body: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 14, suppressionThreshold: threshold },
      });
    const low = await put(server.token('prof', { role: 'instructor' }), 2);
    assert.equal(low.status, 400);
    assert.equal(low.json.error.path, 'suppressionThreshold');
    assert.equal((await put(server.token('fa0'), 3)).status, 403);
    assert.equal((await put(server.token('prof', { role: 'instructor' }), 3)).status, 200);
    assert.equal((await course.stats()).threshold, 3);
  });
});
