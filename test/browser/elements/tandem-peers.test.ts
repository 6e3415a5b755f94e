/**
 * <tandem-peers> states, each rendered from fixtures and checked for accessibility:
 * - signed out, loading, not opted in (intro), profile form, saving, opted in (ranked list with reasons,
 *   earlier partners first), show more, empty list, pool outcome (matched, no match), offline
 * - asking (request sent, cancel), an idempotent resend after a network failure, block and report
 * - bad inputs (nothing chosen, no time slot, note too long, a city without an in-person modality)
 * - every new error code shown translated, French, course overrides, keyboard use
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TandemPeers } from '../../../src/elements/tandem-peers.js';
import '../../../src/elements/tandem-peers.js';
import { CONFIG, FakeSession, buttonByText, mount, shadow, text, unmountAll } from './fixtures.js';
import { answer, discovery, fail, flush, offline, ok, peer, peerIds, peerSession, peersPage, profile, request, requestList } from './peer-fixtures.js';

const render = async (session: FakeSession, attributes: Record<string, string> = CONFIG): Promise<TandemPeers> => {
  const el = await mount<TandemPeers>('tandem-peers', session, attributes);
  await flush(el);
  return el;
};
const all = <T extends Element = HTMLElement>(el: Element, selector: string): T[] => [...el.shadowRoot!.querySelectorAll<T>(selector)];
const click = async (el: TandemPeers, label: string): Promise<void> => {
  buttonByText(el, label).click();
  await flush(el);
};
const check = (el: Element, name: string, value: string | number): void => shadow<HTMLInputElement>(el, `input[name="${name}"][value="${value}"]`).click();

/** An opted-in learner with a first page of peers (Chloé, then an earlier partner David listed second by the endpoint). */
function optedIn(routes: FakeSession['routes'] = {}): FakeSession {
  return peerSession({
    'GET me/profile': ok(discovery(profile())),
    'GET peers?page=0': ok(peersPage([peer('Chloé'), peer('David', { earlierPartner: true, reasons: [{ code: 'earlier-partner' }] })], 0, true)),
    'GET peers?page=1': ok(peersPage([peer('Emma')], 1, false)),
    ...routes,
  });
}

