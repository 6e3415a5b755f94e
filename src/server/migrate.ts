/**
 * `npm run migrate`: brings the store (PostgreSQL with DATABASE_URL, else the SQLite file in TANDEM_DATA_DIR) to this server's
 * schema (the numbered migrations of store/migrations.ts, each in its own
 * transaction) and rebuilds the dashboard's stats if their projection
 * changed, then exits. A server does the same at start; running it first
 * keeps a deployment's start quick and shows a failing migration on its own.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './store/migrations.js';
import { openPostgresStore } from './store/postgres-store.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './store/sqlite-store.js';

const loaded = loadConfig(process.env, true);
if (!loaded.ok) {
  console.error(`tandem: ${loaded.error}`);
  process.exit(1);
}
const { dataDir, databaseUrl } = loaded.config;
if (databaseUrl) {
  // Migrations run at the store's opening, under an advisory lock: the store is opened, checked once, and closed.
  const store = openPostgresStore(databaseUrl);
  try {
    await store.transaction(async () => {});
  } catch (err) {
    console.error(`tandem: migration failed: ${(err as Error).message}`);
    process.exit(1);
  } finally {
    await store.close();
  }
  console.log(`tandem: the PostgreSQL database is at schema ${POSTGRES_MIGRATIONS.length}`);
  process.exit(0);
}
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
