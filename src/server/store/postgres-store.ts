import pg from 'pg';
import { ApiError } from '../errors.js';
import { createGroupCommitter, type GroupCommitter, type GroupConnection } from './group-commit.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { POSTGRES_TYPES, postgresDb } from './postgres-db.js';
import { createSqlStats } from './sql-stats.js';
import { POOL_LOCK_SPACE, type RoundLocks } from './sql-discovery.js';
import { createSqlTx, type SqlTx } from './sql-tx.js';
import type { Store } from './store.js';

/**
 * The PostgreSQL store (issue 5), selected by `DATABASE_URL=postgres://…`.
 * Several server processes may share one database: each runs its
 * transactions on connections of its own (two), each committing in groups
 * (group-commit.ts), SERIALIZABLE, so that what holds for one process holds
 * for all: an event id stored once, a group never past its size, counters
 * that add up. A group that conflicts with another process's is run again.
 * With synchronous_commit on (PostgreSQL's default), a COMMIT has reached
 * the disk before a request is answered, as with the embedded store.
 *
 * The connection string may name a schema through search_path (options=-c
 * search_path=…); the schema is created when missing.
 */

/** Errors worth running the group again for: serialization failure, deadlock, and a unique key taken by a concurrent transaction. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

/** The advisory lock key under which migrations run, one process at a time. */
const MIGRATION_LOCK = 7_235_100_001;

const errorCode = (err: unknown): string | undefined => (err as { code?: unknown } | null)?.code as string | undefined;

/** What a request is refused with while the database cannot be reached: a 503 the widget and platforms retry after. */
const unavailable = () => new ApiError('unavailable', 'The database cannot be reached right now; try again in a moment.', '', { 'Retry-After': '1' });

/** The database went away or refuses connections for now (restarting, shutting down, unreachable). */
function isConnectionError(err: unknown): boolean {
  const code = errorCode(err) ?? '';
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code)) return true;
  return /Connection terminated|not queryable|Client was closed|connection (is )?closed/i.test(String((err as Error | null)?.message ?? ''));
}

/** A client on the URL, with Tandem's type parsers, whose unexpected errors mark it broken instead of crashing the process. */
async function connect(url: string, onBroken: () => void): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, types: POSTGRES_TYPES, application_name: 'tandem' });
  client.on('error', onBroken);
  client.on('end', onBroken);
  await client.connect();
  return client;
}

