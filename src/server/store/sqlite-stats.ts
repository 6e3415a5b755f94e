import type Database from 'better-sqlite3';
import * as z from 'zod/mini';
import type { StatsGroupState, StatsInviteState, StatsLearnerState } from '../../core/stats-contributions.js';
import { Modality, ObjectCode, Relationship } from '../../protocol/codes.js';
import { applyStatsEvent, MemoryStatsState, STATS_EVENT_TYPES, statsFields, type StatsState } from '../stats/stats-projection.js';
import { fromJson, fromRow } from './sqlite-rows.js';
import type { EventRecord, StoreTx } from './store.js';

/*
 * The SQLite side of the instructor's stats (issue 4): the projection's state
 * in tables, applied to in the transaction that stores each event, and a
 * rebuild that replays every stored event into empty tables.
 */

/** Bump when the projection's meaning changes: a store built by another rebuilds at start. */
export const STATS_PROJECTION_VERSION = 2;

const GroupState = z.object({
  objects: z.array(ObjectCode),
  modalities: z.array(Modality),
  relationships: z.array(Relationship),
  members: z.number(),
  formedAt: z.string(),
  dissolved: z.boolean(),
});
const LearnerState = z.object({
  grouped: z.boolean(),
  relationships: z.array(Relationship),
  optedIn: z.boolean(),
  poolMatched: z.boolean(),
  progress: z.nullable(z.number()),
  completed: z.boolean(),
});
const InviteRow = z.object({ course: z.string(), created_at: z.string(), opened: z.number(), accept_seconds: z.nullable(z.number()) });
const CounterRow = z.object({ key: z.string(), n: z.number() });
const EventRow = z.object({ id: z.string(), type: z.string(), body: z.string() });

type StatsTx = Pick<StoreTx, 'statsCounters' | 'medianAcceptSeconds' | 'withheldKeys' | 'setWithheldKeys'>;

function statements(db: Database.Database) {
  return {
    group: db.prepare('SELECT state FROM stats_groups WHERE id = ?').pluck(),
    setGroup: db.prepare('INSERT INTO stats_groups (id, course, state) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state'),
    learner: db.prepare('SELECT state FROM stats_learners WHERE course = ? AND learner = ?').pluck(),
    setLearner: db.prepare(
      'INSERT INTO stats_learners (course, learner, state) VALUES (?, ?, ?) ON CONFLICT (course, learner) DO UPDATE SET state = excluded.state',
    ),
    invite: db.prepare('SELECT course, created_at, opened, accept_seconds FROM stats_invites WHERE id = ?'),
    setInvite: db.prepare(
      `INSERT INTO stats_invites (id, course, created_at, opened, accept_seconds) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET opened = excluded.opened, accept_seconds = excluded.accept_seconds`,
    ),
    count: db.prepare('INSERT INTO stats_counters (course, key, n) VALUES (?, ?, ?) ON CONFLICT (course, key) DO UPDATE SET n = n + excluded.n'),
    counters: db.prepare('SELECT key, n FROM stats_counters WHERE course = ? AND n <> 0'),
    counter: db.prepare('SELECT n FROM stats_counters WHERE course = ? AND key = ?').pluck(),
    acceptSeconds: db.prepare(
      'SELECT accept_seconds FROM stats_invites WHERE course = ? AND accept_seconds IS NOT NULL ORDER BY accept_seconds LIMIT ? OFFSET ?',
    ).pluck(),
    withheld: db.prepare('SELECT keys FROM stats_withheld WHERE course = ?').pluck(),
    setWithheld: db.prepare('INSERT INTO stats_withheld (course, keys) VALUES (?, ?) ON CONFLICT (course) DO UPDATE SET keys = excluded.keys'),
    projection: db.prepare('SELECT projection FROM stats_meta WHERE id = 1').pluck(),
    setProjection: db.prepare('INSERT INTO stats_meta (id, projection) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET projection = excluded.projection'),
    events: db.prepare('SELECT id, type, body FROM events ORDER BY seq'),
  };
}

