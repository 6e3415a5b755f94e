/**
 * End to end, part 2: two demo learners opt in to be found and see each other
 * with reasons; one asks the other from a forum button; the other accepts
 * from their groups panel; both see the group and each other's contact note.
 * Real server (child process, demo routes and seeded data, SQLite file), the
 * built dist/ bundle, Debian's Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { queryDataFile } from '../helpers/server.js';
import { openPage, PageProblems, useDemoServerAndBrowser } from './browser.js';

const env = useDemoServerAndBrowser();

const WAIT = { timeout: 15_000 };

/** Opts in through `<tandem-peers>`: talk about the course, by email, Monday and Wednesday evenings. */
async function optIn(page: Page): Promise<void> {
  const peers = page.locator('tandem-peers');
  await peers.getByRole('button', { name: 'I’m looking for a study partner' }).click(WAIT);
  await peers.getByRole('checkbox', { name: 'Talk about the course' }).check();
  await peers.getByRole('checkbox', { name: 'Email', exact: true }).check();
  await peers.getByRole('checkbox', { name: 'Monday, Evening' }).check();
  await peers.getByRole('checkbox', { name: 'Wednesday, Evening' }).check();
  await peers.getByRole('button', { name: 'Save my profile' }).click();
  await peers.getByRole('heading', { name: 'Who fits' }).waitFor(WAIT);
}

test('two learners find each other with reasons, one asks from the forum, the other accepts, both see the group and notes', { timeout: 90_000 }, async () => {
  const problems = new PageProblems();
  const alice = await openPage(await env.browser.newContext(), `${env.server.url}/?as=alice`, 'alice', problems);
  await optIn(alice);
  const alicePeers = alice.locator('tandem-peers');
  // The seeded course: Emma, her partner in an earlier course, comes first; Chloé replied to her in the forum.
  await alicePeers.getByText('Emma Schmidt').waitFor(WAIT);
  await alicePeers.getByText('You studied together in another course').first().waitFor(WAIT);
  await alicePeers.getByText('Replies between you in the forum: 3').waitFor(WAIT);

  const bob = await openPage(await env.browser.newContext(), `${env.server.url}/?as=bob`, 'bob', problems);
  await optIn(bob);
  const bobPeers = bob.locator('tandem-peers');
  await bobPeers.getByText('Alice Martin').waitFor(WAIT);
  await bobPeers.locator('article, li').filter({ hasText: 'Alice Martin' }).getByText('Replies between you in the forum: 2').first().waitFor(WAIT);

  // Bob asks Alice from the forum thread, beside her post.
  const ask = bob.locator('tandem-ask[peer="demo-alice"]');
  await ask.getByRole('button', { name: /^Study with Alice/ }).click();
  await ask.getByRole('checkbox', { name: 'Talk about the course' }).check();
  await ask.getByRole('checkbox', { name: 'Email', exact: true }).check();
  await ask.getByRole('button', { name: 'Ask to study together' }).click();
  await ask.getByText('Request sent').waitFor(WAIT);
  // Bob's own post carries no button for himself.
  assert.equal(await bob.locator('tandem-ask[peer="demo-bob"]').getByRole('button').count(), 0);

  // Alice sees the request in her groups panel on her next load, with why they match, and accepts it.
  await alice.reload();
  const aliceGroups = alice.locator('tandem-groups');
  await aliceGroups.getByText('Bob Lefèvre asks to study with you').waitFor(WAIT);
  await aliceGroups.getByText('Replies between you in the forum: 2').waitFor(WAIT);
  await aliceGroups.getByRole('button', { name: 'Accept' }).click();
  await aliceGroups.getByText('You study with Bob Lefèvre: see your group.').waitFor(WAIT);

  // Alice leaves a contact note; Bob sees the group and the note.
  const note = aliceGroups.getByRole('textbox').first();
  await note.waitFor(WAIT);
  await note.fill('alice.martin@example.org, Monday evenings');
  await aliceGroups.getByRole('button', { name: /^Save/ }).first().click();
  await aliceGroups.getByRole('status').getByText(/saved/i).waitFor(WAIT);

  await bob.reload();
  const bobGroups = bob.locator('tandem-groups');
  await bobGroups.getByText('Alice Martin').first().waitFor(WAIT);
  await bobGroups.getByText('alice.martin@example.org, Monday evenings').waitFor(WAIT);

  const rows = await queryDataFile<{ relationship: string }>(
    env.data.dir,
    "SELECT relationship FROM memberships JOIN groups ON groups.id = memberships.group_id WHERE groups.course = 'demo-mooc-101' AND learner IN ('demo-alice', 'demo-bob')",
  );
  assert.deepEqual(rows.map((r) => r.relationship), ['this-mooc', 'this-mooc']);
  // The platform's example receiver got the two notifications.
  const page = await (await fetch(`${env.server.url}/demo/notifications`)).text();
  assert.match(page, /request\.received/);
  assert.match(page, /request\.accepted/);
  assert.deepEqual(problems.list, []);
});
