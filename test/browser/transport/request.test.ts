/**
 * The session's one generic call for part 2's lazy chunks (`TandemSessionApi.request`), and the routes
 * and reply checks those chunks build on it (src/transport/discovery.ts): the learner's token, a refresh
 * on 401, replies parsed with the given schema, typed failures (network, token_missing, bad_reply and the
 * endpoint's codes), PUT and DELETE with their 204s, and one request list for all the elements of a page.
 */
import { expect } from '@open-wc/testing';
import * as z from 'zod/mini';
import { MyDiscovery, PeersPage } from '../../../src/protocol/peers.js';
import { RequestAnswer, RequestList } from '../../../src/protocol/requests.js';
import { createIdbStore } from '../../../src/storage/key-value-store.js';
import { answerRequest, block, loadDiscovery, loadPeers, loadRequests, optOut, saveProfile, sendRequest } from '../../../src/transport/discovery.js';
import { createSession, type TandemSession } from '../../../src/transport/session.js';
import { createTokenProviderRegistry } from '../../../src/transport/token-provider-registry.js';
import { COURSE, FakeEndpoint, errorBody, expIn, json, makeToken, stateFor, uniqueEndpoint, until } from './fake-endpoint.js';

const opened: TandemSession[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.dispose();
});

const ID = '0b7b2f6e-3c1a-4d5e-9f00-1234567890ab';
const time = '2025-01-01T00:00:00Z';

function start(learner: string | null = 'alice', token = { value: learner && makeToken({ sub: learner, exp: expIn(3600) }) }) {
  const fake = new FakeEndpoint();
  const registry = createTokenProviderRegistry(() => token.value);
  const session = createSession({
    config: { endpoint: uniqueEndpoint(), course: COURSE },
    store: { store: createIdbStore(), memoryOnly: false },
    fetch: fake.fetch,
    registry,
    page: null,
    policy: { baseMs: 10, maxMs: 40 },
    random: () => 0.5,
    locks: navigator.locks,
  });
  opened.push(session);
  return { session, fake, token, registry };
}

async function signedIn(learner = 'alice') {
  const harness = start(learner);
  await harness.session.ready;
  await until(() => harness.session.snapshot().state !== null, 'state');
  return harness;
}

const Pong = z.object({ pong: z.number() });

describe('session.request', () => {
  it('calls v1/courses/{course}/{path} with the learner’s token and parses the reply with the schema given', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('GET ping?x=1', () => json(200, { pong: 1, extra: true }));
    const reply = await session.request('ping?x=1', Pong);
    expect(reply).to.deep.equal({ ok: true, value: { pong: 1 } });
    const [call] = fake.calls.filter((c) => c.route === 'course');
    expect(call!.token).to.equal(makeToken({ sub: 'alice', exp: JSON.parse(atob(call!.token!.split('.')[1]!)).exp }));
  });

  it('posts a body as JSON, or uses PUT and DELETE, a 204 reading as undefined', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('POST things', (call) => json(201, { pong: (call.body as { n: number }).n }));
    fake.course.set('PUT things/1', () => new Response(null, { status: 204 }));
    fake.course.set('DELETE things/1', () => new Response(null, { status: 204 }));
    expect(await session.request('things', Pong, { n: 7 })).to.deep.equal({ ok: true, value: { pong: 7 } });
    expect(await session.request('things/1', z.optional(z.string()), undefined, 'PUT')).to.deep.equal({ ok: true, value: undefined });
    expect(await session.request('things/1', z.optional(z.string()), undefined, 'DELETE')).to.deep.equal({ ok: true, value: undefined });
    expect(fake.calls.filter((c) => c.route === 'course').map((c) => c.key)).to.deep.equal(['POST things', 'PUT things/1', 'DELETE things/1']);
  });

  it('refreshes the token once on 401 and resends', async () => {
    const { session, fake, token } = await signedIn();
    const first = token.value!;
    fake.rejected.add(first);
    token.value = makeToken({ sub: 'alice', exp: expIn(3600), name: 'again' });
    fake.course.set('GET ping', () => json(200, { pong: 2 }));
    expect(await session.request('ping', Pong)).to.deep.equal({ ok: true, value: { pong: 2 } });
    expect(fake.calls.filter((c) => c.route === 'course').map((c) => c.token)).to.deep.equal([first, token.value]);
  });

  it('answers the endpoint’s refusal with its code, message, path and status', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('POST requests', () => json(409, errorBody('duplicate_request', 'already asked', 'peer')));
    expect(await session.request('requests', Pong, {})).to.include({ ok: false, code: 'duplicate_request', message: 'already asked', path: 'peer', status: 409 });
  });

  it('calls a reply the schema refuses bad_reply', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('GET ping', () => json(200, { pong: 'no' }));
    expect(await session.request('ping', Pong)).to.include({ ok: false, code: 'bad_reply', status: 200 });
  });

  it('without an answer: network, status 0, and the snapshot says offline until the next answer', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('GET ping', () => json(200, { pong: 3 }));
    fake.once((call) => (call.route === 'course' ? 'network' : undefined));
    expect(await session.request('ping', Pong)).to.include({ ok: false, code: 'network', status: 0 });
    expect(session.snapshot().offline).to.equal(true);
    expect((await session.request('ping', Pong)).ok).to.equal(true);
    expect(session.snapshot().offline).to.equal(false);
  });

  it('signed out: token_missing, and nothing is sent', async () => {
    const { session, fake } = start(null);
    await session.ready;
    expect(await session.request('ping', Pong)).to.include({ ok: false, code: 'token_missing', status: 0 });
    expect(fake.calls.filter((c) => c.route === 'course')).to.have.length(0);
  });
});

