/**
 * Starts the endpoint from the environment (see config.ts), with the demo
 * pages unless TANDEM_DEMO=0, prints its URL, and shuts down gracefully on
 * SIGTERM/SIGINT: stop accepting, finish in-flight requests, close the database.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type FallbackHandler } from './app.js';
import { loadConfig, type ServerConfig } from './config.js';

const demo = process.env.TANDEM_DEMO !== '0';
const loaded = loadConfig(process.env, demo);
if (!loaded.ok) {
  console.error(`tandem: ${loaded.error}`);
  process.exit(1);
}
for (const warning of loaded.warnings) console.warn(`tandem: warning: ${warning}`);
let config: ServerConfig = loaded.config;

let fallback: FallbackHandler | undefined;
if (demo) {
  // Imported only for the demo, so the endpoint proper never loads demo code.
  const { createDemoRoutes, DEMO_COURSE } = await import('../../demo/demo-routes.js');
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
const url = await app.listen(config.port);
console.log(`Tandem listening on ${url}${demo ? ' (demo: open it in a browser)' : ''}`);

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
