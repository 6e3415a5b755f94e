/**
 * `npm run stats:rebuild`: rebuilds the instructor's stats (state tables and
 * counters) of the store in TANDEM_DATA_DIR from its stored events, in one
 * transaction. The endpoint keeps them current with every event; this is for
 * after a restore, a manual fix of the events, or a change of the projection
 * (which a start also detects and rebuilds for). Safe while a server runs on
 * the same file: the rebuild is one write transaction, and the server waits
 * for it.
 */
import { loadConfig } from '../config.js';
import { openStore } from '../store/open-store.js';

const loaded = loadConfig(process.env, true);
if (!loaded.ok) {
  console.error(`tandem: ${loaded.error}`);
  process.exit(1);
}
const started = performance.now();
const store = openStore(loaded.config);
try {
  const events = await store.rebuildStats();
  console.log(`tandem: rebuilt the stats of ${loaded.config.dataDir} from ${events} events in ${Math.round(performance.now() - started)} ms`);
} finally {
  await store.close();
}
