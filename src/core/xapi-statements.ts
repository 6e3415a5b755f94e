/**
 * Tandem events as xAPI 1.0.3 statements, for a Learning Record Store: pure
 * (no clock, no I/O), so the same event always gives the same statement,
 * byte for byte (a re-send is then idempotent at the LRS).
 *
 * - `id` is the event's id; `timestamp` is the event's time.
 * - The actor is an opaque account: `{ homePage, name: <the platform's
 *   pseudonymous learner id> }`, never an email or a display name. The team
 *   (`context.team`) is an identified Group the same way, named by the group id.
 * - Verbs are Activity Streams 1.0's `invite`, `join` and `leave`.
 * - The object is the group (`{activityBase}/groups/{id}`), or for an invite
 *   the invite (`{activityBase}/invites/{id}`); the course is
 *   `context.contextActivities.parent` (`{activityBase}/courses/{course}`).
 * - Typology codes (and how a group was joined) are context extensions under
 *   `{vocabularyBase}/extensions/`.
 * - One statement per event, about the event's own learner. An acceptance that
 *   forms a new group writes one event, for the learner who accepted: the
 *   inviter (or request sender) gets no `join` statement of their own; their
 *   membership is implied by their `invite` statement and named in the
 *   acceptance's `…/extensions/counterpart` (a pseudonymous id, like the actor's).
 *
 * Nothing else of the event is copied: no name, no note, no city.
 */

/** Where the IRIs of the statements point (see README, "Learning records (xAPI)"). */
export interface XapiVocabulary {
  /** The actor and team accounts' homePage: the platform that issued the learner ids. */
  homePage: string;
  /** Prefix of course, group and invite activity ids, without a trailing slash. */
  activityBase: string;
  /** Prefix of Tandem's own extension and activity-type IRIs, without a trailing slash. */
  vocabularyBase: string;
}

export const DEFAULT_XAPI_VOCABULARY_BASE = 'https://tandem.example/xapi';

export const XAPI_VERSION = '1.0.3';

export const XAPI_VERBS = {
  invite: { id: 'http://activitystrea.ms/schema/1.0/invite', display: { 'en-US': 'invited' } },
  join: { id: 'http://activitystrea.ms/schema/1.0/join', display: { 'en-US': 'joined' } },
  leave: { id: 'http://activitystrea.ms/schema/1.0/leave', display: { 'en-US': 'left' } },
} as const;

/** Activity types of the objects: ADL's course, Activity Streams' group, and Tandem's invite. */
export const XAPI_ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  group: 'http://activitystrea.ms/schema/1.0/group',
  invite: (vocabularyBase: string) => `${vocabularyBase}/activity-types/invite`,
} as const;

/** The event types that become statements, and their verbs. */
export const XAPI_EVENT_VERBS = {
  'invite.created': 'invite',
  'invite.accepted': 'join',
  'request.accepted': 'join',
  'pool.matched': 'join',
  'group.left': 'leave',
} as const satisfies Record<string, keyof typeof XAPI_VERBS>;

export type XapiEventType = keyof typeof XAPI_EVENT_VERBS;

/** How a `join` came about, in `…/extensions/via`. */
const VIA = { 'invite.accepted': 'invite', 'request.accepted': 'request', 'pool.matched': 'pool' } as const;

export interface XapiAccount {
  homePage: string;
  name: string;
}

export interface XapiActivity {
  objectType: 'Activity';
  id: string;
  definition: { type: string };
}

export interface XapiStatement {
  id: string;
  actor: { objectType: 'Agent'; account: XapiAccount };
  verb: { id: string; display: { 'en-US': string } };
  object: XapiActivity;
  context: {
    contextActivities: { parent: XapiActivity[] };
    team?: { objectType: 'Group'; account: XapiAccount };
    extensions: Record<string, string | string[]>;
  };
  timestamp: string;
}

/** The extension IRIs under a vocabulary base. */
export function xapiExtensionIris(vocabularyBase: string) {
  const base = `${vocabularyBase}/extensions`;
  return {
    relationship: `${base}/relationship`,
    objects: `${base}/objects`,
    modalities: `${base}/modalities`,
    via: `${base}/via`,
    counterpart: `${base}/counterpart`,
  } as const;
}

/**
 * A path segment of an IRI: percent-encodes what a segment may not hold, and
 * keeps `:`, `@` and the sub-delimiters that course ids use
 * (`course-v1:Org+Course+Run` stays readable).
 */
