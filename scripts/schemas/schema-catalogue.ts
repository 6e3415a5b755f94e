/**
 * Every wire schema of the API, named, with the routes that send or answer it:
 * the list `npm run schemas` exports as JSON Schema (dist/schema/) and the
 * conformance suite's reference. The schemas themselves are the protocol's
 * (src/protocol); the few answers that have no schema of their own there are
 * composed here from protocol parts (marked `local`).
 */
import * as z from 'zod/mini';
import {
  AcceptInvite,
  ApiErrorBody,
  CancelInvite,
  Command,
  CommandRequest,
  CommandResponse,
  CommandResult,
  CourseSettings,
  CreateInvite,
  DeclineInvite,
  ErrorCode,
  EventFailure,
  EventsAccepted,
  EventsRejected,
  Group,
  Health,
  InviteDetails,
  InviteDetailsRequest,
  LearnerState,
  LeaveGroup,
  Member,
  OwnInvite,
  SetContactNote,
} from '../../src/protocol/api.js';
import { Uuid, integer } from '../../src/protocol/codes.js';
import {
  BeaconBatch,
  ClientEvent,
  EventBatch,
  GroupDissolvedEvent,
  GroupLeftEvent,
  InviteAcceptedEvent,
  InviteCancelledEvent,
  InviteCreatedEvent,
  InviteDeclinedEvent,
  InviteLinkSharedEvent,
  InviteOpenedEvent,
  ServerEvent,
} from '../../src/protocol/events.js';
import {
  DiscoveryOptions,
  EndpointCourseSettings,
  ForumInteractionsInput,
  MyDiscovery,
  PeerItem,
  PeerProfile,
  PeerProfileInput,
  PeerReason,
  PeersPage,
  PoolOutcome,
} from '../../src/protocol/peers.js';
import { ErasureAnswer, LearnerExport } from '../../src/protocol/learner-data.js';
import { PoolRun, StartPoolRun } from '../../src/protocol/pool.js';
import {
  BlockList,
  NoteVisibility,
  OptedInEvent,
  PeerEvent,
  PeerRequest,
  PoolMatchedEvent,
  RequestAcceptedEvent,
  RequestAnswer,
  RequestCancelledEvent,
  RequestDeclinedEvent,
  RequestList,
  RequestSentEvent,
  SendReport,
  SendRequest,
  StaffReport,
} from '../../src/protocol/requests.js';
import { CourseStats, ProgressAnswer, ProgressBatch, ProgressEvent, ProgressReport } from '../../src/protocol/stats.js';
import {
  InviteAcceptedNotification,
  PoolMatchedNotification,
  ReportCreatedNotification,
  RequestAcceptedNotification,
  RequestReceivedNotification,
  WebhookNotification,
} from '../../src/protocol/webhooks.js';

/* Answers without a schema in src/protocol, composed from its parts. */

/** `POST /v1/courses/{course}/reports` → 201 (200 for a resend). */
export const ReportCreated = z.object({ id: Uuid });
/** `GET /v1/courses/{course}/reports` (platform key). */
export const StaffReportList = z.object({ reports: z.array(StaffReport) });
/** `POST /v1/courses/{course}/forum-interactions` → 200. */
export const ForumInteractionsAnswer = z.object({ stored: integer(0) });

export type SchemaKind = 'request' | 'reply' | 'event' | 'webhook' | 'part';

export interface RouteUse {
  /** `GET /v1/health`, or `POST {TANDEM_WEBHOOK_URL}` for webhooks. */
  route: string;
  /** What the schema is on that route. */
  as: 'request body' | 'reply body' | 'error body' | 'item of the request body' | 'item of the reply body' | 'notification body';
  /** HTTP statuses it comes with (replies and errors). */
  status?: number[];
  /** Content type when the route takes more than one. */
  contentType?: string;
}

export interface CatalogueEntry {
  name: string;
  schema: z.ZodMiniType;
  kind: SchemaKind;
  description: string;
  routes: RouteUse[];
  /** Composed by the conformance folder, not exported by src/protocol. */
  local?: true;
}

const C = '/v1/courses/{course}';
const req = (route: string, extra: Partial<RouteUse> = {}): RouteUse => ({ route, as: 'request body', ...extra });
const rep = (route: string, status: number[] = [200], extra: Partial<RouteUse> = {}): RouteUse => ({ route, as: 'reply body', status, ...extra });

