/**
 * <tandem-join> states, each rendered from a fixture and checked for accessibility:
 * - no invite in the URL (renders nothing)
 * - malformed code (clear message, nothing kept or sent)
 * - loading details
 * - details, signed out ("Sign in or enroll to accept" keeps the code, then goes to enroll-url)
 * - details, signed in (accept / decline)
 * - kept invite, back signed in without the fragment (offered again)
 * - accepting, then waiting offline
 * - accepted (fragment removed, kept invite forgotten), declined
 * - errors: unknown, expired, cancelled, used invite (from details); own invite, full group, already member (from accept)
 * - config error, French labels
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TandemJoin } from '../../../src/elements/tandem-join.js';
import '../../../src/elements/tandem-join.js';
import { CONFIG, FakeSession, HOSTILE, buttonByText, capturingErrors, codes, ids, inviteDetails, mount, ok, refused, serverEvent, settle, shadow, text, unmountAll } from './fixtures.js';

const render = (session?: FakeSession, attributes: Record<string, string> = CONFIG) => mount<TandemJoin>('tandem-join', session, attributes);
const page = () => `${location.pathname}${location.search}`;
const openLink = (hash: string) => history.replaceState(null, '', `${page()}${hash}`);

/** Mounts and waits for the details answer. */
async function opened(session: FakeSession, attributes?: Record<string, string>): Promise<TandemJoin> {
  const el = await render(session, attributes);
  await settle(el);
  return el;
}

