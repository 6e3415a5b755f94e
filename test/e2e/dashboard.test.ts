/**
 * End to end, part 3: demo learners form groups of two kinds through the
 * widget, the platform reports their progress, and the demo's instructor page
 * shows exactly those counts, on a course whose instructor set the
 * suppression threshold to its minimum (3) in the dashboard's own form.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createInviteThroughUi, dashboardTables, openPage, PageProblems, useDemoServerAndBrowser, type InviteChoice, type ShownTable } from './browser.js';

const PLATFORM_KEY = 'e2e-platform-key-0123456789';
const env = useDemoServerAndBrowser({ TANDEM_PLATFORM_KEY: PLATFORM_KEY });
const COURSE = 'demo-mooc-101';
const WITHHELD = '—withheld';

/** Signed-in learners, one browser context each, on the course page. */
class Learners {
  readonly pages = new Map<string, Page>();
  constructor(readonly problems: PageProblems) {}
  async page(name: string): Promise<Page> {
    let page = this.pages.get(name);
    if (!page) {
      const context: BrowserContext = await env.browser.newContext();
      page = await openPage(context, `${env.server.url}/?as=${name}`, name, this.problems);
      this.pages.set(name, page);
    }
    return page;
  }
  /** `inviter` invites `invitee` through the widget, who accepts through it. */
  async pair(inviter: string, invitee: string, choice: InviteChoice): Promise<void> {
    const from = await this.page(inviter);
    await from.goto(`${env.server.url}/`); // a fresh invite form
    const link = await createInviteThroughUi(from, choice);
    const to = await this.page(invitee);
    await to.goto(link);
    const join = to.locator('tandem-join');
    await join.getByRole('button', { name: 'Accept' }).click();
    await join.getByRole('status').getByText('You joined the group').waitFor({ timeout: 15_000 });
  }
}

/** Refreshes the dashboard until `ready(tables)` holds (events from the widgets' outboxes may still be on their way). */
async function tablesWhen(page: Page, ready: (tables: Record<string, ShownTable>) => boolean): Promise<Record<string, ShownTable>> {
  const dashboard = page.locator('tandem-dashboard');
  let tables: Record<string, ShownTable> = {};
  for (let attempt = 0; attempt < 30; attempt++) {
    await dashboard.getByRole('button', { name: 'Refresh' }).click();
    await dashboard.getByRole('button', { name: 'Refresh', disabled: false }).waitFor({ timeout: 15_000 });
    tables = await dashboardTables(page);
    if (ready(tables)) return tables;
    await page.waitForTimeout(500);
  }
  return tables;
}

