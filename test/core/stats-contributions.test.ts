import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contributionDelta,
  groupContributions,
  inviteContributions,
  learnerContributions,
  NEW_LEARNER,
  weekOf,
  type StatsGroupState,
} from '../../src/core/stats-contributions.js';

describe('weekOf', () => {
  const cases: Array<[string, string]> = [
    ['2025-03-03T09:00:00Z', '2025-03-03'], // a Monday
    ['2025-03-09T23:59:59.999Z', '2025-03-03'], // the Sunday after
    ['2025-03-10T00:00:00Z', '2025-03-10'],
    ['2025-01-01T12:00:00Z', '2024-12-30'], // across a year
    ['2024-03-01T00:00:00Z', '2024-02-26'], // across a leap day
  ];
  for (const [time, monday] of cases) it(`${time} → ${monday}`, () => assert.equal(weekOf(time), monday));
});

const group: StatsGroupState = {
  objects: ['discuss', 'mutual-help'],
  modalities: ['email'],
  relationships: ['friend'],
  members: 2,
  formedAt: '2025-03-04T10:00:00Z',
  dissolved: false,
};

describe('contributions', () => {
  it('a group counts once under each code it carries, and in each pair of the cross-tables', () => {
    assert.deepEqual(
      Object.fromEntries(groupContributions({ ...group, relationships: ['friend', 'this-mooc'] })),
      {
        'groups.formed': 1,
        'week:2025-03-03': 1,
        'groups.active': 1,
        'size:2': 1,
        'obj:discuss': 1,
        'obj:mutual-help': 1,
        'mod:email': 1,
        'rel:friend': 1,
        'relobj:friend:discuss': 1,
        'relobj:friend:mutual-help': 1,
        'relmod:friend:email': 1,
        'rel:this-mooc': 1,
        'relobj:this-mooc:discuss': 1,
        'relobj:this-mooc:mutual-help': 1,
        'relmod:this-mooc:email': 1,
      },
    );
  });

  it('the difference of two states is what changes: a member joining moves the group from size 2 to 3', () => {
    assert.deepEqual(Object.fromEntries(contributionDelta(groupContributions(group), groupContributions({ ...group, members: 3 }))), {
      'size:3': 1,
      'size:2': -1,
    });
    assert.deepEqual(Object.fromEntries(contributionDelta(groupContributions(group), groupContributions({ ...group, dissolved: true }))), {
      'groups.dissolved': 1,
      'groups.active': -1,
      'size:2': -1,
    });
    assert.deepEqual(contributionDelta(groupContributions(group), groupContributions(group)).size, 0);
  });

  const learnerCases: Array<[string, Partial<typeof NEW_LEARNER>, Record<string, number>]> = [
    ['never reported, never grouped', {}, {}],
    ['alone, reported', { progress: 300, completed: false }, { 'persist.reported': 1, 'persist:alone:learners': 1, 'persist:alone:progress': 300 }],
    [
      'grouped by two relationships, completed: counted under the first only',
      { grouped: true, relationships: ['friend', 'colleague'], progress: 1000, completed: true },
      {
        'learners.grouped': 1,
        'persist.reported': 1,
        'persist:grouped:learners': 1,
        'persist:grouped:completed': 1,
        'persist:grouped:progress': 1000,
        'persist:friend:learners': 1,
        'persist:friend:completed': 1,
        'persist:friend:progress': 1000,
      },
    ],
    ['opted in and matched, not reported', { optedIn: true, poolMatched: true }, { 'pool.optedIn': 1, 'pool.matched': 1 }],
  ];
  for (const [name, change, expected] of learnerCases) {
    it(`a learner ${name}`, () => assert.deepEqual(Object.fromEntries(learnerContributions({ ...NEW_LEARNER, ...change })), expected));
  }

  it('an invite counts as created, then opened, then accepted', () => {
    assert.deepEqual(Object.fromEntries(inviteContributions({ course: 'c', createdAt: 'x', opened: false, acceptSeconds: null })), { 'invites.created': 1 });
    assert.deepEqual(Object.fromEntries(inviteContributions({ course: 'c', createdAt: 'x', opened: true, acceptSeconds: 60 })), {
      'invites.created': 1,
      'invites.opened': 1,
      'invites.accepted': 1,
    });
  });
});
