import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PeerProfile, PeersPage } from '../../src/protocol/peers.js';
import {
  createInviteCommand,
  queryDataFile,
  startTestServer,
  TEST_COURSE,
  TEST_PLATFORM_KEY,
  type TestServer,
} from '../helpers/server.js';

const COURSE_PATH = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
const OTHER_COURSE = 'course-v1:Tandem+T100+2024';

/** A profile every default course accepts: Monday evening, UTC, French. */
function profile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    objects: ['discuss', 'mutual-help'],
    modalities: ['email', 'synchronous'],
    languages: ['fr'],
    utcOffsetMinutes: 0,
    slots: [3],
    ...extra,
  };
}

describe('opt-in discovery: profiles and the ranked peers page', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  const optIn = (sub: string, body: unknown = profile(), course = TEST_COURSE) =>
    server.request(`/v1/courses/${encodeURIComponent(course)}/me/profile`, {
      method: 'PUT',
      token: server.token(sub, { course }),
      body,
    });
  const optOut = (sub: string) => server.request(`${COURSE_PATH}/me/profile`, { method: 'DELETE', token: server.token(sub) });
  const peers = (sub: string, page?: string) =>
    server.request(`${COURSE_PATH}/peers${page === undefined ? '' : `?page=${page}`}`, { token: server.token(sub) });
  const postInteractions = (body: unknown, key: string | null = TEST_PLATFORM_KEY) =>
    server.request(`${COURSE_PATH}/forum-interactions`, {
      body,
      ...(key === null ? {} : { headers: { 'x-tandem-platform-key': key } }),
    });

  it('opts in, answers the stored profile, and opting out removes the learner from others’ pages at once', async () => {
    const put = await optIn('op-ann', profile({ note: 'Evenings, in French', city: 'Lyon', modalities: ['in-person-pair'] }));
    assert.equal(put.status, 200, put.text);
    const stored = PeerProfile.parse(put.json);
    assert.equal(stored.note, 'Evenings, in French');
    assert.equal(stored.city, 'Lyon');
    assert.equal(stored.optedInAt, '2025-03-03T09:00:00.000Z');

    // An update keeps the first opt-in time.
    server.clock.advance(60_000);
    const updated = PeerProfile.parse((await optIn('op-ann', profile({ note: 'Mornings too' }))).json);
    assert.equal(updated.note, 'Mornings too');
    assert.equal(updated.city, undefined);
    assert.equal(updated.optedInAt, '2025-03-03T09:00:00.000Z');

    assert.equal((await optIn('op-ben')).status, 200);
    const before = PeersPage.parse((await peers('op-ben')).json);
    assert.ok(before.items.some((p) => p.id === 'op-ann'));

    const deleted = await optOut('op-ann');
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal(deleted.text, '');
    const afterOut = PeersPage.parse((await peers('op-ben')).json);
    assert.ok(!afterOut.items.some((p) => p.id === 'op-ann'));
    assert.equal((await queryDataFile(server.dataDir, 'SELECT * FROM peer_profiles WHERE learner = ?', 'op-ann')).length, 0);
    // The opted-out learner may no longer look either.
    assert.equal((await peers('op-ann')).json.error.code, 'not_opted_in');
    await optOut('op-ben');
  });

  it('refuses a learner who has not opted in with 409 not_opted_in', async () => {
    const answer = await peers('stranger');
    assert.equal(answer.status, 409, answer.text);
    assert.deepEqual(answer.json, {
      error: { code: 'not_opted_in', message: 'Opt in to be found before looking for study partners.', path: '' },
    });
  });

  it('refuses what the course does not offer with 422 not_offered', async () => {
    await server.request(`${COURSE_PATH}/settings`, {
      method: 'PUT',
      headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
      body: { groupSize: 2, objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous', 'in-person-pair'], inviteLifetimeDays: 14 },
    });
    const objects = await optIn('no-offer', profile({ objects: ['discuss', 'watch-videos'] }));
    assert.equal(objects.status, 422, objects.text);
    assert.equal(objects.json.error.code, 'not_offered');
    assert.equal(objects.json.error.path, 'objects.1');
    const modalities = await optIn('no-offer', profile({ modalities: ['social-network'] }));
    assert.equal(modalities.status, 422);
    assert.equal(modalities.json.error.path, 'modalities.0');
    assert.equal((await queryDataFile(server.dataDir, 'SELECT * FROM peer_profiles WHERE learner = ?', 'no-offer')).length, 0);
  });

  const badBodies: [string, unknown, string][] = [
    ['no languages', profile({ languages: [] }), 'languages'],
    ['six languages', profile({ languages: ['fr', 'en', 'de', 'es', 'it', 'pt'] }), 'languages'],
    ['a malformed language', profile({ languages: ['French'] }), 'languages.0'],
    ['a repeated language', profile({ languages: ['fr', 'fr'] }), 'languages'],
    ['an offset east of +14:00', profile({ utcOffsetMinutes: 841 }), 'utcOffsetMinutes'],
    ['a fractional offset', profile({ utcOffsetMinutes: 60.5 }), 'utcOffsetMinutes'],
    ['slot 28', profile({ slots: [28] }), 'slots.0'],
    ['no slots', profile({ slots: [] }), 'slots'],
    ['a repeated slot', profile({ slots: [3, 3] }), 'slots'],
    ['a note of 281 characters', profile({ note: 'x'.repeat(281) }), 'note'],
    ['an empty city', profile({ city: '', modalities: ['in-person-pair'] }), 'city'],
    ['a city without an in-person modality', profile({ city: 'Lyon' }), 'city'],
    ['no objects', profile({ objects: [] }), 'objects'],
    ['an unknown modality', profile({ modalities: ['carrier-pigeon'] }), 'modalities.0'],
    ['not an object', [], ''],
  ];
  for (const [what, body, path] of badBodies) {
    it(`refuses ${what} with 400 naming "${path}"`, async () => {
      const answer = await optIn('bad-body', body);
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.json.error.code, 'bad_request');
      assert.equal(answer.json.error.path, path);
    });
  }

  it('refuses a malformed page number', async () => {
    await optIn('pager');
    for (const page of ['-1', 'x', '', '1e3', '10001']) {
      const answer = await peers('pager', page);
      assert.equal(answer.status, 400, `page=${page}: ${answer.text}`);
      assert.equal(answer.json.error.path, 'page');
    }
    await optOut('pager');
  });

  it('ranks with reasons: forum interactions raise a peer, no shared language keeps one off, earlier partners come first', async () => {
    // Ida and Jo had a tandem in an earlier course on this endpoint.
    const otherToken = (sub: string) => server.token(sub, { course: OTHER_COURSE });
    const created = await server.request('/v1/commands', {
      token: otherToken('rk-ida'),
      body: { id: randomUUID(), course: OTHER_COURSE, command: createInviteCommand() },
    });
    assert.equal(created.status, 200, created.text);
    const accepted = await server.request('/v1/commands', {
      token: otherToken('rk-jo'),
      body: { id: randomUUID(), course: OTHER_COURSE, command: { type: 'invite.accept', code: created.json.result.code } },
    });
    assert.equal(accepted.status, 200, accepted.text);

    assert.equal((await optIn('rk-ida', profile({ languages: ['fr', 'en'] }))).status, 200);
    // Kim and Lou are alike; Lou has replied to Ida three times in the forum.
    assert.equal((await optIn('rk-kim', profile({ note: 'Hi!' }))).status, 200);
    assert.equal((await optIn('rk-lou')).status, 200);
    // Jo shares less (another object, another slot) but is Ida's earlier partner.
    assert.equal((await optIn('rk-jo', profile({ objects: ['discuss'], slots: [10], languages: ['en'] }))).status, 200);
    // Max speaks no language Ida speaks.
    assert.equal((await optIn('rk-max', profile({ languages: ['de'] }))).status, 200);

    const posted = await postInteractions({
      interactions: [
        { from: 'rk-lou', to: 'rk-ida', count: 2 },
        { from: 'rk-ida', to: 'rk-lou' },
      ],
    });
    assert.equal(posted.status, 200, posted.text);
    assert.deepEqual(posted.json, { stored: 2 });

    const answer = await peers('rk-ida');
    assert.equal(answer.status, 200, answer.text);
    const page = PeersPage.parse(answer.json);
    assert.deepEqual(page.items.map((p) => p.id), ['rk-jo', 'rk-lou', 'rk-kim']);
    assert.equal(page.total, 3);
    assert.equal(page.hasMore, false);
    assert.equal(page.page, 0);

    const [jo, lou, kim] = page.items;
    assert.deepEqual(jo!.reasons[0], { code: 'earlier-partner' });
    assert.deepEqual(lou!.reasons, [
      { code: 'forum', count: 3 },
      { code: 'objects', objects: ['discuss', 'mutual-help'] },
      { code: 'modalities', modalities: ['synchronous', 'email'] },
      { code: 'availability', hours: 6, part: 'evening' },
      { code: 'language', languages: ['fr'] },
    ]);
    assert.ok(lou!.score > kim!.score);
    assert.deepEqual(kim!.reasons.map((r) => r.code), ['objects', 'modalities', 'availability', 'language']);
    assert.equal(kim!.note, 'Hi!');
    assert.equal(kim!.name, 'Rk-kim Test');

    // Only the display name, note and coarse profile: no time zone, slots, opt-in time or email.
    for (const item of page.items) {
      assert.deepEqual(
        Object.keys(item).sort(),
        [
          'id',
          'languages',
          'modalities',
          'name',
          'objects',
          'reasons',
          'score',
          ...(item.note !== undefined ? ['note'] : []),
          ...(item.earlierPartner ? ['earlierPartner'] : []),
        ].sort(),
      );
    }
    assert.doesNotMatch(answer.text, /@|utcOffsetMinutes|slots|optedInAt/);

    // The pair is unordered: Lou sees the same three interactions with Ida.
    const lous = PeersPage.parse((await peers('rk-lou')).json);
    assert.deepEqual(lous.items.find((p) => p.id === 'rk-ida')!.reasons[0], { code: 'forum', count: 3 });
    for (const sub of ['rk-ida', 'rk-kim', 'rk-lou', 'rk-jo', 'rk-max']) await optOut(sub);
  });

  it('pages 20 at a time with hasMore', async () => {
    await optIn('pg-asker');
    for (let i = 0; i < 25; i++) assert.equal((await optIn(`pg-${String(i).padStart(2, '0')}`)).status, 200);
    const first = PeersPage.parse((await peers('pg-asker')).json);
    assert.equal(first.items.length, 20);
    assert.equal(first.hasMore, true);
    assert.equal(first.total, 25);
    const second = PeersPage.parse((await peers('pg-asker', '1')).json);
    assert.equal(second.items.length, 5);
    assert.equal(second.hasMore, false);
    assert.equal(second.page, 1);
    const all = [...first.items, ...second.items].map((p) => p.id);
    assert.equal(new Set(all).size, 25, 'no peer on two pages');
    assert.ok(!all.includes('pg-asker'), 'the asker is not listed');
  });

  describe('forum interactions from the platform', () => {
    it('answers 401 token_missing without the platform key and 403 forbidden with a wrong one', async () => {
      const body = { interactions: [{ from: 'fi-a', to: 'fi-b' }] };
      const missing = await postInteractions(body, null);
      assert.equal(missing.status, 401, missing.text);
      assert.equal(missing.json.error.code, 'token_missing');
      const wrong = await postInteractions(body, 'not-the-key');
      assert.equal(wrong.status, 403, wrong.text);
      assert.equal(wrong.json.error.code, 'forbidden');
      // A learner's token is no platform key.
      const learner = await server.request(`${COURSE_PATH}/forum-interactions`, { body, token: server.token('fi-a') });
      assert.equal(learner.status, 401);
      assert.equal((await queryDataFile(server.dataDir, "SELECT * FROM forum_interactions WHERE a LIKE 'fi-%'")).length, 0);
    });

    const refused: [string, unknown, string][] = [
      ['a same-learner pair', { interactions: [{ from: 'fi-a', to: 'fi-b' }, { from: 'fi-a', to: 'fi-a' }] }, 'interactions.1.to'],
      ['an empty list', { interactions: [] }, 'interactions'],
      ['1001 entries', { interactions: Array.from({ length: 1001 }, () => ({ from: 'fi-a', to: 'fi-b' })) }, 'interactions'],
      ['a zero count', { interactions: [{ from: 'fi-a', to: 'fi-b', count: 0 }] }, 'interactions.0.count'],
      ['an empty learner id', { interactions: [{ from: '', to: 'fi-b' }] }, 'interactions.0.from'],
    ];
    for (const [what, body, path] of refused) {
      it(`refuses ${what} as a whole with 400 naming "${path}"`, async () => {
        const answer = await postInteractions(body);
        assert.equal(answer.status, 400, answer.text);
        assert.equal(answer.json.error.path, path);
        assert.equal((await queryDataFile(server.dataDir, "SELECT * FROM forum_interactions WHERE a LIKE 'fi-%'")).length, 0);
      });
    }
  });
});
