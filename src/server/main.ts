/**
 * Starts the endpoint from the environment (see config.ts), with the demo
 * pages unless TANDEM_DEMO=0, prints its URL, and shuts down gracefully on
 * SIGTERM/SIGINT: stop accepting, finish in-flight requests and the webhook
 * send in flight, close the database.
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type FallbackHandler } from './app.js';
import { loadConfig, type ServerConfig } from './config.js';

const demo = process.env.TANDEM_DEMO !== '0';
// Imported only for the demo, so the endpoint proper never loads demo code.
const demoModule = demo ? await import('../../demo/demo-routes.js') : null;

// DEMO WIRING: without a webhook of its own, the demo sends its notifications to
// its own example receiver (/demo/webhook, shown at /demo/notifications), signed
// with a demo secret. The URL is completed with the real port once listening.
const demoWebhook = demoModule !== null && !process.env.TANDEM_WEBHOOK_URL;
if (demoWebhook) {
  process.env.TANDEM_WEBHOOK_URL = `http://127.0.0.1:${process.env.PORT || 8080}/demo/webhook`;
  process.env.TANDEM_WEBHOOK_SECRET ||= demoModule.DEMO_WEBHOOK_SECRET;
}

const loaded = loadConfig(process.env, demo);
if (!loaded.ok) {
  console.error(`tandem: ${loaded.error}`);
  process.exit(1);
}
for (const warning of loaded.warnings) console.warn(`tandem: warning: ${warning}`);
let config: ServerConfig = loaded.config;

let fallback: FallbackHandler | undefined;
if (demoModule) {
  const { createDemoRoutes, DEMO_COURSE } = demoModule;
  if (!config.courses[DEMO_COURSE.id]) {
    config = { ...config, courses: { ...config.courses, [DEMO_COURSE.id]: DEMO_COURSE.settings } };
  }
  fallback = createDemoRoutes({ config });
}

// TEST ONLY: lets a crash test kill the process after a command committed and before it is answered.
const hold = config.testHoldAfterCommitMs;
const afterCommit =
  hold > 0
    ? async (commandId: string) => {
        process.stderr.write(`tandem-test-hook: committed ${commandId}\n`);
        await sleep(hold);
      }
    : undefined;

const app = createServer({
  config,
  log: (line) => console.log(line),
  ...(fallback ? { fallback } : {}),
  ...(afterCommit ? { afterCommit } : {}),
});
if (demoModule) {
  // The demo's opted-in learners and forum replies, so a newcomer sees a ranked list at once (written once).
  const { seedDemoDiscovery } = await import('../../demo/demo-seed.js');
  if (await seedDemoDiscovery(app.store, new Date())) console.log('tandem: demo: seeded learner profiles and forum replies');
}
const url = await app.listen(config.port);
if (demoWebhook && config.webhook) {
  // The real port (PORT=0 picks one). This runs right after the listening callback,
  // before any request is served, so before any notification is queued.
  config.webhook.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/demo/webhook`;
}
console.log(`Tandem listening on ${url} (store: ${app.store.kind})${demo ? ' (demo: open it in a browser)' : ''}`);
if (demoWebhook) console.log(`tandem: demo wiring: notifications go to this server's own /demo/webhook, shown at ${url}/demo/notifications`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.error('tandem: second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    console.log(`tandem: ${signal}, finishing in-flight requests`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`tandem: shutdown failed: ${String(err)}`);
        process.exit(1);
      },
    );
  });
}
