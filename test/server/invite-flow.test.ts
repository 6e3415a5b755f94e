import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CommandResponse, InviteDetails, LearnerState } from '../../src/protocol/api.js';
import { createInviteCommand, startTestServer, TEST_COURSE, type TestServer } from '../helpers/server.js';

describe('the invite → accept → group → leave → dissolve journey', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('walks the whole journey, writing one authoritative event per step', async () => {
    // Alice invites a friend.
    const created = await server.command('alice', createInviteCommand());
    assert.equal(created.status, 200, created.text);
    const createdBody = CommandResponse.parse(created.json);
    const code = createdBody.result.code!;
    assert.match(code, /^[A-Za-z0-9_-]{24}$/);
    assert.deepEqual(createdBody.events.map((e) => e.type), ['invite.created']);
    assert.equal(createdBody.state.invites[0]?.status, 'pending');
    assert.equal(createdBody.state.invites[0]?.expiresAt, '2025-03-17T09:00:00.000Z', '14 days by default');

    // Bob sees who invites him before signing in.
    const details = await server.request('/v1/invite-details', { body: { code } });
    assert.equal(details.status, 200, details.text);
    assert.deepEqual(InviteDetails.parse(details.json), {
      id: createdBody.result.invite,
      course: TEST_COURSE,
      inviter: { name: 'Alice Test' },
      relationship: 'friend',
      objects: ['discuss', 'mutual-help'],
      modalities: ['email', 'synchronous'],
      members: 0,
      groupSize: 2,
      expiresAt: '2025-03-17T09:00:00.000Z',
    });

    // Bob accepts: the group is created with Alice first.
    const accepted = await server.command('bob', { type: 'invite.accept', code });
    assert.equal(accepted.status, 200, accepted.text);
    const acceptedBody = CommandResponse.parse(accepted.json);
    const groupId = acceptedBody.result.group!;
    assert.deepEqual(acceptedBody.events.map((e) => e.type), ['invite.accepted']);
    const bobGroup = acceptedBody.state.groups[0]!;
    assert.equal(bobGroup.id, groupId);
    assert.equal(bobGroup.size, 2);
    assert.deepEqual(
      bobGroup.members.map((m) => [m.id, m.name, m.relationship]),
      [
        ['alice', 'Alice Test', 'friend'],
        ['bob', 'Bob Test', 'friend'],
      ],
    );

    // Alice sees the group and her invite answered by Bob.
    const aliceState = await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, {
      token: server.token('alice'),
    });
    assert.equal(aliceState.status, 200, aliceState.text);
    const alice = LearnerState.parse(aliceState.json);
    assert.equal(alice.groups[0]?.id, groupId);
    assert.equal(alice.invites[0]?.status, 'accepted');
    assert.equal(alice.invites[0]?.answeredBy, 'Bob Test');
    assert.equal(alice.serverTime, '2025-03-03T09:00:00.000Z');

    // Bob leaves: one member remains, so the group is dissolved for Alice too.
    const left = await server.command('bob', { type: 'group.leave', group: groupId });
    assert.equal(left.status, 200, left.text);
    const leftBody = CommandResponse.parse(left.json);
    assert.deepEqual(leftBody.events.map((e) => e.type), ['group.left', 'group.dissolved']);
    assert.deepEqual(leftBody.state.groups, []);
    const aliceAfter = LearnerState.parse(
      (await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, { token: server.token('alice') })).json,
    );
    assert.deepEqual(aliceAfter.groups, [], 'the last member left the dissolved group too');

    // Leaving again is refused: Bob is no member any more.
    const again = await server.command('bob', { type: 'group.leave', group: groupId });
    assert.equal(again.status, 404);
    assert.equal(again.json.error.code, 'not_member');
  });

  it('keeps a group of three when one member leaves, and lets the inviter invite until full', async () => {
    const trio = await startTestServer({
      config: { courses: { [TEST_COURSE]: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 7 } } },
    });
    try {
      const first = CommandResponse.parse(
        (await trio.command('alice', createInviteCommand({ objects: ['discuss'], modalities: ['email'] }))).json,
      );
      const group = CommandResponse.parse((await trio.command('bob', { type: 'invite.accept', code: first.result.code })).json)
        .result.group!;
      // Into a group, its objects and modalities apply whatever the command says.
      const second = await trio.command('alice', createInviteCommand({ group, relationship: 'colleague' }));
      assert.equal(second.status, 200, second.text);
      const secondBody = CommandResponse.parse(second.json);
      assert.deepEqual(secondBody.state.invites[0]?.objects, ['discuss']);
      const details = InviteDetails.parse((await trio.request('/v1/invite-details', { body: { code: secondBody.result.code } })).json);
      assert.equal(details.members, 2);
      assert.equal(details.groupSize, 3);

      const chloe = CommandResponse.parse((await trio.command('chloe', { type: 'invite.accept', code: secondBody.result.code })).json);
      assert.deepEqual(
        chloe.state.groups[0]?.members.map((m) => [m.id, m.relationship]),
        [
          ['alice', 'friend'],
          ['bob', 'friend'],
          ['chloe', 'colleague'],
        ],
      );
      const full = await trio.command('alice', createInviteCommand({ group }));
      assert.equal(full.status, 409);
      assert.deepEqual(full.json.error, { code: 'group_full', message: 'This group is full.', path: 'command.group' });

      const left = CommandResponse.parse((await trio.command('chloe', { type: 'group.leave', group })).json);
      assert.deepEqual(left.events.map((e) => e.type), ['group.left']);
      const bob = LearnerState.parse(
        (await trio.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, { token: trio.token('bob') })).json,
      );
      assert.deepEqual(bob.groups[0]?.members.map((m) => m.id), ['alice', 'bob']);
    } finally {
      await trio.dispose();
    }
  });

  it('stores a contact note verbatim as text, shows it to fellow members, and removes it when emptied', async () => {
    const code = CommandResponse.parse((await server.command('emma', createInviteCommand())).json).result.code;
    const group = CommandResponse.parse((await server.command('farid', { type: 'invite.accept', code })).json).result.group!;
    const note = '<script>alert("x")</script> & <b>call me</b>';
    const noted = await server.command('farid', { type: 'group.set-note', group, note });
    assert.equal(noted.status, 200, noted.text);
    assert.deepEqual(CommandResponse.parse(noted.json).events, [], 'notes are personal data: no event carries them');

    const emma = LearnerState.parse(
      (await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, { token: server.token('emma') })).json,
    );
    assert.equal(emma.groups[0]?.members.find((m) => m.id === 'farid')?.note, note);

    const tooLong = await server.command('farid', { type: 'group.set-note', group, note: 'x'.repeat(201) });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.json.error.path, 'command.note');

    const outsider = await server.command('chloe', { type: 'group.set-note', group, note: 'hi' });
    assert.equal(outsider.status, 404);
    assert.equal(outsider.json.error.code, 'not_member');

    const cleared = CommandResponse.parse((await server.command('farid', { type: 'group.set-note', group, note: '' })).json);
    assert.equal(cleared.state.groups[0]?.members.find((m) => m.id === 'farid')?.note, undefined);
  });

  it('lets an invitee decline, and the inviter cancel a pending invite', async () => {
    const one = CommandResponse.parse((await server.command('alice', createInviteCommand())).json);
    const declined = await server.command('david', { type: 'invite.decline', code: one.result.code });
    assert.equal(declined.status, 200, declined.text);
    assert.deepEqual(CommandResponse.parse(declined.json).events.map((e) => e.type), ['invite.declined']);

    const two = CommandResponse.parse((await server.command('alice', createInviteCommand())).json);
    const cancelled = await server.command('alice', { type: 'invite.cancel', invite: two.result.invite });
    assert.equal(cancelled.status, 200, cancelled.text);
    const body = CommandResponse.parse(cancelled.json);
    assert.deepEqual(body.events.map((e) => e.type), ['invite.cancelled']);
    const statuses = new Map(body.state.invites.map((i) => [i.id, i.status]));
    assert.equal(statuses.get(one.result.invite!), 'declined');
    assert.equal(statuses.get(two.result.invite!), 'cancelled');

    // Someone else's invite looks like no invite at all.
    const three = CommandResponse.parse((await server.command('alice', createInviteCommand())).json);
    const foreign = await server.command('bob', { type: 'invite.cancel', invite: three.result.invite });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.json.error.code, 'invite_not_found');
  });
});
