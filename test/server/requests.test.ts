import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { LearnerState } from '../../src/protocol/api.js';
import { MyDiscovery, PeersPage } from '../../src/protocol/peers.js';
import { BlockList, MAX_PENDING_REQUESTS, PeerEvent, RequestAnswer, RequestList, StaffReport } from '../../src/protocol/requests.js';
import { WebhookNotification } from '../../src/protocol/webhooks.js';
import { queryDataFile, startTestServer, TEST_COURSE, TEST_PLATFORM_KEY, type TestServer } from '../helpers/server.js';

const COURSE_PATH = `/v1/courses/${encodeURIComponent(TEST_COURSE)}`;
const OTHER_COURSE = 'course-v1:Tandem+T100+2024';

function profile(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], ...extra };
}

function sendBody(peer: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: randomUUID(), peer, from: 'peers', objects: ['discuss'], modalities: ['email'], ...extra };
}

describe('tandem requests, blocks and reports', () => {
  let server: TestServer;
  before(async () => {
    // A webhook that nobody answers: notifications are queued in the database (their delivery has its own tests).
    server = await startTestServer({
      config: { webhook: { url: 'http://127.0.0.1:9/hook', secret: 'w'.repeat(32), maxAttempts: 1000, retryBaseMs: 3_600_000 } },
    });
  });
  after(() => server.dispose());

  const optIn = (sub: string, body: unknown = profile(), course = TEST_COURSE) =>
    server.request(`/v1/courses/${encodeURIComponent(course)}/me/profile`, { method: 'PUT', token: server.token(sub, { course }), body });
  const send = (sub: string, body: Record<string, unknown>) => server.request(`${COURSE_PATH}/requests`, { token: server.token(sub), body });
  const answer = (sub: string, id: string, action: 'accept' | 'decline' | 'cancel') =>
    server.request(`${COURSE_PATH}/requests/${id}/${action}`, { token: server.token(sub), body: {} });
  /** The learner opens a course page: the course knows them from then on. */
  const visit = async (...subs: string[]) => {
    for (const sub of subs) assert.equal((await server.request(`${COURSE_PATH}/state`, { token: server.token(sub) })).status, 200);
  };
  const list = async (sub: string) => RequestList.parse((await server.request(`${COURSE_PATH}/requests`, { token: server.token(sub) })).json);
  const state = async (sub: string) => LearnerState.parse((await server.request(`${COURSE_PATH}/state`, { token: server.token(sub) })).json);
  const peers = async (sub: string) => PeersPage.parse((await server.request(`${COURSE_PATH}/peers`, { token: server.token(sub) })).json);
  const recipientOf = (n: WebhookNotification): string | undefined => ('learner' in n ? n.learner : undefined);
  /** The one queued notification of `type` about `subject` (a request's or report's id): store-neutral, no insertion order needed. */
  const notificationAbout = async (type: string, subject: string): Promise<WebhookNotification> => {
    const all = (await queryDataFile<{ body: string }>(server.dataDir, 'SELECT body FROM webhook_deliveries WHERE type = ?', type)).map((r) =>
      WebhookNotification.parse(JSON.parse(r.body)),
    );
    const about = all.filter((n) => 'request' in n.data ? n.data.request === subject : 'report' in n.data && n.data.report === subject);
    assert.equal(about.length, 1, `one ${type} notification about ${subject}`);
    return about[0]!;
  };

  it('sends a request, the recipient sees who, why, what and how, accepts, and both are in one group with each other’s notes', async () => {
    await optIn('rq-ana', profile({ note: 'Quizzes on Monday evenings' }));
    await optIn('rq-ben');
    await server.request('/v1/courses/' + encodeURIComponent(TEST_COURSE) + '/forum-interactions', {
      headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
      body: { interactions: [{ from: 'rq-ana', to: 'rq-ben', count: 3 }] },
    });
    const sent = await send('rq-ana', sendBody('rq-ben'));
    assert.equal(sent.status, 201, sent.text);
    const { request, events } = RequestAnswer.parse(sent.json);
    assert.equal(request.status, 'pending');
    assert.equal(request.relationship, 'this-mooc');
    assert.equal(request.peer.id, 'rq-ben');
    assert.equal(events[0]!.type, 'request.sent');

    assert.equal((await state('rq-ben')).incomingRequests, 1);
    const incoming = (await list('rq-ben')).incoming;
    assert.equal(incoming.length, 1);
    assert.deepEqual(incoming[0]!.peer, { id: 'rq-ana', name: 'Rq-ana Test' });
    assert.deepEqual(incoming[0]!.objects, ['discuss']);
    assert.deepEqual(incoming[0]!.reasons[0], { code: 'forum', count: 3 });
    assert.ok(incoming[0]!.reasons.some((r) => r.code === 'availability'));
    assert.equal((await list('rq-ana')).pendingOut, 1);

    const accepted = await answer('rq-ben', request.id, 'accept');
    assert.equal(accepted.status, 200, accepted.text);
    const after = RequestAnswer.parse(accepted.json);
    assert.equal(after.request.status, 'accepted');
    assert.ok(after.request.group);
    assert.equal(after.events[0]!.type, 'request.accepted');

    // Strangers can now reach each other: a note set by one is shown to the other.
    await server.command('rq-ana', { type: 'group.set-note', group: after.request.group, note: 'ana@example.org' });
    const bens = await state('rq-ben');
    assert.equal(bens.incomingRequests, 0);
    const group = bens.groups.find((g) => g.id === after.request.group)!;
    assert.deepEqual(group.members.map((m) => [m.id, m.relationship]).sort(), [['rq-ana', 'this-mooc'], ['rq-ben', 'this-mooc']]);
    assert.equal(group.members.find((m) => m.id === 'rq-ana')!.note, 'ana@example.org');
    assert.equal((await list('rq-ana')).outgoing[0]!.status, 'accepted');

    // Events hold ids and codes only; notifications went to the right learner.
    const stored = await queryDataFile<{ body: string }>(server.dataDir, "SELECT body FROM events WHERE type LIKE 'request.%'");
    for (const row of stored) {
      PeerEvent.parse(JSON.parse(row.body));
      assert.doesNotMatch(row.body, /Quizzes|example\.org|"name"/);
    }
    const received = await notificationAbout('request.received', request.id);
    assert.equal(recipientOf(received), 'rq-ben');
    assert.equal(received.type === 'request.received' && received.data.from.id, 'rq-ana');
    const acceptedNote = await notificationAbout('request.accepted', request.id);
    assert.equal(recipientOf(acceptedNote), 'rq-ana');
  });

  it('a resend of the same request answers it again; the same id with another body is id_conflict', async () => {
    await optIn('id-ana');
    await optIn('id-ben');
    const body = sendBody('id-ben');
    assert.equal((await send('id-ana', body)).status, 201);
    const again = await send('id-ana', body);
    assert.equal(again.status, 200, again.text);
    assert.equal(RequestAnswer.parse(again.json).request.id, body.id);
    assert.equal((await queryDataFile(server.dataDir, 'SELECT * FROM peer_requests WHERE id = ?', body.id)).length, 1);
    assert.equal((await queryDataFile(server.dataDir, "SELECT * FROM events WHERE type = 'request.sent' AND body LIKE ?", `%${body.id}%`)).length, 1);
    const conflict = await send('id-ana', { ...body, objects: ['mutual-help'] });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.json.error.code, 'id_conflict');
    const stolen = await send('id-ben', body);
    assert.equal(stolen.json.error.code, 'id_conflict');
  });

  it('refuses each bad request with a typed error', async () => {
    await optIn('rf-ana');
    await optIn('rf-ben');
    await send('rf-ana', sendBody('rf-ben'));
    const cases: Array<[label: string, sub: string, body: Record<string, unknown>, status: number, code: string, path?: string]> = [
      ['to oneself', 'rf-ana', sendBody('rf-ana'), 409, 'own_request', 'peer'],
      ['twice to the same learner', 'rf-ana', sendBody('rf-ben'), 409, 'duplicate_request', 'peer'],
      ['back while theirs waits', 'rf-ben', sendBody('rf-ana'), 409, 'duplicate_request', 'peer'],
      ['to a learner not opted in', 'rf-ana', sendBody('rf-nobody'), 404, 'peer_unavailable', 'peer'],
      ['from a learner not opted in', 'rf-out', sendBody('rf-ben'), 409, 'not_opted_in'],
      ['what the course does not offer', 'rf-ben', sendBody('rf-cat', { objects: ['discuss', 'nonsense'] }), 400, 'bad_request', 'objects.1'],
      ['into a group that is not theirs', 'rf-ana', sendBody('rf-cat', { group: randomUUID() }), 404, 'not_member', 'group'],
      ['without a peer', 'rf-ana', { ...sendBody('x'), peer: '' }, 400, 'bad_request', 'peer'],
      ['with an unknown origin', 'rf-ana', sendBody('rf-ben', { from: 'email' }), 400, 'bad_request', 'from'],
    ];
    await optIn('rf-cat');
    for (const [label, sub, body, status, code, path] of cases) {
      const res = await send(sub, body);
      assert.equal(res.status, status, `${label}: ${res.text}`);
      assert.equal(res.json.error.code, code, label);
      if (path !== undefined) assert.equal(res.json.error.path, path, label);
      assert.ok(res.json.error.message.length > 0, label);
    }
  });

  it('a forum button may ask anyone the course knows, opted in or not, as this-mooc; nobody else', async () => {
    const unknown = await send('ask-ana', sendBody('ask-ghost', { from: 'ask' }));
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(unknown.json.error.code, 'peer_unavailable');
    const email = await send('ask-ana', sendBody('ask-ghost@example.org', { from: 'ask' }));
    assert.equal(email.status, 400, 'never an email');
    assert.equal(email.json.error.path, 'peer');
    // Known to the course: named by the platform's forum interactions, or seen with a token for it.
    await server.request(`${COURSE_PATH}/forum-interactions`, {
      headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
      body: { interactions: [{ from: 'ask-cid', to: 'ask-dee' }] },
    });
    assert.equal((await send('ask-ana', sendBody('ask-cid', { from: 'ask' }))).status, 201);
    await visit('ask-ben');
    const res = await send('ask-ana', sendBody('ask-ben', { from: 'ask' }));
    assert.equal(res.status, 201, res.text);
    assert.equal(RequestAnswer.parse(res.json).request.relationship, 'this-mooc');
    // Ben never came by: until he does, his id stands for his name.
    assert.deepEqual((await list('ask-ana')).outgoing.find((r) => r.peer.id === 'ask-cid')!.peer, { id: 'ask-cid', name: 'ask-cid' });
    const incoming = (await list('ask-ben')).incoming;
    assert.equal(incoming[0]!.peer.name, 'Ask-ana Test');
    assert.deepEqual(incoming[0]!.reasons, []);
  });

  it(`stops at ${MAX_PENDING_REQUESTS} pending requests, and a cancelled one frees a place`, async () => {
    let first = '';
    await visit(...Array.from({ length: MAX_PENDING_REQUESTS }, (_, i) => `lim-${i}`), 'lim-over');
    for (let i = 0; i < MAX_PENDING_REQUESTS; i++) {
      const body = sendBody(`lim-${i}`, { from: 'ask' });
      if (i === 0) first = body.id as string;
      assert.equal((await send('lim-ana', body)).status, 201);
    }
    const over = await send('lim-ana', sendBody('lim-over', { from: 'ask' }));
    assert.equal(over.status, 409);
    assert.equal(over.json.error.code, 'request_limit');
    assert.equal((await answer('lim-ana', first, 'cancel')).status, 200);
    assert.equal((await send('lim-ana', sendBody('lim-over', { from: 'ask' }))).status, 201);
  });

  it('answers: decline and cancel close a request; a repeat answers the same; only its side may answer', async () => {
    await visit('an-ben');
    const a = RequestAnswer.parse((await send('an-ana', sendBody('an-ben', { from: 'ask' }))).json).request;
    assert.equal((await answer('an-ana', a.id, 'accept')).json.error.code, 'request_not_found');
    assert.equal((await answer('an-ben', a.id, 'cancel')).json.error.code, 'request_not_found');
    assert.equal((await answer('an-eve', a.id, 'decline')).json.error.code, 'request_not_found');
    const declined = await answer('an-ben', a.id, 'decline');
    assert.equal(RequestAnswer.parse(declined.json).request.status, 'declined');
    const repeat = await answer('an-ben', a.id, 'decline');
    assert.equal(repeat.status, 200);
    assert.deepEqual(RequestAnswer.parse(repeat.json).events, []);
    const late = await answer('an-ben', a.id, 'accept');
    assert.equal(late.status, 409);
    assert.equal(late.json.error.code, 'request_closed');
    assert.equal((await answer('an-ana', a.id, 'cancel')).json.error.code, 'request_closed');
    assert.equal((await answer('an-ana', 'not-a-uuid', 'cancel')).json.error.path, 'request');

    // A decline holds: no asking again at once, and no going round it by cancelling.
    const again = await send('an-ana', sendBody('an-ben', { from: 'ask' }));
    assert.equal(again.json.error.code, 'duplicate_request');
    server.clock.advance(31 * 86_400_000);
    const b = RequestAnswer.parse((await send('an-ana', sendBody('an-ben', { from: 'ask' }))).json).request;
    assert.equal(RequestAnswer.parse((await answer('an-ana', b.id, 'cancel')).json).request.status, 'cancelled');
    assert.equal((await list('an-ben')).incoming.length, 0);
  });

  it('a request into the sender’s group adds the recipient while there is room, and refuses a full group', async () => {
    await server.request(`${COURSE_PATH}/settings`, {
      method: 'PUT',
      headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
      body: { groupSize: 3, objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous', 'in-person-pair'], inviteLifetimeDays: 14 },
    });
    await visit('gr-ben', 'gr-cat', 'gr-dan', 'gr-eve');
    const notOffered = await send('gr-ana', sendBody('gr-ben', { from: 'ask', modalities: ['shared-documents'] }));
    assert.equal(notOffered.status, 422);
    assert.equal(notOffered.json.error.code, 'not_offered');
    assert.equal(notOffered.json.error.path, 'modalities.0');
    const first = RequestAnswer.parse((await send('gr-ana', sendBody('gr-ben', { from: 'ask' }))).json).request;
    const group = RequestAnswer.parse((await answer('gr-ben', first.id, 'accept')).json).request.group!;
    const toCat = RequestAnswer.parse((await send('gr-ana', sendBody('gr-cat', { from: 'ask', group }))).json).request;
    const toDan = RequestAnswer.parse((await send('gr-ben', sendBody('gr-dan', { from: 'ask', group }))).json).request;
    assert.equal(toCat.members, 2);
    assert.equal((await list('gr-cat')).incoming[0]!.group, group);
    assert.equal((await answer('gr-cat', toCat.id, 'accept')).status, 200);
    const full = await answer('gr-dan', toDan.id, 'accept');
    assert.equal(full.status, 409);
    assert.equal(full.json.error.code, 'group_full');
    const intoFull = await send('gr-ana', sendBody('gr-eve', { from: 'ask', group }));
    assert.equal(intoFull.json.error.code, 'group_full');
    const already = await send('gr-ana', sendBody('gr-cat', { from: 'ask' }));
    assert.equal(already.json.error.code, 'already_member');
    assert.equal((await state('gr-cat')).groups.find((g) => g.id === group)!.members.length, 3);
  });

  it('partners from an earlier course team up again as earlier-mooc', async () => {
    await server.request(`/v1/courses/${encodeURIComponent(OTHER_COURSE)}/state`, { token: server.token('ea-ben', { course: OTHER_COURSE }) });
    const earlier = RequestAnswer.parse(
      (await server.request(`/v1/courses/${encodeURIComponent(OTHER_COURSE)}/requests`, {
        token: server.token('ea-ana', { course: OTHER_COURSE }),
        body: sendBody('ea-ben', { from: 'ask' }),
      })).json,
    ).request;
    await server.request(`/v1/courses/${encodeURIComponent(OTHER_COURSE)}/requests/${earlier.id}/accept`, {
      token: server.token('ea-ben', { course: OTHER_COURSE }),
      body: {},
    });
    await optIn('ea-ana');
    await optIn('ea-ben');
    const listed = (await peers('ea-ana')).items[0]!;
    assert.equal(listed.id, 'ea-ben');
    assert.equal(listed.earlierPartner, true);
    const again = RequestAnswer.parse((await send('ea-ana', sendBody('ea-ben', { from: 'earlier' }))).json).request;
    assert.equal(again.relationship, 'earlier-mooc');
    assert.equal(again.reasons[0]!.code, 'earlier-partner');
  });

  it('blocking hides both from each other, cancels pending requests, refuses new ones, and can be undone', async () => {
    for (const sub of ['bl-ana', 'bl-ben', 'bl-cat']) await optIn(sub);
    const pending = RequestAnswer.parse((await send('bl-ben', sendBody('bl-ana'))).json).request;
    const blocked = await server.request(`${COURSE_PATH}/blocks/bl-ben`, { method: 'PUT', token: server.token('bl-ana') });
    assert.equal(blocked.status, 204, blocked.text);
    assert.equal((await server.request(`${COURSE_PATH}/blocks/bl-ben`, { method: 'PUT', token: server.token('bl-ana') })).status, 204);
    assert.ok(!(await peers('bl-ana')).items.some((p) => p.id === 'bl-ben'));
    assert.ok(!(await peers('bl-ben')).items.some((p) => p.id === 'bl-ana'));
    assert.ok((await peers('bl-ben')).items.some((p) => p.id === 'bl-cat'));
    assert.equal((await list('bl-ana')).incoming.length, 0);
    assert.equal((await list('bl-ben')).outgoing.find((r) => r.id === pending.id)!.status, 'cancelled');
    for (const [from, to] of [['bl-ana', 'bl-ben'], ['bl-ben', 'bl-ana']]) {
      const res = await send(from!, sendBody(to!, { from: 'ask' }));
      assert.equal(res.json.error.code, 'peer_unavailable', `${from} → ${to}`);
    }
    const mine = BlockList.parse((await server.request(`${COURSE_PATH}/blocks`, { token: server.token('bl-ana') })).json);
    assert.deepEqual(mine.blocked.map((b) => b.id), ['bl-ben']);
    assert.equal((await server.request(`${COURSE_PATH}/blocks/bl-ana`, { method: 'PUT', token: server.token('bl-ana') })).json.error.code, 'bad_request');

    assert.equal((await server.request(`${COURSE_PATH}/blocks/bl-ben`, { method: 'DELETE', token: server.token('bl-ana') })).status, 204);
    assert.ok((await peers('bl-ana')).items.some((p) => p.id === 'bl-ben'));
    assert.equal((await send('bl-ben', sendBody('bl-ana'))).status, 201);
  });

  it('a report reaches staff by API and webhook, may block too, is idempotent, and staff can hide a note', async () => {
    await optIn('rp-ana');
    await optIn('rp-ben', profile({ note: 'Rude words here' }));
    const body = { id: randomUUID(), peer: 'rp-ben', reason: 'inappropriate-note', details: '  Offensive note  ', block: true };
    const reports = (key?: string) =>
      server.request(`${COURSE_PATH}/reports`, key === undefined ? {} : { headers: { 'x-tandem-platform-key': key } });
    const first = await server.request(`${COURSE_PATH}/reports`, { token: server.token('rp-ana'), body });
    assert.equal(first.status, 201, first.text);
    assert.equal((await server.request(`${COURSE_PATH}/reports`, { token: server.token('rp-ana'), body })).status, 200);
    const conflict = await server.request(`${COURSE_PATH}/reports`, { token: server.token('rp-ana'), body: { ...body, reason: 'spam' } });
    assert.equal(conflict.json.error.code, 'id_conflict');
    const email = await server.request(`${COURSE_PATH}/reports`, { token: server.token('rp-ana'), body: { ...body, id: randomUUID(), peer: 'ben@example.org' } });
    assert.equal(email.status, 400);
    assert.equal(email.json.error.path, 'peer');
    const emailBlock = await server.request(`${COURSE_PATH}/blocks/ben%40example.org`, { method: 'PUT', token: server.token('rp-ana') });
    assert.equal(emailBlock.status, 400);
    assert.equal(emailBlock.json.error.path, 'peer');
    const self = await server.request(`${COURSE_PATH}/reports`, { token: server.token('rp-ana'), body: { ...body, id: randomUUID(), peer: 'rp-ana' } });
    assert.equal(self.json.error.code, 'bad_request');

    assert.equal((await reports()).status, 401);
    assert.equal((await reports('wrong-key-0123456789abcdef')).status, 403);
    const listed = (await reports(TEST_PLATFORM_KEY)).json.reports.map((r: unknown) => StaffReport.parse(r));
    assert.equal(listed.length, 1);
    assert.equal(listed[0].details, 'Offensive note');
    assert.equal(listed[0].reporter, 'rp-ana');
    const note = await notificationAbout('report.created', body.id);
    assert.equal(recipientOf(note), undefined);
    assert.equal(note.type === 'report.created' && note.data.peer, 'rp-ben');
    assert.ok(!(await peers('rp-ana')).items.some((p) => p.id === 'rp-ben'), 'blocked with the report');

    await optIn('rp-cat');
    assert.equal((await peers('rp-cat')).items.find((p) => p.id === 'rp-ben')!.note, 'Rude words here');
    const hide = (hidden: unknown, key = TEST_PLATFORM_KEY, who = 'rp-ben') =>
      server.request(`${COURSE_PATH}/peers/${who}/note-visibility`, { method: 'PUT', headers: { 'x-tandem-platform-key': key }, body: { hidden } });
    assert.equal((await hide(true)).status, 200);
    assert.equal((await peers('rp-cat')).items.find((p) => p.id === 'rp-ben')!.note, undefined);
    assert.equal((await hide('yes')).json.error.path, 'hidden');
    assert.equal((await hide(true, TEST_PLATFORM_KEY, 'rp-nobody')).status, 404);
    assert.equal((await hide(false)).status, 200);
    assert.equal((await peers('rp-cat')).items.find((p) => p.id === 'rp-ben')!.note, 'Rude words here');
  });

  it('GET me/profile gives the profile, the course’s options and no pool outcome yet; a course may switch cities off', async () => {
    const before = MyDiscovery.parse((await server.request(`${COURSE_PATH}/me/profile`, { token: server.token('mp-ana') })).json);
    assert.equal(before.profile, null);
    assert.equal(before.pool, null);
    assert.equal(before.options.pool, true);
    await optIn('mp-ana');
    const after = MyDiscovery.parse((await server.request(`${COURSE_PATH}/me/profile`, { token: server.token('mp-ana') })).json);
    assert.deepEqual(after.profile!.languages, ['fr']);

    const course = 'course-v1:Tandem+NoCity+2025';
    const put = (settings: Record<string, unknown>) =>
      server.request(`/v1/courses/${encodeURIComponent(course)}/settings`, {
        method: 'PUT',
        headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
        body: { groupSize: 2, objects: ['discuss'], modalities: ['email', 'in-person-pair'], inviteLifetimeDays: 14, ...settings },
      });
    const get = async () =>
      MyDiscovery.parse((await server.request(`/v1/courses/${encodeURIComponent(course)}/me/profile`, { token: server.token('mp-ana', { course }) })).json);
    assert.equal((await put({})).status, 200);
    assert.equal((await get()).options.city, true);
    assert.equal((await put({ city: false })).status, 200);
    assert.equal((await get()).options.city, false);
    const refused = await optIn('mp-ana', profile({ objects: ['discuss'], modalities: ['in-person-pair'], city: 'Lyon' }), course);
    assert.equal(refused.status, 422);
    assert.equal(refused.json.error.path, 'city');
    // The part-1 state keeps its part-1 settings shape.
    const s = await server.request(`/v1/courses/${encodeURIComponent(course)}/state`, { token: server.token('mp-ana', { course }) });
    assert.deepEqual(Object.keys(s.json.settings).sort(), ['groupSize', 'inviteLifetimeDays', 'modalities', 'objects']);
  });

  it('a block holds inside groups too: nobody is asked into, or joins, a group with someone blocked either way', async () => {
    await visit('bg-ana', 'bg-ben', 'bg-cat');
    const first = RequestAnswer.parse((await send('bg-ana', sendBody('bg-cat', { from: 'ask' }))).json).request;
    const group = RequestAnswer.parse((await answer('bg-cat', first.id, 'accept')).json).request.group!;
    const toBen = RequestAnswer.parse((await send('bg-ana', sendBody('bg-ben', { from: 'ask', group }))).json).request;
    // Cat blocks Ben after Ana asked him: Ben can no longer join Cat's group.
    await server.request(`${COURSE_PATH}/blocks/bg-ben`, { method: 'PUT', token: server.token('bg-cat') });
    const accept = await answer('bg-ben', toBen.id, 'accept');
    assert.equal(accept.json.error.code, 'request_closed');
    await answer('bg-ana', toBen.id, 'cancel');
    const again = await send('bg-ana', sendBody('bg-ben', { from: 'ask', group }));
    assert.equal(again.json.error.code, 'peer_unavailable');
  });

  it('at most 50 requests a day, whatever became of them', async () => {
    const peers = Array.from({ length: 51 }, (_, i) => `day-${i}`);
    await visit(...peers);
    for (const peer of peers.slice(0, 50)) {
      const sent = RequestAnswer.parse((await send('day-ana', sendBody(peer, { from: 'ask' }))).json).request;
      assert.equal((await answer('day-ana', sent.id, 'cancel')).status, 200);
    }
    const over = await send('day-ana', sendBody('day-50', { from: 'ask' }));
    assert.equal(over.json.error.code, 'request_limit');
    server.clock.advance(86_400_001);
    assert.equal((await send('day-ana', sendBody('day-50', { from: 'ask' }))).status, 201);
  });

  it('a course that switches cities off hides the cities already given, and a hidden note stays hidden after opting out and in', async () => {
    const course = 'course-v1:Tandem+CityOff+2025';
    const path = `/v1/courses/${encodeURIComponent(course)}`;
    const put = (settings: Record<string, unknown>) =>
      server.request(`${path}/settings`, {
        method: 'PUT',
        headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
        body: { groupSize: 2, objects: ['discuss'], modalities: ['email', 'in-person-pair'], inviteLifetimeDays: 14, ...settings },
      });
    await put({});
    const lyon = profile({ objects: ['discuss'], modalities: ['in-person-pair', 'email'], city: 'Lyon', note: 'Coffee at the library?' });
    assert.equal((await optIn('co-ana', lyon, course)).status, 200);
    assert.equal((await optIn('co-ben', lyon, course)).status, 200);
    const page = async () =>
      PeersPage.parse((await server.request(`${path}/peers`, { token: server.token('co-ana', { course }) })).json).items[0]!;
    assert.equal((await page()).city, 'Lyon');
    assert.ok((await page()).reasons.some((r) => r.code === 'same-city'));
    await put({ modalities: ['email'] });
    const after = await page();
    assert.equal(after.city, undefined);
    assert.deepEqual(after.modalities, ['email']);
    assert.ok(!after.reasons.some((r) => r.code === 'same-city'));

    const hide = await server.request(`${path}/peers/co-ben/note-visibility`, {
      method: 'PUT',
      headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY },
      body: { hidden: true },
    });
    assert.equal(hide.status, 200);
    await server.request(`${path}/me/profile`, { method: 'DELETE', token: server.token('co-ben', { course }) });
    await optIn('co-ben', profile({ objects: ['discuss'], modalities: ['email'], note: 'Coffee at the library?' }), course);
    assert.equal((await page()).note, undefined, 'opting out and in again does not undo staff moderation');
  });
});
