/**
 * Races over real HTTP: the checks that guard a write (single-use invite,
 * group size, one command per id) must hold when requests overlap, in one
 * process and across two processes sharing one SQLite file.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import {
  countRows,
  createInviteCommand,
  learnerToken,
  makeDataDir,
  queryDataFile,
  request,
  startChildServer,
  startTestServer,
  TEST_COURSE,
  TestClock,
  type ApiAnswer,
  type TestServer,
} from '../helpers/server.js';

const ROUNDS = 5;

async function invite(server: TestServer, inviter: string, extra: Record<string, unknown> = {}) {
  const answer = await server.command(inviter, createInviteCommand(extra));
  assert.equal(answer.status, 200, answer.text);
  return CommandResponse.parse(answer.json).result;
}

function statuses(answers: ApiAnswer[]): string[] {
  return answers.map((a) => `${a.status} ${a.status === 200 ? 'ok' : a.json?.error?.code}`).sort();
}

async function activeMembers(dataDir: string, group: string): Promise<number> {
  return (await queryDataFile<{ n: number }>(dataDir, 'SELECT COUNT(*) AS n FROM memberships WHERE group_id = ? AND left_at IS NULL', group))[0]!.n;
}

describe('concurrent commands', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: { courses: { [TEST_COURSE]: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 7 } } },
    });
  });
  after(() => server.dispose());

  it('lets exactly one of two racing accepts of one invite win', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const inviter = `inviter-${round}`;
      const { code, invite: id } = await invite(server, inviter, { objects: ['discuss'], modalities: ['email'] });
      const answers = await Promise.all([
        server.command(`bob-${round}`, { type: 'invite.accept', code }),
        server.command(`chloe-${round}`, { type: 'invite.accept', code }),
      ]);
      assert.deepEqual(statuses(answers), ['200 ok', '410 invite_used'], `round ${round}`);
      const winner = answers.find((a) => a.status === 200)!;
      const group = CommandResponse.parse(winner.json).result.group!;
      assert.equal(await activeMembers(server.dataDir, group), 2, 'the inviter and one accepter');
      const accepted = await queryDataFile(server.dataDir, `SELECT id FROM events WHERE type = 'invite.accepted' AND body LIKE ?`, `%${id}%`);
      assert.equal(accepted.length, 1, 'one authoritative event');
    }
  });

  it('never lets two racing accepts into the last seat of a group exceed its size', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const first = await invite(server, `alice-${round}`, { objects: ['discuss'], modalities: ['email'] });
      const joined = CommandResponse.parse((await server.command(`bob-${round}`, { type: 'invite.accept', code: first.code })).json);
      const group = joined.result.group!;
      // Two invites made while the group of three had one seat left.
      const a = await invite(server, `alice-${round}`, { group });
      const b = await invite(server, `bob-${round}`, { group, relationship: 'classmate' });
      const answers = await Promise.all([
        server.command(`chloe-${round}`, { type: 'invite.accept', code: a.code }),
        server.command(`david-${round}`, { type: 'invite.accept', code: b.code }),
      ]);
      assert.deepEqual(statuses(answers), ['200 ok', '409 group_full'], `round ${round}`);
      assert.equal(await activeMembers(server.dataDir, group), 3, 'never more than the group size');
    }
  });

  it('applies one command id once when the same command races itself', async () => {
    const { code } = await invite(server, 'emma', { objects: ['discuss'], modalities: ['email'] });
    const id = randomUUID();
    const before = await countRows(server.dataDir, 'events');
    const answers = await Promise.all([1, 2, 3].map(() => server.command('farid', { type: 'invite.accept', code }, id)));
    assert.deepEqual(statuses(answers), ['200 ok', '200 ok', '200 ok'], 'the later ones replay the first');
    const results = answers.map((a) => CommandResponse.parse(a.json));
    assert.deepEqual(results[1]!.result, results[0]!.result);
    assert.deepEqual(results[2]!.events, results[0]!.events);
    assert.equal(await countRows(server.dataDir, 'events'), before + 1);
  });
});

describe('concurrent commands across two processes on one data file', () => {
  it('lets one of two accepts of one invite, sent to different processes, win', async () => {
    const folder = makeDataDir();
    const children: ChildProcess[] = [];
    try {
      // On the real clock, which the child processes use too.
      const setup = await startTestServer({ dataDir: folder.dir, clock: new TestClock(Date.now()) });
      const invites = [];
      try {
        for (let round = 0; round < ROUNDS; round++) invites.push(await invite(setup, `alice-${round}`));
      } finally {
        await setup.close();
      }

      const [one, two] = await Promise.all([startChildServer(folder.dir), startChildServer(folder.dir)]);
      children.push(one!.child, two!.child);
      for (const [round, { code }] of invites.entries()) {
        const send = (url: string, learner: string) =>
          request(url, '/v1/commands', {
            token: learnerToken(learner, Date.now()),
            body: { id: randomUUID(), course: TEST_COURSE, command: { type: 'invite.accept', code } },
          });
        const answers = await Promise.all([send(one!.url, `bob-${round}`), send(two!.url, `chloe-${round}`)]);
        assert.deepEqual(statuses(answers), ['200 ok', '410 invite_used'], `round ${round}`);
      }
      assert.equal(await countRows(folder.dir, 'groups'), ROUNDS);
      assert.equal(await countRows(folder.dir, 'memberships'), 2 * ROUNDS);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      folder.remove();
    }
  });
});
