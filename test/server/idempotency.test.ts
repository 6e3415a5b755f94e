import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import { countRows, createInviteCommand, startTestServer, TEST_COURSE, type TestServer } from '../helpers/server.js';

describe('command ids are idempotency keys', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());

  it('replays the stored result and events for the same id and body, storing nothing twice', async () => {
    const id = randomUUID();
    const first = await server.command('alice', createInviteCommand(), id);
    assert.equal(first.status, 200, first.text);
    const before = { events: await countRows(server.dataDir, 'events'), invites: await countRows(server.dataDir, 'invites') };

    server.clock.advance(60_000);
    const again = await server.command('alice', createInviteCommand(), id);
    assert.equal(again.status, 200, again.text);
    const a = CommandResponse.parse(first.json);
    const b = CommandResponse.parse(again.json);
    assert.deepEqual(b.result, a.result, 'the same invite and code');
    assert.deepEqual(b.events, a.events, 'the same events, with their original ids');
    assert.equal(b.state.serverTime, '2025-03-03T09:01:00.000Z', 'with fresh state');
    assert.deepEqual(
      { events: await countRows(server.dataDir, 'events'), invites: await countRows(server.dataDir, 'invites') },
      before,
    );
  });

  it('treats a body with keys in another order as the same body', async () => {
    const id = randomUUID();
    const body = { id, course: TEST_COURSE, command: createInviteCommand() };
    const reordered = { command: { modalities: body.command.modalities, type: 'invite.create', objects: body.command.objects, relationship: 'friend' }, course: TEST_COURSE, id };
    const first = await server.request('/v1/commands', { token: server.token('bob'), body });
    const second = await server.request('/v1/commands', { token: server.token('bob'), body: reordered });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.json.result.code, first.json.result.code);
  });

  it('answers 409 id_conflict for the same id with another body, or from another learner', async () => {
    const id = randomUUID();
    assert.equal((await server.command('alice', createInviteCommand(), id)).status, 200);
    const changed = await server.command('alice', createInviteCommand({ relationship: 'family' }), id);
    assert.equal(changed.status, 409);
    assert.deepEqual(changed.json.error, {
      code: 'id_conflict',
      message: 'This command id was already used for another command.',
      path: 'id',
    });
    const stranger = await server.command('chloe', createInviteCommand(), id);
    assert.equal(stranger.status, 409);
    assert.equal(stranger.json.error.code, 'id_conflict');
  });

  it('replays the original result after the state moved on, changing nothing', async () => {
    const createId = randomUUID();
    const created = CommandResponse.parse((await server.command('david', createInviteCommand(), createId)).json);
    const acceptId = randomUUID();
    const accepted = CommandResponse.parse((await server.command('emma', { type: 'invite.accept', code: created.result.code }, acceptId)).json);
    const group = accepted.result.group!;
    assert.equal((await server.command('emma', { type: 'group.leave', group })).status, 200, 'the group of two dissolves');
    const rows = () => Promise.all(['events', 'invites', 'groups', 'memberships', 'commands'].map((t) => countRows(server.dataDir, t as 'events')));
    const before = await rows();

    // Accepted, then dissolved: both commands replay as first answered.
    const createAgain = CommandResponse.parse((await server.command('david', createInviteCommand(), createId)).json);
    assert.deepEqual(createAgain.result, created.result, 'the same invite and code');
    assert.deepEqual(createAgain.events, created.events);
    assert.equal(createAgain.state.invites.find((i) => i.id === created.result.invite)?.status, 'accepted', 'beside the state of now');
    const acceptAgain = await server.command('emma', { type: 'invite.accept', code: created.result.code }, acceptId);
    assert.equal(acceptAgain.status, 200, 'not invite_used: it is the same acceptance');
    const replayed = CommandResponse.parse(acceptAgain.json);
    assert.deepEqual(replayed.result, accepted.result);
    assert.deepEqual(replayed.events, accepted.events);
    assert.deepEqual(replayed.state.groups, [], 'emma is not put back into the dissolved group');
    assert.deepEqual(await rows(), before, 'nothing written');
  });

  it('answers id_conflict for a command id replayed in another course, never the other course’s result', async () => {
    const id = randomUUID();
    assert.equal((await server.command('alice', createInviteCommand(), id)).status, 200);
    const elsewhere = await server.request('/v1/commands', {
      token: server.token('alice', { course: 'another-course' }),
      body: { id, course: 'another-course', command: createInviteCommand() },
    });
    assert.equal(elsewhere.status, 409, elsewhere.text);
    assert.equal(elsewhere.json.error.code, 'id_conflict');
    assert.equal(elsewhere.json.result, undefined);
  });

  it('judges a refused command again on retry (refusals are not stored)', async () => {
    const trio = await startTestServer({
      config: { courses: { [TEST_COURSE]: { groupSize: 2, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 3 } } },
    });
    try {
      const id = randomUUID();
      const refused = await trio.command('alice', createInviteCommand({ objects: ['discuss'], modalities: ['synchronous'] }), id);
      assert.equal(refused.status, 422);
      await trio.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/settings`, {
        method: 'PUT',
        headers: { 'x-tandem-platform-key': 'platform-key-for-tests-0123456789' },
        body: { groupSize: 2, objects: ['discuss'], modalities: ['email', 'synchronous'], inviteLifetimeDays: 3 },
      });
      const retried = await trio.command('alice', createInviteCommand({ objects: ['discuss'], modalities: ['synchronous'] }), id);
      assert.equal(retried.status, 200, retried.text);
    } finally {
      await trio.dispose();
    }
  });
});
