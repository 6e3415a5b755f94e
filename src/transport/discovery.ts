import { custom } from 'zod/mini';
import type { PartOfDay } from '../core/availability.js';
import { MODALITIES, OBJECTS } from '../core/typology.js';
import type {
  MyDiscovery as WireMyDiscovery,
  PeerItem as WirePeerItem,
  PeerProfile as WirePeerProfile,
  PeerProfileInput,
  PeerReason as WirePeerReason,
} from '../protocol/peers.js';
import type { PeerRequest as WirePeerRequest, SendReport, SendRequest } from '../protocol/requests.js';
import type { Reply, TandemSessionApi } from './session-types.js';

/*
 * Part 2's routes (opt-in discovery, requests, blocks, reports) as the lazy
 * elements call them, through `TandemSessionApi.request`: the session adds
 * the course, the token and the typed failures; this module, loaded only with
 * those elements, names the routes and checks the replies.
 *
 * The replies are typed with the wire schemas' types (src/protocol/peers.ts,
 * requests.ts), narrowed to the fields the elements use, and checked with
 * z.custom schemas: each reply must hold those fields, of the types the
 * elements read (the codes they translate, the UUIDs they put in paths). Not
 * the wire schemas themselves, nor z.object and the like: zod's modules live in
 * the runtime chunk every part-1 page loads, and the wire schemas would bring
 * z.discriminatedUnion, z.literal, z.boolean, z.extend and z.looseObject into it
 * (about 1.2 KB gzipped), the builders alone their exports (about 70 bytes).
 */

export type PeerReason = Partial<Omit<Extract<WirePeerReason, { code: 'forum' }>, 'code'>> &
  Partial<Omit<Extract<WirePeerReason, { code: 'objects' }>, 'code'>> &
  Partial<Omit<Extract<WirePeerReason, { code: 'modalities' }>, 'code'>> &
  Partial<Omit<Extract<WirePeerReason, { code: 'language' }>, 'code'>> & { code: WirePeerReason['code']; hours?: number; part?: PartOfDay };
type Codes = Pick<WirePeerItem, 'objects' | 'modalities'>;
export type PeerProfile = Omit<WirePeerProfile, 'optedInAt'>;
export type MyDiscovery = Omit<WireMyDiscovery, 'profile' | 'pool'> & {
  profile: PeerProfile | null;
  pool: { outcome: 'matched' | 'no-match'; reasons: PeerReason[] } | null;
};
export type PeerItem = Pick<WirePeerItem, 'id' | 'name' | 'note' | 'earlierPartner'> & Codes & { reasons: PeerReason[] };
export type PeersPage = { items: PeerItem[]; hasMore: boolean };
export type PeerRequest = Pick<WirePeerRequest, 'id' | 'peer' | 'relationship' | 'group' | 'members' | 'status'> & Codes & { reasons: PeerReason[] };
export type RequestList = { incoming: PeerRequest[]; outgoing: PeerRequest[] };
export type RequestAnswer = { request: PeerRequest; events: { [key: string]: unknown; type: string }[] };

/** The checks read JSON of any shape: `any` lets them ask (`value?.objects`) before they know. */
type Json = any;
const list = (value: Json, each: (item: Json) => unknown): boolean => Array.isArray(value) && value.every(each);
const text = (value: Json): boolean => typeof value == 'string';
const codes = (value: Json): boolean =>
  list(value?.objects, (code) => OBJECTS.includes(code)) && list(value.modalities, (code) => MODALITIES.includes(code));
/** Worded by their code (an unknown one shows as its message id); their numbers and lists fill the wording. */
const reasons = (value: Json): boolean => list(value, (reason) => text(reason?.code));
const profile = (value: Json): boolean =>
  codes(value) && list(value.languages, text) && list(value.slots, Number.isInteger) && Number.isInteger(value.utcOffsetMinutes);
/** Request ids go into paths (`requests/{id}/accept`): nothing but a UUID. */
const request = (value: Json): boolean =>
  /^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/i.test(value?.id) && text(value.peer?.id) && text(value.peer.name) && codes(value) && reasons(value.reasons);
/** A schema for replies `check` accepts (zod takes any truthy answer as a pass). */
const reply = <T>(check: (value: Json) => unknown) => custom<T>(check);

