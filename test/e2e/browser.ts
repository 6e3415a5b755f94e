/** Shared steps of the end-to-end tests. */
import { createServer } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';

export { launchChromium } from '../helpers/chromium.js';

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

/** Alice's invite form, filled and sent through the UI; resolves once the link is shown. */
export async function createInviteThroughUi(page: Page, timeout = 15_000): Promise<string> {
  const invite = page.locator('tandem-invite');
  await invite.getByRole('radio', { name: 'Friend' }).check();
  await invite.getByRole('checkbox', { name: 'Talk about the course' }).check();
  await invite.getByRole('checkbox', { name: 'Email' }).check();
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
