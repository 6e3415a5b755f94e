import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { CommandResponse, LearnerState } from '../../src/protocol/api.js';
import {
  countRows,
  createInviteCommand,
  learnerToken,
  makeDataDir,
  request,
  startChildServer,
  startTestServer,
  TEST_COURSE,
  TestClock,
} from '../helpers/server.js';

const statePath = `/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`;

describe('durability', () => {
  it('keeps every acknowledged write across a restart on the same data file', async () => {
    const folder = makeDataDir();
    try {
      const first = await startTestServer({ dataDir: folder.dir });
      const eventId = randomUUID();
      const event = { id: eventId, v: 1, time: '2025-03-03T09:00:00.000Z', course: TEST_COURSE, learner: 'alice', type: 'invite.opened', invite: randomUUID() };
      let before: LearnerState;
      try {
        const code = CommandResponse.parse((await first.command('alice', createInviteCommand())).json).result.code;
        const group = CommandResponse.parse((await first.command('bob', { type: 'invite.accept', code })).json).result.group;
        assert.equal((await first.command('bob', { type: 'group.set-note', group, note: 'bob@example.org' })).status, 200);
        assert.equal((await first.request('/v1/events', { token: first.token('alice'), body: { events: [event] } })).status, 200);
        before = LearnerState.parse((await first.request(statePath, { token: first.token('alice') })).json);
      } finally {
        await first.close();
      }

      const second = await startTestServer({ dataDir: folder.dir });
      try {
        const after = LearnerState.parse((await second.request(statePath, { token: second.token('alice') })).json);
        assert.deepEqual(after, before);
        assert.equal(after.groups[0]?.members.find((m) => m.id === 'bob')?.note, 'bob@example.org');
        const resent = await second.request('/v1/events', { token: second.token('alice'), body: { events: [event] } });
        assert.deepEqual(resent.json, { stored: 0, duplicates: 1 });
      } finally {
        await second.close();
      }
    } finally {
      folder.remove();
    }
  });

  it('shuts down gracefully: stops accepting, finishes the request in flight, then closes the store', async () => {
    let committed!: () => void;
    const commit = new Promise<void>((resolve) => (committed = resolve));
    const server = await startTestServer({
      afterCommit: async () => {
        committed();
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
    });
    try {
      const inFlight = server.command('alice', createInviteCommand());
      await commit;
      const closing = server.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await assert.rejects(fetch(`${server.url}/v1/health`), 'no new connection once closing');
      const answer = await inFlight;
      assert.equal(answer.status, 200, 'the request in flight still gets its answer');
      await closing;
      await assert.rejects(server.app.store.transaction(async () => undefined), /closed/);
    } finally {
      await server.dispose();
    }
  });

  it('shuts down gracefully also for a request whose body is still arriving', async () => {
    const server = await startTestServer();
    try {
      const body = JSON.stringify({ id: randomUUID(), course: TEST_COURSE, command: createInviteCommand() });
      const half = Math.floor(body.length / 2);
      const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(`${server.url}/v1/commands`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: `Bearer ${server.token('alice')}` },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.write(body.slice(0, half));
        // The rest comes after the server began to close.
        setTimeout(() => req.end(body.slice(half)), 150);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = server.close();
      const answer = await answered;
      assert.equal(answer.status, 200, `answered from a store still open: ${answer.text}`);
      await closing;
      assert.equal(await countRows(server.dataDir, 'commands'), 1, 'the command was stored');
    } finally {
      await server.dispose();
    }
  });

  it('survives a crash between commit and answer: the resent command replays, nothing is duplicated', async () => {
    const folder = makeDataDir();
    const children: ChildProcess[] = [];
    try {
      // Alice's invite, written by an ordinary server.
      // On the real clock: the child processes read it too, and the invite must not look expired to them.
      const setup = await startTestServer({ dataDir: folder.dir, clock: new TestClock(Date.now()) });
      let invite: ReturnType<typeof CommandResponse.parse>['result'];
      try {
        invite = CommandResponse.parse((await setup.command('alice', createInviteCommand())).json).result;
      } finally {
        await setup.close();
      }

      // A child process that holds every command's answer after its commit.
      const holding = await startChildServer(folder.dir, { TANDEM_TEST_HOLD_AFTER_COMMIT_MS: '30000' });
      children.push(holding.child);
      const id = randomUUID();
      const body = { id, course: TEST_COURSE, command: { type: 'invite.accept', code: invite.code } };
      const token = learnerToken('bob', Date.now());
      const lost = request(holding.url, '/v1/commands', { token, body });
      lost.catch(() => {}); // judged below, after the kill
      await holding.waitForStderr(new RegExp(`committed ${id}`));
      holding.child.kill('SIGKILL');
      const exit = await holding.exited;
      assert.equal(exit.signal, 'SIGKILL');
      // The client never got an answer: the kill fell between commit and answer.
      await assert.rejects(lost, (err: Error & { cause?: { code?: string } }) => {
        assert.match(String(err.cause?.code ?? err.message), /UND_ERR_SOCKET|ECONNRESET|other side closed/);
        return true;
      });

      const restarted = await startChildServer(folder.dir);
      children.push(restarted.child);
      try {
        const replay = await request(restarted.url, '/v1/commands', { token, body });
        assert.equal(replay.status, 200, replay.text);
        const answer = CommandResponse.parse(replay.json);
        assert.equal(answer.result.invite, invite.invite);
        assert.deepEqual(answer.events.map((e) => e.type), ['invite.accepted']);
        assert.deepEqual(answer.state.groups[0]?.members.map((m) => m.id), ['alice', 'bob']);
        assert.equal(await countRows(folder.dir, 'memberships'), 2, 'bob joined once');
        assert.equal(await countRows(folder.dir, 'events'), 2, 'invite.created and one invite.accepted');
        assert.equal(await countRows(folder.dir, 'commands'), 2);
      } finally {
        restarted.child.kill('SIGTERM');
        const stopped = await restarted.exited;
        assert.equal(stopped.code, 0, 'SIGTERM shuts down cleanly');
      }
    } finally {
      // A failed assertion must not leave a server process behind.
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      folder.remove();
    }
  });
});
