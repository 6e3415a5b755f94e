/**
 * <tandem-invite> states, each rendered from a fixture and checked for accessibility:
 * - config error (missing endpoint, invalid URL, invalid messages JSON)
 * - loading (signed in, no state yet)
 * - signed out (prompt with the enroll link)
 * - form (relationships, only the objects and modalities the course offers)
 * - validation (nothing chosen)
 * - sending, and waiting offline ("will be sent when you are back online")
 * - link ready (copy, share where available, email)
 * - pending list (pending, accepted by X, declined, cancelled, expired; cancel with confirmation)
 * - group with room ("invite someone else to this group")
 * - offline banner, memory-only notice, French labels
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TandemInvite } from '../../../src/elements/tandem-invite.js';
import '../../../src/elements/tandem-invite.js';
import { CONFIG, FakeSession, buttonByText, capturingErrors, codes, ids, learnerState, mount, ok, refused, serverEvent, settle, shadow, text, unmountAll } from './fixtures.js';

const render = (session?: FakeSession, attributes: Record<string, string> = CONFIG) => mount<TandemInvite>('tandem-invite', session, attributes);

function choose(el: TandemInvite, name: string, value: string): void {
  shadow<HTMLInputElement>(el, `input[name="${name}"][value="${value}"]`).click();
}

async function submit(el: TandemInvite): Promise<void> {
  buttonByText(el, 'Create the invite link').click();
  await settle(el);
}

describe('<tandem-invite>', () => {
  afterEach(unmountAll);

  describe('states', () => {
    it('loading: a stable placeholder while no state is known', async () => {
      const el = await render(new FakeSession({ status: 'loading', state: null }));
      expect(text(el)).to.contain('Loading…');
      expect(shadow(el, '.placeholder')).to.exist;
      await expect(el).to.be.accessible();
    });

    it('signed out: a prompt with the enroll link', async () => {
      const el = await render(new FakeSession({ status: 'signed-out', state: null }));
      expect(shadow(el, 'a[part="button"]').textContent).to.equal('Sign in or enroll to invite someone');
      expect(shadow<HTMLAnchorElement>(el, 'a[part="button"]').href).to.equal('https://mooc.example.org/enroll');
      await expect(el).to.be.accessible();
    });

    it('form: all four relationships, and only what the course offers', async () => {
      const el = await render(new FakeSession());
      const values = (name: string) => [...el.shadowRoot!.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)].map((i) => i.value);
      expect(values('relationship')).to.deep.equal(['family', 'friend', 'colleague', 'classmate']);
      expect(values('objects')).to.deep.equal(['mutual-help', 'discuss', 'watch-videos']);
      expect(values('modalities')).to.deep.equal(['synchronous', 'email', 'social-network']);
      expect(text(el)).to.contain('Phone or video call').and.not.contain('In person');
      await expect(el).to.be.accessible();
    });

    it('validation: says what is missing and sends nothing', async () => {
      const session = new FakeSession();
      const el = await render(session);
      choose(el, 'objects', 'discuss');
      await submit(el);
      // The fields left empty, and only those, are marked and described by the message.
      const marked = [...el.shadowRoot!.querySelectorAll('fieldset[data-invalid]')];
      expect(marked.map((f) => f.querySelector('legend')!.textContent)).to.deep.equal(['Who do you invite?', 'How will you work together?']);
      for (const fieldset of marked) {
        expect(el.shadowRoot!.getElementById(fieldset.getAttribute('aria-describedby')!)!.textContent).to.equal('Make a choice.');
      }
      expect(session.sent()).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('sending, then waiting offline, never shown as done before the answer', async () => {
      const session = new FakeSession(); // no answer: the command stays in flight
      const el = await render(session);
      choose(el, 'relationship', 'friend');
      choose(el, 'objects', 'discuss');
      choose(el, 'modalities', 'email');
      await submit(el);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Sending…');
      session.update({ offline: true });
      await settle(el);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Will be sent when you are back online.');
      expect(shadow(el, '[part="banner"]').textContent).to.contain('You are offline');
      expect(el.shadowRoot!.querySelector('#link')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('link ready: the course page with the code in the fragment, copy and email', async () => {
      const session = new FakeSession();
      session.answers['invite.create'] = ok({ type: 'invite.create', invite: ids.invitePending, code: codes.created });
      const el = await render(session);
      choose(el, 'relationship', 'colleague');
      choose(el, 'objects', 'mutual-help');
      choose(el, 'modalities', 'synchronous');
      await submit(el);
      const link = new URL(shadow<HTMLInputElement>(el, '#link').value);
      expect(link.hash).to.equal(`#tandem-invite=${codes.created}`);
      expect(link.search).to.equal(location.search);
      const mail = new URL(shadow<HTMLAnchorElement>(el, 'a[href^="mailto:"]').href);
      expect(decodeURIComponent(mail.search)).to.contain('Study Climate Science 101 with me').and.contain(link.href);
      expect(session.sent()[0]).to.deep.equal({ type: 'invite.create', relationship: 'colleague', objects: ['mutual-help'], modalities: ['synchronous'] });
      await expect(el).to.be.accessible();
    });

    it('pending list: every status, and cancel only for pending ones', async () => {
      const el = await render(new FakeSession());
      const items = [...el.shadowRoot!.querySelectorAll('[part="invite"]')].map((li) => li.textContent!.replace(/\s+/g, ' '));
      expect(items).to.have.length(5);
      expect(items[0]).to.contain('Pending').and.contain('Cancel invite');
      expect(items[1]).to.contain('Accepted by Bob').and.not.contain('Cancel invite');
      expect(items[2]).to.contain('Declined');
      expect(items[3]).to.contain('Cancelled');
      expect(items[4]).to.contain('Expired');
      await expect(el).to.be.accessible();
    });

    it('group with room: invites into it with the group’s objects and modalities', async () => {
      const session = new FakeSession();
      const el = await render(session);
      buttonByText(el, 'Invite someone else to this group').click();
      await settle(el);
      expect(text(el)).to.contain('Your group with Bob');
      expect(el.shadowRoot!.querySelector('input[name="objects"]')).to.equal(null);
      choose(el, 'relationship', 'family');
      await submit(el);
      expect(session.sent()[0]).to.deep.equal({ type: 'invite.create', relationship: 'family', objects: ['mutual-help'], modalities: ['synchronous'], group: ids.group });
      await expect(el).to.be.accessible();
    });

    it('a full group offers no further invite', async () => {
      const state = learnerState();
      state.groups[0]!.size = 2;
      const el = await render(new FakeSession({ state }));
      expect(text(el)).not.to.contain('Invite someone else to this group');
    });

    it('memory only: says it is saved for this visit only', async () => {
      const el = await render(new FakeSession({ memoryOnly: true }));
      expect(shadow(el, '[part="notice"]').textContent).to.contain('Saved for this visit only.');
      await expect(el).to.be.accessible();
    });
  });

  describe('actions and events', () => {
    it('dispatches the endpoint’s events as bubbling, composed DOM events', async () => {
      const session = new FakeSession();
      const created = serverEvent('invite.created', { invite: ids.invitePending, group: null, relationship: 'friend', objects: ['discuss'], modalities: ['email'] });
      session.answers['invite.create'] = ok({ type: 'invite.create', invite: ids.invitePending, code: codes.created }, [created]);
      const el = await render(session);
      choose(el, 'relationship', 'friend');
      choose(el, 'objects', 'discuss');
      choose(el, 'modalities', 'email');
      const heard = oneEvent(document, 'tandem-invite-created');
      buttonByText(el, 'Create the invite link').click();
      const event = (await heard) as CustomEvent;
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.detail).to.deep.equal(created);
    });

    it('copy writes the link, tracks the fact and dispatches it', async () => {
      const session = new FakeSession();
      session.answers['invite.create'] = ok({ type: 'invite.create', invite: ids.invitePending, code: codes.created });
      const el = await render(session);
      choose(el, 'relationship', 'friend');
      choose(el, 'objects', 'discuss');
      choose(el, 'modalities', 'email');
      await submit(el);
      let copied = '';
      const clipboard = navigator.clipboard;
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
      try {
        const heard = oneEvent(el, 'tandem-invite-link-shared');
        buttonByText(el, 'Copy').click();
        const event = (await heard) as CustomEvent;
        expect(event.detail).to.deep.equal({ type: 'invite.link-shared', invite: ids.invitePending, channel: 'copy' });
        await settle(el);
        expect(copied).to.equal(shadow<HTMLInputElement>(el, '#link').value);
        expect(session.tracked()).to.deep.equal([{ type: 'invite.link-shared', invite: ids.invitePending, channel: 'copy' }]);
        expect(shadow(el, '[role="status"]').textContent).to.equal('Link copied.');
      } finally {
        Object.defineProperty(navigator, 'clipboard', { configurable: true, value: clipboard });
      }
    });

    it('email tracks the email channel', async () => {
      const session = new FakeSession();
      session.answers['invite.create'] = ok({ type: 'invite.create', invite: ids.invitePending, code: codes.created });
      const el = await render(session);
      choose(el, 'relationship', 'friend');
      choose(el, 'objects', 'discuss');
      choose(el, 'modalities', 'email');
      await submit(el);
      const mail = shadow<HTMLAnchorElement>(el, 'a[href^="mailto:"]');
      mail.addEventListener('click', (e) => e.preventDefault()); // the test page must not open a mail client
      mail.click();
      expect(session.tracked()).to.deep.equal([{ type: 'invite.link-shared', invite: ids.invitePending, channel: 'email' }]);
    });

    it('cancel asks first, then sends invite.cancel', async () => {
      const session = new FakeSession();
      session.answers['invite.cancel'] = ok({ type: 'invite.cancel', invite: ids.invitePending });
      const el = await render(session);
      buttonByText(el, 'Cancel invite').click();
      await settle(el);
      expect(text(el)).to.contain('Cancel this invite?');
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Yes');
      await expect(el).to.be.accessible();
      expect(session.sent()).to.have.length(0);
      buttonByText(el, 'Yes').click();
      await settle(el);
      expect(session.sent()).to.deep.equal([{ type: 'invite.cancel', invite: ids.invitePending }]);
      expect(shadow(el, '[role="status"]').textContent).to.equal('This invite was cancelled.');
    });

    it('a refusal shows a translated alert and dispatches tandem-error', async () => {
      const session = new FakeSession();
      session.answers['invite.create'] = refused('not_offered');
      const el = await render(session);
      choose(el, 'relationship', 'friend');
      choose(el, 'objects', 'discuss');
      choose(el, 'modalities', 'email');
      const heard = oneEvent(el, 'tandem-error');
      buttonByText(el, 'Create the invite link').click();
      const event = (await heard) as CustomEvent;
      expect(event.detail).to.deep.equal({ code: 'not_offered', message: 'refused: not_offered' });
      expect(event.bubbles && event.composed).to.equal(true);
      await settle(el);
      expect(shadow(el, '[role="alert"]').textContent).to.equal('The course does not offer this choice.');
    });
  });

  describe('keyboard', () => {
    it('fills and submits the form with Tab, Space and Enter', async () => {
      const session = new FakeSession();
      const el = await render(session);
      shadow<HTMLInputElement>(el, 'input[name="relationship"]').focus();
      await sendKeys({ press: 'ArrowDown' }); // radio group: arrows move and select
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Space' }); // first object
      for (let i = 0; i < 3; i++) await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Space' }); // first modality
      for (let i = 0; i < 3; i++) await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Create the invite link');
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(session.sent()).to.deep.equal([{ type: 'invite.create', relationship: 'friend', objects: ['mutual-help'], modalities: ['synchronous'] }]);
    });
  });

  describe('configuration', () => {
    it('missing endpoint: a visible error naming it, one console.error, no throw', async () => {
      let el!: TandemInvite;
      const { endpoint: _, ...rest } = CONFIG;
      const errors = await capturingErrors(async () => {
        el = await render(new FakeSession(), rest);
        el.setAttribute('course-title', 'Another title'); // re-resolving must not log the same problem again
        await settle(el);
      });
      expect(shadow(el, '[role="alert"]').textContent).to.contain('endpoint: missing, expected an absolute http(s) URL');
      expect(errors).to.have.length(1);
      expect(String(errors[0]![0])).to.contain('endpoint');
      await expect(el).to.be.accessible();
    });

    it('invalid URL and invalid messages JSON: each named, one console.error each', async () => {
      let el!: TandemInvite;
      const errors = await capturingErrors(async () => {
        el = await render(new FakeSession(), { ...CONFIG, endpoint: 'ftp://tandem.example.org', messages: '{not json' });
      });
      const alert = shadow(el, '[role="alert"]').textContent!;
      expect(alert).to.contain('endpoint: invalid, expected an absolute http(s) URL');
      expect(alert).to.contain('messages: invalid, expected a JSON object of messages');
      expect(errors).to.have.length(2);
    });

    it('the error is translated on a French page', async () => {
      const { course: _, ...rest } = CONFIG;
      const errors = await capturingErrors(async () => {
        const el = await render(new FakeSession(), { ...rest, lang: 'fr' });
        expect(shadow(el, '[role="alert"]').textContent).to.contain('course : absent, attendu un identifiant de cours');
      });
      expect(errors).to.have.length(1);
    });

    it('a relative endpoint is resolved against the page', async () => {
      const el = await render(new FakeSession(), { ...CONFIG, endpoint: '/api' });
      expect(el.shadowRoot!.querySelector('form')).to.exist;
    });

    it('picks up a <tandem-config> added after the element', async () => {
      const { endpoint: _e, course: _c, ...rest } = CONFIG;
      let el!: TandemInvite;
      await capturingErrors(async () => {
        el = await render(new FakeSession(), rest);
      });
      expect(el.shadowRoot!.querySelector('form')).to.equal(null);
      const config = document.createElement('tandem-config');
      config.setAttribute('endpoint', CONFIG.endpoint);
      config.setAttribute('course', CONFIG.course);
      const holder = document.createElement('div');
      holder.dataset.testMount = '';
      holder.append(config);
      await import('../../../src/elements/tandem-config.js');
      document.body.append(holder);
      await settle(el);
      expect(el.shadowRoot!.querySelector('form')).to.exist;
    });

    it('course messages override labels, per language or for all', async () => {
      const messages = JSON.stringify({ 'invite.title': 'Find a study buddy', fr: { 'invite.title': 'Trouvez un binôme' } });
      const en = await render(new FakeSession(), { ...CONFIG, messages });
      expect(shadow(en, 'h2').textContent).to.equal('Find a study buddy');
      const fr = await render(new FakeSession(), { ...CONFIG, messages, lang: 'fr' });
      expect(shadow(fr, 'h2').textContent).to.equal('Trouvez un binôme');
    });
  });

  describe('languages', () => {
    it('French labels from the element’s lang', async () => {
      const el = await render(new FakeSession(), { ...CONFIG, lang: 'fr-CA' });
      expect(text(el)).to.contain('Qui invitez-vous ?').and.contain('Collègue').and.contain('S’entraider').and.contain('Acceptée par Bob');
      await expect(el).to.be.accessible();
    });

    it('French from the page’s lang when the element has none', async () => {
      document.documentElement.lang = 'fr';
      try {
        const el = await render(new FakeSession());
        expect(text(el)).to.contain('Créer le lien d’invitation');
      } finally {
        document.documentElement.lang = 'en';
      }
    });
  });
});
