/**
 * Hazard, end to end: the endpoint goes down while Alice works. Her command
 * waits visibly and her client facts queue; when the endpoint is back (same
 * address, same data file), each arrives exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryDataFile } from '../helpers/server.js';
import { openPage, PageProblems, useRestartableDemoServer } from './browser.js';

const env = useRestartableDemoServer();
const { up, down } = env;

const count = async (sql: string, ...params: unknown[]) => (await queryDataFile<{ n: number }>(env.data.dir, sql, ...params))[0]!.n;

test('a command and an event made while the endpoint is down each arrive once when it is back', { timeout: 90_000 }, async () => {
  const { url } = await up();
  const context = await env.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const problems = new PageProblems();
  const alice = await openPage(context, `${url}/?as=alice`, 'alice', problems);
  const failedCommands: string[] = [];
  const failedEvents: string[] = [];
  alice.on('requestfailed', (request) => {
    if (request.url().endsWith('/v1/commands')) failedCommands.push(request.url());
    if (request.url().endsWith('/v1/events')) failedEvents.push(request.url());
  });
  const invite = alice.locator('tandem-invite');
  await invite.getByRole('radio', { name: 'Colleague' }).check();
  await invite.getByRole('checkbox', { name: 'Help each other' }).check();
  await invite.getByRole('checkbox', { name: 'Phone or video call' }).check();

  await down();
  await invite.getByRole('button', { name: 'Create the invite link' }).click();
  await invite.getByText('Will be sent when you are back online').first().waitFor({ timeout: 15_000 });
  await assertEventually(() => failedCommands.length >= 1, 'the command was really tried while the endpoint was down');
  assert.equal(await invite.getByLabel('Invite link').count(), 0, 'never shown as done before the endpoint answers');

  await up();
  const link = await invite.getByLabel('Invite link').inputValue({ timeout: 30_000 });
  assert.match(link, /#tandem-invite=[A-Za-z0-9_-]{24}$/);
  assert.equal(await count("SELECT COUNT(*) AS n FROM invites WHERE inviter = 'demo-alice'"), 1);
  assert.equal(await count("SELECT COUNT(*) AS n FROM events WHERE type = 'invite.created'"), 1);

  // A client fact while the endpoint is down: queued in the outbox, then delivered once.
  await down();
  await invite.getByRole('button', { name: 'Copy', exact: true }).first().click();
  await assertEventually(() => failedEvents.length >= 1, 'the event was really sent while the endpoint was down');
  await up();
  await assertEventually(
    async () => (await count("SELECT COUNT(*) AS n FROM events WHERE type = 'invite.link-shared'")) === 1,
    'the queued event reached the endpoint',
    45_000,
  );
  // Give any duplicate sender a chance to show itself, then check again.
  await alice.waitForTimeout(1_500);
  assert.equal(await count("SELECT COUNT(*) AS n FROM events WHERE type = 'invite.link-shared'"), 1);
  assert.deepEqual(
    problems.list.filter((p) => !p.includes('net::ERR_CONNECTION_REFUSED')),
    [],
  );
});

async function assertEventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
