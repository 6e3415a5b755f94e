/**
 * The lazy-loading rule in <tandem-groups>: its requests' view (part 2's chunk) is fetched only once the
 * learner's state counts incoming requests.
 */
import { expect } from '@open-wc/testing';
import type { TandemGroups } from '../../../src/elements/tandem-groups.js';
import '../../../src/elements/tandem-groups.js';
import { FakeSession, learnerState, mount, settle, unmountAll } from './fixtures.js';

describe('<tandem-groups> loads part 2 only for requests to answer', () => {
  afterEach(unmountAll);

  it('no incoming requests: <tandem-requests> stays an undefined, empty tag; count some: it is fetched and defined', async () => {
    const session = new FakeSession({ state: learnerState({ incomingRequests: 0 }) });
    const el = await mount<TandemGroups>('tandem-groups', session);
    await new Promise((r) => setTimeout(r, 200));
    expect(customElements.get('tandem-requests')).to.equal(undefined);
    const tag = el.shadowRoot!.querySelector('tandem-requests')!;
    expect(tag.getBoundingClientRect().height).to.equal(0);
    expect(performance.getEntriesByType('resource').some((e) => /part2|tandem-requests/.test(e.name))).to.equal(false);
    session.update({ state: learnerState({ incomingRequests: 1 }) });
    await settle(el);
    await customElements.whenDefined('tandem-requests');
    expect(customElements.get('tandem-requests')).to.be.a('function');
  });
});
