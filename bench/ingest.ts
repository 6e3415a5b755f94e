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
 *   measured window; latency is from sending a request to its whole answer.
 *   After the run, every acknowledged event must be in the file, once.
 * - ingest.embedded_insert_floor_events_per_s: the same batches written
 *   straight into the same kind of file (the server's schema, same PRAGMAs)
 *   as one multi-row INSERT into the events table per batch, one transaction
 *   per batch (BEGIN IMMEDIATE … COMMIT, as the store does), from one
 *   connection. Measured in two halves, before and after the server run, so
 *   drift on a shared machine weighs on both sides alike.
 *
 * Target: the server at least 50% of the floor. There is no PostgreSQL adapter
 * yet, so the PostgreSQL figures are reported as skipped.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { createServer } from '../src/server/app.js';
import { signToken } from '../src/server/auth.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/server/store/sqlite-store.js';
import { canonicalJson } from '../src/server/validation.js';
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
  /** Time spent inserting for the floor, split in two halves around the server run. */
  floorMs: number;
}

export interface IngestFigures {
  eventsPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered inside the measured window. */
  requests: number;
  /** Requests answered with anything but 200 and every event stored (whole run). */
  errors: number;
  /** Events acknowledged over the whole run (warm-up included) and found stored afterwards. */
  acknowledged: number;
  stored: number;
  floorEventsPerS: number;
  floorBatches: number;
  connections: number;
  batchSize: number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = {
  batchSize: Number(process.env.BENCH_INGEST_BATCH ?? 20),
  connections: Number(process.env.BENCH_INGEST_CONNECTIONS ?? 32),
  learners: Number(process.env.BENCH_INGEST_LEARNERS ?? 500),
  warmupMs: Number(process.env.BENCH_INGEST_WARMUP_MS ?? 2_000),
  durationMs: Number(process.env.BENCH_INGEST_DURATION_MS ?? 10_000),
  floorMs: Number(process.env.BENCH_INGEST_FLOOR_MS ?? 10_000),
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
  origin: string;
  tokens: string[];
  batchSize: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
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

async function runClient(job: ClientJob): Promise<ClientReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL('/v1/events', job.origin);
  const start = performance.now();
  const windowStart = start + job.warmupMs;
  const windowEnd = windowStart + job.durationMs;
  const report: ClientReport = { latencies: [], windowEvents: 0, windowMs: job.durationMs, acknowledged: 0, errors: 0, firstError: null };
  let next = 0;

  async function loop(): Promise<void> {
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

  await Promise.all(Array.from({ length: job.connections }, loop));
  agent.destroy();
  return report;
}

function clientInThread(job: ClientJob): Promise<ClientReport> {
  // As src/server/pool/pool-thread.ts: a thread does not inherit tsx's loader, so it registers it first.
  const worker = new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`,
    { eval: true, workerData: job },
  );
  return new Promise<ClientReport>((resolve, reject) => {
    worker.once('message', (report: ClientReport) => {
      void worker.terminate();
      resolve(report);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`ingest load generator exited (${code}) without a report`)));
  });
}

if (!isMainThread && (workerData as Partial<ClientJob> | null)?.ingestClient) {
  parentPort!.postMessage(await runClient(workerData as ClientJob));
}

// ---------------------------------------------------------------------------------------------
// The floor: the same batches, one multi-row INSERT transaction per batch, one connection.

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
      const rows: unknown[][] = [];
      for (let b = 0; b < 100; b++) {
        const s = seq++;
        const receivedAt = new Date().toISOString();
        rows.push(makeBatch(learnerId(s % learners), batchSize, s).flatMap((e) => [e.id, e.type, e.course, e.learner, e.time, canonicalJson(e), receivedAt]));
      }
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
  const floor = await createFloor(options.batchSize);
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-ingest-'));
  try {
    floor.run(options.floorMs / 2, options.learners);

    const nowS = Math.floor(Date.now() / 1000);
    const tokens = Array.from({ length: options.learners }, (_, i) =>
      signToken({ sub: learnerId(i), name: `Learner ${i}`, course: COURSE, role: 'learner', iss: ISSUER, aud: AUDIENCE, iat: nowS, exp: nowS + 3600 }, SECRET),
    );
    const app = createServer({
      config: benchServerConfig(dataDir, { secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
    });
    const origin = await app.listen(0, '127.0.0.1');
    let report: ClientReport;
    try {
      report = await clientInThread({
        ingestClient: true,
        origin,
        tokens,
        batchSize: options.batchSize,
        connections: options.connections,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
      });
    } finally {
      await app.close();
    }

    floor.run(options.floorMs / 2, options.learners);
    const floorResult = floor.result();

    // Every acknowledged event is in the file, once (ids are unique in the table).
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
    const stored = db.prepare("SELECT count(*) FROM events WHERE course = ? AND source = 'client'").pluck().get(COURSE) as number;
    db.close();
    if (report.errors > 0) throw new Error(`ingest: ${report.errors} requests failed, first: ${report.firstError}`);
    if (stored !== report.acknowledged) throw new Error(`ingest: ${report.acknowledged} events acknowledged, ${stored} stored`);

    const sorted = [...report.latencies].sort((a, b) => a - b);
    return {
      eventsPerS: report.windowEvents / (report.windowMs / 1000),
      p50Ms: quantile(sorted, 0.5),
      p99Ms: quantile(sorted, 0.99),
      requests: sorted.length,
      errors: report.errors,
      acknowledged: report.acknowledged,
      stored,
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
    {
      name: 'ingest.postgres_events_per_s',
      value: null,
      unit: 'events/s',
      skipped:
        'no PostgreSQL store adapter yet (DATABASE_URL is not supported); ingest.postgres_p99_ms, ' +
        'ingest.postgres_insert_floor_events_per_s and ingest.postgres_2proc_events_per_s are skipped with it',
    },
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
}
