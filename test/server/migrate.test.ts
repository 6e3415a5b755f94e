import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/server/store/migrations.js';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite-store.js';
import { makeDataDir, REPO_ROOT } from '../helpers/server.js';

const migrate = (dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/server/migrate.ts'], { cwd: REPO_ROOT, env: { ...process.env, TANDEM_DATA_DIR: dataDir }, encoding: 'utf8' });
const version = (dataDir: string) => {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
  try {
    return db.pragma('user_version', { simple: true });
  } finally {
    db.close();
  }
};

describe('npm run migrate', () => {
  it('creates a store at the current schema, then finds nothing to do', () => {
    const { dir, remove } = makeDataDir();
    try {
      const first = migrate(dir);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, new RegExp(`at schema ${SQLITE_MIGRATIONS.length} of ${SQLITE_MIGRATIONS.length} \\(was 0\\)`));
      assert.equal(version(dir), SQLITE_MIGRATIONS.length);
      const again = migrate(dir);
      assert.match(again.stdout, new RegExp(`\\(was ${SQLITE_MIGRATIONS.length}\\)`));
    } finally {
      remove();
    }
  });

  it('refuses a store from a newer server, changing nothing', () => {
    const { dir, remove } = makeDataDir();
    try {
      assert.equal(migrate(dir).status, 0);
      const db = new Database(join(dir, SQLITE_FILE_NAME));
      db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
      db.close();
      const refused = migrate(dir);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /migration failed: .*newer than this server/);
      assert.equal(version(dir), SQLITE_MIGRATIONS.length + 1);
    } finally {
      remove();
    }
  });
});
