/**
 * <tandem-groups> states, each rendered from a fixture and checked for accessibility:
 * - loading, signed out (with and without an enroll-url), empty (hint to invite)
 * - groups list (names, relationships, what and how, contact notes; own note editable)
 * - names and notes with HTML or script (shown as text)
 * - saving a note, pending commands shown as pending, offline banner
 * - leaving (with confirmation)
 * - config error, French labels
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TandemGroups } from '../../../src/elements/tandem-groups.js';
import '../../../src/elements/tandem-groups.js';
import { CONFIG, FakeSession, HOSTILE, buttonByText, capturingErrors, ids, learnerState, mount, ok, serverEvent, settle, shadow, text, unmountAll } from './fixtures.js';

const render = (session?: FakeSession, attributes: Record<string, string> = CONFIG) => mount<TandemGroups>('tandem-groups', session, attributes);

describe('<tandem-groups>', () => {
  afterEach(unmountAll);

  describe('states', () => {
    it('loading', async () => {
      const el = await render(new FakeSession({ status: 'loading', state: null }));
      expect(text(el)).to.contain('Loading…');
      await expect(el).to.be.accessible();
    });

    it('signed out', async () => {
      const el = await render(new FakeSession({ status: 'signed-out', state: null }));
      expect(shadow(el, 'a[part="button"]').textContent).to.equal('Sign in or enroll to see your study groups');
      await expect(el).to.be.accessible();
    });

    it('signed out, the course giving no enroll-url: the prompt as text', async () => {
      const { 'enroll-url': _, ...rest } = CONFIG;
      const el = await render(new FakeSession({ status: 'signed-out', state: null }), rest);
      expect(text(el)).to.contain('Sign in or enroll to see your study groups');
      expect(el.shadowRoot!.querySelector('a')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('empty: a hint to use the invite form', async () => {
      const el = await render(new FakeSession({ state: learnerState({ groups: [] }) }));
      expect(text(el)).to.contain('No group yet: invite someone.');
      await expect(el).to.be.accessible();
    });

    it('groups list: members, relationships, what, how and notes', async () => {
      const el = await render(new FakeSession());
      const members = [...el.shadowRoot!.querySelectorAll('[part="member"]')].map((m) => m.textContent!.replace(/\s+/g, ' ').trim());
      expect(members).to.deep.equal(['Alice (you) · Friend alice@example.org', 'Bob · Friend Call me after 6pm']);
      expect(text(el)).to.contain('Group of 2').and.contain('Help each other').and.contain('Phone or video call');
      expect(shadow<HTMLTextAreaElement>(el, 'textarea').value).to.equal('alice@example.org');
      expect(text(el)).to.contain('17/200 characters');
      await expect(el).to.be.accessible();
    });

    it('names and notes containing HTML or script are shown as text', async () => {
      const state = learnerState();
      state.groups[0]!.members[1] = { ...state.groups[0]!.members[1]!, name: HOSTILE, note: HOSTILE };
      const el = await render(new FakeSession({ state }));
      expect(el.shadowRoot!.querySelector('img, script')).to.equal(null);
      const bob = el.shadowRoot!.querySelectorAll('[part="member"]')[1]!;
      expect(bob.querySelector('strong')!.textContent).to.equal(HOSTILE);
      expect(bob.querySelector('[part="note"]')!.textContent).to.equal(HOSTILE);
      await expect(el).to.be.accessible();
    });

    it('pending commands are shown as pending, with the offline banner', async () => {
      const el = await render(
        new FakeSession({
          offline: true,
          pending: [{ id: ids.event, command: { type: 'group.leave', group: ids.group }, requestedAt: '2025-03-01T10:00:00.000Z' }],
        }),
      );
      expect(text(el)).to.contain('Waiting to be sent: Leave group');
      expect(shadow(el, '[part="banner"]').textContent).to.contain('You are offline');
      await expect(el).to.be.accessible();
    });
  });

  describe('actions', () => {
    it('the note counter follows typing; saving sends group.set-note', async () => {
      const session = new FakeSession();
      session.answers['group.set-note'] = ok({ type: 'group.set-note', group: ids.group });
      const el = await render(session);
      const area = shadow<HTMLTextAreaElement>(el, 'textarea');
      area.focus();
      area.select();
      await sendKeys({ type: 'Signal: +33 6' });
      await settle(el);
      expect(text(el)).to.contain('13/200 characters');
      expect(area.maxLength).to.equal(200);
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Save note');
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(session.sent()).to.deep.equal([{ type: 'group.set-note', group: ids.group, note: 'Signal: +33 6' }]);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Note saved.');
    });

    it('leave asks first, then sends group.leave and dispatches the events', async () => {
      const session = new FakeSession();
      const left = serverEvent('group.left', { group: ids.group, relationship: 'friend', modalities: ['synchronous'] });
      const dissolved = serverEvent('group.dissolved', { group: ids.group });
      session.answers['group.leave'] = ok({ type: 'group.leave', group: ids.group }, [left, dissolved]);
      const el = await render(session);
      buttonByText(el, 'Leave group').click();
      await settle(el);
      expect(text(el)).to.contain('Leave this group?');
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Yes');
      await expect(el).to.be.accessible();
      const heardLeft = oneEvent(document, 'tandem-group-left');
      const heardDissolved = oneEvent(document, 'tandem-group-dissolved');
      await sendKeys({ press: 'Enter' });
      expect((await heardLeft).detail).to.deep.equal(left);
      expect((await heardDissolved).detail).to.deep.equal(dissolved);
      expect(session.sent()).to.deep.equal([{ type: 'group.leave', group: ids.group }]);
    });

    it('"No" keeps the group', async () => {
      const session = new FakeSession();
      const el = await render(session);
      buttonByText(el, 'Leave group').click();
      await settle(el);
      buttonByText(el, 'No').click();
      await settle(el);
      buttonByText(el, 'Leave group');
      expect(session.sent()).to.have.length(0);
    });
  });

  it('French labels', async () => {
    const el = await render(new FakeSession(), { ...CONFIG, lang: 'fr' });
    expect(text(el)).to.contain('Vos groupes d’étude').and.contain('Alice (vous)').and.contain('Quitter le groupe').and.contain('Téléphone ou visio');
    await expect(el).to.be.accessible();
  });

  it('bad config: a visible error naming the attribute, one console.error, no throw', async () => {
    let el!: TandemGroups;
    const errors = await capturingErrors(async () => {
      el = await render(new FakeSession(), { ...CONFIG, endpoint: 'not a url' });
    });
    expect(shadow(el, '[role="alert"]').textContent).to.contain('endpoint: invalid, expected an absolute http(s) URL');
    expect(errors).to.have.length(1);
  });
});

describe('<tandem-groups> session problems', () => {
  afterEach(unmountAll);

  it('shows the session’s problem translated, but not a network one (the offline banner says it)', async () => {
    const session = new FakeSession({ problem: { code: 'token_unavailable', detail: 'token-url answered 500' } });
    const el = await render(session);
    expect(shadow(el, '[role="alert"]').textContent).to.equal('Your sign-in could not be checked.');
    session.update({ problem: { code: 'network', detail: 'fetch failed' }, offline: true });
    await settle(el);
    expect(shadow(el, '[role="alert"]').textContent).to.equal('');
    await expect(el).to.be.accessible();
  });
});
