import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_COURSE_SETTINGS } from '../../src/core/course-settings.js';
import { readCoursesFile } from '../../src/server/config.js';
import { makeDataDir, startTestServer, TEST_COURSE, TEST_PLATFORM_KEY, type TestServer } from '../helpers/server.js';

const FILE_SETTINGS = { groupSize: 4, objects: ['discuss', 'encouragement'], modalities: ['email'], inviteLifetimeDays: 10 };
/** Optional keys a course's settings leave out are answered with their defaults. */
const withDefaults = (settings: object) => ({ city: true, poolEveryHours: 0, suppressionThreshold: 5, ...settings });
const settingsPath = (course: string) => `/v1/courses/${encodeURIComponent(course)}/settings`;

describe('course settings', () => {
  let server: TestServer;
  const folder = makeDataDir();
  before(async () => {
    const file = join(folder.dir, 'courses.json');
    writeFileSync(file, JSON.stringify({ [TEST_COURSE]: { ...FILE_SETTINGS, title: 'Test course' } }));
    const read = readCoursesFile(file);
    assert.ok(read.ok);
    server = await startTestServer({ config: { courses: read.courses } });
  });
  after(async () => {
    await server.dispose();
    folder.remove();
  });

  it('serves the courses file’s settings (without the title), and defaults for other courses', async () => {
    const fromFile = await server.request(settingsPath(TEST_COURSE));
    assert.equal(fromFile.status, 200);
    assert.deepEqual(fromFile.json, withDefaults(FILE_SETTINGS));
    const other = await server.request(settingsPath('course-without-settings'));
    assert.deepEqual(other.json, withDefaults(DEFAULT_COURSE_SETTINGS));
  });

  it('refuses a PUT without the platform key (401) or with a wrong one (403)', async () => {
    const body = { ...FILE_SETTINGS, groupSize: 5 };
    const missing = await server.request(settingsPath(TEST_COURSE), { method: 'PUT', body });
    assert.equal(missing.status, 401);
    assert.equal(missing.json.error.code, 'token_missing');
    const wrong = await server.request(settingsPath(TEST_COURSE), { method: 'PUT', body, headers: { 'x-tandem-platform-key': 'not-the-key-0123456789' } });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json.error.code, 'forbidden');
    assert.deepEqual((await server.request(settingsPath(TEST_COURSE))).json, withDefaults(FILE_SETTINGS));
  });

  it('validates PUT bodies', async () => {
    const invalid = await server.request(settingsPath(TEST_COURSE), {
      method: 'PUT',
      body: { ...FILE_SETTINGS, groupSize: 7 },
      headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
    });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error.path, 'groupSize');
  });

  it('stores settings the platform PUTs, overriding the file, and enforces them', async () => {
    const online = { groupSize: 2, objects: ['mutual-help'], modalities: ['synchronous', 'email'], inviteLifetimeDays: 2 };
    const put = await server.request(settingsPath(TEST_COURSE), {
      method: 'PUT',
      body: online,
      headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((await server.request(settingsPath(TEST_COURSE))).json, withDefaults(online));

    const refused = await server.command('alice', { type: 'invite.create', relationship: 'friend', objects: ['discuss'], modalities: ['email'] });
    assert.equal(refused.status, 422);
    const accepted = await server.command('alice', { type: 'invite.create', relationship: 'friend', objects: ['mutual-help'], modalities: ['email'] });
    assert.equal(accepted.status, 200, accepted.text);
    assert.equal(accepted.json.state.invites[0].expiresAt, '2025-03-05T09:00:00.000Z');
    assert.deepEqual(accepted.json.state.settings, online, "a learner's state carries the part-1 settings only");
  });

  it('refuses the PUT route when no platform key is configured', async () => {
    const keyless = await startTestServer({ config: { platformKey: null } });
    try {
      const put = await keyless.request(settingsPath(TEST_COURSE), {
        method: 'PUT',
        body: FILE_SETTINGS,
        headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
      });
      assert.equal(put.status, 403);
    } finally {
      await keyless.dispose();
    }
  });
});
