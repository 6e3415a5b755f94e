import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FINISHED_MARKER, SEED_COURSE_SETTINGS, seedDemoCourse, SEED_WEEKS, type SeedOutcome } from '../../demo/course-simulation.js';
import { DEMO_COURSE, DEMO_ROSTER } from '../../demo/demo-routes.js';
import { demoSub, seedDemoDiscovery } from '../../demo/demo-seed.js';
import { EndpointCourseSettings, PeersPage } from '../../src/protocol/peers.js';
import { CourseStats } from '../../src/protocol/stats.js';
import { RELATIONSHIPS } from '../../src/core/typology.js';
import { makeDataDir, queryDataFile, startTestServer, testConfig, TEST_PLATFORM_KEY, TEST_STORE, TestClock, writeDataFile } from '../helpers/server.js';

const TODAY = new Date('2026-11-27T10:00:00.000Z');
const COURSE = { [DEMO_COURSE.id]: DEMO_COURSE.settings };

async function counts(dir: string) {
  const n = async (sql: string) => (await queryDataFile<{ n: number }>(dir, sql))[0]!.n;
  return {
    events: await n('SELECT COUNT(*) AS n FROM events'),
    commands: await n('SELECT COUNT(*) AS n FROM commands'),
    groups: await n('SELECT COUNT(*) AS n FROM groups'),
    learners: await n('SELECT COUNT(*) AS n FROM learners'),
  };
}

/** The demo course's settings row in the store (body and time written), or undefined when none was written. */
async function settingsRow(dir: string): Promise<{ body: string; updated_at: string } | undefined> {
  return (await queryDataFile<{ body: string; updated_at: string }>(dir, 'SELECT body, updated_at FROM course_settings WHERE course = ?', DEMO_COURSE.id))[0];
}

/**
 * Someone changes the demo course's settings, as anyone may on /instructor (here with the platform key):
 * groups of 2, few objects and modalities, everything withheld, pool matching every day. Answers the
 * settings the endpoint then serves.
 */
async function changeSettings(dir: string): Promise<EndpointCourseSettings> {
  const server = await startTestServer({ dataDir: dir, config: { courses: COURSE } });
  try {
    const path = `/v1/courses/${DEMO_COURSE.id}/settings`;
    const changed = { groupSize: 2, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 3, city: false, poolEveryHours: 24, suppressionThreshold: 100 };
    const put = await server.request(path, { method: 'PUT', headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY }, body: changed });
    assert.equal(put.status, 200, put.text);
    const answer = EndpointCourseSettings.parse((await server.request(path)).json);
    assert.deepEqual(answer, changed);
    return answer;
  } finally {
    await server.close();
  }
}

/** The demo course's settings as the endpoint serves them from the folder. */
async function settingsIn(dir: string): Promise<EndpointCourseSettings> {
  const server = await startTestServer({ dataDir: dir, config: { courses: COURSE } });
  try {
    return EndpointCourseSettings.parse((await server.request(`/v1/courses/${DEMO_COURSE.id}/settings`)).json);
  } finally {
    await server.close();
  }
}

/** The stats as the instructor's dashboard gets them from a server started afresh on the folder, at `at`. */
async function statsAt(dir: string, at: string): Promise<CourseStats> {
  const server = await startTestServer({ dataDir: dir, clock: new TestClock(Date.parse(at)), config: { courses: COURSE } });
  try {
    const answer = await server.request(`/v1/courses/${DEMO_COURSE.id}/stats`, { headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY } });
    assert.equal(answer.status, 200, answer.text);
    return CourseStats.parse(answer.json);
  } finally {
    await server.close();
  }
}

