import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptRefusal, afterLeave, groupHasRoom, type GroupFacts, type InviteFacts } from '../../src/core/group-rules.js';
import { notOffered, onlineOnly } from '../../src/core/course-settings.js';
import { MODALITIES } from '../../src/core/typology.js';

const now = '2026-11-27T10:00:00.000Z';
const pending: InviteFacts = { inviter: 'alice', status: 'pending', expiresAt: '2026-12-01T00:00:00.000Z' };

test('acceptRefusal applies the rules in a stable order', () => {
  const pair: GroupFacts = { members: ['alice', 'bob'], size: 2 };
  const trio: GroupFacts = { members: ['alice', 'bob'], size: 3 };
  const cases: Array<[string, InviteFacts, GroupFacts | null, string, string | null]> = [
    ['first acceptance creates the group', pending, null, 'bob', null],
    ['room left in the group', pending, trio, 'chloe', null],
    ['own invite', pending, null, 'alice', 'own_invite'],
    ['cancelled', { ...pending, status: 'cancelled' }, null, 'bob', 'invite_cancelled'],
    ['already used', { ...pending, status: 'accepted' }, null, 'bob', 'invite_used'],
    ['declined', { ...pending, status: 'declined' }, null, 'bob', 'invite_declined'],
    ['expired exactly now', { ...pending, expiresAt: now }, null, 'bob', 'invite_expired'],
    ['expired earlier', { ...pending, expiresAt: '2026-11-01T00:00:00.000Z' }, null, 'bob', 'invite_expired'],
    ['full group', pending, pair, 'chloe', 'group_full'],
    ['already a member', pending, trio, 'bob', 'already_member'],
    ['own invite wins over cancelled', { ...pending, status: 'cancelled' }, null, 'alice', 'own_invite'],
  ];
  for (const [name, invite, group, learner, expected] of cases) {
    assert.equal(acceptRefusal(invite, group, learner, now), expected, name);
  }
});

test('groupHasRoom and afterLeave', () => {
  assert.equal(groupHasRoom({ members: ['a'], size: 2 }), true);
  assert.equal(groupHasRoom({ members: ['a', 'b'], size: 2 }), false);
  const cases: Array<[string[], string, { remaining: string[]; dissolved: boolean }]> = [
    [['a', 'b'], 'a', { remaining: ['b'], dissolved: true }],
    [['a', 'b', 'c'], 'b', { remaining: ['a', 'c'], dissolved: false }],
    [['a', 'b', 'c'], 'z', { remaining: ['a', 'b', 'c'], dissolved: false }],
  ];
  for (const [members, leaver, expected] of cases) assert.deepEqual(afterLeave(members, leaver), expected);
});

test('course offers: online-only and codes not offered', () => {
  assert.deepEqual(onlineOnly(MODALITIES), ['social-network', 'synchronous', 'email', 'shared-documents']);
  assert.deepEqual(notOffered(['email', 'in-person-pair'], ['email', 'synchronous']), ['in-person-pair']);
  assert.deepEqual(notOffered([], ['email']), []);
});
