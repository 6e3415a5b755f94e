/**
 * The pure statement builder (src/core/xapi-statements.ts): golden statements
 * for each verb, modelled on the xAPI 1.0.3 specification's examples (an
 * account actor, an Activity object with a definition type, a context with
 * contextActivities, team and extensions), each checked with `xapi-validation`;
 * then the table of what is and is not forwarded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_XAPI_VOCABULARY_BASE,
  iriSegment,
  statementForEvent,
  XAPI_EVENT_VERBS,
  type XapiVocabulary,
} from '../../src/core/xapi-statements.js';
import { loadConfig } from '../../src/server/config.js';
import { xapiProblems } from '../helpers/xapi-validate.js';

const VOCABULARY: XapiVocabulary = {
  homePage: 'https://courses.example.org',
  activityBase: 'https://courses.example.org/tandem',
  vocabularyBase: DEFAULT_XAPI_VOCABULARY_BASE,
};

const COURSE = 'course-v1:Org+Climate101+2026';
const COURSE_IRI = 'https://courses.example.org/tandem/courses/course-v1:Org+Climate101+2026';
const GROUP = '0b7c9f4e-5d1a-4c3b-9e2f-8a6d4c2b1e0f';
const GROUP_IRI = `https://courses.example.org/tandem/groups/${GROUP}`;
const INVITE = '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const EXT = 'https://tandem.example/xapi/extensions';

const envelope = (id: string, learner: string) => ({ id, v: 1, time: '2026-03-03T09:15:42.123Z', course: COURSE, learner });

const courseParent = { parent: [{ objectType: 'Activity', id: COURSE_IRI, definition: { type: 'http://adlnet.gov/expapi/activities/course' } }] };
const team = { objectType: 'Group', account: { homePage: 'https://courses.example.org', name: GROUP } };
const groupObject = { objectType: 'Activity', id: GROUP_IRI, definition: { type: 'http://activitystrea.ms/schema/1.0/group' } };
const actor = (name: string) => ({ objectType: 'Agent', account: { homePage: 'https://courses.example.org', name } });
const JOINED = { id: 'http://activitystrea.ms/schema/1.0/join', display: { 'en-US': 'joined' } };

/** Each forwarded event type: an event as stored, and the exact statement it becomes. */
const GOLDEN: Array<{ name: string; event: Record<string, unknown>; statement: Record<string, unknown> }> = [
  {
    name: 'invite.created (a new tandem: no team yet) → invited the invite',
    event: {
      ...envelope('6b1d7a52-8f0e-4c1d-9a3b-2e5f7c9d1a4b', 'ana-7f3a'),
      type: 'invite.created',
      invite: INVITE,
      group: null,
      relationship: 'friend',
      objects: ['discuss', 'mutual-help'],
      modalities: ['email', 'synchronous'],
    },
    statement: {
      id: '6b1d7a52-8f0e-4c1d-9a3b-2e5f7c9d1a4b',
      actor: actor('ana-7f3a'),
      verb: { id: 'http://activitystrea.ms/schema/1.0/invite', display: { 'en-US': 'invited' } },
      object: {
        objectType: 'Activity',
        id: `https://courses.example.org/tandem/invites/${INVITE}`,
        definition: { type: 'https://tandem.example/xapi/activity-types/invite' },
      },
      context: {
        contextActivities: courseParent,
        extensions: {
          [`${EXT}/relationship`]: 'friend',
          [`${EXT}/objects`]: ['discuss', 'mutual-help'],
          [`${EXT}/modalities`]: ['email', 'synchronous'],
        },
      },
      timestamp: '2026-03-03T09:15:42.123Z',
    },
  },
  {
    name: 'invite.created (into an existing group) → invited, with the group as team',
    event: {
      ...envelope('7c2e8b63-9a1f-4d2e-8b4c-3f6a8d0e2b5c', 'ana-7f3a'),
      type: 'invite.created',
      invite: INVITE,
      group: GROUP,
      relationship: 'colleague',
      objects: ['discuss'],
      modalities: ['email'],
    },
    statement: {
      id: '7c2e8b63-9a1f-4d2e-8b4c-3f6a8d0e2b5c',
      actor: actor('ana-7f3a'),
      verb: { id: 'http://activitystrea.ms/schema/1.0/invite', display: { 'en-US': 'invited' } },
      object: {
        objectType: 'Activity',
        id: `https://courses.example.org/tandem/invites/${INVITE}`,
        definition: { type: 'https://tandem.example/xapi/activity-types/invite' },
      },
      context: {
        contextActivities: courseParent,
        team,
        extensions: { [`${EXT}/relationship`]: 'colleague', [`${EXT}/objects`]: ['discuss'], [`${EXT}/modalities`]: ['email'] },
      },
      timestamp: '2026-03-03T09:15:42.123Z',
    },
  },
  {
    name: 'invite.accepted → joined the group, via invite, the inviter as counterpart',
    event: {
      ...envelope('8d3f9c74-0b2a-4e3f-9c5d-4a7b9e1f3c6d', 'bo-2c91'),
      type: 'invite.accepted',
      invite: INVITE,
      group: GROUP,
      inviter: 'ana-7f3a',
      relationship: 'friend',
      objects: ['discuss', 'mutual-help'],
      modalities: ['email', 'synchronous'],
    },
    statement: {
      id: '8d3f9c74-0b2a-4e3f-9c5d-4a7b9e1f3c6d',
      actor: actor('bo-2c91'),
      verb: JOINED,
      object: groupObject,
      context: {
        contextActivities: courseParent,
        team,
        extensions: {
          [`${EXT}/relationship`]: 'friend',
          [`${EXT}/objects`]: ['discuss', 'mutual-help'],
          [`${EXT}/modalities`]: ['email', 'synchronous'],
          [`${EXT}/via`]: 'invite',
          [`${EXT}/counterpart`]: 'ana-7f3a',
        },
      },
      timestamp: '2026-03-03T09:15:42.123Z',
    },
  },
  {
    name: 'request.accepted → joined the group, via request, the sender as counterpart',
    event: {
      ...envelope('9e4a0d85-1c3b-4f4a-8d6e-5b8c0f2a4d7e', 'bo-2c91'),
      type: 'request.accepted',
      request: '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d',
      sender: 'chen-88d0',
      group: GROUP,
      relationship: 'this-mooc',
      objects: ['watch-videos'],
      modalities: ['social-network'],
    },
    statement: {
      id: '9e4a0d85-1c3b-4f4a-8d6e-5b8c0f2a4d7e',
      actor: actor('bo-2c91'),
      verb: JOINED,
      object: groupObject,
      context: {
        contextActivities: courseParent,
        team,
        extensions: {
          [`${EXT}/relationship`]: 'this-mooc',
          [`${EXT}/objects`]: ['watch-videos'],
          [`${EXT}/modalities`]: ['social-network'],
          [`${EXT}/via`]: 'request',
          [`${EXT}/counterpart`]: 'chen-88d0',
        },
      },
      timestamp: '2026-03-03T09:15:42.123Z',
    },
  },
  {
    name: 'pool.matched → joined the group, via pool',
    event: {
      ...envelope('af5b1e96-2d4c-4a5b-9e7f-6c9d1a3b5e8f', 'dee-41aa'),
      type: 'pool.matched',
      run: '5b4c3d2e-1f0a-4b9c-8d7e-6f5a4b3c2d1e',
      group: GROUP,
      relationship: 'earlier-mooc',
      objects: ['collective-activities'],
      modalities: ['in-person-group'],
    },
    statement: {
      id: 'af5b1e96-2d4c-4a5b-9e7f-6c9d1a3b5e8f',
      actor: actor('dee-41aa'),
      verb: JOINED,
      object: groupObject,
      context: {
        contextActivities: courseParent,
        team,
        extensions: {
          [`${EXT}/relationship`]: 'earlier-mooc',
          [`${EXT}/objects`]: ['collective-activities'],
          [`${EXT}/modalities`]: ['in-person-group'],
          [`${EXT}/via`]: 'pool',
        },
      },
      timestamp: '2026-03-03T09:15:42.123Z',
    },
  },
  {
    name: 'group.left → left the group',
    event: {
      ...envelope('b06c2fa7-3e5d-4b6c-8f8a-7d0e2b4c6f9a', 'bo-2c91'),
      type: 'group.left',
      group: GROUP,
      relationship: 'friend',
      modalities: ['email'],
    },
    statement: {
      id: 'b06c2fa7-3e5d-4b6c-8f8a-7d0e2b4c6f9a',
      actor: actor('bo-2c91'),
      verb: { id: 'http://activitystrea.ms/schema/1.0/leave', display: { 'en-US': 'left' } },
      object: groupObject,
      context: {
        contextActivities: courseParent,
        team,
        extensions: { [`${EXT}/relationship`]: 'friend', [`${EXT}/modalities`]: ['email'] },
      },
      timestamp: '2026-03-03T09:15:42.123Z',
    },
  },
];

