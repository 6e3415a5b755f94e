import { expect } from '@open-wc/testing';
import type { Command } from '../../../src/protocol/api.js';
import { createIdbStore, openStore, type OpenedStore } from '../../../src/storage/key-value-store.js';
import { asideKey, learnerRecordKey } from '../../../src/storage/records.js';
import { createSession, disposeSessions, getSession, type SessionOptions, type TandemSession } from '../../../src/transport/session.js';
import { createTokenProviderRegistry, type TokenProviderRegistry } from '../../../src/transport/token-provider-registry.js';
import { COURSE, FakeEndpoint, errorBody, expIn, json, makeToken, stateFor, uniqueEndpoint, until } from './fake-endpoint.js';

const ISS = 'https://platform.test';
const CREATE: Command = { type: 'invite.create', relationship: 'friend', objects: ['discuss'], modalities: ['email'] };
const CODE = 'AbCdEfGhIjKlMnOpQrStUv-_';

const opened: TandemSession[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.dispose();
  disposeSessions();
});

interface Harness {
  session: TandemSession;
  fake: FakeEndpoint;
  page: EventTarget;
  registry: TokenProviderRegistry;
}

function start(
  options: { endpoint: string; fake?: FakeEndpoint; learner?: string | null; registry?: TokenProviderRegistry; store?: SessionOptions['store'] },
): Harness {
  const fake = options.fake ?? new FakeEndpoint();
  const learner = options.learner === undefined ? 'alice' : options.learner;
  const registry = options.registry ?? createTokenProviderRegistry(() => (learner ? makeToken({ sub: learner, exp: expIn(3600) }) : null));
  const page = new EventTarget();
  const session = createSession({
    config: { endpoint: options.endpoint, course: COURSE },
    store: options.store ?? { store: createIdbStore(), memoryOnly: false },
    fetch: fake.fetch,
    registry,
    page: { target: page, visibility: () => 'visible' },
    policy: { baseMs: 10, maxMs: 40 },
    random: () => 0.5,
    locks: navigator.locks,
  });
  opened.push(session);
  return { session, fake, page, registry };
}

