/**
 * The requests section of <tandem-groups> (<tandem-requests>, part 2's chunk, fetched once the learner's
 * state counts incoming requests), each state checked for accessibility:
 * - requests to answer (who, how they met, why they fit, what and how, into which group)
 * - accept (events dispatched, the state refreshed so the group shows), decline
 * - errors (closed or gone requests leave the list), French, keyboard use
 */
import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TandemGroups } from '../../../src/elements/tandem-groups.js';
import '../../../src/elements/tandem-groups.js';
import { CONFIG, FakeSession, capturingErrors, ids, learnerState, mount, unmountAll } from './fixtures.js';
import { answer, fail, flush, ok, peerIds, peerSession, request, requestList } from './peer-fixtures.js';

const fromBob = request();
const fromChloe = request({ id: peerIds.incoming2, peer: { id: ids.chloe, name: 'Chloé' }, relationship: 'earlier-mooc', group: ids.group, members: 2 });

/** <tandem-groups> with the learner's requests, and its <tandem-requests> once defined and loaded. */
async function render(session: FakeSession, attributes: Record<string, string> = CONFIG): Promise<{ groups: TandemGroups; el: HTMLElement & { updateComplete: Promise<boolean> } }> {
  const groups = await mount<TandemGroups>('tandem-groups', session, attributes);
  await customElements.whenDefined('tandem-requests');
  const el = groups.shadowRoot!.querySelector('tandem-requests') as HTMLElement & { updateComplete: Promise<boolean> };
  for (let i = 0; i < 50 && !el.shadowRoot?.querySelector('h3, [role=alert]:not(:empty)'); i++) await flush(el, 1);
  await flush(el);
  return { groups, el };
}
const inside = (el: Element) => el.shadowRoot!;
const words = (el: Element) => (inside(el).textContent ?? '').replace(/\s+/g, ' ');
const button = (el: Element, label: string, index = 0) => [...inside(el).querySelectorAll('button')].filter((b) => b.textContent == label)[index]!;

function withRequests(routes: FakeSession['routes'] = {}): FakeSession {
  return peerSession({ 'GET requests': ok(requestList([fromBob, fromChloe, request({ id: peerIds.request, status: 'accepted' })])), ...routes }, learnerState({ incomingRequests: 2 }));
}

