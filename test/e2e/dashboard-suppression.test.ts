/**
 * End to end, part 3: at the default threshold (5), one tandem formed through
 * the widget is too small to show. The instructor page withholds it, with a
 * complement, everywhere it would appear: tables, CSV, funnels.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInviteThroughUi, dashboardTables, openPage, PageProblems, useDemoServerAndBrowser } from './browser.js';

const env = useDemoServerAndBrowser();
const WITHHELD = '—withheld';

test('small counts are withheld on the instructor page at the default threshold', { timeout: 90_000 }, async () => {
  const problems = new PageProblems();
  const alice = await openPage(await env.browser.newContext(), `${env.server.url}/?as=alice`, 'alice', problems);
  const link = await createInviteThroughUi(alice);
  const bob = await openPage(await env.browser.newContext(), `${env.server.url}/?as=bob`, 'bob', problems);
  await bob.goto(link);
  await bob.locator('tandem-join').getByRole('button', { name: 'Accept' }).click();
  await bob.locator('tandem-join').getByRole('status').getByText('You joined the group').waitFor({ timeout: 15_000 });

  const instructor = await openPage(await env.browser.newContext(), `${env.server.url}/instructor`, 'instructor', problems);
  const dashboard = instructor.locator('tandem-dashboard');
  await dashboard.getByRole('table', { name: 'Groups by relationship' }).waitFor({ timeout: 15_000 });
  const tables = await dashboardTables(instructor);

  const relationships = Object.fromEntries(Object.entries(tables['Groups by relationship']!).map(([row, cells]) => [row, cells[0]]));
  assert.equal(relationships['Known outside the MOOC / Friend'], WITHHELD, 'one friend tandem');
  assert.equal(Object.values(relationships).filter((n) => n === WITHHELD).length, 1, 'the other relationships are zeros');
  // Friend = groups formed − the zeros: so groups formed is withheld too, and so are the invites accepted.
  assert.equal(tables['Groups and members']!['Groups formed']![0], WITHHELD);
  assert.equal(tables['Steps from asking to studying together']!['Invites / Accepted']![0], WITHHELD);
  for (const [table, rows] of Object.entries(tables)) {
    for (const [row, cells] of Object.entries(rows)) {
      for (const cell of cells) {
        const n = Number(cell);
        assert.ok(!(Number.isInteger(n) && n > 0 && n < 5), `${table} / ${row} shows ${cell}, under 5`);
      }
    }
  }
  await dashboard.getByText('—: withheld (fewer than 5, or withheld so that a small count cannot be worked out).', { exact: false }).first().waitFor();
  await dashboard.getByText('Median time from invite to acceptance: withheld, or no acceptance yet.').waitFor();

  // The CSV withholds the same cells (an empty field).
  const csv = await dashboard.evaluate((el) => (el as HTMLElement & { csv(id: string): string | undefined }).csv('typology-relationship'));
  const friendLine = csv?.split('\r\n').find((line) => line.startsWith('friend,'));
  assert.equal(friendLine, 'friend,Friend,');
  assert.deepEqual(problems.list, []);
});