/** Creates the schema named first in search_path when missing, so that each deployment (or test) may use its own. */
async function ensureSchema(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  if (rows[0]?.schema) return;
  const path = (await client.query<{ search_path: string }>('SHOW search_path')).rows[0]!.search_path;
  const first = path
    .split(',')
    .map((part) => part.trim().replace(/^"(.*)"$/, '$1'))
    .find((part) => part !== '$user' && part !== '');
  if (!first) throw new Error('postgres: no schema in search_path to create the tables in');
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(first)}`);
}

/** Brings the database's schema up to date (see migrations.ts); returns the version before and after. */
export async function migratePostgres(client: pg.Client): Promise<{ before: number; after: number }> {
  // CREATE … IF NOT EXISTS races between processes on a fresh database (23505 on pg_type/pg_namespace): one at a time.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await ensureSchema(client);
    await client.query('CREATE TABLE IF NOT EXISTS tandem_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
  let before: number | null = null;
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM tandem_schema WHERE id = 1');
      const current = rows[0]?.version ?? 0;
      before ??= current;
      if (current > POSTGRES_MIGRATIONS.length) {
        throw new Error(`postgres: the database is at schema ${current}, newer than this server (${POSTGRES_MIGRATIONS.length})`);
      }
      if (current === POSTGRES_MIGRATIONS.length) {
        await client.query('COMMIT');
        return { before, after: current };
      }
      await client.query(POSTGRES_MIGRATIONS[current]!);
      await client.query(
        'INSERT INTO tandem_schema (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
        [current + 1],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}

export interface PostgresStoreOptions {
  /** Connections the process runs transactions on, each committing its own groups (default 2). */
  connections?: number;
  /** Where conflicts with other processes are reported (one line each, no data). */
  log?: (line: string) => void;
  /** TEST ONLY, see TANDEM_TEST_HOLD_BEFORE_COMMIT_MS. */
  holdBeforeCommitMs?: number;
}

/** A connection opened again after it broke (the database restarted, say). */
function reconnecting(url: string): { current(): Promise<pg.Client>; client(): pg.Client | null; broken(): boolean; close(): Promise<void> } {
  let client: pg.Client | null = null;
  let broken = false;
  let connecting: Promise<pg.Client> | null = null;
  return {
    async current() {
      if (client && !broken) return client;
      connecting ??= (async () => {
        const old = client;
        client = null;
        await old?.end().catch(() => {});
        broken = false;
        return connect(url, () => {
          broken = true;
        });
      })().finally(() => {
        connecting = null;
      });
      client = await connecting;
      return client;
    },
    client: () => client,
    broken: () => broken,
    async close() {
      await client?.end().catch(() => {});
      client = null;
    },
  };
}

/**
 * The locks on the pool rounds this process runs, on a connection of their own: whichever of the process's
 * connections runs a round's transactions, the lock stays until the round ends or the process does.
 */
function roundLocksOn(connection: ReturnType<typeof reconnecting>): RoundLocks {
  return {
    async hold(run) {
      await (await connection.current()).query('SELECT pg_advisory_lock($1, hashtext($2))', [POOL_LOCK_SPACE, run]);
    },
    async release(run) {
      // A lock taken again by a transaction run a second time (a retried group) is held twice: each is released.
      const client = await connection.current();
      while ((await client.query<{ released: number }>('SELECT pg_advisory_unlock($1, hashtext($2)) AS released', [POOL_LOCK_SPACE, run])).rows[0]?.released === 1);
    },
  };
}

/** One connection with its statements, its stats and its group committer. */
interface Lane {
  connection: ReturnType<typeof reconnecting>;
  sqlTx: SqlTx;
  stats: ReturnType<typeof createSqlStats>;
  committer: GroupCommitter;
}

function openLane(url: string, options: PostgresStoreOptions, roundLocks: RoundLocks): Lane {
  const connection = reconnecting(url);
  let inTransaction = false;
  const client = () => {
    const current = connection.client();
    if (!current) throw new Error('postgres: not connected');
    return current;
  };
  const sql = postgresDb(client);
  const stats = createSqlStats(sql);
  const sqlTx = createSqlTx(sql, stats, roundLocks);
  const group: GroupConnection = {
    async begin() {
      await client().query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      inTransaction = true;
    },
    async exec(text) {
      try {
        await client().query(text);
      } finally {
        if (text === 'COMMIT' || text === 'ROLLBACK') inTransaction = false;
      }
    },
    inTransaction: () => inTransaction && !connection.broken(),
    retryable: (err) => RETRYABLE.has(errorCode(err) ?? ''),
    async reset() {
      inTransaction = false;
    },
  };
  const committer = createGroupCommitter(
    async () => {
      await connection.current();
      return group;
    },
    sqlTx,
    {
      closedMessage: 'postgres: the store is closed',
      // Nothing of the group was stored, or its COMMIT's fate is unknown: either way the client sends it again
      // (commands and events are idempotent by id), once the database is back.
      mapError: (err) => (connection.broken() || isConnectionError(err) ? unavailable() : err),
      onRetry: (attempt, err) => options.log?.(`store: a transaction conflicted with another process's (${errorCode(err)}); running it again (attempt ${attempt})`),
      ...(options.holdBeforeCommitMs ? { holdBeforeCommitMs: options.holdBeforeCommitMs } : {}),
    },
  );
  return { connection, sqlTx, stats, committer };
}

export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Store {
  // Two connections by default: a transaction waits on the database for most of its time (a round trip per
  // statement), and a second connection runs another group meanwhile. Their transactions are SERIALIZABLE like
  // another process's, so what holds across processes holds across them.
  const locks = reconnecting(url);
  const roundLocks = roundLocksOn(locks);
  const lanes = Array.from({ length: Math.max(1, options.connections ?? 2) }, () => openLane(url, options, roundLocks));
  const first = lanes[0]!;
  /** The lane with the fewest transactions waiting or running. */
  const leastBusy = () => lanes.reduce((best, lane) => (lane.committer.load() < best.committer.load() ? lane : best));

  /** Migrations and the stats' projection check, before the first transaction; tried again by the next one if they failed. */
  let ready: Promise<void> | null = null;
  const whenReady = (): Promise<void> => {
    ready ??= (async () => {
      try {
        await migratePostgres(await first.connection.current());
      } catch (err) {
        throw isConnectionError(err) ? unavailable() : err;
      }
      await first.committer.transaction(async () => {
        if (!(await first.stats.isCurrent())) await first.sqlTx.rebuildStats();
      });
    })().catch((err: unknown) => {
      ready = null;
      throw err;
    });
    return ready;
  };

  return {
    kind: 'postgres',
    transaction: async (work) => {
      await whenReady();
      return leastBusy().committer.transaction(work);
    },
    rebuildStats: async () => {
      await whenReady();
      return first.committer.transaction(() => first.sqlTx.rebuildStats());
    },
    async close() {
      await ready?.catch(() => {});
      for (const lane of lanes) await lane.committer.close();
      for (const lane of lanes) await lane.connection.close();
      await locks.close();
    },
  };
}