const Discovery = reply<MyDiscovery>((v) => (v?.profile === null || profile(v.profile)) && codes(v.options) && (v.pool === null || reasons(v.pool?.reasons)));
const Profile = reply<PeerProfile>(profile);
const Peers = reply<PeersPage>((v) => list(v?.items, (peer) => text(peer?.id) && text(peer.name) && codes(peer) && reasons(peer.reasons)));
const Requests = reply<RequestList>((v) => list(v?.incoming, request) && list(v.outgoing, request));
const Answer = reply<RequestAnswer>((v) => request(v?.request) && list(v.events, (event) => text(event?.type)));
/** A 204: whatever came (nothing) is fine. */
const Done = custom<unknown>();

/* ------------------------------------------------------------- routes */

export const loadDiscovery = (session: TandemSessionApi): Promise<Reply<MyDiscovery>> => session.request('me/profile', Discovery);
/** Opts in, or updates the profile. */
export const saveProfile = (session: TandemSessionApi, profile: PeerProfileInput): Promise<Reply<PeerProfile>> =>
  session.request('me/profile', Profile, profile, 'PUT');
/** Opts out: the learner leaves every list at once. */
export const optOut = (session: TandemSessionApi): Promise<Reply<unknown>> => session.request('me/profile', Done, undefined, 'DELETE');
/** One page (0-based) of the ranked peers. */
export const loadPeers = (session: TandemSessionApi, page: number): Promise<Reply<PeersPage>> => session.request(`peers?page=${page}`, Peers);
/** Sends a request; after a network failure, send the very same object again (its id makes the resend safe). */
export const sendRequest = (session: TandemSessionApi, request: SendRequest): Promise<Reply<RequestAnswer>> =>
  session.request('requests', Answer, changed(session, request));
export const answerRequest = (session: TandemSessionApi, id: string, answer: 'accept' | 'decline' | 'cancel'): Promise<Reply<RequestAnswer>> =>
  session.request(`requests/${id}/${answer}`, Answer, changed(session, {}));
/** Blocks a peer: both leave each other's lists and matches. */
export const block = (session: TandemSessionApi, peer: string): Promise<Reply<unknown>> =>
  session.request(`blocks/${encodeURIComponent(peer)}`, Done, undefined, 'PUT');
export const sendReport = (session: TandemSessionApi, report: SendReport): Promise<Reply<unknown>> => session.request('reports', Done, report);

/* ---------------------------------------------- one request list a page */

/**
 * The learner's requests, fetched once for all the elements of the page that
 * show them (a forum thread may hold fifty `<tandem-ask>` buttons), and again
 * once one was sent or answered. Kept with whose they are and how many
 * requests to answer the learner's state counted: another learner signed in on
 * the page, or a request that arrived (seen at the session's next state
 * refresh), fetches the list afresh.
 */
const lists = new WeakMap<TandemSessionApi, [key: string, list: Promise<Reply<RequestList>>]>();

export function loadRequests(session: TandemSessionApi): Promise<Reply<RequestList>> {
  const state = session.snapshot().state;
  // The count is a number (or absent): the learner's id, whatever it holds, cannot run into it.
  const key = [state?.learner.id, state?.incomingRequests] + '';
  let [known, list] = lists.get(session) ?? [];
  if (known != key) {
    lists.set(session, [key, (list = session.request('requests', Requests))]);
    // A failure is not kept: the next element asks again.
    void list.then((reply) => reply.ok || lists.delete(session));
  }
  return list!;
}

/** Forgets the list before a request is sent or answered (the next element asks afresh); passes `body` on. */
function changed<T>(session: TandemSessionApi, body: T): T {
  lists.delete(session);
  return body;
}

/* ------------------------------------------- held to the wire schemas */

/** Every reply the wire schema accepts has what these types ask for (the elements read nothing the wire lacks). */
type Fits<Wire, Mine> = [Wire] extends [Mine] ? true : false;
type Holds<T extends true> = T;
export type WireChecks = [
  Holds<Fits<WireMyDiscovery, MyDiscovery>>,
  Holds<Fits<WirePeerProfile, PeerProfile>>,
  Holds<Fits<import('../protocol/peers.js').PeersPage, PeersPage>>,
  Holds<Fits<import('../protocol/requests.js').RequestList, RequestList>>,
  Holds<Fits<import('../protocol/requests.js').RequestAnswer, RequestAnswer>>,
];
