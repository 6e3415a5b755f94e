/**
 * Personal data stays where it is needed: names and notes in the group they
 * belong to, never in the events table or the log; invite details show the
 * invitee only what they need; a note leaves with its membership.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import { createInviteCommand, queryDataFile, startTestServer, TEST_COURSE, type TestServer } from '../helpers/server.js';

// Distinctive values, so a search of the stored text cannot miss them.
const NAMES = { alice: 'Alice Qwertyname', bob: 'Bob Asdfgname', chloe: 'Chloe Zxcvname' };
const NOTE = 'reach me: bob.private@example.org, +33 6 12 34 56 78';

describe('personal data', () => {
  let server: TestServer;
  const lines: string[] = [];
  before(async () => {
    server = await startTestServer({
      config: { courses: { [TEST_COURSE]: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 7 } } },
      log: (line) => lines.push(line),
    });
  });
  after(() => server.dispose());

  const as = (sub: keyof typeof NAMES) => server.token(sub, { name: NAMES[sub] });
  const command = (sub: keyof typeof NAMES, body: Record<string, unknown>) =>
    server.request('/v1/commands', { token: as(sub), body: { id: randomUUID(), course: TEST_COURSE, command: body } });

  /** Alice invites bob (who notes how to reach him), then invites chloe into the group; returns what a leak would show. */
  async function journey() {
    const first = CommandResponse.parse((await command('alice', createInviteCommand({ objects: ['discuss'], modalities: ['email'] }))).json);
    const group = CommandResponse.parse((await command('bob', { type: 'invite.accept', code: first.result.code })).json).result.group!;
    assert.equal((await command('bob', { type: 'group.set-note', group, note: NOTE })).status, 200);
    const second = CommandResponse.parse((await command('alice', createInviteCommand({ group }))).json);
    const opened = {
      id: randomUUID(),
      v: 1,
      time: '2025-03-03T09:00:00.000Z',
      course: TEST_COURSE,
      learner: 'chloe',
      type: 'invite.opened',
      invite: second.result.invite,
      // Not in the schema: must never reach the table.
      name: NAMES.chloe,
      email: 'chloe.private@example.org',
    };
    const events = await server.request('/v1/events', { token: as('chloe'), body: { events: [opened] } });
    assert.equal(events.status, 200, events.text);
    return { group, codes: [first.result.code!, second.result.code!], tokens: [as('alice'), as('bob'), as('chloe')] };
  }

  it('writes no name, note, email or invite code into the events table', async () => {
    const { codes } = await journey();
    const rows = await queryDataFile<Record<string, unknown>>(server.dataDir, 'SELECT * FROM events');
    assert.ok(rows.length >= 4, 'the journey wrote events');
    const stored = JSON.stringify(rows);
    for (const secret of [...Object.values(NAMES), NOTE, 'private@example.org', ...codes]) {
      assert.ok(!stored.includes(secret), `the events table holds ${secret}`);
    }
    assert.doesNotMatch(stored, /@/, 'no email of any kind');
  });

  it('shows an invitee only the inviter’s name, the course, what and how: no ids, code or other members', async () => {
    const { codes } = await journey();
    const details = await server.request('/v1/invite-details', { body: { code: codes[1] } });
    assert.equal(details.status, 200, details.text);
    assert.deepEqual(Object.keys(details.json).sort(), ['course', 'expiresAt', 'groupSize', 'id', 'inviter', 'members', 'modalities', 'objects', 'relationship']);
    assert.deepEqual(details.json.inviter, { name: NAMES.alice }, 'the inviter’s name, not their id');
    assert.equal(details.json.members, 2, 'how many, not who');
    for (const leak of ['alice', NAMES.bob, 'bob', NOTE, codes[1]!]) {
      assert.ok(!details.text.includes(`"${leak}"`) && !details.text.includes(NOTE), `invite details show ${leak}`);
    }
  });

  it('logs no token, name, note or invite code, also for refused requests', async () => {
    lines.length = 0;
    const { codes, tokens } = await journey();
    await server.request('/v1/invite-details', { body: { code: codes[0] } }); // refused: already used
    await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, { headers: { authorization: `Bearer ${tokens[0]}x` } });
    assert.ok(lines.length >= 6, 'one line per request');
    const log = lines.join('\n');
    for (const secret of [...tokens, ...Object.values(NAMES), NOTE, 'private@example.org', ...codes]) {
      assert.ok(!log.includes(secret), `the log holds ${secret.slice(0, 20)}…`);
    }
  });

  it('erases a contact note when its membership ends (leaving, or the group dissolving)', async () => {
    const { group } = await journey();
    const note = 'alice: find me on the forum';
    assert.equal((await command('alice', { type: 'group.set-note', group, note })).status, 200);
    const notes = () =>
      queryDataFile<{ learner: string; note: string | null }>(server.dataDir, 'SELECT learner, note FROM memberships WHERE group_id = ? ORDER BY id', group);
    assert.deepEqual(await notes(), [
      { learner: 'alice', note },
      { learner: 'bob', note: NOTE },
    ]);
    assert.equal((await command('bob', { type: 'group.leave', group })).status, 200);
    // Bob left, and the group of two dissolved: no one can see either note any more.
    assert.deepEqual(await notes(), [
      { learner: 'alice', note: null },
      { learner: 'bob', note: null },
    ]);
  });
});
