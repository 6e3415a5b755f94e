/**
 * The lazy-loading rule, from the script-tag entry: a page with part 1's elements only never fetches
 * part 2's code or messages; a <tandem-peers> or <tandem-ask> in the page (then, or added later) does.
 * (`npm run size` checks the same on the built files: no part-2 chunk or route in what a part-1 page loads.)
 */
import { expect } from '@open-wc/testing';

/** Module and chunk requests of part 2 this page made so far. */
const part2Fetched = (): string[] =>
  performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((name) => /part2|peer-element|tandem-(peers|ask|requests)|discovery|peers-(en|fr)|peer-message-ids/.test(name));

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe('lazy loading from the script-tag entry', () => {
  // The elements have no configuration here (what they fetch is the point, not what they show): keep their one line each quiet.
  const original = console.error;
  before(() => void (console.error = () => {}));
  after(() => void (console.error = original));

  it('a part-1 page does not fetch part 2', async () => {
    document.body.insertAdjacentHTML('beforeend', '<tandem-invite data-test></tandem-invite><tandem-groups data-test></tandem-groups>');
    await import('../../../src/index.js');
    await new Promise((r) => setTimeout(r, 200));
    expect(customElements.get('tandem-invite')).to.be.a('function');
    expect(customElements.get('tandem-peers')).to.equal(undefined);
    expect(customElements.get('tandem-ask')).to.equal(undefined);
    expect(part2Fetched()).to.deep.equal([]);
  });

  it('a <tandem-ask> added later fetches part 2, which defines its elements', async () => {
    const ask = document.createElement('tandem-ask');
    ask.dataset.test = '';
    document.querySelector('main, body')!.append(ask);
    await until(() => !!customElements.get('tandem-ask'), 'tandem-ask defined');
    expect(customElements.get('tandem-peers')).to.be.a('function');
    expect(customElements.get('tandem-requests')).to.be.a('function');
    expect(part2Fetched().length).to.be.greaterThan(0);
    for (const el of document.querySelectorAll('[data-test]')) el.remove();
  });
});
