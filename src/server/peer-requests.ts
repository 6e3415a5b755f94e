import { randomUUID } from 'node:crypto';
import { groupHasRoom } from '../core/group-rules.js';
import { rankCandidates } from '../core/ranking.js';
import type { EndpointCourseSettings, PeerProfile, PeerReason } from '../protocol/peers.js';
import {
  DECLINE_QUIET_DAYS,
  MAX_PENDING_REQUESTS,
  MAX_REQUESTS_PER_DAY,
  type PeerEvent,
  type PeerRequest,
  type RequestStatus,
  type SendRequest,
} from '../protocol/requests.js';
import type { ServerConfig } from './config.js';
import { ApiError } from './errors.js';
import { asOffered, requireOffered } from './course-offer.js';
import { forRanking } from './peer-page.js';
import { eventRecord, type GroupRecord, type NamedRequestRecord, type PeerRequestRecord, type StoreTx } from './store/store.js';
import { canonicalJson } from './validation.js';
import { queueNotification } from './webhooks/notify.js';

/**
 * Tandem requests between learners who met in a MOOC (issue 3): sending, with
 * its limits, and answering. Each runs inside the caller's transaction; every
 * change writes its event and, where someone should hear of it, queues a
 * webhook notification in the same transaction.
 */

export interface PeerActionContext {
  tx: StoreTx;
  config: Pick<ServerConfig, 'webhook'>;
  course: string;
  learner: { id: string; name: string };
  settings: EndpointCourseSettings;
  now: Date;
}

export interface RequestOutcome {
  request: PeerRequest;
  events: PeerEvent[];
  /** True when this answered a resend of an already applied call. */
  replayed: boolean;
}

const DAY_MS = 86_400_000;

function envelope(ctx: PeerActionContext, learner = ctx.learner.id) {
  return { id: randomUUID(), v: 1 as const, time: ctx.now.toISOString(), course: ctx.course, learner };
}

async function writeEvents(ctx: PeerActionContext, events: PeerEvent[]): Promise<void> {
  const at = ctx.now.toISOString();
  await ctx.tx.insertEvents(events.map((event) => eventRecord(event, canonicalJson(event), 'server', null, at)));
}

/** What is known of one learner when their requests are shown: read once, however many requests. */
interface Viewer {
  id: string;
  course: string;
  profile: PeerProfile | null;
  blocked: Set<string>;
  forum: Map<string, number>;
  earlier: Set<string>;
}

async function viewerOf(tx: StoreTx, course: string, id: string): Promise<Viewer> {
  return {
    id,
    course,
    profile: await tx.getProfile(course, id),
    blocked: await tx.blockedEitherWay(id),
    forum: await tx.forumCounts(course, id),
    earlier: await tx.earlierPartners(id, course),
  };
}

/** Why the two match, from the viewer's side: the ranking's reasons when both are opted in, else the shared signals alone. */
async function reasonsBetween(tx: StoreTx, settings: EndpointCourseSettings, viewer: Viewer, other: string): Promise<PeerReason[]> {
  // Nothing more is said about someone blocked either way.
  if (viewer.blocked.has(other)) return [];
  const theirs = viewer.profile && (await tx.getProfile(viewer.course, other));
  const forum = viewer.forum.get(other) ?? 0;
  const earlier = viewer.earlier.has(other);
  if (viewer.profile && theirs) {
    const signals = { forumInteractions: new Map([[other, forum]]), earlierPartners: new Set(earlier ? [other] : []), blocked: new Set<string>() };
    const mine = forRanking(viewer.id, asOffered(viewer.profile, settings));
    const ranked = rankCandidates(mine, [forRanking(other, asOffered(theirs, settings))], signals, { pageSize: 1 });
    if (ranked.items[0]) return ranked.items[0].reasons;
  }
  const reasons: PeerReason[] = [];
  if (earlier) reasons.push({ code: 'earlier-partner' });
  if (forum > 0) reasons.push({ code: 'forum', count: forum });
  return reasons;
}

