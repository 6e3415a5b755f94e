import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import { countRows, createInviteCommand, learnerToken, startTestServer, TEST_COURSE, type TestServer } from '../helpers/server.js';

const DAY_MS = 86_400_000;

async function invite(server: TestServer, inviter: string, extra: Record<string, unknown> = {}) {
  const answer = await server.command(inviter, createInviteCommand(extra));
  assert.equal(answer.status, 200, answer.text);
  return CommandResponse.parse(answer.json).result;
}


describe('invite refusals', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer({
      config: {
        courses: {
          [TEST_COURSE]: { groupSize: 2, objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'], inviteLifetimeDays: 3 },
        },
      },
    });
  });
  afterEach(() => server.dispose());

  it('refuses an invite past its expiry (moved there by the clock), in details and on accept', async () => {
    const { code } = await invite(server, 'alice');
    server.clock.advance(3 * DAY_MS);
    const details = await server.request('/v1/invite-details', { body: { code } });
    assert.equal(details.status, 410);
    assert.deepEqual(details.json.error, { code: 'invite_expired', message: 'This invite has expired.', path: 'code' });
    const accept = await server.command('bob', { type: 'invite.accept', code });
    assert.equal(accept.status, 410);
    assert.equal(accept.json.error.code, 'invite_expired');
    const state = await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, { token: server.token('alice') });
    assert.equal(state.json.invites[0].status, 'expired', 'computed, never stored');
    const cancel = await server.command('alice', { type: 'invite.cancel', invite: state.json.invites[0].id });
    assert.equal(cancel.json.error.code, 'invite_expired');
  });

  const answered: { name: string; answer: (s: TestServer, code: string, invite: string) => Promise<unknown>; code: string }[] = [
    { name: 'cancelled', answer: (s, _c, id) => s.command('alice', { type: 'invite.cancel', invite: id }), code: 'invite_cancelled' },
    { name: 'used', answer: (s, c) => s.command('bob', { type: 'invite.accept', code: c }), code: 'invite_used' },
    { name: 'declined', answer: (s, c) => s.command('bob', { type: 'invite.decline', code: c }), code: 'invite_declined' },
  ];
  for (const { name, answer, code: expected } of answered) {
    it(`refuses a ${name} invite with 410 ${expected}, in details, accept and decline`, async () => {
      const { code, invite: id } = await invite(server, 'alice');
      await answer(server, code!, id!);
      for (const attempt of [
        () => server.request('/v1/invite-details', { body: { code } }),
        () => server.command('chloe', { type: 'invite.accept', code }),
        () => server.command('chloe', { type: 'invite.decline', code }),
      ]) {
        const refused = await attempt();
        assert.equal(refused.status, 410, refused.text);
        assert.equal(refused.json.error.code, expected);
      }
    });
  }

  it('refuses accepting or declining one’s own invite', async () => {
    const { code } = await invite(server, 'alice');
    for (const type of ['invite.accept', 'invite.decline']) {
      const own = await server.command('alice', { type, code });
      assert.equal(own.status, 409);
      assert.deepEqual(own.json.error, { code: 'own_invite', message: 'You cannot answer your own invite.', path: 'command.code' });
    }
  });

  it('refuses an unknown code with 404, and a malformed one with 400', async () => {
    const unknown = await server.command('bob', { type: 'invite.accept', code: 'A'.repeat(24) });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'invite_not_found');
    const malformed = await server.command('bob', { type: 'invite.accept', code: 'short' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.error.path, 'command.code');
  });

  it('refuses a third member into a group of two: on invite, and on accept of an invite made while it had room', async () => {
    // Two invites into a group of three, both made while it had room: the second acceptance finds it full.
    const trio = await startTestServer({
      config: { courses: { [TEST_COURSE]: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 3 } } },
    });
    try {
      const first = await invite(trio, 'alice', { objects: ['discuss'], modalities: ['email'] });
      const group = CommandResponse.parse((await trio.command('bob', { type: 'invite.accept', code: first.code })).json).result.group!;
      const forChloe = await invite(trio, 'alice', { group });
      const forDavid = await invite(trio, 'bob', { group });
      assert.equal((await trio.command('chloe', { type: 'invite.accept', code: forChloe.code })).status, 200);
      const david = await trio.command('david', { type: 'invite.accept', code: forDavid.code });
      assert.equal(david.status, 409);
      assert.deepEqual(david.json.error, { code: 'group_full', message: 'This group is full.', path: 'command.code' });
      const again = await trio.command('chloe', { type: 'invite.accept', code: forDavid.code });
      assert.equal(again.json.error.code, 'already_member');
    } finally {
      await trio.dispose();
    }

    // In a course of tandems, a full pair cannot be invited into at all.
    const { code } = await invite(server, 'alice');
    const group = CommandResponse.parse((await server.command('bob', { type: 'invite.accept', code })).json).result.group!;
    const third = await server.command('alice', createInviteCommand({ group }));
    assert.equal(third.status, 409);
    assert.equal(third.json.error.code, 'group_full');
    const outsider = await server.command('chloe', createInviteCommand({ group }));
    assert.equal(outsider.status, 404);
    assert.equal(outsider.json.error.code, 'not_member');
  });

  it('refuses an invite into a group dissolved meanwhile', async () => {
    const trio = await startTestServer({
      config: { courses: { [TEST_COURSE]: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 3 } } },
    });
    try {
      const first = await invite(trio, 'alice', { objects: ['discuss'], modalities: ['email'] });
      const group = CommandResponse.parse((await trio.command('bob', { type: 'invite.accept', code: first.code })).json).result.group!;
      const pending = await invite(trio, 'alice', { group });
      await trio.command('bob', { type: 'group.leave', group });
      const late = await trio.command('chloe', { type: 'invite.accept', code: pending.code });
      assert.equal(late.status, 404);
      assert.equal(late.json.error.code, 'group_not_found');
    } finally {
      await trio.dispose();
    }
  });

  it('refuses objects and modalities the course does not offer, naming the first one', async () => {
    const objects = await server.command('alice', createInviteCommand({ objects: ['discuss', 'watch-videos'] }));
    assert.equal(objects.status, 422);
    assert.deepEqual(objects.json.error, {
      code: 'not_offered',
      message: 'This course does not offer "watch-videos".',
      path: 'command.objects.1',
    });
    const modalities = await server.command('alice', createInviteCommand({ modalities: ['in-person-pair'] }));
    assert.equal(modalities.status, 422);
    assert.equal(modalities.json.error.path, 'command.modalities.0');
    const state = await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, { token: server.token('alice') });
    assert.deepEqual(state.json.invites, [], 'a refused command stores nothing');
    assert.equal(await countRows(server.dataDir, 'commands'), 0);
    assert.equal(await countRows(server.dataDir, 'events'), 0);
  });

  it('refuses a command for another course than the token’s, and an invite of another course', async () => {
    const other = await server.request('/v1/commands', {
      token: server.token('alice'),
      body: { id: crypto.randomUUID(), course: 'another-course', command: createInviteCommand() },
    });
    assert.equal(other.status, 403);
    assert.deepEqual(other.json.error.code, 'course_mismatch');
    assert.equal(other.json.error.path, 'course');

    const { code } = await invite(server, 'alice');
    const elsewhere = await server.request('/v1/commands', {
      token: learnerToken('bob', server.clock.now().getTime(), { course: 'another-course' }),
      body: { id: crypto.randomUUID(), course: 'another-course', command: { type: 'invite.accept', code } },
    });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.json.error.code, 'course_mismatch');
    assert.equal(await countRows(server.dataDir, 'events'), 1, 'only the invite.created event');
    assert.equal(await countRows(server.dataDir, 'memberships'), 0);
  });
});
