/**
 * End to end: two learners in two browser contexts, against the real server
 * (child process, demo routes, SQLite file) and the built dist/tandem.js.
 * Alice invites a friend; Bob opens the link, accepts; both see the group.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { makeDataDir, startChildServer, type ChildServer } from '../helpers/server.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let server: ChildServer;
let browser: Browser;
let data: ReturnType<typeof makeDataDir>;
const pageErrors: string[] = [];

before(async () => {
  data = makeDataDir();
  server = await startChildServer(data.dir, { TANDEM_DEMO: '1' });
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  data?.remove();
});

async function learnerPage(context: BrowserContext, name: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${name} console: ${message.text()}`);
  });
  await page.goto(`${server.url}/?as=${name}`);
  return page;
}

test('Alice invites Bob, Bob accepts, both see the group', { timeout: 60_000 }, async () => {
  const alice = await learnerPage(await browser.newContext(), 'alice');
  const invite = alice.locator('tandem-invite');
  await invite.getByRole('radio', { name: 'Friend' }).check();
  await invite.getByRole('checkbox', { name: 'Talk about the course' }).check();
  await invite.getByRole('checkbox', { name: 'Email' }).check();
  await invite.getByRole('button', { name: 'Create the invite link' }).click();
  const linkBox = invite.getByLabel('Invite link');
  await linkBox.waitFor({ timeout: 15_000 });
  const link = await linkBox.inputValue();
  const url = new URL(link);
  assert.equal(url.search, '', 'the code is never in the query string');
  assert.match(url.hash, /^#tandem-invite=[A-Za-z0-9_-]{24}$/);

  const bob = await learnerPage(await browser.newContext(), 'bob');
  await bob.goto(link);
  const join = bob.locator('tandem-join');
  await join.getByText('Alice Martin invites you').waitFor({ timeout: 15_000 });
  await join.getByRole('button', { name: 'Accept' }).click();
  await join.getByRole('status').getByText('You joined the group').waitFor({ timeout: 15_000 });

  const bobGroups = bob.locator('tandem-groups');
  await bobGroups.getByText('Alice Martin').waitFor({ timeout: 15_000 });
  await bobGroups.getByText('Talk about the course').first().waitFor();

  // Alice sees it on her next load (or within 30 s on the open page).
  await alice.reload();
  await alice.locator('tandem-groups').getByText('Bob Lefèvre').waitFor({ timeout: 15_000 });
  assert.deepEqual(pageErrors, []);
});