describe('<tandem-peers>', () => {
  afterEach(unmountAll);

  describe('states', () => {
    it('signed out: the enroll link', async () => {
      const el = await render(new FakeSession({ status: 'signed-out', state: null }));
      expect(shadow(el, 'a[part="button"]').textContent).to.equal('Sign in or enroll to find a study partner');
      await expect(el).to.be.accessible();
    });

    it('loading: a stable placeholder while the state or the profile is on its way', async () => {
      const loading = await render(new FakeSession({ status: 'loading', state: null }));
      expect(text(loading)).to.contain('Loading…');
      expect(shadow(loading, '.placeholder')).to.exist;
      await expect(loading).to.be.accessible();
      const session = peerSession();
      delete session.routes['GET me/profile'];
      const waiting = await render(session);
      expect(text(waiting)).to.contain('Loading…');
      expect(session.requested()).to.include('GET me/profile');
    });

    it('not opted in: the intro and "I’m looking for a study partner"', async () => {
      const session = peerSession();
      const el = await render(session);
      expect(text(el)).to.contain('never your email');
      buttonByText(el, 'I’m looking for a study partner');
      expect(session.requested()).to.not.include('GET peers?page=0');
      await expect(el).to.be.accessible();
    });

    it('profile form: the course’s options, languages from the page, the detected time zone, the week grid', async () => {
      const el = await render(peerSession());
      await click(el, 'I’m looking for a study partner');
      const values = (name: string) => all<HTMLInputElement>(el, `input[name="${name}"]`).map((i) => i.value);
      expect(values('objects')).to.deep.equal(['mutual-help', 'discuss', 'watch-videos']);
      expect(values('modalities')).to.deep.equal(['synchronous', 'email', 'in-person-pair']);
      expect(values('slots')).to.have.length(28);
      expect(all<HTMLInputElement>(el, 'input[name="languages"]:checked').map((i) => i.value)).to.deep.equal(['en']);
      expect(shadow<HTMLSelectElement>(el, '#zone').value).to.equal(String(-new Date().getTimezoneOffset()));
      expect(text(el)).to.contain(Intl.DateTimeFormat().resolvedOptions().timeZone);
      // Slot = day * 4 + part, Monday first, in local time.
      expect(shadow(el, 'input[name="slots"][value="3"]').getAttribute('aria-label')).to.equal('Monday, Evening');
      expect(shadow(el, 'input[name="slots"][value="24"]').getAttribute('aria-label')).to.equal('Sunday, Night');
      expect(text(el)).to.contain('Match me automatically').and.not.contain('Your city');
      expect(el.shadowRoot!.activeElement?.getAttribute('name')).to.equal('objects');
      await expect(el).to.be.accessible();
    });

    it('profile form: an in-person modality shows the safety notice and the city; the note counts its characters', async () => {
      const el = await render(peerSession());
      await click(el, 'I’m looking for a study partner');
      check(el, 'modalities', 'in-person-pair');
      await flush(el);
      expect(shadow(el, '[part="safety"]').textContent).to.contain('public place');
      expect(shadow(el, '#city')).to.exist;
      const note = shadow<HTMLTextAreaElement>(el, '#note');
      note.focus();
      await sendKeys({ type: 'Hello' });
      await flush(el);
      expect(shadow(el, '#note-count').textContent).to.equal('5/280 characters');
      expect(note.maxLength).to.equal(280);
      await expect(el).to.be.accessible();
    });

    it('saving: sends the profile, then shows the list', async () => {
      const session = optedIn({ 'GET me/profile': ok(discovery()), 'PUT me/profile': ok(profile({ objects: ['discuss'], note: undefined })) });
      const el = await render(session);
      await click(el, 'I’m looking for a study partner');
      check(el, 'objects', 'discuss');
      check(el, 'modalities', 'email');
      check(el, 'slots', 3);
      check(el, 'slots', 27);
      shadow<HTMLSelectElement>(el, '#zone').value = '120';
      buttonByText(el, 'Save my profile').click();
      await flush(el, 10);
      expect(session.bodies('PUT me/profile')).to.deep.equal([
        { objects: ['discuss'], modalities: ['email'], languages: ['en'], utcOffsetMinutes: 120, slots: [3, 27], autoMatch: false },
      ]);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Profile saved.');
      expect(all(el, '[part="peer"]')).to.have.length(2);
      expect(el.shadowRoot!.activeElement?.id).to.equal('list');
    });

    it('saving: the button waits and the status says so', async () => {
      const session = peerSession();
      const el = await render(session);
      await click(el, 'I’m looking for a study partner');
      check(el, 'objects', 'discuss');
      check(el, 'modalities', 'email');
      check(el, 'slots', 3);
      await click(el, 'Save my profile');
      expect(session.requested()).to.include('PUT me/profile');
      expect(buttonByText(el, 'Save my profile').disabled).to.equal(true);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Sending…');
      await expect(el).to.be.accessible();
    });

    it('opted in: the ranked list, earlier partners first, with their notes, what and how, and reasons worded', async () => {
      const el = await render(optedIn());
      const names = all(el, '[part="peer"] h4').map((h) => h.textContent);
      expect(names).to.deep.equal(['David', 'Chloé']);
      const chloe = all(el, '[part="peer"]')[1]!;
      const words = chloe.textContent!.replace(/\s+/g, ' ');
      expect(words).to.contain('Chloé\'s note').and.contain('Talk about the course').and.contain('Email');
      expect(words).to.contain('Replies between you in the forum: 3').and.contain('Both want to: Talk about the course').and.contain('4 h of shared availability (evening)');
      expect(all(el, '[part="peer"]')[0]!.textContent).to.contain('You studied together in another course').and.contain('Team up again');
      expect(chloe.textContent).to.contain('Ask to study together');
      await expect(el).to.be.accessible();
    });

    it('show more: the next page is added and focus goes to its first learner', async () => {
      const session = optedIn();
      const el = await render(session);
      await click(el, 'Show more');
      expect(all(el, '[part="peer"] h4').map((h) => h.textContent)).to.deep.equal(['David', 'Chloé', 'Emma']);
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Emma');
      expect(() => buttonByText(el, 'Show more')).to.throw();
      expect(session.requested().filter((r) => r.startsWith('GET peers'))).to.deep.equal(['GET peers?page=0', 'GET peers?page=1']);
    });

    it('show more, activated twice before the page came: loaded once, focus on the button meanwhile, then on the first new learner', async () => {
      const session = optedIn();
      const el = await render(session);
      const more = buttonByText(el, 'Show more');
      more.focus();
      more.click();
      more.click();
      expect(el.shadowRoot!.activeElement).to.equal(more);
      await flush(el);
      expect(all(el, '[part="peer"] h4').map((h) => h.textContent)).to.deep.equal(['David', 'Chloé', 'Emma']);
      expect(session.requested().filter((r) => r == 'GET peers?page=1')).to.have.length(1);
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Emma');
    });

    it('show more: a learner the next page lists again (the ranking moved meanwhile) is shown once', async () => {
      const el = await render(optedIn({ 'GET peers?page=1': ok(peersPage([peer('Chloé'), peer('Emma')], 1, false)) }));
      await click(el, 'Show more');
      expect(all(el, '[part="peer"] h4').map((h) => h.textContent)).to.deep.equal(['David', 'Chloé', 'Emma']);
      expect(new Set(all(el, '[id]').map((e) => e.id)).size).to.equal(all(el, '[id]').length);
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Emma');
    });

    it('empty list: says so', async () => {
      const el = await render(optedIn({ 'GET peers?page=0': ok(peersPage([])) }));
      expect(text(el)).to.contain('Nobody fits yet');
      await expect(el).to.be.accessible();
    });

    it('pool outcome: matched (with reasons), or no match this round', async () => {
      const matched = discovery(profile(), {
        pool: { run: peerIds.run, at: '2025-03-02T10:00:00.000Z', outcome: 'matched', group: peerIds.request, reasons: [{ code: 'same-city' }] },
      });
      const el = await render(optedIn({ 'GET me/profile': ok(matched) }));
      expect(shadow(el, '[part="notice"]').textContent).to.contain('You were matched: see your groups.').and.contain('Same city');
      await expect(el).to.be.accessible();
      const none = discovery(profile(), { pool: { run: peerIds.run, at: '2025-03-02T10:00:00.000Z', outcome: 'no-match', reasons: [] } });
      const other = await render(optedIn({ 'GET me/profile': ok(none) }));
      expect(shadow(other, '[part="notice"]').textContent).to.contain('No match this round.');
    });

    it('offline: the banner, and a failed load says the service is unreachable', async () => {
      const session = peerSession({ 'GET me/profile': offline });
      session.update({ offline: true });
      const el = await render(session);
      expect(shadow(el, '[part="banner"]').textContent).to.contain('You are offline');
      expect(shadow(el, '[role="alert"]').textContent).to.equal('Service unreachable.');
      buttonByText(el, 'Try again');
      await expect(el).to.be.accessible();
    });
  });

  describe('bad inputs', () => {
    async function form(): Promise<{ el: TandemPeers; session: FakeSession }> {
      const session = peerSession({ 'PUT me/profile': ok(profile()) });
      const el = await render(session);
      await click(el, 'I’m looking for a study partner');
      return { el, session };
    }
    const save = async (el: TandemPeers) => click(el, 'Save my profile');

    it('nothing chosen, no time slot: each fieldset says what is missing, focus goes to the first, nothing is sent', async () => {
      const { el, session } = await form();
      await save(el);
      expect(all(el, 'fieldset[data-invalid]').map((f) => f.querySelector('legend')!.textContent)).to.deep.equal([
        'What will you do together?',
        'How will you work together?',
        'When are you free each week?',
      ]);
      expect(shadow(el, '#slots-error').textContent).to.equal('Make a choice.');
      expect(el.shadowRoot!.activeElement?.getAttribute('name')).to.equal('objects');
      expect(session.bodies('PUT me/profile')).to.have.length(0);
      await expect(el).to.be.accessible();
    });

    it('no language, or more than five: "Choose 1 to 5 languages."', async () => {
      const { el, session } = await form();
      check(el, 'objects', 'discuss');
      check(el, 'modalities', 'email');
      check(el, 'slots', 0);
      check(el, 'languages', 'en');
      await save(el);
      expect(shadow(el, '#languages-error').textContent).to.equal('Choose 1 to 5 languages.');
      for (const tag of ['en', 'fr', 'es', 'de', 'pt', 'ar']) check(el, 'languages', tag);
      await save(el);
      expect(shadow(el, '#languages-error').textContent).to.equal('Choose 1 to 5 languages.');
      expect(session.bodies('PUT me/profile')).to.have.length(0);
    });

    it('a note over 280 characters (pasted past the limit): marked invalid, the counter in error, nothing sent', async () => {
      const { el, session } = await form();
      check(el, 'objects', 'discuss');
      check(el, 'modalities', 'email');
      check(el, 'slots', 0);
      const note = shadow<HTMLTextAreaElement>(el, '#note');
      note.value = 'x'.repeat(300);
      note.dispatchEvent(new Event('input'));
      await save(el);
      expect(note.getAttribute('aria-invalid')).to.equal('true');
      expect(shadow(el, '#note-count').className).to.equal('error');
      expect(shadow(el, '#note-count').textContent).to.equal('300/280 characters');
      expect(el.shadowRoot!.activeElement).to.equal(note);
      expect(session.bodies('PUT me/profile')).to.have.length(0);
    });

    it('a city without an in-person modality is never sent (the field goes with the modality)', async () => {
      const { el, session } = await form();
      check(el, 'objects', 'discuss');
      check(el, 'modalities', 'in-person-pair');
      await flush(el);
      shadow<HTMLInputElement>(el, '#city').value = 'Lyon';
      check(el, 'modalities', 'in-person-pair');
      check(el, 'modalities', 'email');
      await flush(el);
      expect(el.shadowRoot!.querySelector('#city')).to.equal(null);
      check(el, 'slots', 0);
      await save(el);
      const [sent] = session.bodies('PUT me/profile') as Record<string, unknown>[];
      expect(sent).to.include({ utcOffsetMinutes: -new Date().getTimezoneOffset() });
      expect(sent).to.not.have.property('city');
    });

    it('with an in-person modality, the city is sent', async () => {
      const { el, session } = await form();
      check(el, 'objects', 'discuss');
      check(el, 'modalities', 'in-person-pair');
      check(el, 'slots', 0);
      await flush(el);
      shadow<HTMLInputElement>(el, '#city').value = ' Lyon ';
      await save(el);
      expect(session.bodies('PUT me/profile')[0]).to.include({ city: 'Lyon' });
    });
  });

  describe('actions', () => {
    it('asking: a request from the list with what both share, then "Request sent" and cancel (with confirmation)', async () => {
      const sent = request({ id: peerIds.newRequest, peer: { id: 'learner-chloé', name: 'Chloé' }, status: 'pending' });
      const session = optedIn({
        'POST requests': ok(answer(sent, [{ id: peerIds.event, type: 'request.sent', v: 1 }])),
        [`POST requests/${peerIds.newRequest}/cancel`]: ok(answer({ ...sent, status: 'cancelled' })),
      });
      const el = await render(session);
      const heard = oneEvent(el, 'tandem-request-sent');
      all(el, '[part="peer"]')[1]!.querySelector('button')!.click();
      expect((await heard).detail).to.deep.include({ type: 'request.sent' });
      await flush(el);
      const [body] = session.bodies('POST requests') as Record<string, unknown>[];
      expect(body).to.deep.include({ peer: 'learner-chloé', from: 'peers', objects: ['discuss'], modalities: ['email'] });
      expect(body!.id).to.match(/^[\da-f-]{36}$/);
      expect(all(el, '[part="peer"]')[1]!.textContent).to.contain('Request sent');
      expect(shadow(el, '[role="status"]').textContent).to.equal('Request sent');
      // Focus goes where the button was: to "Cancel request", not to the page.
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Cancel request');
      await expect(el).to.be.accessible();
      await click(el, 'Cancel request');
      expect(text(el)).to.contain('Cancel this request?');
      await click(el, 'Yes');
      expect(session.requested()).to.include(`POST requests/${peerIds.newRequest}/cancel`);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Request cancelled.');
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Ask to study together');
    });

    it('an open "Cancel this request?" stays with its learner when the list changes (a block removes one above)', async () => {
      const toChloe = request({ id: peerIds.request, peer: { id: 'learner-chloé', name: 'Chloé' } });
      const toEmma = request({ id: peerIds.newRequest, peer: { id: 'learner-emma', name: 'Emma' } });
      const session = optedIn({
        'GET peers?page=0': ok(peersPage([peer('David', { earlierPartner: true }), peer('Chloé'), peer('Emma')])),
        'GET requests': ok(requestList([], [toChloe, toEmma])),
        'PUT blocks/learner-david': ok(undefined),
        [`POST requests/${peerIds.request}/cancel`]: ok(answer({ ...toChloe, status: 'cancelled' })),
      });
      const el = await render(session);
      const item = (name: string) => all(el, '[part="peer"]').find((li) => li.querySelector('h4')!.textContent == name)!;
      const button = (name: string, label: string) => [...item(name).querySelectorAll('button')].find((b) => b.textContent == label)!;
      button('Chloé', 'Cancel request').click();
      await flush(el);
      expect(item('Chloé').textContent).to.contain('Cancel this request?');
      button('David', 'Block or report').click();
      await flush(el);
      shadow<HTMLInputElement>(el, 'input[name="block"]').click();
      el.shadowRoot!.querySelector<HTMLButtonElement>('form button:not([type])')!.click();
      await flush(el);
      expect(all(el, '[part="peer"] h4').map((h) => h.textContent)).to.deep.equal(['Chloé', 'Emma']);
      expect(item('Emma').textContent).to.not.contain('Cancel this request?');
      expect(item('Chloé').textContent).to.contain('Cancel this request?');
      button('Chloé', 'Yes').click();
      await flush(el);
      expect(session.requested().filter((r) => r.endsWith('/cancel'))).to.deep.equal([`POST requests/${peerIds.request}/cancel`]);
    });

    it('"Team up again" asks an earlier partner with from: earlier', async () => {
      const session = optedIn({ 'POST requests': ok(answer(request({ id: peerIds.newRequest, peer: { id: 'learner-david', name: 'David' } }))) });
      const el = await render(session);
      await click(el, 'Team up again');
      expect(session.bodies('POST requests')[0]).to.include({ peer: 'learner-david', from: 'earlier' });
    });

    it('a request already sent shows as sent', async () => {
      const el = await render(optedIn({ 'GET requests': ok(requestList([], [request({ id: peerIds.request, peer: { id: 'learner-chloé', name: 'Chloé' } })])) }));
      expect(all(el, '[part="peer"]')[1]!.textContent).to.contain('Request sent').and.contain('Cancel request');
    });

    it('a resend after a network failure carries the same id and body (the endpoint answers it once)', async () => {
      const session = optedIn({ 'POST requests': [offline, ok(answer(request({ id: peerIds.newRequest, peer: { id: 'learner-chloé', name: 'Chloé' } })))] });
      const el = await render(session);
      await click(el, 'Ask to study together');
      expect(shadow(el, '[role="alert"]').textContent).to.equal('Service unreachable.');
      await click(el, 'Ask to study together');
      const [first, second] = session.bodies('POST requests');
      expect(second).to.deep.equal(first);
      expect(text(el)).to.contain('Request sent');
    });

    it('block: through the safety form, without a reason; the learner leaves the list', async () => {
      const session = optedIn({ 'PUT blocks/learner-chlo%C3%A9': ok(undefined) });
      const el = await render(session);
      all<HTMLButtonElement>(el, '[part="peer"] button.alt').find((b) => b.textContent == 'Block or report' && b.closest('li')!.textContent!.includes('Chloé'))!.click();
      await flush(el);
      expect(el.shadowRoot!.activeElement?.getAttribute('name')).to.equal('reason');
      await expect(el).to.be.accessible();
      shadow<HTMLInputElement>(el, 'input[name="block"]').click();
      el.shadowRoot!.querySelector<HTMLButtonElement>('form button:not([type])')!.click();
      await flush(el);
      expect(session.requested()).to.include('PUT blocks/learner-chlo%C3%A9');
      expect(all(el, '[part="peer"] h4').map((h) => h.textContent)).to.deep.equal(['David']);
      expect(shadow(el, '[role="status"]').textContent).to.equal('Chloé is blocked.');
      expect(el.shadowRoot!.activeElement?.id).to.equal('list');
    });

    it('report: a reason is required (or a block); the report goes with details and the block asked for', async () => {
      const session = optedIn({ 'POST reports': ok({ id: peerIds.event }) });
      const el = await render(session);
      const david = all(el, '[part="peer"]')[0]!;
      [...david.querySelectorAll('button')].find((b) => b.textContent == 'Block or report')!.click();
      await flush(el);
      const send = () => el.shadowRoot!.querySelector<HTMLButtonElement>('form button:not([type])')!.click();
      send();
      await flush(el);
      expect(shadow(el, '#reason-error').textContent).to.equal('Make a choice.');
      expect(session.requested()).to.not.include('POST reports');
      check(el, 'reason', 'harassment');
      shadow<HTMLTextAreaElement>(el, '#details').value = 'Rude messages';
      send();
      await flush(el);
      const [body] = session.bodies('POST reports') as Record<string, unknown>[];
      expect(body).to.deep.include({ peer: 'learner-david', reason: 'harassment', details: 'Rude messages' });
      expect(body).to.not.have.property('block');
      expect(shadow(el, '[role="status"]').textContent).to.equal('Report sent to the course staff. Thank you.');
      const focused = el.shadowRoot!.activeElement!;
      expect(focused.textContent).to.equal('Block or report');
      expect(focused.closest('li')!.querySelector('h4')!.textContent).to.equal('David');
    });

    it('stop looking: asks first, then opts out at once and shows the intro', async () => {
      const session = optedIn({ 'DELETE me/profile': ok(undefined) });
      const el = await render(session);
      await click(el, 'Stop looking');
      expect(text(el)).to.contain('Stop looking? You leave the lists at once.');
      await expect(el).to.be.accessible();
      await click(el, 'Yes');
      expect(session.requested()).to.include('DELETE me/profile');
      expect(shadow(el, '[role="status"]').textContent).to.equal('You are no longer listed.');
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('I’m looking for a study partner');
    });

    it('edit profile: the form holds the saved profile', async () => {
      const el = await render(optedIn({ 'GET me/profile': ok(discovery(profile({ modalities: ['in-person-pair'], city: 'Lyon', autoMatch: true }))) }));
      await click(el, 'Edit my profile');
      const checked = (name: string) => all<HTMLInputElement>(el, `input[name="${name}"]:checked`).map((i) => i.value);
      expect(checked('objects')).to.deep.equal(['mutual-help', 'discuss']);
      expect(checked('slots')).to.deep.equal(['3', '7', '27']);
      expect(checked('languages')).to.deep.equal(['en', 'fr']);
      expect(checked('auto')).to.deep.equal(['on']);
      expect(shadow<HTMLInputElement>(el, '#city').value).to.equal('Lyon');
      expect(shadow<HTMLSelectElement>(el, '#zone').value).to.equal('60');
      expect(shadow<HTMLTextAreaElement>(el, '#note').value).to.equal('Evenings, CET');
      await click(el, 'Cancel');
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Edit my profile');
    });

    it('keyboard: tab to "Ask to study together" and press Enter', async () => {
      const session = optedIn({ 'POST requests': ok(answer(request({ id: peerIds.newRequest, peer: { id: 'learner-chloé', name: 'Chloé' } }))) });
      const el = await render(session);
      all<HTMLButtonElement>(el, 'button').find((b) => b.textContent == 'Block or report')!.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Ask to study together');
      await sendKeys({ press: 'Enter' });
      await flush(el);
      expect(session.bodies('POST requests')).to.have.length(1);
    });
  });

  describe('errors', () => {
    const cases: [string, string][] = [
      ['not_opted_in', 'First say you are looking for a study partner.'],
      ['peer_unavailable', 'This learner is not available.'],
      ['own_request', 'You cannot ask yourself.'],
      ['duplicate_request', 'A request between you two already waits for an answer.'],
      ['request_limit', '20 of your requests already wait for an answer.'],
      ['request_not_found', 'This request no longer exists.'],
      ['request_closed', 'This request is already closed.'],
      ['group_full', 'This group is full.'],
      ['not_offered', 'The course does not offer this choice.'],
      ['rate_limited', 'Something went wrong; try again later.'],
    ];
    for (const [code, message] of cases) {
      it(`${code}: "${message}", and tandem-error`, async () => {
        const el = await render(optedIn({ 'POST requests': fail(code) }));
        const heard = oneEvent(el, 'tandem-error');
        await click(el, 'Ask to study together');
        expect(shadow(el, '[role="alert"]').textContent).to.equal(message);
        expect((await heard).detail.code).to.equal(code);
      });
    }

    it('not opted in any more (another tab): back to the intro', async () => {
      const el = await render(optedIn({ 'GET peers?page=0': fail('not_opted_in') }));
      buttonByText(el, 'I’m looking for a study partner');
      expect(shadow(el, '[role="alert"]').textContent).to.equal('First say you are looking for a study partner.');
    });
  });

  it('French', async () => {
    const el = await render(optedIn(), { ...CONFIG, lang: 'fr' });
    expect(text(el)).to.contain('Trouver un binôme d’étude').and.contain('Refaire équipe').and.contain('Réponses entre vous dans le forum : 3');
    expect(text(el)).to.contain('4 h de disponibilité commune (soir)').and.contain('Parler du cours');
    await click(el, 'Modifier mon profil');
    expect(shadow(el, 'input[name="slots"][value="3"]').getAttribute('aria-label')).to.equal('lundi, Soir');
    await expect(el).to.be.accessible();
  });

  it('course overrides apply to part 2’s messages', async () => {
    const messages = JSON.stringify({ 'peers.title': 'Find a buddy', fr: { 'peers.ask': 'Étudions !' } });
    const el = await render(optedIn(), { ...CONFIG, messages });
    expect(text(el)).to.contain('Find a buddy');
    const fr = await render(optedIn(), { ...CONFIG, lang: 'fr', messages });
    expect(text(fr)).to.contain('Étudions !').and.contain('Find a buddy');
  });
});
