/**
 * `npm run migrate`: brings the store in TANDEM_DATA_DIR to this server's
 * schema (the numbered migrations of store/migrations.ts, each in its own
 * transaction) and rebuilds the dashboard's stats if their projection
 * changed, then exits. A server does the same at start; running it first
 * keeps a deployment's start quick and shows a failing migration on its own.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { SQLITE_MIGRATIONS } from './store/migrations.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './store/sqlite-store.js';

const loaded = loadConfig(process.env, true);
if (!loaded.ok) {
  console.error(`tandem: ${loaded.error}`);
  process.exit(1);
}
const { dataDir } = loaded.config;
const versionOf = (): number => {
  try {
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
    try {
      return db.pragma('user_version', { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch {
    return 0; // no store yet
  }
};
const before = versionOf();
try {
  await openSqliteStore(dataDir).close();
} catch (err) {
  console.error(`tandem: migration failed: ${(err as Error).message}`);
  process.exit(1);
}
console.log(`tandem: ${join(dataDir, SQLITE_FILE_NAME)} at schema ${versionOf()} of ${SQLITE_MIGRATIONS.length} (was ${before})`);
