/**
 * Part 2's fixtures: wire replies built with the protocol's own schemas (so a
 * fixture can never drift from the contract the endpoint answers), and the
 * FakeSession routes part 2's elements call.
 */
import { MyDiscovery, PeersPage, type PeerItem } from '../../../src/protocol/peers.js';
import { RequestAnswer, RequestList, type PeerRequest } from '../../../src/protocol/requests.js';
import type { Reply } from '../../../src/transport/session-types.js';
import { FakeSession, ids, learnerState, type FakeReply } from './fixtures.js';

const time = '2025-03-01T10:00:00.000Z';

export const peerIds = {
  run: '8d5ea1c0-6f92-4eb3-a4d1-92a3b4c5d6e7',
  request: '9e6fb2d1-7a03-4fc4-b5e2-a3b4c5d6e7f8',
  incoming: 'af70c3e2-8b14-4ad5-86f3-b4c5d6e7f809',
  incoming2: 'b081d4f3-9c25-4be6-97a4-c5d6e7f8091a',
  newRequest: 'c192e504-ad36-4cf7-a8b5-d6e7f8091a2b',
  event: 'd2a3f615-be47-4d08-b9c6-e7f8091a2b3c',
};

/** The learner's own profile, as the endpoint stores it. */
export function profile(overrides: Record<string, unknown> = {}) {
  return {
    objects: ['mutual-help', 'discuss'],
    modalities: ['synchronous', 'email'],
    languages: ['en', 'fr'],
    utcOffsetMinutes: 60,
    slots: [3, 7, 27],
    note: 'Evenings, CET',
    optedInAt: time,
    ...overrides,
  };
}

/** `GET me/profile`: not opted in unless `mine` is given. */
export function discovery(mine: Record<string, unknown> | null = null, more: Record<string, unknown> = {}): MyDiscovery {
  return MyDiscovery.parse({
    profile: mine,
    options: {
      objects: ['mutual-help', 'discuss', 'watch-videos'],
      modalities: ['synchronous', 'email', 'in-person-pair'],
      city: true,
      pool: true,
    },
    pool: null,
    ...more,
  });
}

export function peer(name: string, overrides: Partial<PeerItem> = {}): PeerItem {
  return {
    id: `learner-${name.toLowerCase()}`,
    name,
    note: `${name}'s note`,
    objects: ['discuss'],
    modalities: ['email'],
    languages: ['en'],
    score: 1,
    reasons: [
      { code: 'forum', count: 3 },
      { code: 'objects', objects: ['discuss'] },
      { code: 'availability', hours: 4, part: 'evening' },
    ],
    ...overrides,
  };
}

export function peersPage(items: PeerItem[], page = 0, hasMore = false): PeersPage {
  return PeersPage.parse({ items, page, hasMore, total: items.length + (hasMore ? 20 : 0) });
}

export function request(overrides: Partial<PeerRequest> = {}): PeerRequest {
  return {
    id: peerIds.incoming,
    peer: { id: ids.bob, name: 'Bob' },
    relationship: 'this-mooc',
    objects: ['discuss'],
    modalities: ['email'],
    group: null,
    members: 0,
    status: 'pending',
    reasons: [{ code: 'language', languages: ['fr'] }, { code: 'same-city' }],
    createdAt: time,
    ...overrides,
  };
}

export function requestList(incoming: PeerRequest[] = [], outgoing: PeerRequest[] = []): RequestList {
  return RequestList.parse({ incoming, outgoing, pendingOut: outgoing.filter((r) => r.status == 'pending').length });
}

export function answer(changed: PeerRequest, events: Record<string, unknown>[] = []): RequestAnswer {
  return RequestAnswer.parse({ request: changed, events });
}

export const ok = (value: unknown): FakeReply => ({ ok: true, value });
export const fail = (code: string, status = 409): Extract<Reply<unknown>, { ok: false }> => ({ ok: false, code, message: `refused: ${code}`, path: '', status });
export const offline = fail('network', 0);

/** A signed-in session whose part-2 routes answer: not opted in, no requests. */
export function peerSession(routes: FakeSession['routes'] = {}, state = learnerState()): FakeSession {
  const session = new FakeSession({ state });
  session.routes = { 'GET me/profile': ok(discovery()), 'GET requests': ok(requestList()), ...routes };
  return session;
}

/** Waits for a few macrotasks and renders, long enough for fake replies and the lazy catalogue. */
export async function flush(el: { updateComplete: Promise<boolean> }, rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
  }
}
