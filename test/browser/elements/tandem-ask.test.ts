/**
 * <tandem-ask peer="…" peer-name="…"> states, each rendered from fixtures and checked for accessibility:
 * - signed out (explains to sign in), loading, the button, own name (nothing), the confirmation
 *   (defaults from the learner's profile, else the course's first offer; editable), sending, sent (cancel),
 *   already asked, errors (translated, with tandem-error), an idempotent resend, French, keyboard use
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TandemAsk } from '../../../src/elements/tandem-ask.js';
import '../../../src/elements/tandem-ask.js';
import { CONFIG, FakeSession, buttonByText, ids, learnerState, mount, shadow, text, unmountAll } from './fixtures.js';
import { answer, discovery, fail, flush, offline, ok, peerIds, peerSession, profile, request, requestList } from './peer-fixtures.js';

const BOB = { ...CONFIG, peer: ids.bob, 'peer-name': 'Bob' };
const sentToBob = request({ id: peerIds.newRequest, peer: { id: ids.bob, name: 'Bob' } });

const render = async (session: FakeSession, attributes: Record<string, string> = BOB): Promise<TandemAsk> => {
  const el = await mount<TandemAsk>('tandem-ask', session, attributes);
  await flush(el);
  return el;
};
const checked = (el: TandemAsk, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
const open = async (el: TandemAsk) => {
  buttonByText(el, 'Study with Bob').click();
  await flush(el);
};

describe('<tandem-ask>', () => {
  afterEach(unmountAll);

  it('signed out: explains to sign in, as the enroll link (or text without one)', async () => {
    const el = await render(new FakeSession({ status: 'signed-out', state: null }));
    expect(shadow(el, 'a[part="button"]').textContent).to.equal('Sign in to study with Bob');
    await expect(el).to.be.accessible();
    const { 'enroll-url': _, ...rest } = BOB;
    const plain = await render(new FakeSession({ status: 'signed-out', state: null }), rest);
    expect(text(plain)).to.contain('Sign in to study with Bob');
  });

  it('loading: a stable placeholder the size of the button', async () => {
    const el = await render(new FakeSession({ status: 'loading', state: null }));
    expect(shadow(el, '.placeholder')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('the button: "Study with Bob"', async () => {
    const el = await render(peerSession());
    buttonByText(el, 'Study with Bob');
    await expect(el).to.be.accessible();
  });

  it('beside the learner’s own name: nothing', async () => {
    const el = await render(peerSession(), { ...CONFIG, peer: ids.alice, 'peer-name': 'Alice' });
    expect(el.shadowRoot!.querySelector('section, button, p')).to.equal(null);
  });

  it('the confirmation: what and how from the learner’s profile where the course offers them; sends from: ask', async () => {
    const session = peerSession({ 'GET me/profile': ok(discovery(profile())), 'POST requests': ok(answer(sentToBob)) });
    const el = await render(session);
    await open(el);
    expect(checked(el, 'objects')).to.deep.equal(['mutual-help', 'discuss']);
    expect(checked(el, 'modalities')).to.deep.equal(['synchronous', 'email']);
    expect(el.shadowRoot!.activeElement?.getAttribute('name')).to.equal('objects');
    await expect(el).to.be.accessible();
    shadow<HTMLInputElement>(el, 'input[name="objects"][value="mutual-help"]').click();
    buttonByText(el, 'Ask to study together').click();
    await flush(el);
    const [body] = session.bodies('POST requests') as Record<string, unknown>[];
    expect(body).to.deep.include({ peer: ids.bob, from: 'ask', objects: ['discuss'], modalities: ['synchronous', 'email'] });
    // Said in the polite status line (screen readers hear it), and shown once, beside Cancel, where focus goes.
    expect(shadow(el, '[role="status"]').textContent).to.equal('Request sent');
    expect(text(el).split('Request sent')).to.have.length(2);
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Cancel request');
    await expect(el).to.be.accessible();
  });

  it('another learner signs in on the page: what was said to the last one ("Request sent") is gone', async () => {
    const session = peerSession({ 'POST requests': ok(answer(sentToBob)) });
    const el = await render(session);
    await open(el);
    buttonByText(el, 'Ask to study together').click();
    await flush(el);
    expect(shadow(el, '[role="status"]').textContent).to.equal('Request sent');
    session.update({ state: learnerState({ learner: { id: ids.chloe, name: 'Chloé' } }) });
    await flush(el);
    expect(shadow(el, '[role="status"]').textContent).to.equal('');
    buttonByText(el, 'Study with Bob');
  });

  it('the confirmation without a profile: the course’s first object and modality', async () => {
    const el = await render(peerSession());
    await open(el);
    expect(checked(el, 'objects')).to.deep.equal(['mutual-help']);
    expect(checked(el, 'modalities')).to.deep.equal(['synchronous']);
  });

  it('the confirmation when the profile cannot load: the course’s offer from the learner’s state', async () => {
    const el = await render(peerSession({ 'GET me/profile': fail('internal', 500) }));
    await open(el);
    expect(checked(el, 'objects')).to.deep.equal(['mutual-help']);
    expect(shadow(el, '[role="alert"]').textContent).to.equal('Something went wrong; try again later.');
  });

  it('an in-person modality chosen: the safety notice shows in the confirmation, and goes with it', async () => {
    const el = await render(peerSession());
    await open(el);
    expect(el.shadowRoot!.querySelector('[part="safety"]')).to.equal(null);
    shadow<HTMLInputElement>(el, 'input[name="modalities"][value="in-person-pair"]').click();
    await flush(el);
    expect(shadow(el, '[part="safety"]').textContent).to.contain('meet in a public place first');
    await expect(el).to.be.accessible();
    shadow<HTMLInputElement>(el, 'input[name="modalities"][value="in-person-pair"]').click();
    await flush(el);
    expect(el.shadowRoot!.querySelector('[part="safety"]')).to.equal(null);
  });

  it('an in-person modality from the learner’s profile: the safety notice shows at once', async () => {
    const el = await render(peerSession({ 'GET me/profile': ok(discovery(profile({ modalities: ['in-person-pair'] }))) }));
    await open(el);
    expect(checked(el, 'modalities')).to.deep.equal(['in-person-pair']);
    expect(shadow(el, '[part="safety"]').textContent).to.contain('meet in a public place first');
  });

  it('nothing chosen: says what is missing, sends nothing', async () => {
    const session = peerSession();
    const el = await render(session);
    await open(el);
    shadow<HTMLInputElement>(el, 'input[name="objects"]:checked').click();
    buttonByText(el, 'Ask to study together').click();
    await flush(el);
    expect(shadow(el, '#objects-error').textContent).to.equal('Make a choice.');
    expect(session.bodies('POST requests')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('sending: the button waits and the status says so', async () => {
    const session = peerSession();
    const el = await render(session);
    await open(el);
    buttonByText(el, 'Ask to study together').click();
    await flush(el);
    expect(buttonByText(el, 'Ask to study together').disabled).to.equal(true);
    expect(shadow(el, '[role="status"]').textContent).to.equal('Sending…');
    await expect(el).to.be.accessible();
  });

  it('already asked: shows the pending request, to cancel with confirmation', async () => {
    const session = peerSession({
      'GET requests': ok(requestList([], [sentToBob])),
      [`POST requests/${peerIds.newRequest}/cancel`]: ok(answer({ ...sentToBob, status: 'cancelled' })),
    });
    const el = await render(session);
    expect(text(el)).to.contain('Request sent');
    buttonByText(el, 'Cancel request').click();
    await flush(el);
    expect(text(el)).to.contain('Cancel this request?');
    await expect(el).to.be.accessible();
    buttonByText(el, 'Yes').click();
    await flush(el);
    expect(session.requested()).to.include(`POST requests/${peerIds.newRequest}/cancel`);
    expect(shadow(el, '[role="status"]').textContent).to.equal('Request cancelled.');
    buttonByText(el, 'Study with Bob');
  });

  it('the buttons of a forum thread share one request list', async () => {
    const session = peerSession();
    await render(session);
    await render(session, { ...BOB, peer: ids.chloe, 'peer-name': 'Chloé' });
    expect(session.requested().filter((r) => r == 'GET requests')).to.have.length(1);
  });

  it('a resend after a network failure carries the same id; changed choices make a new request', async () => {
    const session = peerSession({ 'POST requests': [offline, offline, ok(answer(sentToBob))] });
    const el = await render(session);
    await open(el);
    const send = async () => {
      buttonByText(el, 'Ask to study together').click();
      await flush(el);
    };
    await send();
    expect(shadow(el, '[role="alert"]').textContent).to.equal('Service unreachable.');
    await send();
    const [first, second] = session.bodies('POST requests') as { id: string }[];
    expect(second).to.deep.equal(first);
    shadow<HTMLInputElement>(el, 'input[name="objects"][value="discuss"]').click();
    await send();
    const third = session.bodies('POST requests')[2] as { id: string };
    expect(third.id).to.not.equal(first!.id);
    expect(text(el)).to.contain('Request sent');
  });

  const errors: [string, string][] = [
    ['duplicate_request', 'A request between you two already waits for an answer.'],
    ['peer_unavailable', 'This learner is not available.'],
    ['own_request', 'You cannot ask yourself.'],
    ['request_limit', '20 of your requests already wait for an answer.'],
    ['not_offered', 'The course does not offer this choice.'],
  ];
  for (const [code, message] of errors) {
    it(`error ${code}: "${message}"`, async () => {
      const el = await render(peerSession({ 'POST requests': fail(code) }));
      await open(el);
      const heard = oneEvent(el, 'tandem-error');
      buttonByText(el, 'Ask to study together').click();
      expect((await heard).detail.code).to.equal(code);
      await flush(el);
      expect(shadow(el, '[role="alert"]').textContent).to.equal(message);
    });
  }

  it('duplicate_request: the list is fetched again, and shows the request', async () => {
    const session = peerSession({ 'GET requests': [ok(requestList()), ok(requestList([], [sentToBob]))], 'POST requests': fail('duplicate_request') });
    const el = await render(session);
    await open(el);
    buttonByText(el, 'Ask to study together').click();
    await flush(el);
    expect(text(el)).to.contain('Request sent');
  });

  it('French', async () => {
    const el = await render(peerSession(), { ...BOB, lang: 'fr' });
    buttonByText(el, 'Étudier avec Bob').click();
    await flush(el);
    expect(text(el)).to.contain('Que ferez-vous ensemble ?').and.contain('Proposer d’étudier ensemble').and.contain('Annuler');
    await expect(el).to.be.accessible();
  });

  it('keyboard: tab to the button, Enter opens, Enter sends', async () => {
    const session = peerSession({ 'POST requests': ok(answer(sentToBob)) });
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.prepend(before);
    try {
      const el = await render(session);
      before.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement?.textContent).to.equal('Study with Bob');
      await sendKeys({ press: 'Enter' });
      await flush(el);
      expect(el.shadowRoot!.activeElement?.getAttribute('name')).to.equal('objects');
      buttonByText(el, 'Ask to study together').focus();
      await sendKeys({ press: 'Enter' });
      await flush(el);
      expect(session.bodies('POST requests')).to.have.length(1);
    } finally {
      before.remove();
    }
  });
});