/** Requests as `viewer` (their sender or recipient) sees them, in the order given. */
export async function requestViews(
  tx: StoreTx,
  settings: EndpointCourseSettings,
  requests: readonly NamedRequestRecord[],
  viewer: string,
): Promise<PeerRequest[]> {
  if (requests.length === 0) return [];
  const v = await viewerOf(tx, requests[0]!.course, viewer);
  const views: PeerRequest[] = [];
  for (const request of requests) {
    const incoming = request.recipient === viewer;
    const peer = incoming ? { id: request.sender, name: request.senderName } : { id: request.recipient, name: request.recipientName };
    views.push({
      id: request.id,
      peer,
      relationship: request.relationship,
      objects: request.objects,
      modalities: request.modalities,
      group: request.group,
      members: request.group ? (await tx.activeMembers(request.group)).length : 0,
      status: request.status,
      reasons: await reasonsBetween(tx, settings, v, peer.id),
      createdAt: request.createdAt,
      ...(request.answeredAt !== null ? { answeredAt: request.answeredAt } : {}),
    });
  }
  return views;
}

/** One request as `viewer` sees it. */
export async function requestView(
  tx: StoreTx,
  settings: EndpointCourseSettings,
  request: NamedRequestRecord,
  viewer: string,
): Promise<PeerRequest> {
  return (await requestViews(tx, settings, [request], viewer))[0]!;
}

async function named(tx: StoreTx, id: string): Promise<NamedRequestRecord> {
  const request = await tx.getRequest(id);
  if (!request) throw new Error(`request ${id} vanished inside its transaction`);
  return request;
}

/** The sender's group a request would join: theirs, in this course, with room, without the recipient. */
async function groupToJoin(ctx: PeerActionContext, groupId: string, recipient: string): Promise<GroupRecord> {
  const group = await ctx.tx.getGroup(groupId);
  const members = group ? (await ctx.tx.activeMembers(group.id)).map((m) => m.learner) : [];
  if (!group || group.course !== ctx.course || group.dissolvedAt !== null || !members.includes(ctx.learner.id)) {
    throw new ApiError('not_member', 'You are not a member of this group.', 'group');
  }
  if (members.includes(recipient)) throw new ApiError('already_member', 'You already study together in this group.', 'peer');
  if (await blockedWithAny(ctx.tx, recipient, members)) throw new ApiError('peer_unavailable', 'This learner cannot receive requests.', 'peer');
  if (!groupHasRoom({ members, size: group.size })) throw new ApiError('group_full', 'This group is full.', 'group');
  return group;
}

/** Whether `learner` blocked, or was blocked by, any of `members`. */
async function blockedWithAny(tx: StoreTx, learner: string, members: readonly string[]): Promise<boolean> {
  const blocked = await tx.blockedEitherWay(learner);
  return members.some((m) => blocked.has(m));
}

async function shareAGroup(tx: StoreTx, course: string, a: string, b: string): Promise<boolean> {
  for (const group of await tx.listGroupsOf(course, a)) {
    if ((await tx.activeMembers(group.id)).some((m) => m.learner === b)) return true;
  }
  return false;
}

/**
 * Sends a request. Refused: to oneself; to someone blocked either way, unknown
 * or not opted in (all alike, `peer_unavailable`, except from a forum button,
 * where the platform vouches that the author is in the course); by a learner
 * not opted in (except from a forum button); a second pending one to the same
 * learner (or while theirs to you waits); beyond MAX_PENDING_REQUESTS; into a
 * full group; with what the course does not offer.
 */
