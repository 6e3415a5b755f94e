/**
 * The instructor's stats over a million stored events (issue 4):
 * stats.1m_events_ms is the whole `GET /stats` answer for one course (over
 * HTTP, from an in-process server on the embedded store), median of several;
 * stats.1m_count_floor_ms is a plain COUNT of the same course's events in the
 * same file, the least any answer computed from the events could cost.
 *
 * The events are a simulated course run (invites made, opened and accepted,
 * requests, pool matches, members leaving, opt-ins, progress reports) written
 * straight into the events table, then projected by the rebuild the
 * `stats:rebuild` command runs (timed as stats.1m_rebuild_ms).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { mulberry32 } from '../src/core/prng.js';
import { MODALITIES, OBJECTS, PCHM_RELATIONSHIPS } from '../src/core/typology.js';
import { createServer } from '../src/server/app.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../src/server/store/sqlite-store.js';
import { benchServerConfig } from './bench-config.js';

export interface StatsFigures {
  /** Events of the measured course (another course's are stored beside them). */
  events: number;
  writeMs: number;
  rebuildMs: number;
  answerMs: number;
  countFloorMs: number;
}

const COURSE = 'bench-stats-course';
const OTHER_COURSE = 'bench-stats-other';
const PLATFORM_KEY = 'bench-platform-key-0123456789';

/** Writes at least `total` events of a simulated run of COURSE (and about a ninth as many of another course) into a fresh store; returns COURSE's count. */
function writeEvents(dataDir: string, total: number): number {
  openSqliteStore(dataDir).close(); // creates the schema
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // setting up the data set only; the answer is measured on the normal store
  const insert = db.prepare(
    "INSERT INTO events (id, type, course, learner, time, body, source, command, received_at) VALUES (?, ?, ?, ?, ?, ?, 'server', NULL, ?)",
  );
  const random = mulberry32(20261127);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const some = <T>(list: readonly T[]): T[] => {
    const chosen = list.filter(() => random() < 0.3);
    return chosen.length > 0 ? chosen : [pick(list)];
  };
  const start = Date.parse('2026-09-07T08:00:00Z');
  const runMs = 10 * 7 * 86_400_000;
  let written = 0;
  let ofCourse = 0;
  let learnerSeq = 0;
  const write = (course: string, type: string, learner: string, time: number, fields: Record<string, unknown>) => {
    const id = randomUUID();
    const iso = new Date(time).toISOString();
    insert.run(id, type, course, learner, iso, JSON.stringify({ id, v: 1, type, time: iso, course, learner, ...fields }), iso);
    written++;
    if (course === COURSE) ofCourse++;
  };
  const newLearner = () => `bench-learner-${++learnerSeq}`;

  db.transaction(() => {
    while (ofCourse < total) {
      const course = random() < 0.1 ? OTHER_COURSE : COURSE;
      const t = start + Math.floor(random() * runMs);
      const objects = some(OBJECTS);
      const modalities = some(MODALITIES);
      const a = newLearner();
      const b = newLearner();
      const group = randomUUID();
      const kind = random();
      if (kind < 0.6) {
        // An invite: made, often opened, sometimes accepted (after minutes to days).
        const invite = randomUUID();
        const relationship = pick(PCHM_RELATIONSHIPS);
        write(course, 'invite.created', a, t, { invite, group: null, relationship, objects, modalities });
        if (random() < 0.8) write(course, 'invite.opened', b, t + 60_000, { invite });
        if (random() < 0.6) {
          write(course, 'invite.accepted', b, t + Math.floor(random() * 3 * 86_400_000), { invite, group, inviter: a, relationship, objects, modalities });
        }
      } else if (kind < 0.85) {
        const request = randomUUID();
        write(course, 'peer.opted-in', a, t, { autoMatch: false });
        write(course, 'peer.opted-in', b, t, { autoMatch: false });
        write(course, 'request.sent', a, t, { request, recipient: b, from: 'peers', group: null, relationship: 'this-mooc', objects, modalities });
        if (random() < 0.5) write(course, 'request.accepted', b, t + 3_600_000, { request, sender: a, group, relationship: 'this-mooc', objects, modalities });
      } else {
        const run = randomUUID();
        for (const learner of [a, b]) write(course, 'peer.opted-in', learner, t, { autoMatch: true });
        for (const learner of [a, b]) write(course, 'pool.matched', learner, t + 86_400_000, { run, group, relationship: 'this-mooc', objects, modalities });
      }
      if (random() < 0.1) {
        write(course, 'group.left', b, t + 7 * 86_400_000, { group, relationship: 'this-mooc', modalities });
        write(course, 'group.dissolved', b, t + 7 * 86_400_000, { group });
      }
      for (const learner of [a, b]) {
        if (random() < 0.7) {
          write(course, 'learner.progress', learner, t + 14 * 86_400_000, { progress: Math.round(random() * 100) / 100, completed: random() < 0.3 });
        }
      }
    }
  })();
  db.close();
  return ofCourse;
}

export async function measureStats(total = 1_000_000, runs = 21): Promise<StatsFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-stats-'));
  try {
    let t0 = performance.now();
    const events = writeEvents(dataDir, total);
    const writeMs = performance.now() - t0;

    const store = openSqliteStore(dataDir);
    // Opening a store whose stats no projection built rebuilds them before its first transaction: wait for that
    // first, then time the rebuild the command runs.
    await store.transaction(async () => {});
    t0 = performance.now();
    await store.rebuildStats();
    const rebuildMs = performance.now() - t0;
    await store.close();

    const app = createServer({
      config: benchServerConfig(dataDir, { secret: 'bench-secret-0123456789abcdefghijklmnop', issuer: 'tandem-bench', audience: 'tandem', platformKey: PLATFORM_KEY }),
    });
    const origin = await app.listen(0, '127.0.0.1');
    const answers: number[] = [];
    try {
      for (let i = 0; i < runs + 2; i++) {
        const started = performance.now();
        const res = await fetch(`${origin}/v1/courses/${COURSE}/stats`, { headers: { 'x-tandem-platform-key': PLATFORM_KEY } });
        const body = (await res.json()) as { groups?: { formed?: number } };
        const ms = performance.now() - started;
        if (res.status !== 200 || !body.groups?.formed) throw new Error(`stats answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
        if (i >= 2) answers.push(ms); // two warm-up answers
      }
    } finally {
      await app.close();
    }

    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    const count = db.prepare('SELECT COUNT(*) FROM events WHERE course = ?').pluck();
    const floors: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const started = performance.now();
      count.get(COURSE);
      if (i >= 2) floors.push(performance.now() - started);
    }
    db.close();
    return { events, writeMs, rebuildMs, answerMs: median(answers), countFloorMs: median(floors) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// Run alone: node --import tsx bench/stats.ts [events]
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await measureStats(Number(process.argv[2] ?? 1_000_000)));
}