describe('<tandem-join>', () => {
  afterEach(() => {
    unmountAll();
    openLink('');
  });

  describe('states', () => {
    it('no invite in the URL: renders nothing and asks nothing', async () => {
      const session = new FakeSession();
      const el = await opened(session);
      expect(el.shadowRoot!.children).to.have.length(0);
      expect(session.calls).to.deep.equal([]);
      await expect(el).to.be.accessible();
    });

    it('malformed code: a clear message, nothing kept or fetched', async () => {
      openLink('#tandem-invite=not-a-code');
      const session = new FakeSession();
      const el = await opened(session);
      expect(text(el)).to.contain('This invite link is not valid; ask for a new one.');
      expect(session.calls).to.deep.equal([]);
      await expect(el).to.be.accessible();
    });

    it('loading details: a stable placeholder', async () => {
      openLink(`#tandem-invite=${codes.pending}`);
      const session = new FakeSession();
      session.inviteDetails = (code: string) => {
        session.calls.push({ method: 'inviteDetails', code });
        return new Promise(() => {});
      };
      const el = await opened(session);
      expect(text(el)).to.contain('Loading…');
      expect(session.calls).to.deep.equal([{ method: 'inviteDetails', code: codes.pending }]);
      await expect(el).to.be.accessible();
    });

    it('details, signed out: who, which course, what and how, and a sign-in link', async () => {
      openLink(`#tandem-invite=${codes.pending}`);
      const el = await opened(new FakeSession({ status: 'signed-out', state: null }));
      expect(shadow(el, 'h2').textContent).to.equal('Alice invites you to study Climate Science 101 together');
      expect(text(el)).to.contain('Invited as: Friend').and.contain('Help each other, Talk about the course').and.contain('Phone or video call');
      expect(shadow(el, 'a[part="button"]').textContent).to.equal('Sign in or enroll to accept');
      expect(el.shadowRoot!.querySelector('button')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('signed out: keeps the code, then goes to the enroll URL', async () => {
      openLink(`#tandem-invite=${codes.pending}`);
      const session = new FakeSession({ status: 'signed-out', state: null });
      const enroll = `${location.origin}${page()}#enrolled`; // same document, so the test page stays
      const el = await opened(session, { ...CONFIG, 'enroll-url': enroll });
      shadow(el, 'a[part="button"]').click();
      await new Promise((r) => setTimeout(r, 20));
      expect(session.calls).to.deep.include({ method: 'keepInvite', code: codes.pending });
      expect(location.hash).to.equal('#enrolled');
    });

    it('details, signed in: accept and decline, and invite.opened tracked once per page', async () => {
      openLink(`#tandem-invite=${codes.pending}`);
      const session = new FakeSession();
      // An invite no other test opens: the once-per-page record outlives each test.
      session.details = { ok: true, details: inviteDetails({ id: ids.inviteDeclined }) };
      const heard = oneEvent(document, 'tandem-invite-opened');
      const el = await opened(session);
      expect((await heard).detail).to.deep.equal({ type: 'invite.opened', invite: ids.inviteDeclined });
      buttonByText(el, 'Accept');
      buttonByText(el, 'Decline');
      await expect(el).to.be.accessible();
      const again = await opened(session);
      again.requestUpdate();
      await settle(again);
      expect(session.tracked()).to.deep.equal([{ type: 'invite.opened', invite: ids.inviteDeclined }]);
    });

    it('joining an existing group says how many places are taken', async () => {
      openLink(`#tandem-invite=${codes.pending}`);
      const session = new FakeSession();
      session.details = { ok: true, details: inviteDetails({ id: ids.inviteAccepted, members: 2, groupSize: 3 }) };
      const el = await opened(session);
      expect(text(el)).to.contain('Places taken: 2 of 3.');
    });

    it('a kept invite is offered again when the learner comes back signed in', async () => {
      const session = new FakeSession({ keptInvite: codes.pending });
      const el = await opened(session);
      expect(session.calls[0]).to.deep.equal({ method: 'inviteDetails', code: codes.pending });
      buttonByText(el, 'Accept');
      await expect(el).to.be.accessible();
    });

    it('accepting, then waiting offline', async () => {
      openLink(`#tandem-invite=${codes.pending}`);
      const session = new FakeSession();
      const el = await opened(session);
      buttonByText(el, 'Accept').click();
      await settle(el);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Sending…');
      expect(buttonByText(el, 'Accept').disabled).to.equal(true);
      session.update({ offline: true });
      await settle(el);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Will be sent when you are back online.');
      await expect(el).to.be.accessible();
    });

    it('accepted: dispatches the event, forgets the kept invite and removes the fragment', async () => {
      openLink(`#a=1&tandem-invite=${codes.pending}`);
      const session = new FakeSession();
      const accepted = serverEvent('invite.accepted', {
        learner: ids.bob,
        invite: ids.invitePending,
        group: ids.group,
        inviter: ids.alice,
        relationship: 'friend',
        objects: ['discuss'],
        modalities: ['email'],
      });
      session.answers['invite.accept'] = ok({ type: 'invite.accept', invite: ids.invitePending, group: ids.group }, [accepted]);
      const el = await opened(session);
      const heard = oneEvent(el, 'tandem-invite-accepted');
      buttonByText(el, 'Accept').click();
      const event = (await heard) as CustomEvent;
      expect(event.detail).to.deep.equal(accepted);
      expect(event.bubbles && event.composed).to.equal(true);
      await settle(el);
      expect(session.sent()).to.deep.equal([{ type: 'invite.accept', code: codes.pending }]);
      expect(session.calls).to.deep.include({ method: 'keepInvite', code: null });
      expect(location.hash).to.equal('#a=1');
      expect(text(el)).to.contain('You joined the group.');
      await expect(el).to.be.accessible();
    });

    it('declined', async () => {
      openLink(`#tandem-invite=${codes.pending}`);
      const session = new FakeSession();
      session.answers['invite.decline'] = ok({ type: 'invite.decline', invite: ids.invitePending });
      const el = await opened(session);
      buttonByText(el, 'Decline').click();
      await settle(el);
      expect(shadow(el, '[role="status"]').textContent).to.equal('This invite was declined.');
      expect(location.hash).to.equal('');
      await expect(el).to.be.accessible();
    });

    for (const [code, message] of [
      ['invite_not_found', 'This invite link is not valid; ask for a new one.'],
      ['invite_expired', 'This invite has expired.'],
      ['invite_cancelled', 'This invite was cancelled.'],
      ['invite_used', 'This invite has already been used.'],
    ] as const) {
      it(`details refused (${code}): a clear message, no accept`, async () => {
        openLink(`#tandem-invite=${codes.other}`);
        const session = new FakeSession();
        session.details = { ok: false, code, message: code };
        const el = await opened(session);
        expect(text(el)).to.contain(message);
        expect(el.shadowRoot!.querySelector('button')).to.equal(null);
        await expect(el).to.be.accessible();
      });
    }

    for (const [code, message] of [
      ['own_invite', 'This is your own invite'],
      ['group_full', 'This group is full.'],
      ['already_member', 'You are already in this group.'],
    ] as const) {
      it(`accept refused (${code}): an alert, tandem-error, and the kept invite forgotten`, async () => {
        openLink(`#tandem-invite=${codes.pending}`);
        const session = new FakeSession();
        session.answers['invite.accept'] = refused(code);
        const el = await opened(session);
        const heard = oneEvent(el, 'tandem-error');
        buttonByText(el, 'Accept').click();
        expect((await heard).detail.code).to.equal(code);
        await settle(el);
        expect(shadow(el, '[role="alert"]').textContent).to.contain(message);
        expect(session.calls).to.deep.include({ method: 'keepInvite', code: null });
        await expect(el).to.be.accessible();
      });
    }
  });

  it('reacts to the fragment changing', async () => {
    const session = new FakeSession();
    const el = await opened(session);
    location.hash = `tandem-invite=${codes.pending}`;
    await oneEvent(window, 'hashchange');
    await settle(el);
    await settle(el);
    expect(shadow(el, 'h2').textContent).to.contain('Alice invites you');
  });

  it('an inviter name with HTML is shown as text', async () => {
    openLink(`#tandem-invite=${codes.pending}`);
    const session = new FakeSession();
    session.details = { ok: true, details: inviteDetails({ inviter: { name: HOSTILE } }) };
    const el = await opened(session);
    expect(shadow(el, 'h2').textContent).to.contain(HOSTILE);
    expect(el.shadowRoot!.querySelector('img, script')).to.equal(null);
  });

  it('keyboard: Tab to Accept, Enter sends', async () => {
    openLink(`#tandem-invite=${codes.pending}`);
    const session = new FakeSession();
    const el = await opened(session);
    el.focus();
    document.body.focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Accept');
    await sendKeys({ press: 'Enter' });
    expect(session.sent()).to.deep.equal([{ type: 'invite.accept', code: codes.pending }]);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Space' });
    expect(session.sent()).to.have.length(1); // buttons are disabled while the first answer is awaited
  });

  it('French labels', async () => {
    openLink(`#tandem-invite=${codes.pending}`);
    const el = await opened(new FakeSession(), { ...CONFIG, lang: 'fr' });
    expect(shadow(el, 'h2').textContent).to.equal('Alice vous invite à suivre Climate Science 101 ensemble');
    expect(text(el)).to.contain('Ami·e').and.contain('Accepter').and.contain('Refuser');
    await expect(el).to.be.accessible();
  });

  it('bad config: a visible error naming the attribute, one console.error, no throw', async () => {
    openLink(`#tandem-invite=${codes.pending}`);
    let el!: TandemJoin;
    const errors = await capturingErrors(async () => {
      el = await opened(new FakeSession(), { ...CONFIG, 'enroll-url': 'javascript:alert(1)' });
    });
    expect(shadow(el, '[role="alert"]').textContent).to.contain('enroll-url: invalid, expected an absolute http(s) URL');
    expect(errors).to.have.length(1);
    await expect(el).to.be.accessible();
  });
});
