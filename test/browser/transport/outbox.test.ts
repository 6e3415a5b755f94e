import { expect } from '@open-wc/testing';
import type { ClientEvent } from '../../../src/protocol/events.js';
import { createIdbStore } from '../../../src/storage/key-value-store.js';
import { enqueue, learnerData, type RecordSlot } from '../../../src/storage/records.js';
import type { LearnerRecord } from '../../../src/storage/schemas.js';
import { createSession, type PageLifecycle, type TandemSession, type Timers } from '../../../src/transport/session.js';
import type { SessionProblem } from '../../../src/transport/session-types.js';
import { createTokenProviderRegistry, type TokenRequest } from '../../../src/transport/token-provider-registry.js';
import { COURSE, FakeEndpoint, errorBody, expIn, json, makeToken, uniqueEndpoint, until } from './fake-endpoint.js';

/**
 * The outbox: each learner's persistent queue of client events, delivered by
 * the session (batches, backoff, token refresh, set-aside, beacon, one tab).
 */

const ISS = 'https://platform.test';
/** Long enough that the state poll never runs during a test. */
const POLL_MS = 3_600_000;

function opened(learner: string): ClientEvent {
  return {
    type: 'invite.opened',
    id: crypto.randomUUID(),
    v: 1,
    time: new Date().toISOString(),
    course: COURSE,
    learner,
    invite: crypto.randomUUID(),
  };
}

/** Real timers, but every retry delay is recorded and none lasts more than a few ms (a compressed schedule). */
function recordingTimers(): Timers & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    set: (fn, ms) => {
      if (ms >= POLL_MS) return setTimeout(fn, ms);
      delays.push(ms);
      return setTimeout(fn, Math.min(ms, 5));
    },
    clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

interface Setup {
  fake: FakeEndpoint;
  /** The learner's record, read and written as the session does. */
  data: RecordSlot<LearnerRecord>;
  session: TandemSession;
  outbox: { enqueue(events: ClientEvent[]): Promise<void>; flush(): Promise<void> };
  timers: ReturnType<typeof recordingTimers>;
  /** Each distinct set-aside report, as the snapshot's problem. */
  setAside: SessionProblem[];
  requests: TokenRequest[];
  /** What the host's token provider answers next. */
  token: { value: string | null };
}

const made: TandemSession[] = [];
afterEach(() => {
  for (const s of made.splice(0)) s.dispose();
});

async function setup(
  options: {
    endpoint?: string;
    learner?: string;
    fake?: FakeEndpoint;
    page?: PageLifecycle | null;
    locks?: LockManager | null;
    token?: { value: string | null };
  } = {},
): Promise<Setup> {
  const endpoint = options.endpoint ?? uniqueEndpoint();
  const learner = options.learner ?? 'alice';
  const fake = options.fake ?? new FakeEndpoint();
  const token = options.token ?? { value: makeToken({ sub: learner, exp: expIn(3600) }) };
  const requests: TokenRequest[] = [];
  const registry = createTokenProviderRegistry((request) => {
    requests.push(request);
    return token.value;
  });
  const store = createIdbStore();
  const data = learnerData(store, endpoint, COURSE, { iss: ISS, sub: learner }, () => {});
  const timers = recordingTimers();
  const session = createSession({
    config: { endpoint, course: COURSE },
    store: { store, memoryOnly: false },
    fetch: fake.fetch,
    registry,
    policy: { baseMs: 10, maxMs: 40 },
    random: () => 0.5,
    timers,
    pollMs: POLL_MS,
    page: options.page ?? null,
    locks: options.locks === undefined ? navigator.locks : options.locks,
  });
  made.push(session);
  const setAside: SessionProblem[] = [];
  // A set-aside report: the first new problem after the set-aside count grew.
  let counted = 0;
  let due = false;
  session.subscribe((s) => {
    if (s.setAside > counted) [counted, due] = [s.setAside, true];
    if (due && s.problem && s.problem !== setAside.at(-1)) [due] = [false, setAside.push(s.problem)];
  });
  await session.ready;
  // The start-up delivery (queue empty) is over before the test queues anything.
  await session.flush();
  timers.delays.length = 0;
  const outbox = {
    // Resolves once stored, not sent, as `track` does.
    async enqueue(events: ClientEvent[]) {
      await data.change(enqueue(events));
      void session.flush();
    },
    flush: () => session.flush(),
  };
  return { fake, data, session, outbox, timers, setAside, requests, token };
}