describe('xAPI statements: golden statements for each verb', () => {
  for (const { name, event, statement } of GOLDEN) {
    it(name, () => {
      const built = statementForEvent(event, VOCABULARY);
      assert.deepEqual(built, statement);
      assert.deepEqual(xapiProblems(built), [], 'passes xapi-validation');
      // The statement as sent: the same JSON text for the same event, every time.
      assert.equal(JSON.stringify(statementForEvent(event, VOCABULARY)), JSON.stringify(built));
    });
  }

  it('covers every forwarded event type', () => {
    assert.deepEqual(new Set(GOLDEN.map((g) => g.event.type)), new Set(Object.keys(XAPI_EVENT_VERBS)));
  });

  it('the validator does refuse what breaks the rules (so passing means something)', () => {
    const good = GOLDEN[2]!.statement;
    assert.notDeepEqual(xapiProblems({ ...good, actor: { objectType: 'Agent', mbox: 'bo@example.org' } }), []);
    assert.notDeepEqual(xapiProblems({ ...good, verb: { id: 'joined' } }), []);
    assert.notDeepEqual(xapiProblems({ ...good, timestamp: 'yesterday' }), []);
    assert.notDeepEqual(xapiProblems({ ...good, id: 'not-a-uuid' }), []);
  });
});