describe('Session', () => {
  it('goes from loading to signed-in, caches the state, and shows it again after a reload without network', async () => {
    const endpoint = uniqueEndpoint();
    const first = start({ endpoint });
    expect(first.session.snapshot().status).to.equal('loading');
    await first.session.ready;
    await until(() => first.session.snapshot().state !== null, 'state from the endpoint');
    expect(first.session.snapshot().status).to.equal('signed-in');
    first.session.dispose();

    const fake = new FakeEndpoint();
    fake.down = true;
    const reload = start({ endpoint, fake });
    await reload.session.ready;
    await until(() => fake.networkFailures > 0, 'a failed refresh');
    const snap = reload.session.snapshot();
    expect(snap.state?.learner.id).to.equal('alice');
    expect(snap.offline).to.equal(true);
    expect(snap.problem?.code).to.equal('network');
  });

  it('is signed out, not in error, when there is no token', async () => {
    const { session } = start({ endpoint: uniqueEndpoint(), learner: null });
    await session.ready;
    expect(session.snapshot().status).to.equal('signed-out');
    expect(session.snapshot().problem).to.equal(null);
    expect(await session.send(CREATE)).to.include({ ok: false, code: 'token_missing' });
  });

  it('keeps a command pending while the endpoint is down and resolves it once it answers, sent exactly once', async () => {
    const { session, fake, page } = start({ endpoint: uniqueEndpoint() });
    await session.ready;
    fake.down = true;
    let settled = false;
    const outcome = session.send(CREATE).then((o) => {
      settled = true;
      return o;
    });
    await until(() => fake.networkFailures >= 2, 'failed attempts');
    expect(settled).to.equal(false);
    expect(session.snapshot().pending.map((p) => p.command.type)).to.deep.equal(['invite.create']);
    expect(session.snapshot().offline).to.equal(true);

    fake.down = false;
    page.dispatchEvent(new Event('online'));
    const result = await outcome;
    expect(result.ok).to.equal(true);
    const id = session.snapshot().pending.length === 0 && result.ok ? result.result.id : '';
    expect(fake.commands.get(id)?.processed).to.equal(1);
    expect(session.snapshot().offline).to.equal(false);
  });

  it('resends a command whose answer was lost, and the endpoint answers the duplicate id without doing it twice', async () => {
    const { session, fake } = start({ endpoint: uniqueEndpoint() });
    await session.ready;
    fake.once((call) => (call.route === 'commands' ? 'lose-answer' : undefined));
    const result = await session.send(CREATE);
    expect(result.ok).to.equal(true);
    const record = result.ok ? fake.commands.get(result.result.id) : undefined;
    expect(record?.received).to.equal(2);
    expect(record?.processed).to.equal(1);
    expect(fake.commands.size).to.equal(1);
  });

  it('sends a command asked for after the queue went idle (a finished delivery leaves nothing behind)', async () => {
    const { session, fake } = start({ endpoint: uniqueEndpoint() });
    await session.ready;
    await until(() => session.snapshot().state !== null, 'state');
    // The start-up delivery found nothing to send and ended; let it settle completely.
    await session.flush();
    await new Promise((r) => setTimeout(r, 20));
    const result = await session.send(CREATE);
    expect(result.ok).to.equal(true);
    expect(fake.callsTo('commands')).to.have.length(1);
    // And once more, after that delivery ended too.
    await new Promise((r) => setTimeout(r, 20));
    expect((await session.send(CREATE)).ok).to.equal(true);
    expect(fake.callsTo('commands')).to.have.length(2);
  });

  it('resolves a refused command with the typed error and stops waiting for it', async () => {
    const { session, fake } = start({ endpoint: uniqueEndpoint() });
    await session.ready;
    fake.once((call) => (call.route === 'commands' ? json(409, errorBody('group_full', 'the group is full', 'command.code')) : undefined));
    const result = await session.send({ type: 'invite.accept', code: CODE });
    expect(result).to.deep.equal({ ok: false, code: 'group_full', message: 'the group is full', path: 'command.code' });
    expect(session.snapshot().pending).to.have.length(0);
  });

  it("keeps alice's state and queue from bob on a shared computer", async () => {
    const endpoint = uniqueEndpoint();
    const fake = new FakeEndpoint();
    let who = 'alice';
    const registry = createTokenProviderRegistry(() => makeToken({ sub: who, exp: expIn(3600) }));
    const store: OpenedStore = { store: createIdbStore(), memoryOnly: false };
    const { session } = start({ endpoint, fake, registry, store });
    await session.ready;
    await until(() => session.snapshot().state?.learner.id === 'alice', "alice's state");
    fake.down = true;
    await session.track({ type: 'invite.opened', invite: crypto.randomUUID() });
    await until(() => fake.networkFailures > 0, 'a failed flush');

    // Alice signs out and bob signs in on the same browser.
    who = 'bob';
    fake.down = false;
    registry.set(() => makeToken({ sub: who, exp: expIn(3600) }));
    await until(() => session.snapshot().state?.learner.id === 'bob', "bob's state");
    await new Promise((r) => setTimeout(r, 50));
    for (const call of fake.callsTo('events')) expect(call.token && JSON.parse(atob(call.token.split('.')[1]!)).sub).to.not.equal('bob');
    expect(fake.events.size).to.equal(0);
    const alice = (await store.store.get(learnerRecordKey(endpoint, COURSE, { iss: ISS, sub: 'alice' }))) as { outbox: unknown[] };
    expect(alice.outbox).to.have.length(1);

    // Alice comes back: her event goes with her token.
    who = 'alice';
    registry.set(() => makeToken({ sub: who, exp: expIn(3600) }));
    await until(() => fake.events.size === 1, "alice's event");
    expect([...fake.events.values()][0]!.tokenSub).to.equal('alice');
  });

  it('works in memory, and says so, when IndexedDB is unavailable', async () => {
    // No IndexedDB on this page (idb-keyval reaches it through the global).
    const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB')!;
    Object.defineProperty(globalThis, 'indexedDB', { configurable: true, value: undefined });
    let store: OpenedStore;
    try {
      store = await openStore();
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', original);
    }
    const { session, fake } = start({ endpoint: uniqueEndpoint(), store });
    await session.ready;
    expect(session.snapshot().memoryOnly).to.equal(true);
    expect(session.snapshot().problem?.code).to.equal('storage_unavailable');
    expect((await session.send(CREATE)).ok).to.equal(true);
    await session.track({ type: 'invite.opened', invite: crypto.randomUUID() });
    await until(() => fake.events.size === 1, 'the event');
    await until(() => session.snapshot().state !== null, 'state');
  });

  it('reports corrupt stored data, keeps it aside, and carries on', async () => {
    const endpoint = uniqueEndpoint();
    const store = createIdbStore();
    const key = learnerRecordKey(endpoint, COURSE, { iss: ISS, sub: 'alice' });
    await store.set(key, { schema: 1, state: { nonsense: true }, pending: 'nope', outbox: [], setAside: [] });
    const problems: string[] = [];
    const { session } = start({ endpoint, store: { store, memoryOnly: false } });
    session.subscribe((s) => s.problem && problems.push(s.problem.code));
    await session.ready;
    expect(problems).to.include('storage_corrupt');
    const aside = (await store.get(asideKey(key))) as { value: unknown }[];
    expect(aside[0]!.value).to.deep.equal({ schema: 1, state: { nonsense: true }, pending: 'nope', outbox: [], setAside: [] });
    await until(() => session.snapshot().state?.learner.id === 'alice', 'fresh state');
  });

  it('keeps an invite code for a visitor across sign-in', async () => {
    const endpoint = uniqueEndpoint();
    const registry = createTokenProviderRegistry(() => null);
    const { session } = start({ endpoint, registry });
    await session.ready;
    await session.keepInvite(CODE);
    expect(session.snapshot().keptInvite).to.equal(CODE);
    registry.set(() => makeToken({ sub: 'bob', exp: expIn(3600) }));
    await until(() => session.snapshot().status === 'signed-in', 'sign-in');
    expect(session.snapshot().keptInvite).to.equal(CODE);
    session.dispose();
    const later = start({ endpoint, learner: 'bob' });
    await later.session.ready;
    expect(later.session.snapshot().keptInvite).to.equal(CODE);
  });

  it('stamps tracked facts with id, version, time, course and learner', async () => {
    const { session, fake } = start({ endpoint: uniqueEndpoint() });
    await session.ready;
    const invite = crypto.randomUUID();
    await session.track({ type: 'invite.link-shared', invite, channel: 'copy' });
    await until(() => fake.events.size === 1, 'the event');
    const event = [...fake.events.values()][0]!.event as Record<string, unknown>;
    expect(event).to.include({ type: 'invite.link-shared', invite, channel: 'copy', v: 1, course: COURSE, learner: 'alice' });
    expect(event.id).to.match(/^[0-9a-f-]{36}$/);
  });

  it('refreshes the state on a timer while visible', async () => {
    const fake = new FakeEndpoint();
    const session = createSession({
      config: { endpoint: uniqueEndpoint(), course: COURSE, token: makeToken({ sub: 'alice', exp: expIn(3600) }) },
      store: { store: createIdbStore(), memoryOnly: false },
      fetch: fake.fetch,
      registry: createTokenProviderRegistry(),
      page: { target: new EventTarget(), visibility: () => 'visible' },
      pollMs: 20,
    });
    opened.push(session);
    await until(() => fake.callsTo('state').length >= 3, 'three polls');
    fake.states.set('alice', stateFor('alice', new Date(Date.now() + 60_000).toISOString()));
    await until(() => session.snapshot().state?.serverTime === fake.states.get('alice')!.serverTime, 'the new state');
  });

  it('shares one session between elements of the same endpoint and course', () => {
    const endpoint = uniqueEndpoint();
    const options = { store: { store: createIdbStore(), memoryOnly: false }, registry: createTokenProviderRegistry(), page: null };
    const a = getSession({ endpoint, course: COURSE }, options);
    const b = getSession({ endpoint, course: COURSE, lang: 'fr' }, options);
    const c = getSession({ endpoint, course: 'other-course' }, options);
    expect(a).to.equal(b);
    expect(a).to.not.equal(c);
  });
});
