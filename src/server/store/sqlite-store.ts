import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createGroupCommitter, type GroupConnection } from './group-commit.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { sqliteDb } from './sqlite-db.js';
import { createSqlStats } from './sql-stats.js';
import { createSqlTx } from './sql-tx.js';
import type { Store } from './store.js';

export const SQLITE_FILE_NAME = 'tandem.sqlite';

/**
 * Brings the file's schema up to date (see migrations.ts), one migration per
 * transaction. The version is read inside each (BEGIN IMMEDIATE holds the
 * file's write lock), so that two processes starting on one fresh file at
 * once run each migration once.
 */
function migrate(db: Database.Database): void {
  const step = db.transaction((): boolean => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_MIGRATIONS.length) {
      throw new Error(`sqlite: the data file is at schema ${version}, newer than this server (${SQLITE_MIGRATIONS.length})`);
    }
    if (version === SQLITE_MIGRATIONS.length) return false;
    db.exec(SQLITE_MIGRATIONS[version]!);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate());
}

/**
 * The embedded store: one SQLite file under the data folder, in WAL mode with
 * synchronous=FULL, so a COMMIT has reached the disk (WAL fsynced) before a
 * request is answered; NORMAL would be safe against a process crash but could
 * lose the last commits on power loss, and an acknowledged write must survive both.
 * One connection serves every request, with group commit (group-commit.ts).
 */
export function openSqliteStore(dataDir: string, options: { holdBeforeCommitMs?: number } = {}): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  // First: another process may hold the file's lock (switching it to WAL, migrating it).
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const sql = sqliteDb(db);
  const stats = createSqlStats(sql);
  const sqlTx = createSqlTx(sql, stats);
  const connection: GroupConnection = {
    // If the file stays locked (busy_timeout), the group's callers are refused.
    begin: async () => void db.exec('BEGIN IMMEDIATE'),
    exec: async (text) => void db.exec(text),
    inTransaction: () => db.inTransaction,
    retryable: () => false,
    reset: async () => {},
  };
  const committer = createGroupCommitter(async () => connection, sqlTx, {
    closedMessage: 'sqlite: the store is closed',
    ...(options.holdBeforeCommitMs ? { holdBeforeCommitMs: options.holdBeforeCommitMs } : {}),
  });
  const ready = committer.transaction(async () => {
    // A store built by another projection (or none) gets its stats rebuilt before any request.
    if (!(await stats.isCurrent())) await sqlTx.rebuildStats();
  });

  let closed = false;
  return {
    kind: 'sqlite',
    transaction: async (work) => {
      await ready;
      return committer.transaction(work);
    },
    rebuildStats: async () => {
      await ready;
      return committer.transaction(() => sqlTx.rebuildStats());
    },
    async close() {
      await ready.catch(() => {});
      await committer.close();
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