describe('xAPI statements: what is forwarded', () => {
  const base = GOLDEN[2]!.event;
  const table: Array<[string, Record<string, unknown>, boolean]> = [
    ['invite.opened (a client fact)', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'bo-2c91'), type: 'invite.opened', invite: INVITE }, false],
    ['invite.link-shared', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'bo-2c91'), type: 'invite.link-shared', invite: INVITE, channel: 'copy' }, false],
    ['invite.cancelled', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'ana-7f3a'), type: 'invite.cancelled', invite: INVITE }, false],
    ['invite.declined', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'bo-2c91'), type: 'invite.declined', invite: INVITE }, false],
    ['group.dissolved', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'ana-7f3a'), type: 'group.dissolved', group: GROUP }, false],
    ['request.sent', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'ana-7f3a'), type: 'request.sent', request: INVITE, recipient: 'bo', group: null }, false],
    ['peer.opted-in', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'ana-7f3a'), type: 'peer.opted-in', autoMatch: true }, false],
    ['learner.progress', { ...envelope('c17d3ab8-4f6e-4c7d-9a9b-8e1f3c5d7a0b', 'ana-7f3a'), type: 'learner.progress', progress: 0.5, completed: false }, false],
    ['a join without a group', { ...base, group: undefined }, false],
    ['an invite without its invite id', { ...GOLDEN[0]!.event, invite: undefined }, false],
    ['an event without a learner', { ...base, learner: '' }, false],
    ['an event without an id', { ...base, id: undefined }, false],
    ['no type', { ...base, type: undefined }, false],
    ['a type named like an Object property', { ...base, type: 'toString' }, false],
    ['invite.accepted', base, true],
  ];
  for (const [name, event, forwarded] of table) {
    it(`${name}: ${forwarded ? 'a statement' : 'none'}`, () => {
      const built = statementForEvent(event, VOCABULARY);
      assert.equal(built !== null, forwarded);
      if (built) assert.deepEqual(xapiProblems(built), []);
    });
  }

  it('copies nothing but ids, codes and the time: no name, note or email that an event might carry', () => {
    const event = { ...base, name: 'Bo Secretname', note: 'call me on +33 6 12 34 56 78', email: 'bo@example.org', city: 'Lyon' };
    const text = JSON.stringify(statementForEvent(event, VOCABULARY));
    for (const leak of ['Secretname', '+33', '@', 'Lyon']) assert.ok(!text.includes(leak), `${leak} leaked: ${text}`);
  });

  it('builds IRIs that stay valid whatever the course id holds', () => {
    assert.equal(iriSegment('course-v1:Org+Climate101+2026'), 'course-v1:Org+Climate101+2026');
    assert.equal(iriSegment('a b/c?d#e'), 'a%20b%2Fc%3Fd%23e');
    const odd = statementForEvent({ ...base, course: 'Cours d’été/2026 #1?' }, VOCABULARY)!;
    assert.equal(odd.context.contextActivities.parent[0]!.id, 'https://courses.example.org/tandem/courses/Cours%20d%E2%80%99%C3%A9t%C3%A9%2F2026%20%231%3F');
    assert.deepEqual(xapiProblems(odd), []);
  });

  it('uses the configured vocabulary base for extensions and the invite type', () => {
    const built = statementForEvent(GOLDEN[0]!.event, { ...VOCABULARY, vocabularyBase: 'https://lms.example.net/ns/tandem' })!;
    assert.deepEqual(Object.keys(built.context.extensions), [
      'https://lms.example.net/ns/tandem/extensions/relationship',
      'https://lms.example.net/ns/tandem/extensions/objects',
      'https://lms.example.net/ns/tandem/extensions/modalities',
    ]);
    assert.equal(built.object.definition.type, 'https://lms.example.net/ns/tandem/activity-types/invite');
  });
});

