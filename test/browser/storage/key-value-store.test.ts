import { expect } from '@open-wc/testing';
import { createIdbStore, createMemoryStore, openStore, type KeyValueStore } from '../../../src/storage/key-value-store.js';

/** One contract, run over every store, so the memory fallback behaves like IndexedDB. */
const stores: [string, () => KeyValueStore][] = [
  ['IndexedDB', () => createIdbStore()],
  ['memory', () => createMemoryStore()],
];

for (const [name, make] of stores) {
  describe(`KeyValueStore contract: ${name}`, () => {
    const key = (): string => `contract:${crypto.randomUUID()}`;

    it('gets what was set, and undefined for what was not', async () => {
      const store = make();
      const k = key();
      expect(await store.get(k)).to.equal(undefined);
      await store.set(k, { a: [1, 2] });
      expect(await store.get(k)).to.deep.equal({ a: [1, 2] });
    });

    it('updates from the old value, and concurrent updates do not lose each other', async () => {
      const store = make();
      const k = key();
      await Promise.all(Array.from({ length: 10 }, () => store.update(k, (old) => (typeof old === 'number' ? old + 1 : 1))));
      expect(await store.get(k)).to.equal(10);
    });

    it('stores a copy: changing an object after set or get does not change what is stored', async () => {
      const store = make();
      const k = key();
      const value = { list: [1] };
      await store.set(k, value);
      value.list.push(2);
      const read = (await store.get(k)) as { list: number[] };
      read.list.push(3);
      expect(await store.get(k)).to.deep.equal({ list: [1] });
    });
  });
}

it('keeps Tandem data in its own database, not idb-keyval\'s default one', async () => {
  await createIdbStore().set('own-db-check', 1);
  const names = (await indexedDB.databases()).map((d) => d.name);
  expect(names).to.include('tandem');
  expect(names).to.not.include('keyval-store');
});

/** An IDBOpenDBRequest that fails asynchronously, as a browser's private mode does. */
function failingFactory(): IDBFactory {
  return {
    open() {
      const request = { error: new DOMException('denied', 'InvalidStateError') } as unknown as IDBOpenDBRequest;
      setTimeout(() => request.onerror?.(new Event('error')), 0);
      return request;
    },
  } as unknown as IDBFactory;
}

const unavailable: [string, IDBFactory | null, number?][] = [
  ['missing', null],
  ['throwing on open', { open: () => { throw new DOMException('no', 'SecurityError'); } } as unknown as IDBFactory],
  ['failing to open', failingFactory()],
  ['never answering', { open: () => ({}) as IDBOpenDBRequest } as unknown as IDBFactory, 20],
];

describe('openStore', () => {
  for (const [name, factory, timeoutMs] of unavailable) {
    it(`falls back to memory when IndexedDB is ${name}, and the store works`, async () => {
      // idb-keyval opens the database through the global, so the test puts its factory there for the probe.
      const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB')!;
      Object.defineProperty(globalThis, 'indexedDB', { configurable: true, value: factory });
      let opened;
      try {
        opened = await openStore(timeoutMs);
      } finally {
        Object.defineProperty(globalThis, 'indexedDB', original);
      }
      expect(opened.memoryOnly).to.equal(true);
      await opened.store.set('k', { v: 1 });
      expect(await opened.store.get('k')).to.deep.equal({ v: 1 });
    });
  }

  it('uses IndexedDB when it works', async () => {
    const opened = await openStore();
    expect(opened.memoryOnly).to.equal(false);
    await opened.store.set('open-store-check', 2);
    expect(await opened.store.get('open-store-check')).to.equal(2);
  });
});
