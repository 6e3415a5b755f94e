import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { countRows, queryDataFile, startTestServer, TEST_COURSE, type TestServer } from '../helpers/server.js';

function opened(learner: string, extra: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    v: 1,
    time: '2025-03-03T08:59:00.000Z',
    course: TEST_COURSE,
    learner,
    type: 'invite.opened',
    invite: randomUUID(),
    ...extra,
  };
}

describe('POST /v1/events', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('stores a JSON batch once, counting resent ids with the same body as duplicates', async () => {
    const batch = [opened('alice'), opened('alice', { type: 'invite.link-shared', channel: 'copy' })];
    const first = await server.request('/v1/events', { token: server.token('alice'), body: { events: batch } });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.json, { stored: 2, duplicates: 0 });

    const fresh = opened('alice');
    const again = await server.request('/v1/events', { token: server.token('alice'), body: { events: [...batch, fresh, fresh] } });
    assert.deepEqual(again.json, { stored: 1, duplicates: 3 });
    const rows = await queryDataFile<{ id: string; source: string; learner: string }>(
      server.dataDir,
      "SELECT id, source, learner FROM events WHERE source = 'client' ORDER BY seq",
    );
    assert.deepEqual(rows.map((r) => r.id), [batch[0]!.id, batch[1]!.id, fresh.id]);
  });

  it('stores nothing when one event fails, and reports every failing index', async () => {
    const before = await countRows(server.dataDir, 'events');
    const known = opened('bob');
    assert.equal((await server.request('/v1/events', { token: server.token('bob'), body: { events: [known] } })).status, 200);
    const batch = [
      opened('bob'),
      opened('bob', { type: 'invite.exploded' }),
      opened('alice'),
      opened('bob', { course: 'another-course' }),
      { ...known, time: '2025-03-03T08:00:00.000Z' },
      opened('bob', { time: 'yesterday' }),
    ];
    const refused = await server.request('/v1/events', { token: server.token('bob'), body: { events: batch } });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.error.code, 'invalid_events');
    assert.deepEqual(
      refused.json.failures.map((f: { index: number; code: string; path: string }) => [f.index, f.code, f.path]),
      [
        [1, 'bad_request', 'events.1.type'],
        [2, 'forbidden', 'events.2.learner'],
        [3, 'course_mismatch', 'events.3.course'],
        [4, 'id_conflict', 'events.4.id'],
        [5, 'bad_request', 'events.5.time'],
      ],
    );
    assert.equal(await countRows(server.dataDir, 'events'), before + 1, 'only the earlier, accepted event');
  });

  it('refuses two events of one batch sharing an id with different bodies', async () => {
    const one = opened('bob');
    const refused = await server.request('/v1/events', {
      token: server.token('bob'),
      body: { events: [one, { ...one, invite: randomUUID() }] },
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.json.failures.map((f: { index: number }) => f.index), [1]);
  });

  it('accepts the sendBeacon form: text/plain JSON with the token in the body', async () => {
    const event = opened('chloe');
    const answer = await server.request('/v1/events', {
      rawBody: JSON.stringify({ token: server.token('chloe'), events: [event] }),
      contentType: 'text/plain;charset=UTF-8',
    });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json, { stored: 1, duplicates: 0 });
    const forged = await server.request('/v1/events', {
      rawBody: JSON.stringify({ token: server.token('chloe', { secret: 'not-the-secret-0123456789' }), events: [opened('chloe')] }),
      contentType: 'text/plain',
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.json.error.code, 'token_invalid');
    const tokenless = await server.request('/v1/events', { rawBody: JSON.stringify({ events: [opened('chloe')] }), contentType: 'text/plain' });
    assert.equal(tokenless.status, 400);
    assert.equal(tokenless.json.error.path, 'token');
  });

  it('requires a bearer token for the JSON form and refuses other media types', async () => {
    const missing = await server.request('/v1/events', { body: { events: [opened('alice')] } });
    assert.equal(missing.status, 401);
    assert.equal(missing.json.error.code, 'token_missing');
    const form = await server.request('/v1/events', {
      token: server.token('alice'),
      rawBody: 'events=1',
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 415);
    assert.equal(form.json.error.code, 'unsupported_media_type');
    const empty = await server.request('/v1/events', { token: server.token('alice'), body: { events: [] } });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.error.path, 'events');
  });
});
