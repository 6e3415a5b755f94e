/** Shared steps of the end-to-end tests. */
import { createServer } from 'node:net';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { makeDataDir, startChildServer, type ChildServer } from '../helpers/server.js';

export { launchChromium };

/** Page errors and console errors of every page opened with `openPage`; a test asserts it stays empty. */
export class PageProblems {
  readonly list: string[] = [];
  watch(page: Page, who: string): void {
    page.on('pageerror', (error) => this.list.push(`${who}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.list.push(`${who} console: ${message.text()}`);
    });
  }
}

export async function openPage(context: BrowserContext, url: string, who: string, problems: PageProblems): Promise<Page> {
  const page = await context.newPage();
  problems.watch(page, who);
  await page.goto(url);
  return page;
}

/** What an invite proposes, by the labels the form shows. */
export interface InviteChoice {
  relationship: string;
  object: string;
  modality: string;
}

/** The invite form, filled and sent through the UI (a friend, to talk about the course, by email, unless told); resolves once the link is shown. */
export async function createInviteThroughUi(
  page: Page,
  choice: InviteChoice = { relationship: 'Friend', object: 'Talk about the course', modality: 'Email' },
  timeout = 15_000,
): Promise<string> {
  const invite = page.locator('tandem-invite');
  await invite.getByRole('radio', { name: choice.relationship }).check();
  await invite.getByRole('checkbox', { name: choice.object }).check();
  await invite.getByRole('checkbox', { name: choice.modality }).check();
  await invite.getByRole('button', { name: 'Create the invite link' }).click();
  const linkBox = invite.getByLabel('Invite link');
  await linkBox.waitFor({ timeout });
  return linkBox.inputValue();
}

/** A TCP port free right now on loopback (for a server restarted on the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The demo server (child process, fresh data folder, `env` added to its
 * environment) and Chromium for one test file, started in `before` and
 * stopped in `after`; read `data.dir`, `server` and `browser` inside tests.
 */
export function useDemoServerAndBrowser(env: Record<string, string> = {}): {
  readonly data: { dir: string };
  readonly server: ChildServer;
  readonly browser: Browser;
} {
  let data: ReturnType<typeof makeDataDir> | undefined;
  let server: ChildServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    data = makeDataDir();
    server = await startChildServer(data.dir, { TANDEM_DEMO: '1', ...env });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
    data?.remove();
  });
  return {
    get data() {
      return data!;
    },
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
  };
}

/**
 * The demo server (child process, fresh data folder) on one free port, to be
 * stopped (`down`) and started again (`up`) on the same address and data, and
 * Chromium, for one test file: started in `before`, stopped in `after`.
 */
export function useRestartableDemoServer(): {
  readonly data: { dir: string };
  readonly browser: Browser;
  up(): Promise<ChildServer>;
  down(): Promise<void>;
} {
  let data: ReturnType<typeof makeDataDir> | undefined;
  let browser: Browser | undefined;
  let server: ChildServer | undefined;
  let port = 0;
  const down = async (): Promise<void> => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    server = undefined;
  };
  before(async () => {
    data = makeDataDir();
    port = await freePort();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await down();
    data?.remove();
  });
  return {
    get data() {
      return data!;
    },
    get browser() {
      return browser!;
    },
    async up() {
      server = await startChildServer(data!.dir, { TANDEM_DEMO: '1', PORT: String(port) });
      return server;
    },
    down,
  };
}

/** A dashboard table as shown: its rows by their header (after their row group's, "Invites / Accepted"), each the texts of its cells ("—withheld" for a withheld count). */
export type ShownTable = Record<string, string[]>;

/** Every table of the `<tandem-dashboard>` on `page`, by caption. */
export function dashboardTables(page: Page): Promise<Record<string, ShownTable>> {
  return page.locator('tandem-dashboard').evaluate((el) => {
    const tables: Record<string, Record<string, string[]>> = {};
    for (const table of el.shadowRoot!.querySelectorAll('table')) {
      const rows: Record<string, string[]> = {};
      for (const body of table.querySelectorAll('tbody')) {
        const group = body.querySelector('th[scope="rowgroup"]')?.textContent!.trim();
        for (const row of body.querySelectorAll('tr')) {
          const head = row.querySelector('th[scope="row"]')?.textContent!.trim();
          if (head) rows[group ? `${group} / ${head}` : head] = [...row.querySelectorAll('td')].map((td) => td.textContent!.trim());
        }
      }
      tables[table.querySelector('caption')!.textContent!.trim()] = rows;
    }
    return tables;
  });
}