describe('<tandem-groups> requests', () => {
  afterEach(unmountAll);

  it('lists the pending requests: who, how they met, why they fit, what and how, into which group', async () => {
    const { el } = await render(withRequests());
    const articles = [...inside(el).querySelectorAll('[part="request"]')].map((a) => a.textContent!.replace(/\s+/g, ' '));
    expect(articles).to.have.length(2);
    expect(articles[0]).to.contain('Bob asks to study with you').and.contain('Met in this course').and.contain('A new tandem');
    expect(articles[0]).to.contain('You both speak French').and.contain('Same city').and.contain('Talk about the course').and.contain('Email');
    expect(articles[1]).to.contain('Chloé asks to study with you').and.contain('Met in an earlier course').and.contain('Into their group of 2');
    expect(words(el)).to.contain('Study requests');
    await expect(el).to.be.accessible();
  });

  it('accept: dispatches the endpoint’s events, refreshes the state (the group shows with notes), says so', async () => {
    const session = withRequests({
      [`POST requests/${peerIds.incoming}/accept`]: ok(answer({ ...fromBob, status: 'accepted' }, [{ id: peerIds.event, type: 'request.accepted', group: ids.group }])),
    });
    const { el } = await render(session);
    const heard = oneEvent(el, 'tandem-request-accepted');
    button(el, 'Accept').click();
    expect((await heard).detail).to.deep.include({ type: 'request.accepted', group: ids.group });
    await flush(el);
    expect(session.calls.some((c) => c.method == 'refresh')).to.equal(true);
    expect(inside(el).querySelectorAll('[part="request"]')).to.have.length(1);
    expect(inside(el).querySelector('[role="status"]')!.textContent).to.equal('You study with Bob: see your group.');
    expect(inside(el).activeElement?.tagName).to.equal('H3');
    await expect(el).to.be.accessible();
  });

  it('decline: the request leaves the list', async () => {
    const session = withRequests({ [`POST requests/${peerIds.incoming2}/decline`]: ok(answer({ ...fromChloe, status: 'declined' })) });
    const { el } = await render(session);
    button(el, 'Decline', 1).click();
    await flush(el);
    expect(session.requested()).to.include(`POST requests/${peerIds.incoming2}/decline`);
    expect(words(el)).to.not.contain('Chloé asks');
    expect(inside(el).querySelector('[role="status"]')!.textContent).to.equal('Request declined.');
    expect(session.calls.some((c) => c.method == 'refresh')).to.equal(false);
  });

  for (const [code, message] of [
    ['request_closed', 'This request is already closed.'],
    ['request_not_found', 'This request no longer exists.'],
  ] as const) {
    it(`${code}: said, and the request leaves the list`, async () => {
      const { el } = await render(withRequests({ [`POST requests/${peerIds.incoming}/accept`]: fail(code) }));
      button(el, 'Accept').click();
      await flush(el);
      expect(inside(el).querySelector('[role="alert"]')!.textContent).to.equal(message);
      expect(words(el)).to.not.contain('Bob asks');
    });
  }

  it('group_full: said, and the request stays', async () => {
    const { el } = await render(withRequests({ [`POST requests/${peerIds.incoming}/accept`]: fail('group_full') }));
    button(el, 'Accept').click();
    await flush(el);
    expect(inside(el).querySelector('[role="alert"]')!.textContent).to.equal('This group is full.');
    expect(words(el)).to.contain('Bob asks');
  });

  it('a request arriving while the page is open shows at the next state refresh (its count changed), without reload', async () => {
    const session = peerSession({ 'GET requests': [ok(requestList([fromBob])), ok(requestList([fromBob, fromChloe]))] }, learnerState({ incomingRequests: 1 }));
    const { el } = await render(session);
    expect(inside(el).querySelectorAll('[part="request"]')).to.have.length(1);
    session.update({ state: learnerState({ incomingRequests: 1 }) });
    await flush(el);
    expect(session.requested().filter((r) => r == 'GET requests')).to.have.length(1);
    session.update({ state: learnerState({ incomingRequests: 2 }) });
    await flush(el);
    expect(session.requested().filter((r) => r == 'GET requests')).to.have.length(2);
    expect(words(el)).to.contain('Bob asks').and.contain('Chloé asks');
  });

  it('another learner signs in on the same page: their requests show, never the last learner’s', async () => {
    const toDan = request({ id: peerIds.incoming2, peer: { id: ids.chloe, name: 'Chloé' } });
    const session = peerSession({ 'GET requests': [ok(requestList([fromBob])), ok(requestList([toDan]))] }, learnerState({ incomingRequests: 1 }));
    const { el } = await render(session);
    expect(words(el)).to.contain('Bob asks');
    session.update({ status: 'signed-out', state: null });
    await flush(el);
    session.update({ status: 'signed-in', state: learnerState({ learner: { id: 'learner-dan', name: 'Dan' }, incomingRequests: 1 }) });
    await flush(el);
    expect(words(el)).to.contain('Chloé asks').and.not.contain('Bob asks');
  });

  it('a request with an in-person modality shows the safety notice; others do not', async () => {
    const inPerson = request({ id: peerIds.incoming2, peer: { id: ids.chloe, name: 'Chloé' }, modalities: ['email', 'in-person-group'] });
    const { el } = await render(peerSession({ 'GET requests': ok(requestList([fromBob, inPerson])) }, learnerState({ incomingRequests: 2 })));
    const [bob, chloe] = [...inside(el).querySelectorAll('[part="request"]')];
    expect(bob!.querySelector('[part="safety"]')).to.equal(null);
    expect(chloe!.querySelector('[part="safety"]')!.textContent).to.contain('meet in a public place first');
    await expect(el).to.be.accessible();
  });

  it('configured by the groups element’s own attributes (no <tandem-config>): takes them, and logs nothing', async () => {
    let el!: HTMLElement;
    const errors = await capturingErrors(async () => {
      ({ el } = await render(withRequests()));
    });
    expect(errors).to.deep.equal([]);
    expect(el.getAttribute('course')).to.equal(CONFIG.course);
    expect(words(el)).to.contain('Bob asks');
  });

  it('nothing pending: no box at all', async () => {
    const { el } = await render(peerSession({ 'GET requests': ok(requestList([request({ status: 'declined' })])) }, learnerState({ incomingRequests: 1 })));
    expect(inside(el).querySelector('section')).to.equal(null);
  });

  it('French, from the groups element’s own lang attribute', async () => {
    const { el } = await render(withRequests(), { ...CONFIG, lang: 'fr' });
    expect(words(el)).to.contain('Bob propose d’étudier avec vous').and.contain('Un nouveau tandem').and.contain('Accepter').and.contain('Vous parlez tous deux français');
    await expect(el).to.be.accessible();
  });

  it('keyboard: tab to Accept and press Enter', async () => {
    const session = withRequests({ [`POST requests/${peerIds.incoming}/accept`]: ok(answer({ ...fromBob, status: 'accepted' })) });
    const { groups, el } = await render(session);
    inside(groups).querySelector<HTMLElement>('h2')!.setAttribute('tabindex', '-1');
    inside(groups).querySelector<HTMLElement>('h2')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(inside(el).activeElement?.textContent).to.equal('Accept');
    await sendKeys({ press: 'Enter' });
    await flush(el);
    expect(session.requested()).to.include(`POST requests/${peerIds.incoming}/accept`);
  });
});
