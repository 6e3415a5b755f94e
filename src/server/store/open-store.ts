import type { ServerConfig } from '../config.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** The store the configuration names: PostgreSQL with a DATABASE_URL, else the embedded SQLite file. */
export function openStore(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl' | 'testHoldBeforeCommitMs'>,
  log?: (line: string) => void,
): Store {
  if (config.databaseUrl) {
    return openPostgresStore(config.databaseUrl, { ...(log ? { log } : {}), holdBeforeCommitMs: config.testHoldBeforeCommitMs ?? 0 });
  }
  return openSqliteStore(config.dataDir, { holdBeforeCommitMs: config.testHoldBeforeCommitMs ?? 0 });
}
