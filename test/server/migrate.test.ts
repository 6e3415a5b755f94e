import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../src/server/store/migrations.js';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite-store.js';
import { childServerEnv, makeDataDir, queryDataFile, REPO_ROOT, TEST_STORE, writeDataFile } from '../helpers/server.js';

const LATEST = TEST_STORE === 'postgres' ? POSTGRES_MIGRATIONS.length : SQLITE_MIGRATIONS.length;

const migrate = (dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/server/migrate.ts'], {
    cwd: REPO_ROOT,
    env: { ...childServerEnv(dataDir), TANDEM_DATA_DIR: dataDir },
    encoding: 'utf8',
  });

/** The store's schema version: PRAGMA user_version of the SQLite file, or tandem_schema in the PostgreSQL schema. */
const version = async (dataDir: string): Promise<number> => {
  if (TEST_STORE === 'postgres') return (await queryDataFile<{ version: number }>(dataDir, 'SELECT version FROM tandem_schema WHERE id = 1'))[0]!.version;
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

/** Marks the store as written by a newer server. */
const setVersion = async (dataDir: string, v: number): Promise<void> => {
  if (TEST_STORE === 'postgres') {
    assert.equal(await writeDataFile(dataDir, 'UPDATE tandem_schema SET version = ? WHERE id = 1', v), 1);
    return;
  }
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  try {
    db.pragma(`user_version = ${v}`);
  } finally {
    db.close();
  }
};

describe('npm run migrate', () => {
  it('creates a store at the current schema, then finds nothing to do', async () => {
    const { dir, remove } = makeDataDir();
    try {
      const first = migrate(dir);
      assert.equal(first.status, 0, first.stderr);
      if (TEST_STORE === 'postgres') assert.match(first.stdout, new RegExp(`the PostgreSQL database is at schema ${LATEST}\\b`));
      else assert.match(first.stdout, new RegExp(`at schema ${LATEST} of ${LATEST} \\(was 0\\)`));
      assert.equal(await version(dir), LATEST);
      const again = migrate(dir);
      assert.equal(again.status, 0, again.stderr);
      if (TEST_STORE === 'postgres') assert.match(again.stdout, new RegExp(`the PostgreSQL database is at schema ${LATEST}\\b`));
      else assert.match(again.stdout, new RegExp(`\\(was ${LATEST}\\)`));
      assert.equal(await version(dir), LATEST);
    } finally {
      remove();
    }
  });

  it('refuses a store from a newer server, changing nothing', async () => {
    const { dir, remove } = makeDataDir();
    try {
      assert.equal(migrate(dir).status, 0);
      await setVersion(dir, LATEST + 1);
      const refused = migrate(dir);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /migration failed: .*newer than this server/);
      assert.equal(await version(dir), LATEST + 1);
    } finally {
      remove();
    }
  });
});
