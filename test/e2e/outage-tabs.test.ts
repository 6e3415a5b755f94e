/**
 * Fault, issue 5 "Load and faults": the endpoint is down for a while
 * (compressed: the pages' clock jumps minutes ahead) while a learner, in two
 * tabs of the course page, does things that queue client events in the
 * shared IndexedDB outbox, and reloads a tab; then the endpoint is back on
 * the same address and data file. Every event made while down is stored
 * exactly once: none lost, none twice, none other.
 *
 * The demo server serves the course page too, so while it is down a reload
 * is answered from the copies this test kept of the page and its scripts (as
 * a platform that stays up, or the browser's cache, would); the endpoint's
 * API and the token URL are not: they are refused for real.
 *
 * The facts made while down are `invite.link-shared` (copy and email): an
 * `invite.opened` cannot be made then, since `<tandem-join>` tracks it only
 * once the endpoint has answered the invite's details.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { queryDataFile } from '../helpers/server.js';
import { createInviteThroughUi, openPage, PageProblems, useRestartableDemoServer } from './browser.js';

const env = useRestartableDemoServer();
const { up, down } = env;

/** A client fact as a page dispatched it (`tandem-invite-link-shared`…): the fact without its envelope. */
interface Recorded {
  tab: string;
  type: string;
  invite: string;
  channel?: string;
}

/** What a learner record's outbox holds, over every learner record of Tandem's IndexedDB database in the page's origin. */
function readOutbox(page: Page): Promise<{ id: string; type: string; invite: string; channel?: string; learner: string }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('kv', 'readonly').objectStore('kv').getAll(IDBKeyRange.bound('learner:', 'learner:\uffff'));
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            db.close();
            resolve((request.result as { outbox: { id: string; type: string; invite: string; channel?: string; learner: string }[] }[]).flatMap((r) => r.outbox));
          };
        };
      }),
  );
}

const key = (f: { type: string; invite: string; channel?: string }): string => `${f.type} ${f.invite} ${f.channel ?? ''}`;
const tally = (keys: string[]): Record<string, number> => keys.reduce<Record<string, number>>((t, k) => ((t[k] = (t[k] ?? 0) + 1), t), {});