export async function sendRequest(ctx: PeerActionContext, input: SendRequest): Promise<RequestOutcome> {
  const { tx, course } = ctx;
  const me = ctx.learner.id;
  const hash = canonicalJson(input);
  const known = await tx.getRequest(input.id);
  if (known) {
    if (known.sender !== me || known.hash !== hash) {
      throw new ApiError('id_conflict', 'This request id was already used for another request.', 'id');
    }
    return { request: await requestView(tx, ctx.settings, known, me), events: [], replayed: true };
  }

  if (input.peer === me) throw new ApiError('own_request', 'You cannot send a request to yourself.', 'peer');
  const unavailable = () => new ApiError('peer_unavailable', 'This learner cannot receive requests.', 'peer');
  if ((await tx.blockedEitherWay(me)).has(input.peer)) throw unavailable();
  if (input.from === 'ask') {
    // The platform vouches for a forum author being in the course: the course has seen them
    // (a token for it), they opted in, or the platform's forum interactions name them.
    if (!(await tx.knownInCourse(course, input.peer))) throw unavailable();
  } else {
    if (!(await tx.getProfile(course, me))) {
      throw new ApiError('not_opted_in', 'Opt in to be found before asking someone to study together.');
    }
    if (!(await tx.getProfile(course, input.peer))) throw unavailable();
  }
  if (await tx.pendingRequest(course, me, input.peer)) {
    throw new ApiError('duplicate_request', 'You already asked this learner; wait for their answer.', 'peer');
  }
  if (await tx.pendingRequest(course, input.peer, me)) {
    throw new ApiError('duplicate_request', 'This learner already asked you: answer their request.', 'peer');
  }
  if (!input.group && (await shareAGroup(tx, course, me, input.peer))) {
    throw new ApiError('already_member', 'You already study together.', 'peer');
  }
  const declined = await tx.lastDeclined(course, me, input.peer);
  if (declined !== null && Date.parse(declined) > ctx.now.getTime() - DECLINE_QUIET_DAYS * DAY_MS) {
    // No asking again and again: a decline holds for a while.
    throw new ApiError('duplicate_request', 'This learner answered your last request; you cannot ask again for now.', 'peer');
  }
  if ((await tx.countPendingOut(course, me)) >= MAX_PENDING_REQUESTS) {
    throw new ApiError('request_limit', `You have ${MAX_PENDING_REQUESTS} requests waiting for an answer; cancel one first.`);
  }
  if ((await tx.countSentSince(course, me, new Date(ctx.now.getTime() - DAY_MS).toISOString())) >= MAX_REQUESTS_PER_DAY) {
    throw new ApiError('request_limit', `You sent ${MAX_REQUESTS_PER_DAY} requests today; try again tomorrow.`);
  }

  let { objects, modalities } = input;
  if (input.group) {
    const group = await groupToJoin(ctx, input.group, input.peer);
    objects = group.objects;
    modalities = group.modalities;
  } else {
    requireOffered(input, ctx.settings);
  }

  const relationship = (await tx.earlierPartners(me, course)).has(input.peer) ? 'earlier-mooc' : 'this-mooc';
  const record: PeerRequestRecord = {
    id: input.id,
    course,
    sender: me,
    recipient: input.peer,
    origin: input.from,
    relationship,
    objects,
    modalities,
    group: input.group ?? null,
    status: 'pending',
    hash,
    createdAt: ctx.now.toISOString(),
    answeredAt: null,
  };
  await tx.insertRequest(record);
  const events: PeerEvent[] = [
    {
      ...envelope(ctx),
      type: 'request.sent',
      request: record.id,
      recipient: record.recipient,
      from: record.origin,
      group: record.group,
      relationship,
      objects,
      modalities,
    },
  ];
  await writeEvents(ctx, events);
  await queueNotification(tx, ctx.config, ctx, {
    type: 'request.received',
    learner: record.recipient,
    data: { request: record.id, from: ctx.learner, relationship, objects, modalities },
  });
  return { request: await requestView(tx, ctx.settings, await named(tx, record.id), me), events, replayed: false };
}

export type RequestAction = 'accept' | 'decline' | 'cancel';
const OUTCOME: Record<RequestAction, RequestStatus> = { accept: 'accepted', decline: 'declined', cancel: 'cancelled' };

/**
 * Answers a request: its recipient accepts or declines it, its sender cancels
 * it. Asking again for the status it already has answers the same (a resend
 * after a lost answer); any other change to an answered request is
 * `request_closed`. Accepting forms a new tandem (the course's group size) or
 * adds the recipient to the sender's group, if it still has room.
 */
