import { expect } from '@open-wc/testing';
import { createIdbStore } from '../../../src/storage/idb-store.js';
import type { KeyValueStore } from '../../../src/storage/key-value-store.js';
import { createMemoryStore } from '../../../src/storage/memory-store.js';

/** One contract, run over every store, so the memory fallback behaves like IndexedDB. */
const stores: [string, () => KeyValueStore][] = [
  ['IndexedDB', () => createIdbStore()],
  ['memory', () => createMemoryStore()],
];

for (const [name, make] of stores) {
  describe(`KeyValueStore contract: ${name}`, () => {
    const key = (): string => `contract:${crypto.randomUUID()}`;

    it('gets what was set, undefined for what was not, and nothing after del', async () => {
      const store = make();
      const k = key();
      expect(await store.get(k)).to.equal(undefined);
      await store.set(k, { a: [1, 2] });
      expect(await store.get(k)).to.deep.equal({ a: [1, 2] });
      await store.del(k);
      expect(await store.get(k)).to.equal(undefined);
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