describe('part 2’s routes (discovery.ts)', () => {
  const item = {
    id: 'bob',
    name: 'Bob',
    objects: ['discuss'],
    modalities: ['email'],
    languages: ['fr'],
    score: 0.5,
    reasons: [{ code: 'availability', hours: 4, part: 'evening' }, { code: 'earlier-partner' }],
  };
  const peerRequest = {
    id: ID,
    peer: { id: 'bob', name: 'Bob' },
    relationship: 'this-mooc',
    objects: ['discuss'],
    modalities: ['email'],
    group: null,
    members: 0,
    status: 'pending',
    reasons: [],
    createdAt: time,
  };
  // Wire-valid replies: each is parsed with the protocol's own schema first, so the fixtures are the contract.
  const replies: [string, string, unknown, (session: TandemSession) => Promise<{ ok: boolean }>][] = [
    [
      'GET me/profile',
      'discovery',
      MyDiscovery.parse({ profile: null, options: { objects: ['discuss'], modalities: ['email'], city: false, pool: true }, pool: null }),
      loadDiscovery,
    ],
    ['GET peers?page=2', 'a page of peers', PeersPage.parse({ items: [item], page: 2, hasMore: false, total: 41 }), (s) => loadPeers(s, 2)],
    ['GET requests', 'the request list', RequestList.parse({ incoming: [peerRequest], outgoing: [], pendingOut: 0 }), loadRequests],
    [
      'POST requests',
      'a request sent',
      RequestAnswer.parse({ request: peerRequest, events: [{ id: ID, type: 'request.sent', learner: 'alice' }] }),
      (s) => sendRequest(s, { id: ID, peer: 'bob', from: 'peers', objects: ['discuss'], modalities: ['email'] }),
    ],
    [`POST requests/${ID}/accept`, 'an answer', RequestAnswer.parse({ request: { ...peerRequest, status: 'accepted' }, events: [] }), (s) => answerRequest(s, ID, 'accept')],
  ];
  for (const [key, what, value, call] of replies) {
    it(`${key}: ${what} the endpoint may answer is accepted as it is`, async () => {
      const { session, fake } = await signedIn();
      fake.course.set(key, () => json(200, value));
      const reply = (await call(session)) as { ok: true; value: unknown };
      expect(reply.ok).to.equal(true);
      expect(reply.value).to.deep.equal(value);
    });
  }

  const broken: [string, unknown, (session: TandemSession) => Promise<{ ok: boolean }>][] = [
    ['GET peers?page=0', { items: [{ ...item, objects: ['juggling'] }], hasMore: false }, (s) => loadPeers(s, 0)],
    ['GET peers?page=0', { items: [{ ...item, reasons: 'many' }], hasMore: false }, (s) => loadPeers(s, 0)],
    ['GET requests', { incoming: [{ ...peerRequest, id: '../../settings' }], outgoing: [] }, loadRequests],
    ['GET me/profile', { profile: { objects: [], modalities: [], languages: 'en', slots: [], utcOffsetMinutes: 0 }, options: { objects: [], modalities: [] }, pool: null }, loadDiscovery],
  ];
  for (const [key, value, call] of broken) {
    it(`${key}: a reply the elements could not use is a bad_reply (${JSON.stringify(value).slice(0, 60)}…)`, async () => {
      const { session, fake } = await signedIn();
      fake.course.set(key, () => json(200, value));
      expect(await call(session)).to.include({ ok: false, code: 'bad_reply' });
    });
  }

  it('PUT me/profile, DELETE me/profile and PUT blocks/{peer}: the right method and path, 204s accepted', async () => {
    const { session, fake } = await signedIn();
    const stored = { objects: ['discuss'], modalities: ['email'], languages: ['en'], utcOffsetMinutes: 0, slots: [3], optedInAt: time };
    fake.course.set('PUT me/profile', () => json(200, stored));
    fake.course.set('DELETE me/profile', () => new Response(null, { status: 204 }));
    fake.course.set('PUT blocks/b%C3%B6b%2F1', () => new Response(null, { status: 204 }));
    const { optedInAt: _, ...input } = stored;
    expect((await saveProfile(session, input as never)).ok).to.equal(true);
    expect((await optOut(session)).ok).to.equal(true);
    expect((await block(session, 'böb/1')).ok).to.equal(true);
    expect(fake.calls.filter((c) => c.route === 'course').map((c) => c.key)).to.deep.equal(['PUT me/profile', 'DELETE me/profile', 'PUT blocks/b%C3%B6b%2F1']);
    expect(fake.calls.find((c) => c.key === 'PUT me/profile')!.body).to.deep.equal(input);
  });

  it('one request list for all the elements of a page, fetched again once a request was sent', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('GET requests', () => json(200, { incoming: [], outgoing: [], pendingOut: 0 }));
    fake.course.set('POST requests', () => json(201, { request: peerRequest, events: [] }));
    await Promise.all([loadRequests(session), loadRequests(session), loadRequests(session)]);
    expect(fake.calls.filter((c) => c.key === 'GET requests')).to.have.length(1);
    await sendRequest(session, { id: ID, peer: 'bob', from: 'ask', objects: ['discuss'], modalities: ['email'] });
    await loadRequests(session);
    expect(fake.calls.filter((c) => c.key === 'GET requests')).to.have.length(2);
  });

  it('one list per learner: after a sign-out and another learner’s sign-in on the page, theirs is fetched, never the last one’s', async () => {
    const { session, fake, registry } = await signedIn();
    const sub = (call: { token: string | null }) => JSON.parse(atob(call.token!.split('.')[1]!)).sub as string;
    fake.course.set('GET requests', (call) => json(200, { incoming: [], outgoing: sub(call) == 'alice' ? [peerRequest] : [], pendingOut: 0 }));
    const alice = (await loadRequests(session)) as { ok: true; value: { outgoing: unknown[] } };
    expect(alice.value.outgoing).to.have.length(1);
    registry.set(() => makeToken({ sub: 'bob', exp: expIn(3600) }));
    await session.refresh();
    await until(() => session.snapshot().state?.learner.id === 'bob', "bob's state");
    const bob = (await loadRequests(session)) as { ok: true; value: { outgoing: unknown[] } };
    expect(bob.value.outgoing).to.deep.equal([]);
    expect(fake.calls.filter((c) => c.key === 'GET requests').map(sub)).to.deep.equal(['alice', 'bob']);
  });

  it('fetched again once the state counts other requests to answer (one arrived, seen at a state refresh)', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('GET requests', () => json(200, { incoming: [], outgoing: [], pendingOut: 0 }));
    await loadRequests(session);
    await loadRequests(session);
    expect(fake.calls.filter((c) => c.key === 'GET requests')).to.have.length(1);
    fake.states.set('alice', { ...stateFor('alice', new Date(Date.now() + 1000).toISOString()), incomingRequests: 1 });
    await session.refresh();
    expect(session.snapshot().state?.incomingRequests).to.equal(1);
    await loadRequests(session);
    expect(fake.calls.filter((c) => c.key === 'GET requests')).to.have.length(2);
  });

  it('a failed request list is not kept: the next element asks again', async () => {
    const { session, fake } = await signedIn();
    fake.course.set('GET requests', () => json(200, { incoming: [], outgoing: [], pendingOut: 0 }));
    fake.once((call) => (call.key === 'GET requests' ? 'network' : undefined));
    expect((await loadRequests(session)).ok).to.equal(false);
    await new Promise((r) => setTimeout(r, 0));
    expect((await loadRequests(session)).ok).to.equal(true);
  });
});
