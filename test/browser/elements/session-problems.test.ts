/**
 * Problems the session reports on its own (events the endpoint refused and
 * set aside, storage trouble) reach the host page as one `tandem-error`, even
 * with several elements sharing the session, and show in the alert line.
 */
import { expect } from '@open-wc/testing';
import type { TandemGroups } from '../../../src/elements/tandem-groups.js';
import type { TandemInvite } from '../../../src/elements/tandem-invite.js';
import '../../../src/elements/tandem-groups.js';
import '../../../src/elements/tandem-invite.js';
import { FakeSession, mount, settle, unmountAll } from './fixtures.js';

describe('session problems', () => {
  afterEach(unmountAll);

  it('each report fires tandem-error once per page, not once per element; being offline fires none', async () => {
    const session = new FakeSession();
    const groups = await mount<TandemGroups>('tandem-groups', session);
    const invite = await mount<TandemInvite>('tandem-invite', session);
    const heard: CustomEvent[] = [];
    const listen = (e: Event) => heard.push(e as CustomEvent);
    document.addEventListener('tandem-error', listen);
    try {
      session.update({ problem: { code: 'invalid_events', detail: '2 set aside: unknown invite' }, setAside: 2 });
      await settle(groups);
      expect(heard.map((e) => e.detail)).to.deep.equal([{ code: 'invalid_events', message: '2 set aside: unknown invite' }]);
      expect(heard[0]!.bubbles && heard[0]!.composed).to.equal(true);
      expect(groups.shadowRoot!.querySelector('[role=alert]')!.textContent).to.not.equal('');

      // The same report seen again (another snapshot change) is not a new one.
      session.update({ setAside: 2 });
      // A new report is.
      session.update({ problem: { code: 'storage_unavailable' } });
      session.update({ problem: { code: 'network' } });
      await settle(invite);
      expect(heard.map((e) => e.detail.code)).to.deep.equal(['invalid_events', 'storage_unavailable']);
      await expect(groups).to.be.accessible();
    } finally {
      document.removeEventListener('tandem-error', listen);
    }
  });
});
