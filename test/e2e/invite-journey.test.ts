/**
 * End to end: two learners in two browser contexts, against the real server
 * (child process, demo routes, SQLite file) and the built dist/tandem.js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInviteThroughUi, openPage, PageProblems, useDemoServerAndBrowser } from './browser.js';

const env = useDemoServerAndBrowser();

test('Alice invites Bob, Bob accepts, both see the group', { timeout: 60_000 }, async () => {
  const problems = new PageProblems();
  const alice = await openPage(await env.browser.newContext(), `${env.server.url}/?as=alice`, 'alice', problems);
  const link = await createInviteThroughUi(alice);
  const url = new URL(link);
  assert.equal(url.search, '', 'the code is never in the query string');
  assert.match(url.hash, /^#tandem-invite=[A-Za-z0-9_-]{24}$/);

  const bob = await openPage(await env.browser.newContext(), `${env.server.url}/?as=bob`, 'bob', problems);
  await bob.goto(link);
  const join = bob.locator('tandem-join');
  await join.getByText('Alice Martin invites you').waitFor({ timeout: 15_000 });
  await join.getByRole('button', { name: 'Accept' }).click();
  await join.getByRole('status').getByText('You joined the group').waitFor({ timeout: 15_000 });
  assert.equal(new URL(bob.url()).hash, '', 'the code leaves the address bar once used');

  const bobGroups = bob.locator('tandem-groups');
  await bobGroups.getByText('Alice Martin').waitFor({ timeout: 15_000 });
  await bobGroups.getByText('Talk about the course').first().waitFor();

  // Alice sees it on her next load (or within 30 s on the open page).
  await alice.reload();
  await alice.locator('tandem-groups').getByText('Bob Lefèvre').waitFor({ timeout: 15_000 });
  assert.deepEqual(problems.list, []);
});

test('a signed-out invitee sees the invite, signs in, and finds it kept to accept', { timeout: 60_000 }, async () => {
  const problems = new PageProblems();
  const chloe = await openPage(await env.browser.newContext(), `${env.server.url}/?as=chloe`, 'chloe', problems);
  const link = await createInviteThroughUi(chloe);

  const visitor = await openPage(await env.browser.newContext(), link, 'visitor', problems);
  const join = visitor.locator('tandem-join');
  // The details show before signing in: who, to do what.
  await join.getByText('Chloé Dubois invites you').waitFor({ timeout: 15_000 });
  await join.getByRole('link', { name: 'Sign in or enroll to accept' }).click();
  // The platform's sign-in page (the demo's enroll URL), then back to the course page without the fragment.
  await visitor.getByRole('link', { name: 'David Okafor' }).click();
  await visitor.waitForURL((u) => u.pathname === '/' && !u.hash.includes('tandem-invite'));
  await join.getByText('Chloé Dubois invites you').waitFor({ timeout: 15_000 });
  await join.getByRole('button', { name: 'Accept' }).click();
  await visitor.locator('tandem-groups').getByText('Chloé Dubois').waitFor({ timeout: 15_000 });
  assert.deepEqual(problems.list, []);
});