export const CATALOGUE: readonly CatalogueEntry[] = [
  /* ------------------------------------------------------------ routes */
  { name: 'Health', schema: Health, kind: 'reply', description: 'The endpoint is up.', routes: [rep('GET /v1/health')] },
  {
    name: 'EndpointCourseSettings',
    schema: EndpointCourseSettings,
    kind: 'reply',
    description: "A course's settings as the endpoint keeps them (part 1's, plus discovery and the suppression threshold).",
    routes: [rep(`GET ${C}/settings`), req(`PUT ${C}/settings`), rep(`PUT ${C}/settings`)],
  },
  { name: 'LearnerState', schema: LearnerState, kind: 'reply', description: 'Everything one learner sees of one course.', routes: [rep(`GET ${C}/state`)] },
  { name: 'CommandRequest', schema: CommandRequest, kind: 'request', description: 'A command with its client-made UUID (idempotency key).', routes: [req('POST /v1/commands')] },
  {
    name: 'CommandResponse',
    schema: CommandResponse,
    kind: 'reply',
    description: "A command's result, the events written for it and the learner's state after it (a replay answers the same).",
    routes: [rep('POST /v1/commands')],
  },
  { name: 'InviteDetailsRequest', schema: InviteDetailsRequest, kind: 'request', description: 'The invite code, in a body (never in a URL).', routes: [req('POST /v1/invite-details')] },
  { name: 'InviteDetails', schema: InviteDetails, kind: 'reply', description: 'What an invitee needs to know of an invite.', routes: [rep('POST /v1/invite-details')] },
  {
    name: 'EventBatch',
    schema: EventBatch,
    kind: 'request',
    description: 'A batch of 1 to 100 client facts (each a ClientEvent) with a bearer token.',
    routes: [req('POST /v1/events', { contentType: 'application/json' })],
  },
  {
    name: 'BeaconBatch',
    schema: BeaconBatch,
    kind: 'request',
    description: "sendBeacon's form: text/plain JSON with the token beside the events.",
    routes: [req('POST /v1/events', { contentType: 'text/plain' })],
  },
  { name: 'EventsAccepted', schema: EventsAccepted, kind: 'reply', description: 'All stored; known ids with the same body count as duplicates.', routes: [rep('POST /v1/events')] },
  {
    name: 'EventsRejected',
    schema: EventsRejected,
    kind: 'reply',
    description: '400 invalid_events: nothing of the batch was stored; the failing indices.',
    routes: [rep('POST /v1/events', [400])],
  },
  { name: 'MyDiscovery', schema: MyDiscovery, kind: 'reply', description: "The learner's profile (null while not opted in), the course's options, the last pool outcome.", routes: [rep(`GET ${C}/me/profile`)] },
  { name: 'PeerProfileInput', schema: PeerProfileInput, kind: 'request', description: 'Opting in to be found (or updating the profile).', routes: [req(`PUT ${C}/me/profile`)] },
  { name: 'PeerProfile', schema: PeerProfile, kind: 'reply', description: 'The stored profile.', routes: [rep(`PUT ${C}/me/profile`)] },
  { name: 'PeersPage', schema: PeersPage, kind: 'reply', description: 'A ranked page of opted-in peers (20 a page).', routes: [rep(`GET ${C}/peers?page=N`)] },
  { name: 'RequestList', schema: RequestList, kind: 'reply', description: 'Pending requests to the learner and theirs of the last 30 days.', routes: [rep(`GET ${C}/requests`)] },
  { name: 'SendRequest', schema: SendRequest, kind: 'request', description: 'A tandem request to a peer, with its client-made UUID.', routes: [req(`POST ${C}/requests`)] },
  {
    name: 'RequestAnswer',
    schema: RequestAnswer,
    kind: 'reply',
    description: 'A request after it was sent or answered, and the events written.',
    routes: [
      rep(`POST ${C}/requests`, [201, 200]),
      rep(`POST ${C}/requests/{id}/accept`),
      rep(`POST ${C}/requests/{id}/decline`),
      rep(`POST ${C}/requests/{id}/cancel`),
    ],
  },
  { name: 'BlockList', schema: BlockList, kind: 'reply', description: 'Whom the learner blocked.', routes: [rep(`GET ${C}/blocks`)] },
  { name: 'SendReport', schema: SendReport, kind: 'request', description: 'A report about a peer, to the course staff.', routes: [req(`POST ${C}/reports`)] },
  { name: 'ReportCreated', schema: ReportCreated, kind: 'reply', description: 'The stored report id.', routes: [rep(`POST ${C}/reports`, [201, 200])], local: true },
  { name: 'StaffReportList', schema: StaffReportList, kind: 'reply', description: 'Reports as staff read them, newest first.', routes: [rep(`GET ${C}/reports`)], local: true },
  {
    name: 'NoteVisibility',
    schema: NoteVisibility,
    kind: 'request',
    description: "Staff hide (or show) a learner's note.",
    routes: [req(`PUT ${C}/peers/{learner}/note-visibility`), rep(`PUT ${C}/peers/{learner}/note-visibility`)],
  },
  { name: 'ForumInteractionsInput', schema: ForumInteractionsInput, kind: 'request', description: 'Who replied to or mentioned whom.', routes: [req(`POST ${C}/forum-interactions`)] },
  { name: 'ForumInteractionsAnswer', schema: ForumInteractionsAnswer, kind: 'reply', description: 'How many entries were stored.', routes: [rep(`POST ${C}/forum-interactions`)], local: true },
  { name: 'StartPoolRun', schema: StartPoolRun, kind: 'request', description: 'Start a pool-matching round (optional seed).', routes: [req(`POST ${C}/pool-runs`)] },
  { name: 'PoolRun', schema: PoolRun, kind: 'reply', description: 'A pool-matching round.', routes: [rep(`POST ${C}/pool-runs`, [202]), rep(`GET ${C}/pool-runs/{run}`)] },
  { name: 'CourseStats', schema: CourseStats, kind: 'reply', description: "The instructor's figures: counts only, a withheld count is null.", routes: [rep(`GET ${C}/stats`)] },
  { name: 'ProgressBatch', schema: ProgressBatch, kind: 'request', description: 'Where learners stand (1 to 1000 reports).', routes: [req(`POST ${C}/progress`)] },
  { name: 'ProgressAnswer', schema: ProgressAnswer, kind: 'reply', description: 'Reports stored and duplicates.', routes: [rep(`POST ${C}/progress`)] },
  {
    name: 'LearnerExport',
    schema: LearnerExport,
    kind: 'reply',
    description: 'Everything the endpoint holds about one learner, across courses (platform key).',
    routes: [rep('GET /v1/learners/{learner}/export')],
  },
  {
    name: 'ErasureAnswer',
    schema: ErasureAnswer,
    kind: 'reply',
    description: "What erasing one learner's data did (platform key).",
    routes: [rep('DELETE /v1/learners/{learner}')],
  },
  {
    name: 'ApiErrorBody',
    schema: ApiErrorBody,
    kind: 'reply',
    description: 'Every error: a stable code, a human message, the failing path (dotted, empty when not about one field).',
    routes: [{ route: '* /v1/*', as: 'error body', status: [400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 503] }],
  },

  /* ------------------------------------------------------------ events */
  { name: 'ClientEvent', schema: ClientEvent, kind: 'event', description: 'A client fact, as POST /v1/events takes them.', routes: [{ route: 'POST /v1/events', as: 'item of the request body' }] },
  { name: 'ServerEvent', schema: ServerEvent, kind: 'event', description: "An event the endpoint writes with a command.", routes: [{ route: 'POST /v1/commands', as: 'item of the reply body' }] },
  { name: 'InviteOpenedEvent', schema: InviteOpenedEvent, kind: 'event', description: 'invite.opened (widget).', routes: [] },
  { name: 'InviteLinkSharedEvent', schema: InviteLinkSharedEvent, kind: 'event', description: 'invite.link-shared (widget).', routes: [] },
  { name: 'InviteCreatedEvent', schema: InviteCreatedEvent, kind: 'event', description: 'invite.created (endpoint).', routes: [] },
  { name: 'InviteCancelledEvent', schema: InviteCancelledEvent, kind: 'event', description: 'invite.cancelled (endpoint).', routes: [] },
  { name: 'InviteDeclinedEvent', schema: InviteDeclinedEvent, kind: 'event', description: 'invite.declined (endpoint).', routes: [] },
  { name: 'InviteAcceptedEvent', schema: InviteAcceptedEvent, kind: 'event', description: 'invite.accepted (endpoint).', routes: [] },
  { name: 'GroupLeftEvent', schema: GroupLeftEvent, kind: 'event', description: 'group.left (endpoint).', routes: [] },
  { name: 'GroupDissolvedEvent', schema: GroupDissolvedEvent, kind: 'event', description: 'group.dissolved (endpoint).', routes: [] },
  {
    name: 'PeerEvent',
    schema: PeerEvent,
    kind: 'event',
    description: "Part 2's server events (requests and pool matching).",
    routes: [{ route: `POST ${C}/requests`, as: 'item of the reply body' }],
  },
  { name: 'RequestSentEvent', schema: RequestSentEvent, kind: 'event', description: 'request.sent (endpoint).', routes: [] },
  { name: 'RequestAcceptedEvent', schema: RequestAcceptedEvent, kind: 'event', description: 'request.accepted (endpoint).', routes: [] },
  { name: 'RequestDeclinedEvent', schema: RequestDeclinedEvent, kind: 'event', description: 'request.declined (endpoint).', routes: [] },
  { name: 'RequestCancelledEvent', schema: RequestCancelledEvent, kind: 'event', description: 'request.cancelled (endpoint).', routes: [] },
  { name: 'PoolMatchedEvent', schema: PoolMatchedEvent, kind: 'event', description: 'pool.matched (endpoint, one per matched learner).', routes: [] },
  { name: 'OptedInEvent', schema: OptedInEvent, kind: 'event', description: 'peer.opted-in (endpoint).', routes: [] },
  { name: 'ProgressEvent', schema: ProgressEvent, kind: 'event', description: "learner.progress (endpoint, from the platform's reports).", routes: [] },

  /* ---------------------------------------------------------- webhooks */
  {
    name: 'WebhookNotification',
    schema: WebhookNotification,
    kind: 'webhook',
    description: 'Any notification the endpoint POSTs to the platform (signed, see README "Webhooks").',
    routes: [{ route: 'POST {TANDEM_WEBHOOK_URL}', as: 'notification body' }],
  },
  { name: 'RequestReceivedNotification', schema: RequestReceivedNotification, kind: 'webhook', description: 'request.received.', routes: [] },
  { name: 'RequestAcceptedNotification', schema: RequestAcceptedNotification, kind: 'webhook', description: 'request.accepted.', routes: [] },
  { name: 'InviteAcceptedNotification', schema: InviteAcceptedNotification, kind: 'webhook', description: 'invite.accepted.', routes: [] },
  { name: 'PoolMatchedNotification', schema: PoolMatchedNotification, kind: 'webhook', description: 'pool.matched.', routes: [] },
  { name: 'ReportCreatedNotification', schema: ReportCreatedNotification, kind: 'webhook', description: 'report.created.', routes: [] },

  /* ------------------------------------------------------------- parts */
  { name: 'ErrorCode', schema: ErrorCode, kind: 'part', description: "The reference endpoint's error codes (clients accept any string: later versions may add codes).", routes: [] },
  { name: 'Command', schema: Command, kind: 'part', description: 'Any command (`command` of CommandRequest).', routes: [] },
  { name: 'CreateInvite', schema: CreateInvite, kind: 'part', description: 'invite.create.', routes: [] },
  { name: 'CancelInvite', schema: CancelInvite, kind: 'part', description: 'invite.cancel.', routes: [] },
  { name: 'AcceptInvite', schema: AcceptInvite, kind: 'part', description: 'invite.accept.', routes: [] },
  { name: 'DeclineInvite', schema: DeclineInvite, kind: 'part', description: 'invite.decline.', routes: [] },
  { name: 'LeaveGroup', schema: LeaveGroup, kind: 'part', description: 'group.leave.', routes: [] },
  { name: 'SetContactNote', schema: SetContactNote, kind: 'part', description: 'group.set-note.', routes: [] },
  { name: 'CommandResult', schema: CommandResult, kind: 'part', description: "A command's result.", routes: [] },
  { name: 'CourseSettings', schema: CourseSettings, kind: 'part', description: "Part 1's course settings, as LearnerState carries them.", routes: [] },
  { name: 'Group', schema: Group, kind: 'part', description: 'A group as its members see it.', routes: [] },
  { name: 'Member', schema: Member, kind: 'part', description: 'A member of a group.', routes: [] },
  { name: 'OwnInvite', schema: OwnInvite, kind: 'part', description: 'An invite as its inviter sees it.', routes: [] },
  { name: 'EventFailure', schema: EventFailure, kind: 'part', description: 'One refused event of a batch.', routes: [] },
  { name: 'DiscoveryOptions', schema: DiscoveryOptions, kind: 'part', description: 'What a course allows in discovery.', routes: [] },
  { name: 'PeerItem', schema: PeerItem, kind: 'part', description: 'One listed peer.', routes: [] },
  { name: 'PeerReason', schema: PeerReason, kind: 'part', description: 'Why a peer ranks.', routes: [] },
  { name: 'PoolOutcome', schema: PoolOutcome, kind: 'part', description: "A learner's outcome in the last pool round.", routes: [] },
  { name: 'PeerRequest', schema: PeerRequest, kind: 'part', description: 'A request as one of its two sides sees it.', routes: [] },
  { name: 'StaffReport', schema: StaffReport, kind: 'part', description: 'A report as staff read it.', routes: [] },
  { name: 'ProgressReport', schema: ProgressReport, kind: 'part', description: 'One progress report.', routes: [] },
];
