import { expect } from '@open-wc/testing';
import { openStore } from '../../../src/storage/open-store.js';

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
      const opened = await openStore({ indexedDB: factory, ...(timeoutMs ? { timeoutMs } : {}) });
      expect(opened.memoryOnly).to.equal(true);
      expect(opened.reason).to.be.a('string');
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
