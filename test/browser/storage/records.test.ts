import { expect } from '@open-wc/testing';
import type { ClientEvent } from '../../../src/protocol/events.js';
import { createMemoryStore, type KeyValueStore } from '../../../src/storage/key-value-store.js';
import {
  acknowledge,
  asideKey,
  enqueue,
  learnerData,
  learnerRecordKey,
  setAside,
  visitorData,
  type Migration,
  type StorageReport,
} from '../../../src/storage/records.js';

const ENDPOINT = 'https://endpoint.test';
const COURSE = 'course-v1:Tandem+T101+2025';
const ISS = 'https://platform.test';

function event(learner: string): ClientEvent {
  return { type: 'invite.opened', id: crypto.randomUUID(), v: 1, time: new Date().toISOString(), course: COURSE, learner, invite: crypto.randomUUID() };
}

function setup(migrations?: readonly Migration[]) {
  const store = createMemoryStore();
  const reports: StorageReport[] = [];
  const data = (sub: string) => learnerData(store, ENDPOINT, COURSE, { iss: ISS, sub }, (r) => reports.push(r), migrations);
  return { store, reports, data, key: learnerRecordKey(ENDPOINT, COURSE, { iss: ISS, sub: 'alice' }) };
}

describe('learner records', () => {
  it('keeps each learner apart on a shared browser', async () => {
    const { data } = setup();
    await data('alice').change(enqueue([event('alice')]));
    expect((await data('bob').read()).outbox).to.have.length(0);
    expect((await data('alice').read()).outbox).to.have.length(1);
    const keys = new Set([
      learnerRecordKey(ENDPOINT, COURSE, { iss: ISS, sub: 'alice' }),
      learnerRecordKey(ENDPOINT, COURSE, { iss: 'https://other-platform.test', sub: 'alice' }),
      learnerRecordKey('https://other-endpoint.test', COURSE, { iss: ISS, sub: 'alice' }),
      learnerRecordKey(ENDPOINT, 'other-course', { iss: ISS, sub: 'alice' }),
    ]);
    expect(keys.size).to.equal(4);
  });

  it('stores the schema version with the data', async () => {
    const { store, data, key } = setup();
    await data('alice').change(enqueue([event('alice')]));
    expect(((await store.get(key)) as { schema: number }).schema).to.equal(1);
  });

  it('queues events in order, acknowledges and sets aside by id', async () => {
    const { data } = setup();
    const alice = data('alice');
    const [a, b] = [event('alice'), event('alice')];
    await alice.change(enqueue([a]));
    await alice.change(enqueue([b]));
    expect((await alice.read()).outbox.map((e) => e.id)).to.deep.equal([a.id, b.id]);
    await alice.change(setAside([{ event: a, code: 'id_conflict', message: 'reused' }]));
    const record = await alice.change(acknowledge([b]));
    expect(record.outbox).to.have.length(0);
    expect(record.setAside.map((s) => [s.event.id, s.code])).to.deep.equal([[a.id, 'id_conflict']]);
  });

  it('runs the migrations from the stored version to the current one, and writes the result back', async () => {
    // A test-only history: v1 called the outbox "queue"; v2 renamed it.
    const migrations: Migration[] = [({ queue, ...rest }) => ({ ...rest, outbox: queue })];
    const { store, data, key, reports } = setup(migrations);
    const queued = event('alice');
    await store.set(key, { schema: 1, state: null, pending: [], queue: [queued], setAside: [] });
    const record = await data('alice').read();
    expect(record.schema).to.equal(2);
    expect(record.outbox.map((e) => e.id)).to.deep.equal([queued.id]);
    expect(await store.get(key)).to.deep.include({ schema: 2, outbox: [queued] });
    expect(reports).to.deep.equal([]);
  });

  const unreadable: [string, unknown][] = [
    ['a string', 'garbage'],
    ['a record without a version', { state: null, outbox: [] }],
    ['a record from a newer widget', { schema: 9, state: null, pending: [], outbox: [], setAside: [] }],
  ];
  for (const [name, raw] of unreadable) {
    it(`sets aside ${name}, reports it, and starts afresh`, async () => {
      const { store, data, key, reports } = setup();
      await store.set(key, raw);
      const record = await data('alice').read();
      expect(record).to.deep.equal({ schema: 1, state: null, pending: [], outbox: [], setAside: [] });
      expect(reports).to.deep.equal(['storage_corrupt']);
      expect(((await store.get(asideKey(key))) as { value: unknown }[])[0]!.value).to.deep.equal(raw);
    });
  }

  it('keeps the readable parts of a partly corrupt record, and the whole raw record aside', async () => {
    const { store, data, key, reports } = setup();
    const good = event('alice');
    const raw = { schema: 1, state: { broken: true }, pending: [], outbox: [good, { type: 'invite.opened', id: 'not-a-uuid' }], setAside: [] };
    await store.set(key, raw);
    const record = await data('alice').read();
    expect(record.outbox.map((e) => e.id)).to.deep.equal([good.id]);
    expect(record.state).to.equal(null);
    expect(reports).to.deep.equal(['storage_corrupt']);
    expect(((await store.get(asideKey(key))) as { value: unknown }[])[0]!.value).to.deep.equal(raw);
  });

  it('reports a failing store and rejects, without crashing the caller', async () => {
    const reports: StorageReport[] = [];
    const broken: KeyValueStore = { get: () => Promise.reject(new Error('quota')), set: () => Promise.reject(new Error('quota')), update: () => Promise.reject(new Error('quota')) };
    const data = learnerData(broken, ENDPOINT, COURSE, { iss: ISS, sub: 'alice' }, (r) => reports.push(r));
    let rejected = false;
    await data.read().catch(() => (rejected = true));
    expect(rejected).to.equal(true);
    expect(reports).to.deep.equal(['storage_unavailable']);
  });
});

describe('visitor records', () => {
  it('keeps an invite code and the last learner per endpoint and course', async () => {
    const store = createMemoryStore();
    const visitor = (course: string) => visitorData(store, ENDPOINT, course, () => {});
    await visitor(COURSE).change((r) => ({ ...r, invite: 'AbCdEfGhIjKlMnOpQrStUv-_' }));
    await visitor(COURSE).change((r) => ({ ...r, lastLearner: { iss: ISS, sub: 'bob' } }));
    expect(await visitor(COURSE).read()).to.deep.equal({ schema: 1, invite: 'AbCdEfGhIjKlMnOpQrStUv-_', lastLearner: { iss: ISS, sub: 'bob' } });
    expect((await visitor('other-course').read()).invite).to.equal(null);
  });
});