test('the instructor page shows exactly the groups learners formed, at the minimum threshold', { timeout: 180_000 }, async () => {
  const problems = new PageProblems();
  const instructor = await openPage(await env.browser.newContext(), `${env.server.url}/instructor`, 'instructor', problems);
  const dashboard = instructor.locator('tandem-dashboard');

  // The instructor sets the threshold to its minimum in the dashboard's form; the endpoint answers what applies.
  const threshold = dashboard.getByLabel('Withhold counts under', { exact: false });
  await threshold.waitFor({ timeout: 15_000 });
  await threshold.fill('3');
  await dashboard.getByRole('button', { name: 'Save settings' }).click();
  await dashboard.getByText('Settings saved.').waitFor({ timeout: 15_000 });
  const settings = await fetch(`${env.server.url}/v1/courses/${COURSE}/settings`).then((r) => r.json());
  assert.equal(settings.suppressionThreshold, 3);

  // Three friend tandems to talk about the course by email, three colleague tandems to help each other by call.
  const learners = new Learners(problems);
  const friends: InviteChoice = { relationship: 'Friend', object: 'Talk about the course', modality: 'Email' };
  const colleagues: InviteChoice = { relationship: 'Colleague', object: 'Help each other', modality: 'Phone or video call' };
  // In this order, Alice, Bob and David's first group is a friends' one, Emma, Farid and Chloé's a colleagues' one.
  await learners.pair('alice', 'bob', friends);
  await learners.pair('emma', 'farid', colleagues);
  await learners.pair('emma', 'chloe', colleagues);
  await learners.pair('alice', 'david', friends);
  await learners.pair('alice', 'chloe', friends);
  await learners.pair('emma', 'bob', colleagues);

  // The platform reports progress: the three whose first group is a friends' one completed, the others did not.
  const time = new Date().toISOString();
  const report = (learner: string, progress: number, completed: boolean) => ({ id: randomUUID(), learner, progress, completed, time });
  const progress = await fetch(`${env.server.url}/v1/courses/${COURSE}/progress`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tandem-platform-key': PLATFORM_KEY },
    body: JSON.stringify({
      reports: [
        ...['alice', 'bob', 'david'].map((n) => report(`demo-${n}`, 1, true)),
        ...['emma', 'farid', 'chloe'].map((n) => report(`demo-${n}`, 0.5, false)),
        ...['x1', 'x2', 'x3'].map((n) => report(`demo-alone-${n}`, 0.2, false)),
      ],
    }),
  });
  assert.equal(progress.status, 200, await progress.text());

  const tables = await tablesWhen(instructor, (t) => t['Steps from asking to studying together']?.['Invites / Opened']?.[0] === '6');
  const column = (table: string) => Object.fromEntries(Object.entries(tables[table]!).map(([row, cells]) => [row, cells[0]]));
  assert.deepEqual(column('Groups by relationship'), {
    'Known outside the MOOC / Family': '0',
    'Known outside the MOOC / Friend': '3',
    'Known outside the MOOC / Colleague': '3',
    'Known outside the MOOC / Classmate': '0',
    'Known in a MOOC / Met in an earlier course': '0',
    'Known in a MOOC / Met in this course': '0',
  });
  assert.deepEqual(column('Groups by what they do together'), {
    'Team activities': '0',
    'Quizzes and assignments': '0',
    'Watch the videos': '0',
    'Talk about the course': '3',
    'Help each other': '3',
    'Keep each other going': '0',
  });
  assert.deepEqual(column('Groups by how they work together'), {
    'In person, the two of us': '0',
    'In person, as a group': '0',
    'Social network or messaging': '0',
    'Phone or video call': '3',
    Email: '3',
    'Shared documents': '0',
  });
  assert.deepEqual(tables['Relationship and what they do together']!['Known outside the MOOC / Friend'], ['0', '0', '0', '3', '0', '0']);
  assert.deepEqual(tables['Relationship and what they do together']!['Known outside the MOOC / Colleague'], ['0', '0', '0', '0', '3', '0']);
  assert.deepEqual(tables['Relationship and how they work together']!['Known outside the MOOC / Friend'], ['0', '0', '0', '0', '3', '0']);
  assert.deepEqual(tables['Relationship and how they work together']!['Known outside the MOOC / Colleague'], ['0', '0', '0', '3', '0', '0']);
  assert.deepEqual(column('Groups and members'), {
    'Groups formed': '6',
    'Active groups': '6',
    'Dissolved groups': '0',
    'Members who left': '0',
    'Learners in groups': '6',
  });
  assert.equal(column('Active groups by size')['2 members'], '6');
  // The week in progress is not shown: its groups appear once it is over.
  await dashboard.getByText('A week shows here once it is over and groups were formed by then.').waitFor();
  assert.deepEqual(column('Steps from asking to studying together'), {
    'Invites / Created': '6',
    'Invites / Opened': '6',
    'Invites / Accepted': '6',
    'Study requests / Sent': '0',
    'Study requests / Accepted': '0',
    'Pool matching / Learners who opted in': '4', // the demo's four seeded opt-ins
    'Pool matching / Matched by the pool': '0',
  });
  await dashboard.getByText(/Median time from invite to acceptance: \d/).waitFor();
  const persistence = tables['Completion and progress']!;
  assert.deepEqual(persistence['In a group or not / In a group'], ['6', '3', '50%', '75%']);
  assert.deepEqual(persistence['In a group or not / Alone'], ['3', '0', '0%', '20%']);
  assert.deepEqual(persistence['By the relationship of their first group / Friend'], ['3', '3', '100%', '100%'], 'Alice, Bob and David');
  assert.deepEqual(persistence['By the relationship of their first group / Colleague'], ['3', '0', '0%', '50%'], 'Emma, Farid and Chloé');
  for (const [table, rows] of Object.entries(tables)) {
    for (const [row, cells] of Object.entries(rows)) assert.ok(!cells.includes(WITHHELD), `${table} / ${row}: nothing is small at threshold 3 here`);
  }
  // Counts only: no learner's name anywhere on the page.
  const text = await dashboard.evaluate((el) => el.shadowRoot!.textContent!);
  for (const name of ['Alice', 'Bob', 'Chloé', 'David', 'Emma', 'Farid', 'demo-']) assert.ok(!text.includes(name), `${name} on the instructor page`);
  assert.deepEqual(problems.list, []);
});