test('events made in two tabs while the endpoint is down, with a reload, each arrive exactly once', { timeout: 90_000 }, async () => {
  const origin = (await up()).url;

  const context: BrowserContext = await env.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  // One clock for every page of the context, running normally until the test jumps it ahead.
  await context.clock.install();

  // What the pages dispatch, through reloads (the init script runs in every new document).
  const tabs = new Map<Page, string>();
  const recorded: Recorded[] = [];
  await context.exposeBinding('tandemTestRecord', ({ page }, fact: Omit<Recorded, 'tab'>) => {
    recorded.push({ tab: tabs.get(page) ?? '?', ...fact });
  });
  await context.addInitScript(() => {
    for (const type of ['tandem-invite-link-shared', 'tandem-invite-opened']) {
      document.addEventListener(type, (e) => {
        const { type, invite, channel } = (e as CustomEvent).detail;
        (window as unknown as { tandemTestRecord: (f: unknown) => void }).tandemTestRecord({ type, invite, channel });
      });
    }
    // A mail client would open here; the page stays (the widget records the fact on the click).
    document.addEventListener('click', (e) => {
      if (e.composedPath().some((t) => t instanceof HTMLAnchorElement && t.href.startsWith('mailto:'))) e.preventDefault();
    });
  });

  // Copies of the page, its scripts and styles, kept while the server is up (never the API's answers nor the token URL's).
  const kept = new Map<string, { status: number; headers: Record<string, string>; body: Buffer }>();
  context.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.origin !== origin || url.pathname.startsWith('/v1/') || url.pathname === '/demo/token' || response.request().method() !== 'GET') return;
    if (response.status() !== 200) return;
    try {
      kept.set(url.pathname, { status: 200, headers: await response.allHeaders(), body: await response.body() });
    } catch {
      // A response whose page went away meanwhile: the next load keeps it.
    }
  });
  const fromKept = async (route: Route): Promise<void> => {
    const url = new URL(route.request().url());
    const copy = url.origin === origin && route.request().method() === 'GET' ? kept.get(url.pathname) : undefined;
    if (copy) await route.fulfill(copy);
    else await route.continue(); // to the stopped server: refused
  };

  const failedEvents: string[] = [];
  context.on('requestfailed', (request) => {
    if (new URL(request.url()).pathname === '/v1/events') failedEvents.push(request.failure()?.errorText ?? '?');
  });

  const problems = new PageProblems();
  const one = await openPage(context, `${origin}/?as=alice`, 'tab one', problems);
  tabs.set(one, 'one');
  const inviteOne = one.locator('tandem-invite');
  // Two invites while the endpoint is up: their links are what the learner shares while it is down.
  await createInviteThroughUi(one);
  await inviteOne.getByRole('button', { name: 'Invite someone else' }).click();
  await createInviteThroughUi(one, { relationship: 'Colleague', object: 'Help each other', modality: 'Phone or video call' });

  const two = await openPage(context, `${origin}/`, 'tab two', problems);
  tabs.set(two, 'two');
  const inviteTwo = two.locator('tandem-invite');
  const listed = (page: Page) => page.locator('tandem-invite').locator('[part=invite]');
  await assertEventually(async () => (await listed(two).count()) === 2, 'tab two lists both invites');
  await assertEventually(async () => (await listed(one).count()) === 2, 'tab one lists both invites');
  const copyIn = (page: Page, item: number) => listed(page).nth(item).getByRole('button', { name: 'Copy', exact: true });
  assert.ok(kept.has('/') && [...kept.keys()].some((p) => p.startsWith('/dist/')), `the page and its scripts were kept: ${[...kept.keys()].join(', ')}`);

  const clientEvents = async () =>
    await queryDataFile<{ id: string; learner: string; body: string; n: number }>(
      env.data.dir,
      "SELECT id, learner, body, COUNT(*) AS n FROM events WHERE source = 'client' GROUP BY id",
    );
  const before = await clientEvents();
  assert.deepEqual(before, [], 'no client event before the outage');

  // ---- The endpoint goes down.
  await down();
  await context.route('**/*', fromKept);
  const recordedAt = (n: number) => assertEventually(() => recorded.length >= n, `${n} facts dispatched`);

  await copyIn(one, 0).click();
  await recordedAt(1);
  await copyIn(two, 1).click();
  await recordedAt(2);
  // Tab one still shows the second link just made: share it by email too.
  await inviteOne.getByRole('link', { name: 'Email' }).click();
  await recordedAt(3);
  await assertEventually(() => failedEvents.length >= 1, 'the events were really sent while the endpoint was down');
  // Minutes of outage, compressed: every retry the tabs scheduled comes due, and fails.
  await context.clock.fastForward('01:00');
  await copyIn(one, 1).click();
  await recordedAt(4);

  // Tab two reloads while down: the page from the kept copies, the learner and the invites from IndexedDB.
  await two.reload();
  await assertEventually(async () => (await listed(two).count()) === 2, 'tab two, reloaded while down, lists both invites from local storage');
  await copyIn(two, 0).click();
  await recordedAt(5);
  await copyIn(two, 1).click();
  await recordedAt(6);
  await context.clock.fastForward('01:00');
  await copyIn(one, 0).click();
  await recordedAt(7);
  await inviteTwo.getByText('You are offline.').first().waitFor({ timeout: 10_000 });

  // Everything made while down waits in the one shared outbox; none reached the endpoint.
  let queued!: Awaited<ReturnType<typeof readOutbox>>;
  await assertEventually(async () => (queued = await readOutbox(one)).length === recorded.length, `${recorded.length} events queued`);
  const made = recorded.length;
  assert.deepEqual(tally(queued.map(key)), tally(recorded.map(key)), 'the outbox holds what the pages dispatched');
  assert.ok(recorded.some((r) => r.tab === 'one') && recorded.some((r) => r.tab === 'two'), 'both tabs made events');
  assert.deepEqual(await clientEvents(), [], 'nothing stored while down');

  // ---- The endpoint is back, on the same address and data file.
  await context.unroute('**/*', fromKept);
  assert.equal((await up()).url, origin, 'the same address');
  // Past the longest backoff (5 min): every tab's pending retry comes due now rather than in minutes.
  await context.clock.fastForward('05:00');
  await assertEventually(async () => (await readOutbox(one)).length === 0 && (await readOutbox(two)).length === 0, 'the outbox emptied', 30_000);
  // Give a duplicate sender a chance to show itself (another round of retries and polls), then compare.
  await context.clock.fastForward('01:00');
  await one.waitForTimeout(1_500);

  const stored = await clientEvents();
  const storedFacts = stored.map((row) => JSON.parse(row.body) as { id: string; type: string; invite: string; channel?: string; learner: string });
  const queuedIds = queued.map((e) => e.id).sort();
  const report = JSON.stringify(
    { made, queued: queued.length, stored: stored.length, byTab: tally(recorded.map((r) => r.tab)), recorded: tally(recorded.map(key)), storedFacts: tally(storedFacts.map(key)) },
    null,
    2,
  );
  assert.deepEqual(stored.filter((r) => r.n !== 1), [], `none stored twice\n${report}`);
  assert.deepEqual(stored.map((r) => r.id).sort(), queuedIds, `exactly the events queued while down are stored, by id\n${report}`);
  assert.deepEqual(tally(storedFacts.map(key)), tally(recorded.map(key)), `exactly the facts the pages dispatched are stored\n${report}`);
  assert.ok(stored.every((r) => r.learner === 'demo-alice'), `all alice's\n${report}`);
  assert.equal(stored.length, made, report);
  if (process.env.TANDEM_TEST_VERBOSE) console.log(report, { failedEventSends: failedEvents.length, kept: [...kept.keys()] });
  assert.deepEqual(
    problems.list.filter((p) => !p.includes('net::ERR_CONNECTION_REFUSED')),
    [],
  );
  await context.close();
});

async function assertEventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