describe('Outbox (delivered by the session)', () => {
  it('keeps events while the endpoint is down, then delivers each exactly once', async () => {
    const { fake, data, outbox } = await setup();
    fake.down = true;
    const events = [opened('alice'), opened('alice'), opened('alice')];
    await outbox.enqueue(events);
    await until(() => fake.networkFailures >= 2, 'two failed attempts');
    expect((await data.read()).outbox.map((e) => e.id)).to.deep.equal(events.map((e) => e.id));

    fake.down = false;
    await until(() => fake.events.size === 3, 'delivery');
    await outbox.flush();
    for (const e of events) expect(fake.events.get(e.id)?.received).to.equal(1);
    expect((await data.read()).outbox).to.have.length(0);
  });

  it('resends after a lost answer, and the endpoint stores each id once', async () => {
    const { fake, data, outbox } = await setup();
    fake.once((call) => (call.route === 'events' ? 'lose-answer' : undefined));
    const events = [opened('alice'), opened('alice')];
    await outbox.enqueue(events);
    await until(() => fake.callsTo('events').length === 2, 'the resend');
    await outbox.flush();
    // The same ids really travelled twice; the endpoint kept one copy of each.
    expect(fake.networkFailures).to.equal(1);
    for (const e of events) expect(fake.events.get(e.id)?.received).to.equal(2);
    expect(fake.events.size).to.equal(2);
    expect((await data.read()).outbox).to.have.length(0);
  });

  it('sends in batches of at most 50', async () => {
    const { fake, outbox } = await setup();
    fake.down = true;
    await outbox.enqueue(Array.from({ length: 120 }, () => opened('alice')));
    fake.down = false;
    await until(() => fake.events.size === 120, 'all 120');
    const sizes = fake.callsTo('events').filter((c) => c.body).map((c) => (c.body as { events: unknown[] }).events.length);
    expect(Math.max(...sizes)).to.equal(50);
  });

  it('sets aside exactly the events the endpoint refused, reports them, and delivers the rest', async () => {
    const { fake, data, outbox, setAside, session } = await setup();
    fake.once((call) =>
      call.route === 'events'
        ? json(400, { ...errorBody('invalid_events', 'one event is invalid'), failures: [{ index: 1, code: 'id_conflict', message: 'id reused', path: 'events.1' }] })
        : undefined,
    );
    const events = [opened('alice'), opened('alice'), opened('alice')];
    await outbox.enqueue(events);
    await until(() => fake.events.size === 2, 'the two valid events');
    await outbox.flush();
    expect(fake.callsTo('events')).to.have.length(2);
    expect([...fake.events.keys()]).to.have.members([events[0]!.id, events[2]!.id]);
    const record = await data.read();
    expect(record.outbox).to.have.length(0);
    expect(record.setAside.map((s) => [s.event.id, s.code])).to.deep.equal([[events[1]!.id, 'id_conflict']]);
    expect(setAside).to.deep.equal([{ code: 'id_conflict' }]);
    expect(record.setAside[0]!.message).to.equal('id reused');
    expect(session.snapshot().setAside).to.equal(1);
  });

  it('sets aside a whole batch refused with another 4xx, and reports it', async () => {
    const { fake, data, outbox, setAside } = await setup();
    fake.once((call) => (call.route === 'events' ? json(403, errorBody('course_mismatch', 'wrong course')) : undefined));
    await outbox.enqueue([opened('alice'), opened('alice')]);
    await until(() => setAside.length === 1, 'the report');
    expect(setAside).to.deep.equal([{ code: 'course_mismatch' }]);
    expect((await data.read()).setAside.map((s) => s.message)).to.deep.equal(['wrong course', 'wrong course']);
    expect(fake.events.size).to.equal(0);
  });

  it('on 401 mid-queue refreshes the token and resends with the new one, losing nothing', async () => {
    const first = makeToken({ sub: 'alice', exp: expIn(3600), name: 'first' });
    const second = makeToken({ sub: 'alice', exp: expIn(3600), name: 'second' });
    const { fake, data, outbox, requests, token } = await setup({ token: { value: first } });
    fake.down = true;
    const events = Array.from({ length: 60 }, () => opened('alice'));
    await outbox.enqueue(events);
    // After the first batch is stored, the endpoint starts refusing the first token (it expired server-side).
    fake.once((call) => {
      if (call.route !== 'events' || fake.events.size === 0) return undefined;
      fake.rejected.add(first);
      token.value = second;
      return undefined;
    });
    fake.down = false;
    await outbox.flush();
    await until(() => fake.events.size === 60, 'all events');
    const tokensUsed = fake.callsTo('events').filter((c) => c.token).map((c) => c.token);
    expect(tokensUsed).to.include(first);
    expect(tokensUsed.at(-1)).to.equal(second);
    expect(requests.map((r) => r.reason)).to.deep.equal(['initial', 'rejected']);
    expect((await data.read()).outbox).to.have.length(0);
    for (const e of events) expect(fake.events.get(e.id)?.received).to.equal(1);
  });

  it('honours Retry-After on 429 instead of its own backoff', async () => {
    const { fake, outbox, timers } = await setup();
    fake.once((call) => (call.route === 'events' ? json(429, errorBody('rate_limited'), { 'Retry-After': '7' }) : undefined));
    const event = opened('alice');
    await outbox.enqueue([event]);
    await until(() => fake.events.has(event.id), 'delivery after the wait');
    expect(fake.callsTo('events')).to.have.length(2);
    expect(timers.delays).to.include(7000);
  });

  it('backs off exponentially (with the injected jitter) on 5xx', async () => {
    const { fake, outbox, timers } = await setup();
    for (let i = 0; i < 3; i++) fake.once((call) => (call.route === 'events' ? json(503, errorBody('unavailable')) : undefined));
    const event = opened('alice');
    await outbox.enqueue([event]);
    await until(() => fake.events.has(event.id), 'delivery');
    // base 10, random 0.5: 0.5·10, 0.5·20, 0.5·40.
    expect(timers.delays.slice(0, 3)).to.deep.equal([5, 10, 20]);
  });

  it('flushes with sendBeacon on pagehide and when the page becomes hidden', async () => {
    const target = new EventTarget();
    let visibility: DocumentVisibilityState = 'visible';
    const { fake, outbox } = await setup({ page: { target, visibility: () => visibility } });
    fake.down = true;
    const events = [opened('alice'), opened('alice')];
    await outbox.enqueue(events);
    await until(() => fake.networkFailures >= 1, 'a failed attempt');

    const beacons: { url: string; type: string; body: { token: string; events: { id: string }[] } }[] = [];
    const original = Object.getOwnPropertyDescriptor(navigator, 'sendBeacon');
    const pendingReads: Promise<void>[] = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      configurable: true,
      value: (url: string, data: Blob) => {
        pendingReads.push(data.text().then((text) => void beacons.push({ url, type: data.type, body: JSON.parse(text) })));
        return true;
      },
    });
    try {
      target.dispatchEvent(new Event('pagehide'));
      visibility = 'hidden';
      target.dispatchEvent(new Event('visibilitychange'));
      await Promise.all(pendingReads);
    } finally {
      if (original) Object.defineProperty(navigator, 'sendBeacon', original);
      else delete (navigator as { sendBeacon?: unknown }).sendBeacon;
    }
    expect(beacons).to.have.length(2);
    for (const beacon of beacons) {
      expect(beacon.url).to.match(/\/tandem\/v1\/events$/);
      expect(beacon.type).to.match(/^text\/plain/);
      expect(readSub(beacon.body.token)).to.equal('alice');
      expect(beacon.body.events.map((e) => e.id)).to.deep.equal(events.map((e) => e.id));
    }
  });

  it('lets only one of two competing outboxes (tabs) flush the same queue', async () => {
    const endpoint = uniqueEndpoint();
    const fake = new FakeEndpoint();
    const granted: boolean[] = [];
    const locks = {
      request: (name: string, opts: LockOptions, cb: (lock: Lock | null) => Promise<unknown>) =>
        navigator.locks.request(name, opts, (lock) => {
          granted.push(lock !== null);
          return cb(lock);
        }),
      query: () => navigator.locks.query(),
    } as LockManager;
    const a = await setup({ endpoint, fake, locks });
    const b = await setup({ endpoint, fake, locks });
    const events = [opened('alice'), opened('alice')];
    await a.data.change(enqueue(events));
    // Both tabs ask at the same moment; the second is refused while the first holds the lock.
    await Promise.all([a.outbox.flush(), b.outbox.flush()]);
    await new Promise((r) => setTimeout(r, 60));
    expect(granted.filter((g) => g)).to.have.length.greaterThanOrEqual(1);
    expect(granted.filter((g) => !g)).to.have.length.greaterThanOrEqual(1);
    expect(fake.callsTo('events')).to.have.length(1);
    for (const e of events) expect(fake.events.get(e.id)?.received).to.equal(1);
  });

  it('flushes without Web Locks when the browser has none', async () => {
    const { fake, outbox } = await setup({ locks: null });
    const event = opened('alice');
    await outbox.enqueue([event]);
    await until(() => fake.events.has(event.id), 'delivery');
  });

  it("never sends alice's queue with bob's token", async () => {
    const token = { value: makeToken({ sub: 'bob', exp: expIn(3600) }) as string | null };
    const { fake, data, outbox } = await setup({ learner: 'alice', token });
    const event = opened('alice');
    await outbox.enqueue([event]);
    await outbox.flush();
    expect(fake.callsTo('events')).to.have.length(0);
    expect((await data.read()).outbox.map((e) => e.id)).to.deep.equal([event.id]);
  });
});

function readSub(token: string): string {
  const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
  return (JSON.parse(atob(payload)) as { sub: string }).sub;
}