describe('xAPI configuration (environment)', () => {
  const required = { TANDEM_JWT_SECRET: 'a-secret-of-sixteen-chars-or-more' };

  it('is off without TANDEM_XAPI_URL', () => {
    const loaded = loadConfig({ ...required, TANDEM_XAPI_AUTH: 'Basic abc', TANDEM_XAPI_HOMEPAGE: 'https://lms.example.org' });
    assert.ok(loaded.ok);
    assert.equal(loaded.config.xapi, null);
  });

  it('needs the homePage with the URL, and fills in the defaults', () => {
    const missing = loadConfig({ ...required, TANDEM_XAPI_URL: 'https://lrs.example.org/xapi/' });
    assert.ok(!missing.ok);
    assert.match(missing.error, /TANDEM_XAPI_HOMEPAGE/);
    const loaded = loadConfig({
      ...required,
      TANDEM_XAPI_URL: 'https://lrs.example.org/xapi/',
      TANDEM_XAPI_AUTH: 'Basic dXNlcjpwYXNz',
      TANDEM_XAPI_HOMEPAGE: 'https://lms.example.org/',
    });
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.config.xapi, {
      url: 'https://lrs.example.org/xapi',
      auth: 'Basic dXNlcjpwYXNz',
      homePage: 'https://lms.example.org/',
      activityBase: 'https://lms.example.org/tandem',
      vocabularyBase: 'https://tandem.example/xapi',
      maxAttempts: 16,
      retryBaseMs: 1000,
    });
  });

  it('takes the bases and retry settings when given, and never quotes the credentials in an error', () => {
    const loaded = loadConfig({
      ...required,
      TANDEM_XAPI_URL: 'https://lrs.example.org/xapi',
      TANDEM_XAPI_HOMEPAGE: 'https://lms.example.org',
      TANDEM_XAPI_ACTIVITY_BASE: 'https://lms.example.org/activities/',
      TANDEM_XAPI_VOCABULARY_BASE: 'https://lms.example.org/ns/tandem',
      TANDEM_XAPI_MAX_ATTEMPTS: '5',
      TANDEM_XAPI_RETRY_BASE_MS: '250',
    });
    assert.ok(loaded.ok);
    assert.equal(loaded.config.xapi?.activityBase, 'https://lms.example.org/activities');
    assert.equal(loaded.config.xapi?.vocabularyBase, 'https://lms.example.org/ns/tandem');
    assert.equal(loaded.config.xapi?.maxAttempts, 5);
    assert.equal(loaded.config.xapi?.retryBaseMs, 250);
    const bad = loadConfig({ ...required, TANDEM_XAPI_URL: 'lrs.example.org', TANDEM_XAPI_AUTH: 'Basic c2VjcmV0' });
    assert.ok(!bad.ok);
    assert.ok(!bad.error.includes('c2VjcmV0'));
  });
});