export async function answerRequest(ctx: PeerActionContext, id: string, action: RequestAction): Promise<RequestOutcome> {
  const { tx, course } = ctx;
  const me = ctx.learner.id;
  const request = await tx.getRequest(id);
  const mine = request && request.course === course && (action === 'cancel' ? request.sender === me : request.recipient === me);
  if (!request || !mine) throw new ApiError('request_not_found', 'You have no request with this id.', 'request');
  const target = OUTCOME[action];
  if (request.status === target) return { request: await requestView(tx, ctx.settings, request, me), events: [], replayed: true };
  if (request.status !== 'pending') throw new ApiError('request_closed', `This request was already ${request.status}.`, 'request');

  const now = ctx.now.toISOString();
  let events: PeerEvent[];
  let group: string | null = request.group;
  if (action === 'accept') {
    if ((await tx.blockedEitherWay(me)).has(request.sender)) {
      throw new ApiError('request_closed', 'This request is no longer open.', 'request');
    }
    group = await joinOrForm(ctx, request);
    events = [
      {
        ...envelope(ctx),
        type: 'request.accepted',
        request: request.id,
        sender: request.sender,
        group,
        relationship: request.relationship,
        objects: request.objects,
        modalities: request.modalities,
      },
    ];
  } else {
    events = [{ ...envelope(ctx), type: action === 'decline' ? 'request.declined' : 'request.cancelled', request: request.id }];
  }
  await tx.answerRequest(request.id, { status: target, answeredAt: now, group });
  if (action === 'accept') {
    // A crossing request the other way has nothing left to ask.
    const crossing = await tx.pendingRequest(course, me, request.sender);
    if (crossing) {
      await tx.answerRequest(crossing.id, { status: 'cancelled', answeredAt: now, group: crossing.group });
      events.push({ ...envelope(ctx), type: 'request.cancelled', request: crossing.id });
    }
    await queueNotification(tx, ctx.config, ctx, {
      type: 'request.accepted',
      learner: request.sender,
      data: { request: request.id, by: ctx.learner, group: group! },
    });
  }
  await writeEvents(ctx, events);
  return { request: await requestView(tx, ctx.settings, await named(tx, request.id), me), events, replayed: false };
}

/** The group an accepted request puts its recipient in: the sender's (with room), or a new one with both. */
async function joinOrForm(ctx: PeerActionContext, request: PeerRequestRecord): Promise<string> {
  const { tx } = ctx;
  const now = ctx.now.toISOString();
  const member = { learner: ctx.learner.id, relationship: request.relationship, joinedAt: now };
  if (request.group) {
    const group = await tx.getGroup(request.group);
    const members = group ? (await tx.activeMembers(group.id)).map((m) => m.learner) : [];
    if (!group || group.dissolvedAt !== null || !members.includes(request.sender)) {
      throw new ApiError('group_not_found', 'The group this request joins no longer exists.', 'request');
    }
    if (members.includes(ctx.learner.id)) throw new ApiError('already_member', 'You are already a member of this group.', 'request');
    if (await blockedWithAny(tx, ctx.learner.id, members)) throw new ApiError('request_closed', 'This request is no longer open.', 'request');
    if (!groupHasRoom({ members, size: group.size })) throw new ApiError('group_full', 'This group is full.', 'request');
    await tx.addMember(group.id, member);
    return group.id;
  }
  if (await shareAGroup(tx, ctx.course, request.sender, ctx.learner.id)) {
    throw new ApiError('already_member', 'You already study together.', 'request');
  }
  const group: GroupRecord = {
    id: randomUUID(),
    course: ctx.course,
    objects: request.objects,
    modalities: request.modalities,
    size: ctx.settings.groupSize,
    createdAt: now,
    dissolvedAt: null,
  };
  await tx.insertGroup(group);
  await tx.addMember(group.id, { learner: request.sender, relationship: request.relationship, joinedAt: now });
  await tx.addMember(group.id, member);
  return group.id;
}

/** Blocks `peer` for the learner: pending requests between them, in every course, are cancelled. */
export async function block(ctx: PeerActionContext, peer: string): Promise<PeerEvent[]> {
  const me = ctx.learner.id;
  if (peer === me) throw new ApiError('bad_request', 'You cannot block yourself.', 'peer');
  await ctx.tx.addBlock(me, peer, ctx.now.toISOString());
  const cancelled = await ctx.tx.cancelRequestsBetween(me, peer, ctx.now.toISOString());
  const events: PeerEvent[] = cancelled.map((r) => ({
    ...envelope(ctx),
    course: r.course,
    type: 'request.cancelled',
    request: r.id,
  }));
  await writeEvents(ctx, events);
  return events;
}