describe('npm run demo:seed-course', () => {
  const data = makeDataDir();
  // As `npm start` runs: no platform key configured (the seed's server makes its own).
  const config = testConfig(data.dir, { courses: COURSE, platformKey: null });
  let first: Extract<SeedOutcome, { status: 'seeded' }>;
  let stats: CourseStats;

  before(async () => {
    // Someone changed the demo course's settings before the first run: the seed puts the demo's back and runs.
    await changeSettings(data.dir);
    const outcome = await seedDemoCourse({ config, today: TODAY });
    assert.equal(outcome.status, 'seeded');
    first = outcome as typeof first;
    stats = await statsAt(data.dir, first.end);
  });
  after(() => data.remove());

  it('runs the course over the eight weeks before today’s week, quickly, through the endpoint', () => {
    assert.equal(first.start, '2026-09-28T00:00:00.000Z', 'the Monday eight weeks before the week of today');
    assert.equal(Date.parse(first.end) - Date.parse(first.start), SEED_WEEKS * 7 * 86_400_000 - 30 * 60_000);
    assert.ok(first.ms < 30_000, `took ${first.ms} ms`);
    assert.ok(first.tally.requests > 500, 'hundreds of HTTP requests');
    // The dashboard's answer the seed printed is the endpoint's own, as any later reader gets it.
    assert.deepEqual(stats, first.stats);
  });

  it('ran from the demo course’s own settings, put back first though someone had changed them', async () => {
    assert.equal(first.settingsReset, true);
    assert.deepEqual(await settingsIn(data.dir), SEED_COURSE_SETTINGS);
    assert.deepEqual(SEED_COURSE_SETTINGS, { ...DEMO_COURSE.settings, city: true, poolEveryHours: 0, suppressionThreshold: 5 });
    // Stored as the platform's PUT stores them: the demo's settings, the optional keys left to their defaults.
    assert.deepEqual(JSON.parse((await settingsRow(data.dir))!.body), DEMO_COURSE.settings);
    // Groups of 3 and every object and modality, as the run needs (the changed settings allowed pairs only).
    const size = (n: number) => stats.groups.bySize.find((b) => b.size === n)!.count;
    assert.ok(size(3)! > 0, `groups of 3: ${size(3)}`);
  });

  it('fills every figure of the dashboard at the default threshold', () => {
    assert.equal(stats.threshold, 5);
    assert.ok(first.learners >= 250 && first.learners <= 300, `${first.learners} learners`);
    assert.ok(stats.persistence.reported! >= 200, `${stats.persistence.reported} learners reported`);
    for (const code of RELATIONSHIPS) {
      const row = stats.typology.relationship.find((r) => r.code === code)!;
      assert.ok(row.count !== null && row.count >= 5, `${code}: ${row.count}`);
    }
    for (const list of [stats.typology.object, stats.typology.modality]) {
      for (const row of list) assert.ok(row.count !== null && row.count > 0, `${row.code}: ${row.count}`);
    }
    const size = (n: number) => stats.groups.bySize.find((b) => b.size === n)!.count;
    assert.ok(size(2)! > 0 && size(3)! > 0, `sizes 2: ${size(2)}, 3: ${size(3)}`);
    assert.ok(stats.groups.formed! >= 50, `${stats.groups.formed} groups`);
    assert.ok(stats.groups.dissolved! > 0, `dissolved: ${stats.groups.dissolved}`);
    assert.ok(stats.groups.membersLeft! > 0);
    assert.ok(stats.groups.learnersGrouped! >= 100);
    // Every whole week of the run, from its first Monday (the week in progress when it ended may be left out).
    const weeks = stats.weekly.map((w) => w.week);
    for (let i = 0; i < SEED_WEEKS - 1; i++) {
      const monday = new Date(Date.parse(first.start) + i * 7 * 86_400_000).toISOString().slice(0, 10);
      assert.ok(weeks.includes(monday), `week of ${monday} in ${weeks.join(', ')}`);
    }
    assert.ok(stats.weekly.filter((w) => (w.groupsFormed ?? 0) > 0).length >= 5, JSON.stringify(stats.weekly));

    const { invites, requests, pool } = stats.funnels;
    assert.ok(invites.created! > invites.opened! && invites.opened! > invites.accepted! && invites.accepted! > 0, JSON.stringify(invites));
    assert.ok(invites.medianHoursToAccept! > 0);
    assert.ok(requests.sent! > requests.accepted! && requests.accepted! > 0, JSON.stringify(requests));
    assert.ok(pool.optedIn! > pool.matched! && pool.matched! > 0, JSON.stringify(pool));

    const rate = (key: string) => {
      const row = stats.persistence.rows.find((r) => r.key === key)!;
      assert.ok(row.learners && row.completed !== null, `${key} shown`);
      return row.completed / row.learners;
    };
    assert.ok(rate('grouped') > rate('alone') + 0.1, `grouped ${rate('grouped')} vs alone ${rate('alone')}`);
  });

  it('made up its learners: seeded ids, names from a list, never an email', async () => {
    const seeded = await queryDataFile<{ id: string; name: string }>(data.dir, `SELECT id, name FROM learners WHERE id NOT IN (SELECT 'demo-' || value FROM ${TEST_STORE === 'postgres' ? 'json_array_elements_text(?::json)' : 'json_each(?)'})`, JSON.stringify(Object.keys(DEMO_ROSTER)));
    assert.ok(seeded.length >= 250);
    for (const { id, name } of seeded) {
      assert.match(id, /^demo-seed-\d{4}$/);
      assert.doesNotMatch(name, /@/);
    }
    assert.ok(new Set(seeded.map((l) => l.name)).size > 0.8 * seeded.length, 'names mostly differ');
    const stored = JSON.stringify(await queryDataFile(data.dir, 'SELECT body FROM events'));
    assert.doesNotMatch(stored, /@/);
  });

  it('leaves the demo roster’s discovery data as npm start writes it', async () => {
    const server = await startTestServer({ dataDir: data.dir, clock: new TestClock(TODAY.getTime()), config: { courses: COURSE } });
    try {
      assert.equal(await seedDemoDiscovery(server.app.store, TODAY), false, 'already written, by the seed');
      const path = `/v1/courses/${DEMO_COURSE.id}`;
      const token = server.token(demoSub('alice'), { course: DEMO_COURSE.id, name: 'Alice Martin' });
      const put = await server.request(`${path}/me/profile`, {
        method: 'PUT',
        token,
        body: { objects: ['discuss', 'mutual-help'], modalities: ['synchronous', 'email'], languages: ['fr', 'en'], utcOffsetMinutes: 60, slots: [3, 11] },
      });
      assert.equal(put.status, 200, put.text);
      const page = PeersPage.parse((await server.request(`${path}/peers`, { token })).json);
      // Seeded learners who opted in speak other languages: Alice's list is the README's.
      assert.deepEqual(page.items.map((p) => p.id).sort(), ['chloe', 'david', 'emma', 'farid'].map(demoSub));
      assert.equal(page.items[0]!.id, demoSub('emma'));
      assert.equal(page.items[0]!.earlierPartner, true);
    } finally {
      await server.close();
    }
  });

  it('says it is already seeded the second time, and changes nothing, the settings included', async () => {
    const before = await counts(data.dir);
    const row = await settingsRow(data.dir);
    const statsBefore = await statsAt(data.dir, first.end);
    const again = await seedDemoCourse({ config, today: new Date('2026-12-15T10:00:00.000Z') });
    assert.deepEqual({ status: again.status, settingsReset: again.settingsReset }, { status: 'already-seeded', settingsReset: false });
    assert.deepEqual(await counts(data.dir), before);
    // Not even written again (the time of the row would change).
    assert.deepEqual(await settingsRow(data.dir), row);
    assert.deepEqual(await statsAt(data.dir, first.end), statsBefore);
  });

  it('puts changed settings back on a seeded store, and only those', async () => {
    const statsBefore = await statsAt(data.dir, first.end);
    await changeSettings(data.dir);
    const before = await counts(data.dir);
    const again = await seedDemoCourse({ config, today: TODAY });
    assert.deepEqual({ status: again.status, settingsReset: again.settingsReset }, { status: 'already-seeded', settingsReset: true });
    assert.deepEqual(await settingsIn(data.dir), SEED_COURSE_SETTINGS);
    assert.deepEqual(await counts(data.dir), before);
    // At the demo's threshold again, the figures are those shown before.
    assert.deepEqual(await statsAt(data.dir, first.end), statsBefore);
    const row = await settingsRow(data.dir);
    const third = await seedDemoCourse({ config, today: TODAY });
    assert.equal(third.settingsReset, false);
    assert.deepEqual(await settingsRow(data.dir), row);
  });

  it('refuses to add to a run that stopped half-way, and writes nothing, not even the settings', async () => {
    const changed = await changeSettings(data.dir);
    const row = await settingsRow(data.dir);
    // The finished marker gone, as if the process had stopped before its last report.
    assert.equal(await writeDataFile(data.dir, 'DELETE FROM events WHERE id = ?', FINISHED_MARKER), 1);
    const before = await counts(data.dir);
    await assert.rejects(seedDemoCourse({ config, today: TODAY }), /stopped half-way/);
    assert.deepEqual(await counts(data.dir), before);
    assert.deepEqual(await settingsRow(data.dir), row);
    assert.deepEqual(await settingsIn(data.dir), changed);
  });
});
