/** Debian's Chromium for end-to-end tests and benchmarks: never a downloaded browser. */
import { chromium, type Browser } from 'playwright-core';

/** Without the background-networking flags Chromium keeps trying hosts this closed network refuses. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}
