import { PARTS_OF_DAY } from '../core/availability.js';
import type { ReportReason } from '../protocol/requests.js';

/**
 * The reasons a learner may give for a report, as src/protocol/requests.ts
 * lists them: a copy, because importing that module's values would bring its
 * schemas into the chunk; the type below stops compiling if the two differ.
 */
export const REPORT_REASONS = ['spam', 'harassment', 'inappropriate-note', 'safety', 'other'] as const;
type Reason = (typeof REPORT_REASONS)[number];
type Holds<T extends true> = T;
export type ReportReasonsCheck = Holds<[ReportReason] extends [Reason] ? ([Reason] extends [ReportReason] ? true : false) : false>;

/**
 * The message ids of part 2 (`<tandem-peers>`, `<tandem-ask>` and the requests
 * in `<tandem-groups>`), in the order of their catalogues' texts
 * (peers-en.ts, peers-fr.ts). They load with those elements, in chunks of
 * their own, so a page with part 1's elements only does not download them.
 * Courses override them like any id (`messages`); where part 2 says what part
 * 1 already says ("Accept", "What will you do together?"), it uses part 1's id.
 */
export const PEER_MESSAGE_IDS = [
  'error.not_opted_in',
  'error.peer_unavailable',
  'error.own_request',
  'error.duplicate_request',
  'error.request_limit',
  'error.request_not_found',
  'error.request_closed',
  'reason.earlier-partner',
  'reason.forum',
  'reason.objects',
  'reason.modalities',
  'reason.availability',
  'reason.same-city',
  'reason.language',
  ...PARTS_OF_DAY.map((part) => `part.${part}` as const),
  'peers.title',
  'peers.signed-out',
  'peers.intro',
  'peers.start',
  'peers.retry',
  'profile.languages',
  'profile.languages-need',
  'profile.zone',
  'profile.when',
  'profile.when-hint',
  'profile.city',
  'profile.safety',
  'profile.note',
  'profile.count',
  'profile.auto',
  'profile.save',
  'profile.cancel',
  'profile.saved',
  'peers.edit',
  'peers.stop',
  'peers.confirm-stop',
  'peers.stopped',
  'peers.list',
  'peers.empty',
  'peers.more',
  'peers.ask',
  'peers.again',
  'peers.sent',
  'peers.cancel',
  'peers.confirm-cancel',
  'peers.cancelled',
  'peers.blocked',
  'peers.report',
  'pool.matched',
  'pool.none',
  'report.reason',
  ...REPORT_REASONS.map((reason) => `report.${reason}` as const),
  'report.details',
  'report.block',
  'report.sent',
  'ask.button',
  'ask.signed-out',
  'requests.title',
  'requests.from',
  'requests.new',
  'requests.group',
  'requests.accepted',
  'requests.declined',
] as const;

export type PeerMessageId = (typeof PEER_MESSAGE_IDS)[number];