/** The projection's state read and written row by row, inside the caller's transaction. */
function sqliteState(q: ReturnType<typeof statements>): StatsState {
  return {
    group(id) {
      const text = q.group.get(id) as string | undefined;
      return text === undefined ? null : (fromJson(GroupState, text, `stats of group ${id}`) as StatsGroupState);
    },
    setGroup(id, course, state) {
      q.setGroup.run(id, course, JSON.stringify(state));
    },
    learner(course, learner) {
      const text = q.learner.get(course, learner) as string | undefined;
      return text === undefined ? null : (fromJson(LearnerState, text, 'stats of a learner') as StatsLearnerState);
    },
    setLearner(course, learner, state) {
      q.setLearner.run(course, learner, JSON.stringify(state));
    },
    invite(id) {
      const row = q.invite.get(id);
      if (row === undefined) return null;
      const r = fromRow(InviteRow, row, `stats of invite ${id}`);
      return { course: r.course, createdAt: r.created_at, opened: r.opened === 1, acceptSeconds: r.accept_seconds } satisfies StatsInviteState;
    },
    setInvite(id, state) {
      q.setInvite.run(id, state.course, state.createdAt, state.opened ? 1 : 0, state.acceptSeconds);
    },
    count(course, delta) {
      for (const [key, n] of delta) q.count.run(course, key, n);
    },
  };
}

export interface SqliteStats extends StatsTx {
  /** Applies a just-stored event to the stats (the caller's transaction). */
  apply(event: EventRecord): void;
  /** Replays every stored event into empty stats tables, in one transaction of the caller's; returns how many it read. */
  rebuild(): number;
  /** Rebuilds when the tables were built by another projection version (or never). */
  ensureCurrent(): void;
}

export function createSqliteStats(db: Database.Database): SqliteStats {
  const q = statements(db);
  const state = sqliteState(q);

  function rebuild(): number {
    const memory = new MemoryStatsState();
    let read = 0;
    for (const row of q.events.iterate()) {
      const r = fromRow(EventRow, row, 'event row');
      read++;
      if (STATS_EVENT_TYPES.has(r.type)) applyStatsEvent(memory, statsFields(r.id, r.body));
    }
    db.exec('DELETE FROM stats_counters; DELETE FROM stats_groups; DELETE FROM stats_learners; DELETE FROM stats_invites;');
    // stats_withheld stays: the next answer must keep withholding what the last one did.
    for (const [id, g] of memory.groups) q.setGroup.run(id, g.course, JSON.stringify(g.state));
    for (const l of memory.learners.values()) q.setLearner.run(l.course, l.learner, JSON.stringify(l.state));
    for (const [id, i] of memory.invites) state.setInvite(id, i);
    for (const [course, counters] of memory.counters) state.count(course, counters);
    q.setProjection.run(STATS_PROJECTION_VERSION);
    return read;
  }

  return {
    apply(event) {
      if (STATS_EVENT_TYPES.has(event.type)) applyStatsEvent(state, statsFields(event.id, event.body));
    },
    rebuild,
    ensureCurrent() {
      if (q.projection.get() !== STATS_PROJECTION_VERSION) db.transaction(rebuild).immediate();
    },
    async statsCounters(course) {
      const counters = new Map<string, number>();
      for (const row of q.counters.all(course)) {
        const r = fromRow(CounterRow, row, 'stats counter');
        counters.set(r.key, r.n);
      }
      return counters;
    },
    async medianAcceptSeconds(course) {
      const accepted = (q.counter.get(course, 'invites.accepted') as number | undefined) ?? 0;
      if (accepted === 0) return null;
      // An index walk to the middle: the two middle values of an even count, the middle one of an odd.
      const middle = q.acceptSeconds.all(course, accepted % 2 === 0 ? 2 : 1, Math.floor((accepted - 1) / 2)) as number[];
      if (middle.length === 0) return null;
      return middle.reduce((a, b) => a + b, 0) / middle.length;
    },
    async withheldKeys(course) {
      const text = q.withheld.get(course) as string | undefined;
      return new Set(text === undefined ? [] : fromJson(z.array(z.string()), text, 'withheld stats keys'));
    },
    async setWithheldKeys(course, keys) {
      q.setWithheld.run(course, JSON.stringify(keys));
    },
  };
}
