/**
 * Ingest throughput of the embedded store (issue 5, "Load and faults"):
 *
 * - ingest.embedded_events_per_s, ingest.embedded_p50_ms, ingest.embedded_p99_ms:
 *   `POST /v1/events` batches of 20 valid client events (invite.opened and
 *   invite.link-shared, many learners, one token each) sent by a load
 *   generator on the same machine (a worker thread running `connections`
 *   keep-alive HTTP loops, each sending its next batch when the last is
 *   answered) for a fixed time after a warm-up, against an in-process server
 *   on a fresh data folder with the normal durability settings (WAL,
 *   synchronous=FULL: a batch is answered after its COMMIT reached the disk).
 *   Events per second count acknowledged events (`stored`) answered inside the
 *   measured windows; latency is from sending a request to its whole answer.
 *   After the run, every acknowledged event must be in the file, once.
 * - ingest.embedded_insert_floor_events_per_s: the same batches written
 *   straight into the same kind of file (the server's schema, same PRAGMAs)
 *   as one multi-row INSERT into the events table per batch, one transaction
 *   per batch (BEGIN IMMEDIATE … COMMIT, as the store does), from one
 *   connection. Measured in slices interleaved with the server's measured
 *   windows (floor, window, floor, … floor; BENCH_INGEST_WINDOWS, default 4:
 *   the load generator stops between two windows while the floor runs), so
 *   that drift on a shared machine weighs on both sides alike.
 *
 * Target: the server at least 50% of the floor.
 *
 * The same on PostgreSQL (TANDEM_BENCH_DATABASE_URL, else a private throwaway
 * cluster from test/helpers/postgres-cluster.ts: fsync and synchronous_commit
 * on; without server binaries the lines say why they were skipped):
 *
 * - ingest.postgres_events_per_s, ingest.postgres_p50_ms, ingest.postgres_p99_ms:
 *   the same load generator against one in-process server on a fresh schema.
 * - ingest.postgres_insert_floor_events_per_s: the same batches, one
 *   `BEGIN; INSERT … VALUES (…),(…)…; COMMIT` per batch from one pg
 *   connection into the `events` table of a fresh schema created by opening
 *   the store once (so the server's schema), synchronous_commit on; in
 *   slices interleaved with the server's windows, as above.
 * - ingest.postgres_2proc_events_per_s: two server processes
 *   (src/server/main.ts, child processes) on one fresh schema, the load
 *   generator's connections split between them. No target (2 cores).
 *
 * After each run, every acknowledged event must be stored, once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createServer } from '../src/server/app.js';
import { signToken } from '../src/server/auth.js';
import { openPostgresStore } from '../src/server/store/postgres-store.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/server/store/sqlite-store.js';
import { canonicalJson } from '../src/server/validation.js';
import { PostgresUnavailableError, startPostgresCluster, type PostgresCluster } from '../test/helpers/postgres-cluster.js';
import { benchServerConfig } from './bench-config.js';

export interface IngestOptions {
  /** Events per batch (the issue: 20). */
  batchSize: number;
  /** Concurrent keep-alive connections of the load generator. */
  connections: number;
  /** Learners (each with its own token) the batches are spread over. */
  learners: number;
  warmupMs: number;
  durationMs: number;
  /** Time spent inserting for the floor, in slices before, between and after the server's windows. */
  floorMs: number;
  /** The server's measured time is split in this many windows, with a slice of the floor before, between and after them. */
  windows: number;
  /** After each pause, the load runs this long before its window is measured. */
  rampMs: number;
}

/** What one load-generator run against a server came to (see summarize). */
export interface IngestRun {
  eventsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered inside the measured windows. */
  requests: number;
  /** Events acknowledged over the whole run (warm-up included) and found stored afterwards. */
  acknowledged: number;
  stored: number;
}

export interface IngestFigures extends IngestRun {
  /** Requests answered with anything but 200 and every event stored (whole run). */
  errors: number;
  floorEventsPerS: number;
  floorBatches: number;
  connections: number;
  batchSize: number;
  /** The PostgreSQL figures, or why they were skipped. */
  postgres: PostgresIngestFigures | { skipped: string };
}