export function iriSegment(value: string): string {
  return encodeURIComponent(value).replace(/%(3A|40|2B|2C|3B|3D|24|26)/gi, (escape) => decodeURIComponent(escape));
}

export function courseActivityId(vocabulary: XapiVocabulary, course: string): string {
  return `${vocabulary.activityBase}/courses/${iriSegment(course)}`;
}

export function groupActivityId(vocabulary: XapiVocabulary, group: string): string {
  return `${vocabulary.activityBase}/groups/${iriSegment(group)}`;
}

export function inviteActivityId(vocabulary: XapiVocabulary, invite: string): string {
  return `${vocabulary.activityBase}/invites/${iriSegment(invite)}`;
}

const str = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const codes = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/**
 * The statement for an event (as stored: the parsed JSON of its body), or
 * null when its type is not forwarded or a field it needs is missing.
 */
export function statementForEvent(event: Record<string, unknown>, vocabulary: XapiVocabulary): XapiStatement | null {
  const type = event.type;
  if (typeof type !== 'string' || !Object.hasOwn(XAPI_EVENT_VERBS, type)) return null;
  const { id, time, course, learner } = event;
  if (!str(id) || !str(time) || !str(course) || !str(learner)) return null;
  const verb = XAPI_EVENT_VERBS[type as XapiEventType];
  const group = str(event.group) ? event.group : null;
  const iris = xapiExtensionIris(vocabulary.vocabularyBase);

  let object: XapiActivity;
  if (verb === 'invite') {
    if (!str(event.invite)) return null;
    object = {
      objectType: 'Activity',
      id: inviteActivityId(vocabulary, event.invite),
      definition: { type: XAPI_ACTIVITY_TYPES.invite(vocabulary.vocabularyBase) },
    };
  } else {
    if (!group) return null;
    object = { objectType: 'Activity', id: groupActivityId(vocabulary, group), definition: { type: XAPI_ACTIVITY_TYPES.group } };
  }

  const extensions: Record<string, string | string[]> = {};
  if (str(event.relationship)) extensions[iris.relationship] = event.relationship;
  if (codes(event.objects)) extensions[iris.objects] = [...event.objects];
  if (codes(event.modalities)) extensions[iris.modalities] = [...event.modalities];
  if (type in VIA) extensions[iris.via] = VIA[type as keyof typeof VIA];
  const counterpart = type === 'invite.accepted' ? event.inviter : type === 'request.accepted' ? event.sender : undefined;
  if (str(counterpart)) extensions[iris.counterpart] = counterpart;

  return {
    id,
    actor: { objectType: 'Agent', account: { homePage: vocabulary.homePage, name: learner } },
    verb: { id: XAPI_VERBS[verb].id, display: { 'en-US': XAPI_VERBS[verb].display['en-US'] } },
    object,
    context: {
      contextActivities: {
        parent: [{ objectType: 'Activity', id: courseActivityId(vocabulary, course), definition: { type: XAPI_ACTIVITY_TYPES.course } }],
      },
      ...(group ? { team: { objectType: 'Group' as const, account: { homePage: vocabulary.homePage, name: group } } } : {}),
      extensions,
    },
    timestamp: time,
  };
}

/** ADL's verb for voiding a statement. */
export const XAPI_VOIDED_VERB = { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } } as const;

/** The account that voids statements: the Tandem endpoint itself, never a learner. */
export const XAPI_ENDPOINT_ACCOUNT_NAME = 'tandem-endpoint';

export interface XapiVoidingStatement {
  id: string;
  actor: { objectType: 'Agent'; account: XapiAccount };
  verb: typeof XAPI_VOIDED_VERB;
  object: { objectType: 'StatementRef'; id: string };
  timestamp: string;
}

/**
 * The statement voiding `voided` (xAPI 1.0.3 §2.3.2), for a learner whose data
 * was erased: its actor is the endpoint, so it names nobody.
 */
export function voidingStatement(id: string, voided: string, vocabulary: XapiVocabulary, timestamp: string): XapiVoidingStatement {
  return {
    id,
    actor: { objectType: 'Agent', account: { homePage: vocabulary.homePage, name: XAPI_ENDPOINT_ACCOUNT_NAME } },
    verb: XAPI_VOIDED_VERB,
    object: { objectType: 'StatementRef', id: voided },
    timestamp,
  };
}
