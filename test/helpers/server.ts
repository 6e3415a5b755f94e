/**
 * Starts a real Tandem endpoint for tests: in-process (with an injectable
 * clock) or as a child process (for crash tests and the e2e run), always on
 * port 0 with a fresh SQLite file in a temp folder, or, when
 * TANDEM_TEST_STORE=postgres (set by scripts/with-postgres.ts), with its own
 * schema in the PostgreSQL database at TANDEM_TEST_DATABASE_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createServer, type FallbackHandler, type ServerOptions, type TandemServer } from '../../src/server/app.js';
import { signToken } from '../../src/server/auth.js';
import type { ServerConfig } from '../../src/server/config.js';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_COURSE_SETTINGS } from '../../src/core/course-settings.js';
import { SQLITE_FILE_NAME } from '../../src/server/store/sqlite-store.js';
import { openStore } from '../../src/server/store/open-store.js';
import type { Store } from '../../src/server/store/store.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEST_SECRET = 'test-secret-for-tandem-endpoint-0123456789';
export const TEST_ISSUER = 'tandem-test';
export const TEST_AUDIENCE = 'tandem';
export const TEST_COURSE = 'course-v1:Tandem+T101+2025';
export const TEST_PLATFORM_KEY = 'platform-key-for-tests-0123456789';
export const ALLOWED_ORIGIN = 'https://courses.example.org';

/** Which store the servers under test use: TANDEM_TEST_STORE (scripts/with-postgres.ts sets `postgres`). */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.TANDEM_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The PostgreSQL schema that holds the data of the server whose data folder is `dataDir`. */
export function testSchemaName(dataDir: string): string {
  return `t_${basename(dataDir).toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}

/**
 * The DATABASE_URL for the server whose data folder is `dataDir`: under
 * postgres, TANDEM_TEST_DATABASE_URL with that server's own schema first in
 * its search_path (the store creates it); null under sqlite.
 */
export function testDatabaseUrl(dataDir: string): string | null {
  if (TEST_STORE !== 'postgres') return null;
  const base = process.env.TANDEM_TEST_DATABASE_URL;
  if (!base) throw new Error('TANDEM_TEST_STORE=postgres needs TANDEM_TEST_DATABASE_URL (run through scripts/with-postgres.ts)');
  const options = encodeURIComponent(`-c search_path=${testSchemaName(dataDir)}`);
  return `${base}${base.includes('?') ? '&' : '?'}options=${options}`;
}

/** A fresh folder for one server's data; removed by the returned function. */
export function makeDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dataDir: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    port: 0,
    dataDir,
    jwtSecret: TEST_SECRET,
    jwtIssuer: TEST_ISSUER,
    jwtAudience: TEST_AUDIENCE,
    allowedOrigins: [ALLOWED_ORIGIN],
    platformKey: TEST_PLATFORM_KEY,
    courses: {},
    maxBodyBytes: 64 * 1024,
    inviteDetailsLimit: { max: 30, windowMs: 60_000 },
    webhook: null,
    poolCheckMs: 60_000,
    testHoldAfterCommitMs: 0,
    databaseUrl: testDatabaseUrl(dataDir),
    ...overrides,
  };
}

/** A clock tests move by hand. */
export class TestClock {
  #ms: number;
  constructor(start = Date.parse('2025-03-03T09:00:00.000Z')) {
    this.#ms = start;
  }
  now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export interface TokenOptions {
  name?: string;
  course?: string;
  role?: string;
  iss?: string;
  aud?: string;
  /** Seconds from the clock's now; negative for an expired token. */
  expiresIn?: number;
  secret?: string;
}

/** Signs a learner token the way a platform would. */
export function learnerToken(sub: string, nowMs: number, options: TokenOptions = {}): string {
  return signToken(
    {
      sub,
      name: options.name ?? `${sub[0]!.toUpperCase()}${sub.slice(1)} Test`,
      course: options.course ?? TEST_COURSE,
      role: options.role ?? 'learner',
      iss: options.iss ?? TEST_ISSUER,
      aud: options.aud ?? TEST_AUDIENCE,
      iat: Math.floor(nowMs / 1000),
      exp: Math.floor(nowMs / 1000) + (options.expiresIn ?? 900),
    },
    options.secret ?? TEST_SECRET,
  );
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or undefined when there was none. */
  json: any;
  text: string;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  body?: unknown;
  /** Sent as is (a string), instead of JSON-encoding `body`. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One HTTP request against a running server. */
export async function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(baseUrl + path, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: 'manual',
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export interface TestServer {
  url: string;
  dataDir: string;
  app: TandemServer;
  clock: TestClock;
  /** A token for `sub` on this server's clock. */
  token(sub: string, options?: TokenOptions): string;
  /** Sends a command as `sub` with a fresh id (or the given one). */
  command(sub: string, command: Record<string, unknown>, id?: string): Promise<ApiAnswer>;
  request(path: string, options?: RequestOptions): Promise<ApiAnswer>;
  /** Closes the server (keeping the data folder). */
  close(): Promise<void>;
  /** Closes the server and removes the data folder. */
  dispose(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  config?: Partial<ServerConfig>;
  clock?: TestClock;
  afterCommit?: (commandId: string) => Promise<void>;
  fallback?: FallbackHandler;
  shutdownGraceMs?: number;
  /** Receives the server's log lines (silent by default). */
  log?: (line: string) => void;
  /** Runs pool-matching jobs instead of a worker thread. */
  runPoolJob?: ServerOptions['runPoolJob'];
}

/** Starts an in-process server on port 0. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const owned = options.dataDir ? null : makeDataDir();
  const dataDir = options.dataDir ?? owned!.dir;
  const clock = options.clock ?? new TestClock();
  const app = createServer({
    config: testConfig(dataDir, options.config),
    now: clock.now,
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
    ...(options.fallback ? { fallback: options.fallback } : {}),
    ...(options.shutdownGraceMs !== undefined ? { shutdownGraceMs: options.shutdownGraceMs } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.runPoolJob ? { runPoolJob: options.runPoolJob } : {}),
  });
  const url = await app.listen(0, '127.0.0.1');
  const server: TestServer = {
    url,
    dataDir,
    app,
    clock,
    token: (sub, tokenOptions) => learnerToken(sub, clock.now().getTime(), tokenOptions),
    command: (sub, command, id = randomUUID()) =>
      request(url, '/v1/commands', {
        token: server.token(sub),
        body: { id, course: TEST_COURSE, command },
      }),
    request: (path, requestOptions) => request(url, path, requestOptions),
    close: () => app.close(),
    async dispose() {
      await app.close();
      owned?.remove();
    },
  };
  return server;
}

/** The default settings, for building commands that every course accepts. */
export const ANY_OBJECTS = ['discuss', 'mutual-help'] as const;
export const ANY_MODALITIES = ['email', 'synchronous'] as const;
export const DEFAULTS = DEFAULT_COURSE_SETTINGS;

export function createInviteCommand(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'invite.create', relationship: 'friend', objects: [...ANY_OBJECTS], modalities: [...ANY_MODALITIES], ...extra };
}

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Resolves with the first stderr line matching `pattern` (seen before or after the call). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited, with its code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The environment for a child process that opens the store of `dataDir`
 * (src/server/main.ts and the other server scripts): this process's, with
 * DATABASE_URL set to the test schema under postgres, and removed under sqlite
 * (so a DATABASE_URL in the shell never sends the sqlite suite elsewhere).
 */
export function childServerEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const url = testDatabaseUrl(dataDir);
  if (url) env.DATABASE_URL = url;
  else delete env.DATABASE_URL;
  return env;
}

/**
 * Starts `src/server/main.ts` as a child process (API only, no demo) on port 0
 * and resolves once it prints its URL.
 */
export async function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...childServerEnv(dataDir),
      PORT: '0',
      TANDEM_DATA_DIR: dataDir,
      TANDEM_JWT_SECRET: TEST_SECRET,
      TANDEM_JWT_ISSUER: TEST_ISSUER,
      TANDEM_JWT_AUDIENCE: TEST_AUDIENCE,
      TANDEM_DEMO: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );

  const stderrLines: string[] = [];
  const waiters: { pattern: RegExp; done: (line: string) => void }[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrLines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(line);
      }
    }
  });

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`child server did not start: ${stderrLines.join('\n')}`)), 15_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      fail(new Error(`child server exited (${code}) before listening: ${stderrLines.join('\n')}`));
    });
  });

  return {
    url,
    child,
    exited,
    waitForStderr(pattern, timeoutMs = 10_000) {
      const seen = stderrLines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((done, fail) => {
        // Fail rather than hang when the line never comes (the command was refused, say).
        const timer = setTimeout(() => fail(new Error(`no stderr line matched ${pattern}: ${stderrLines.join('\n')}`)), timeoutMs);
        waiters.push({ pattern, done: (line) => (clearTimeout(timer), done(line)) });
      });
    },
  };
}

/** The `?` placeholders of `sql` as `$1..$n` (outside quoted strings and identifiers). */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Type parsers that return what SQLite would: int8 and numeric as numbers, booleans as 1/0. */
const sqliteLikeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value) => Number(value);
    if (oid === pg.types.builtins.BOOL) return (value) => (value === 't' ? 1 : 0);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as const;

/**
 * Reads what the server stored, directly: under sqlite from its SQLite file
 * (a second, read-only connection: WAL lets it see every committed write),
 * under postgres from its schema (a connection of its own, `?` placeholders
 * translated, numbers and booleans returned as SQLite would).
 */
export async function queryDataFile<T = Record<string, unknown>>(dataDir: string, sql: string, ...params: unknown[]): Promise<T[]> {
  const url = testDatabaseUrl(dataDir);
  if (url) {
    const client = new pg.Client({ connectionString: url, types: sqliteLikeTypes });
    await client.connect();
    try {
      return (await client.query(toPostgresPlaceholders(sql), params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * Changes what the server stored, directly (a test that plays a crash or an
 * old version): one statement, `?` placeholders, on the SQLite file or the
 * PostgreSQL schema. Answers the number of rows changed.
 */
export async function writeDataFile(dataDir: string, sql: string, ...params: unknown[]): Promise<number> {
  const url = testDatabaseUrl(dataDir);
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(toPostgresPlaceholders(sql), params)).rowCount ?? 0;
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { fileMustExist: true });
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

/** The store of `dataDir`, opened the way the servers under test open it (SQLite file or PostgreSQL schema). */
export function openTestStore(dataDir: string): Store {
  return openStore({ dataDir, databaseUrl: testDatabaseUrl(dataDir) });
}

/**
 * The column that orders xapi_statements rows by insertion: SQLite's rowid,
 * the `seq` identity column on PostgreSQL (migration 7).
 */
export const XAPI_INSERTION_ORDER = TEST_STORE === 'postgres' ? 'seq' : 'rowid';

export async function countRows(dataDir: string, table: 'events' | 'commands' | 'invites' | 'groups' | 'memberships'): Promise<number> {
  return (await queryDataFile<{ n: number }>(dataDir, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n;
}