export interface PostgresIngestFigures extends IngestRun {
  /** Where the database came from: TANDEM_BENCH_DATABASE_URL or a private cluster. */
  source: 'TANDEM_BENCH_DATABASE_URL' | 'private cluster';
  floorEventsPerS: number;
  floorBatches: number;
  twoProc: IngestRun & {
    /** Groups the two processes ran again after a conflict with the other's (their `store: a transaction conflicted` lines). */
    retries: number;
  };
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  batchSize: Number(process.env.BENCH_INGEST_BATCH ?? 20),
  connections: Number(process.env.BENCH_INGEST_CONNECTIONS ?? 32),
  learners: Number(process.env.BENCH_INGEST_LEARNERS ?? 500),
  warmupMs: Number(process.env.BENCH_INGEST_WARMUP_MS ?? 2_000),
  durationMs: Number(process.env.BENCH_INGEST_DURATION_MS ?? 10_000),
  floorMs: Number(process.env.BENCH_INGEST_FLOOR_MS ?? 10_000),
  windows: Number(process.env.BENCH_INGEST_WINDOWS ?? 4),
  rampMs: Number(process.env.BENCH_INGEST_RAMP_MS ?? 500),
};

const COURSE = 'bench-ingest-course';
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const ISSUER = 'tandem-bench';
const AUDIENCE = 'tandem';
const CHANNELS = ['copy', 'share', 'email'] as const;

interface BenchEvent {
  id: string;
  v: 1;
  type: 'invite.opened' | 'invite.link-shared';
  time: string;
  course: string;
  learner: string;
  invite: string;
  channel?: (typeof CHANNELS)[number];
}

const learnerId = (i: number) => `bench-ingest-learner-${i}`;

/** One batch of a learner: client events as the widget sends them (fresh ids, half opened, half link-shared). */
function makeBatch(learner: string, size: number, seq: number): BenchEvent[] {
  const time = new Date().toISOString();
  const events: BenchEvent[] = [];
  for (let i = 0; i < size; i++) {
    events.push(
      (seq + i) % 2 === 0
        ? { id: randomUUID(), v: 1, type: 'invite.opened', time, course: COURSE, learner, invite: randomUUID() }
        : { id: randomUUID(), v: 1, type: 'invite.link-shared', time, course: COURSE, learner, invite: randomUUID(), channel: CHANNELS[(seq + i) % 3]! },
    );
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// The load generator (a worker thread, so it does not share the server's event loop).

interface ClientJob {
  ingestClient: true;
  /** Servers to send to: the connections are split between them (loop i sends to origins[i % n]). */
  origins: string[];
  tokens: string[];
  batchSize: number;
  connections: number;
  warmupMs: number;
  /** Measured time in all, split evenly in `windows` windows… */
  durationMs: number;
  windows: number;
  /** …the first after `warmupMs`, each next one after a pause and `rampMs`. */
  rampMs: number;
}

interface ClientReport {
  /** Latencies (ms) of requests answered inside the measured window. */
  latencies: number[];
  windowEvents: number;
  windowMs: number;
  acknowledged: number;
  errors: number;
  firstError: string | null;
}

function post(agent: Agent, url: URL, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends batches on `connections` loops, window after window. Between two windows every loop stops, the
 * last answers are awaited, and `pause` runs (the floor's next slice, on a quiet machine) before the load
 * starts again, so that both sides are measured under the same conditions, however the machine drifts.
 */
async function runClient(job: ClientJob, pause: () => Promise<void>): Promise<ClientReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const urls = job.origins.map((origin) => new URL('/v1/events', origin));
  const windowMs = job.durationMs / job.windows;
  const report: ClientReport = { latencies: [], windowEvents: 0, windowMs: job.durationMs, acknowledged: 0, errors: 0, firstError: null };
  let next = 0;

  async function loop(index: number, windowStart: number, windowEnd: number): Promise<void> {
    const url = urls[index % urls.length]!;
    while (performance.now() < windowEnd) {
      const seq = next++;
      const learner = seq % job.tokens.length;
      const body = JSON.stringify({ events: makeBatch(learnerId(learner), job.batchSize, seq) });
      const sent = performance.now();
      let status = 0;
      let text = '';
      try {
        ({ status, text } = await post(agent, url, job.tokens[learner]!, body));
      } catch (err) {
        text = String(err);
      }
      const done = performance.now();
      let stored = 0;
      if (status === 200) stored = (JSON.parse(text) as { stored: number }).stored;
      if (status !== 200 || stored !== job.batchSize) {
        report.errors++;
        report.firstError ??= `${status} ${text.slice(0, 300)}`;
        continue;
      }
      report.acknowledged += stored;
      if (done >= windowStart && done < windowEnd) {
        report.latencies.push(done - sent);
        report.windowEvents += stored;
      }
    }
  }

  for (let w = 0; w < job.windows; w++) {
    if (w > 0) await pause();
    const windowStart = performance.now() + (w === 0 ? job.warmupMs : job.rampMs);
    const windowEnd = windowStart + windowMs;
    await Promise.all(Array.from({ length: job.connections }, (_, index) => loop(index, windowStart, windowEnd)));
  }
  agent.destroy();
  return report;
}

/** One token per learner, valid for the run. */
function learnerTokens(learners: number): string[] {
  const nowS = Math.floor(Date.now() / 1000);
  return Array.from({ length: learners }, (_, i) =>
    signToken({ sub: learnerId(i), name: `Learner ${i}`, course: COURSE, role: 'learner', iss: ISSUER, aud: AUDIENCE, iat: nowS, exp: nowS + 3600 }, SECRET),
  );
}

/** The load generator's job against `origins`. */
function clientJob(options: IngestOptions, origins: string[]): ClientJob {
  const { batchSize, connections, warmupMs, durationMs, windows, rampMs } = options;
  return { ingestClient: true, origins, tokens: learnerTokens(options.learners), batchSize, connections, warmupMs, durationMs, windows, rampMs };
}

/** Each slice of the floor: one before the server's first window, one after each. */
const floorSliceMs = (options: IngestOptions) => options.floorMs / (options.windows + 1);

/** Runs the load generator in a worker thread; `pause` runs on this thread between two windows. */
function clientInThread(job: ClientJob, pause: () => Promise<void> | void = () => {}): Promise<ClientReport> {
  // As src/server/pool/pool-thread.ts: a thread does not inherit tsx's loader, so it registers it first.
  const worker = new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`,
    { eval: true, workerData: job },
  );
  return new Promise<ClientReport>((resolve, reject) => {
    worker.on('message', (message: { paused: true } | { report: ClientReport }) => {
      if ('paused' in message) {
        Promise.resolve()
          .then(pause)
          .then(
            () => worker.postMessage('resume'),
            (error: unknown) => {
              void worker.terminate();
              reject(error);
            },
          );
        return;
      }
      void worker.terminate();
      resolve(message.report);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`ingest load generator exited (${code}) without a report`)));
  });
}

if (!isMainThread && (workerData as Partial<ClientJob> | null)?.ingestClient) {
  const port = parentPort!;
  const pause = () =>
    new Promise<void>((resume) => {
      port.once('message', () => resume());
      port.postMessage({ paused: true });
    });
  port.postMessage({ report: await runClient(workerData as ClientJob, pause) });
}

// ---------------------------------------------------------------------------------------------
// The floor: the same batches, one multi-row INSERT transaction per batch, one connection.

/** The parameters of `count` floor batches, from `firstSeq` on: each row a batch's events' seven columns in turn. */
function floorRows(count: number, batchSize: number, learners: number, firstSeq: number): unknown[][] {
  return Array.from({ length: count }, (_, b) => {
    const s = firstSeq + b;
    const receivedAt = new Date().toISOString();
    return makeBatch(learnerId(s % learners), batchSize, s).flatMap((e) => [e.id, e.type, e.course, e.learner, e.time, canonicalJson(e), receivedAt]);
  });
}

async function createFloor(batchSize: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-ingest-floor-'));
  const db = await openSchemaOnly(dataDir);
  const insert = db.prepare(
    `INSERT INTO events (id, type, course, learner, time, body, source, command, received_at) VALUES ${Array.from(
      { length: batchSize },
      () => "(?, ?, ?, ?, ?, ?, 'client', NULL, ?)",
    ).join(', ')}`,
  );
  let seq = 0;
  let timedMs = 0;
  let batches = 0;
  let events = 0;

  /** Inserts batches until `ms` of insert time has been spent; rows are built outside the timed part. */
  function run(ms: number, learners: number): void {
    const until = timedMs + ms;
    while (timedMs < until) {
      const rows = floorRows(100, batchSize, learners, seq);
      seq += rows.length;
      const started = performance.now();
      for (const params of rows) {
        db.exec('BEGIN IMMEDIATE');
        insert.run(...params);
        db.exec('COMMIT');
      }
      timedMs += performance.now() - started;
      batches += rows.length;
      events += rows.length * batchSize;
    }
  }

  return {
    run,
    result: () => ({ eventsPerS: events / (timedMs / 1000), batches, events }),
    close() {
      const n = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (n !== events) throw new Error(`ingest floor: ${n} events in the file, ${events} inserted`);
    },
  };
}

/** The server's schema in a fresh file, opened as the store opens it (WAL, synchronous=FULL). */
async function openSchemaOnly(dataDir: string): Promise<Database.Database> {
  await openSqliteStore(dataDir).close(); // migrates, then closes
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('ingest floor: synchronous is not FULL');
  return db;
}

// ---------------------------------------------------------------------------------------------

export async function measureIngest(options: IngestOptions = DEFAULT_INGEST_OPTIONS): Promise<IngestFigures> {
  const embedded = await measureEmbeddedIngest(options);
  return { ...embedded, postgres: await measurePostgresIngest(options) };
}

async function measureEmbeddedIngest(options: IngestOptions): Promise<Omit<IngestFigures, 'postgres'>> {
  const floor = await createFloor(options.batchSize);
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-ingest-'));
  try {
    const slice = floorSliceMs(options);
    floor.run(slice, options.learners);
    const app = createServer({
      config: benchServerConfig(dataDir, { secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
    });
    const origin = await app.listen(0, '127.0.0.1');
    let report: ClientReport;
    try {
      report = await clientInThread(clientJob(options, [origin]), () => floor.run(slice, options.learners));
    } finally {
      await app.close();
    }

    floor.run(slice, options.learners);
    const floorResult = floor.result();

    // Every acknowledged event is in the file, once (ids are unique in the table).
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
    const stored = db.prepare("SELECT count(*) FROM events WHERE course = ? AND source = 'client'").pluck().get(COURSE) as number;
    db.close();
    return {
      ...summarize(report, stored, 'ingest'),
      errors: report.errors,
      floorEventsPerS: floorResult.eventsPerS,
      floorBatches: floorResult.batches,
      connections: options.connections,
      batchSize: options.batchSize,
    };
  } finally {
    floor.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: the same load against a server on PostgreSQL, its floor, and two server processes.

const REPO_ROOT = resolve(import.meta.dirname, '..');

/** `base` with `schema` first in its search_path (the store creates the schema when missing). */
function withSchema(base: string, schema: string): string {
  const options = encodeURIComponent(`-c search_path=${schema}`);
  return `${base}${base.includes('?') ? '&' : '?'}options=${options}`;
}

/** A fresh schema name for one part of the run. */
const freshSchema = (part: string) => `bench_${part}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** Acknowledged client events of the bench course in `url`'s schema. */
async function storedClientEvents(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string; ids: string }>(
      "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM events WHERE course = $1 AND source = 'client'",
      [COURSE],
    );
    if (rows[0]!.n !== rows[0]!.ids) throw new Error(`ingest (postgres): ${rows[0]!.n} rows but ${rows[0]!.ids} distinct event ids`);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** The server's schema on PostgreSQL: opens the store once on `url` (migrations run), then closes it. */
async function createServerSchema(url: string): Promise<void> {
  const store = openPostgresStore(url);
  try {
    await store.transaction(async () => undefined); // the first transaction awaits the migrations
  } finally {
    await store.close();
  }
}

/** The floor on PostgreSQL: one `BEGIN; INSERT … VALUES (…),(…)…; COMMIT` per batch, from one connection. */
async function createPostgresFloor(url: string, batchSize: number) {
  await createServerSchema(url);
  const client = new pg.Client({ connectionString: url, application_name: 'tandem-bench-floor' });
  await client.connect();
  const sync = (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
  const fsync = (await client.query<{ fsync: string }>('SHOW fsync')).rows[0]!.fsync;
  if (sync !== 'on' || fsync !== 'on') {
    await client.end();
    throw new Error(`ingest floor (postgres): synchronous_commit=${sync}, fsync=${fsync}; the bench needs both on`);
  }
  const columns = 7;
  const insert = {
    name: 'bench_floor_insert',
    text: `INSERT INTO events (id, type, course, learner, time, body, source, command, received_at) VALUES ${Array.from(
      { length: batchSize },
      (_, b) => {
        const p = (k: number) => `$${b * columns + k}`;
        return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, 'client', NULL, ${p(7)})`;
      },
    ).join(', ')}`,
  };
  let seq = 0;
  let timedMs = 0;
  let batches = 0;
  let events = 0;

  return {
    /** Inserts batches until `ms` of insert time has been spent; rows are built outside the timed part. */
    async run(ms: number, learners: number): Promise<void> {
      const until = timedMs + ms;
      while (timedMs < until) {
        const rows = floorRows(20, batchSize, learners, seq);
        seq += rows.length;
        const started = performance.now();
        for (const values of rows) {
          await client.query('BEGIN');
          await client.query({ ...insert, values });
          await client.query('COMMIT');
        }
        timedMs += performance.now() - started;
        batches += rows.length;
        events += rows.length * batchSize;
      }
    },
    result: () => ({ eventsPerS: events / (timedMs / 1000), batches, events }),
    async close(): Promise<void> {
      try {
        const n = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
        if (n !== events) throw new Error(`ingest floor (postgres): ${n} events in the table, ${events} inserted`);
      } finally {
        await client.end();
      }
    },
  };
}

interface ChildEndpoint {
  origin: string;
  child: ChildProcess;
  /** The child's output, for error messages. */
  output: string[];
  /** Its `store: a transaction conflicted with another process's` lines so far. */
  retries(): number;
  stop(): Promise<void>;
}

/** One server process (src/server/main.ts, API only) on `databaseUrl`, as test/helpers/server.ts starts them. */
async function startChildEndpoint(databaseUrl: string, dataDir: string): Promise<ChildEndpoint> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    DATABASE_URL: databaseUrl,
    TANDEM_DATA_DIR: dataDir,
    TANDEM_DEMO: '0',
    TANDEM_JWT_SECRET: SECRET,
    TANDEM_JWT_ISSUER: ISSUER,
    TANDEM_JWT_AUDIENCE: AUDIENCE,
    // As benchServerConfig: no request limits, no schedule to speak of.
    TANDEM_REQUESTS_PER_MINUTE: '0',
    TANDEM_LEARNER_REQUESTS_PER_MINUTE: '0',
    TANDEM_POOL_CHECK_MS: '3600000',
  };
  for (const name of ['TANDEM_WEBHOOK_URL', 'TANDEM_WEBHOOK_SECRET', 'TANDEM_XAPI_URL', 'TANDEM_COURSES_FILE', 'TANDEM_PLATFORM_KEY']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  let retries = 0;
  const keep = (line: string) => {
    if (/conflicted with another process/.test(line)) retries++;
    if (output.length < 200) output.push(line);
  };
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // Both pipes are read to the end, so a chatty child never blocks on a full pipe.
  createInterface({ input: child.stderr! }).on('line', keep);
  const origin = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`ingest (postgres): a server process did not start in 30 s:\n${output.join('\n')}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`ingest (postgres): a server process exited (${child.exitCode ?? child.signalCode}) before listening:\n${output.join('\n')}`));
    });
  });
  return {
    origin,
    child,
    output,
    retries: () => retries,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Latency quantiles and rate of one load-generator report; throws unless every acknowledged event is stored. */
function summarize(report: ClientReport, stored: number, what: string): IngestRun {
  if (report.errors > 0) throw new Error(`${what}: ${report.errors} requests failed, first: ${report.firstError}`);
  if (stored !== report.acknowledged) throw new Error(`${what}: ${report.acknowledged} events acknowledged, ${stored} stored`);
  const sorted = [...report.latencies].sort((a, b) => a - b);
  return {
    eventsPerS: report.windowEvents / (report.windowMs / 1000),
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    requests: sorted.length,
    acknowledged: report.acknowledged,
    stored,
  };
}

/** The PostgreSQL figures, or why they are skipped (no TANDEM_BENCH_DATABASE_URL and no server binaries). */
export async function measurePostgresIngest(options: IngestOptions = DEFAULT_INGEST_OPTIONS): Promise<PostgresIngestFigures | { skipped: string }> {
  let cluster: PostgresCluster | null = null;
  let base = process.env.TANDEM_BENCH_DATABASE_URL ?? '';
  const source = base ? 'TANDEM_BENCH_DATABASE_URL' : 'private cluster';
  if (!base) {
    try {
      cluster = await startPostgresCluster();
    } catch (error) {
      if (error instanceof PostgresUnavailableError) {
        return { skipped: `no TANDEM_BENCH_DATABASE_URL and no private cluster: ${error.message} (apt-get install postgresql)` };
      }
      throw error;
    }
    base = cluster.url;
  }
  const stopCluster = () => cluster?.stopSync();
  process.once('exit', stopCluster); // never leave a cluster behind, whatever happens
  const schemas: string[] = [];
  const schemaUrl = (part: string) => {
    const schema = freshSchema(part);
    schemas.push(schema);
    return withSchema(base, schema);
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-ingest-pg-'));
  try {
    const floor = await createPostgresFloor(schemaUrl('floor'), options.batchSize);
    let one: IngestRun;
    try {
      const slice = floorSliceMs(options);
      await floor.run(slice, options.learners);

      // One in-process server on a fresh schema.
      const serverUrl = schemaUrl('server');
      const app = createServer({
        config: { ...benchServerConfig(dataDir, { secret: SECRET, issuer: ISSUER, audience: AUDIENCE }), databaseUrl: serverUrl },
      });
      const origin = await app.listen(0, '127.0.0.1');
      let report: ClientReport;
      try {
        report = await clientInThread(clientJob(options, [origin]), () => floor.run(slice, options.learners));
      } finally {
        await app.close();
      }
      one = summarize(report, await storedClientEvents(serverUrl), 'ingest (postgres)');

      await floor.run(slice, options.learners);
    } finally {
      await floor.close();
    }
    const floorResult = floor.result();

    // Two server processes on one fresh schema, the connections split between them. The schema is
    // created first, so the two do not both wait on the migrations while the load starts.
    const twoUrl = schemaUrl('2proc');
    await createServerSchema(twoUrl);
    const children: ChildEndpoint[] = [];
    let two: PostgresIngestFigures['twoProc'];
    try {
      children.push(...(await Promise.all([startChildEndpoint(twoUrl, dataDir), startChildEndpoint(twoUrl, dataDir)])));
      // No floor to interleave (no target): one window.
      const report = await clientInThread(clientJob({ ...options, windows: 1 }, children.map((c) => c.origin)));
      two = {
        ...summarize(report, await storedClientEvents(twoUrl), 'ingest (postgres, 2 processes)'),
        retries: children.reduce((sum, c) => sum + c.retries(), 0),
      };
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }

    return {
      source,
      ...one,
      floorEventsPerS: floorResult.eventsPerS,
      floorBatches: floorResult.batches,
      twoProc: two,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (cluster) {
      await cluster.stop();
    } else if (schemas.length > 0) {
      // A database of the caller's: leave it as found.
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      try {
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await client.end();
      }
    }
    process.removeListener('exit', stopCluster);
  }
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The bench lines, as `npm run bench` prints them. */
export function ingestLines(f: IngestFigures): Record<string, unknown>[] {
  const target = 0.5 * f.floorEventsPerS;
  return [
    { name: 'ingest.embedded_events_per_s', value: round(f.eventsPerS, 0), unit: 'events/s', target: round(target, 0), pass: f.eventsPerS >= target },
    { name: 'ingest.embedded_p50_ms', value: round(f.p50Ms), unit: 'ms' },
    { name: 'ingest.embedded_p99_ms', value: round(f.p99Ms), unit: 'ms' },
    { name: 'ingest.embedded_insert_floor_events_per_s', value: round(f.floorEventsPerS, 0), unit: 'events/s' },
    ...postgresLines(f.postgres),
  ];
}

function postgresLines(p: IngestFigures['postgres']): Record<string, unknown>[] {
  if ('skipped' in p) {
    return [
      { name: 'ingest.postgres_events_per_s', value: null, unit: 'events/s', skipped: p.skipped },
      { name: 'ingest.postgres_p50_ms', value: null, unit: 'ms', skipped: p.skipped },
      { name: 'ingest.postgres_p99_ms', value: null, unit: 'ms', skipped: p.skipped },
      { name: 'ingest.postgres_insert_floor_events_per_s', value: null, unit: 'events/s', skipped: p.skipped },
      { name: 'ingest.postgres_2proc_events_per_s', value: null, unit: 'events/s', target: null, skipped: p.skipped },
    ];
  }
  const target = 0.5 * p.floorEventsPerS;
  return [
    { name: 'ingest.postgres_events_per_s', value: round(p.eventsPerS, 0), unit: 'events/s', target: round(target, 0), pass: p.eventsPerS >= target },
    { name: 'ingest.postgres_p50_ms', value: round(p.p50Ms), unit: 'ms' },
    { name: 'ingest.postgres_p99_ms', value: round(p.p99Ms), unit: 'ms' },
    { name: 'ingest.postgres_insert_floor_events_per_s', value: round(p.floorEventsPerS, 0), unit: 'events/s' },
    { name: 'ingest.postgres_2proc_events_per_s', value: round(p.twoProc.eventsPerS, 0), unit: 'events/s', target: null },
  ];
}

// Run alone: node --import tsx bench/ingest.ts (options from BENCH_INGEST_* variables)
if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  const figures = await measureIngest();
  for (const line of ingestLines(figures)) console.log(JSON.stringify(line));
  console.error(
    `ingest: ${figures.requests} requests of ${figures.batchSize} events in the window over ${figures.connections} connections; ` +
      `${figures.acknowledged} events acknowledged and ${figures.stored} stored; floor ${figures.floorBatches} batches`,
  );
  const p = figures.postgres;
  if ('skipped' in p) console.error(`ingest (postgres): skipped: ${p.skipped}`);
  else {
    console.error(
      `ingest (postgres, ${p.source}): ${p.requests} requests in the window; ${p.acknowledged} events acknowledged and ${p.stored} stored; ` +
        `floor ${p.floorBatches} batches; 2 processes: ${p.twoProc.requests} requests in the window, p50 ${round(p.twoProc.p50Ms)} ms, ` +
        `p99 ${round(p.twoProc.p99Ms)} ms, ${p.twoProc.acknowledged} acknowledged and ${p.twoProc.stored} stored, ` +
        `${p.twoProc.retries} groups run again after a conflict`,
    );
  }
}
