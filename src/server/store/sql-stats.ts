import * as z from 'zod/mini';
import type { StatsGroupState, StatsInviteState, StatsLearnerState } from '../../core/stats-contributions.js';
import { Modality, ObjectCode, Relationship } from '../../protocol/codes.js';
import { applyStatsEvent, MemoryStatsState, PrefetchedStatsState, STATS_EVENT_TYPES, statsFields, statsKeysOf, type StatsFields } from '../stats/stats-projection.js';
import type { SqlDb, SqlText } from './sql.js';
import { fromJson, fromRow } from './sql-rows.js';
import type { StoreTx } from './store.js';

/*
 * The stored side of the instructor's stats (issue 4): the projection's state
 * in tables, applied to in the transaction that stores the events, and a
 * rebuild that replays every stored event into empty tables. A batch of
 * events is applied in four reads and a few writes, whatever its size: the
 * rows its events name are read first, the events are applied in memory
 * (PrefetchedStatsState), then what changed is written back and the counters'
 * deltas added, each in one statement.
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
const EventRow = z.object({ seq: z.number(), id: z.string(), type: z.string(), body: z.string() });
const StateRow = z.object({ id: z.string(), course: z.string(), state: z.string() });
const LearnerRow = z.object({ learner: z.string(), state: z.string() });
const InviteStateRow = z.extend(InviteRow, { id: z.string() });

type StatsTx = Pick<StoreTx, 'statsCounters' | 'medianAcceptSeconds' | 'withheldKeys' | 'setWithheldKeys'>;

/** A query ending in `column IN` the elements of a JSON array given as its last parameter, in each dialect. */
function inJsonList(query: string, column: string): SqlText {
  return {
    sqlite: `${query} ${column} IN (SELECT value FROM json_each(?))`,
    postgres: `${query} ${column} IN (SELECT json_array_elements_text(?::json))`,
    planEachTime: true,
  };
}

function statements(db: SqlDb) {
  return {
    groups: db.prepare(inJsonList('SELECT id, course, state FROM stats_groups WHERE', 'id')),
    setGroup: db.prepare('INSERT INTO stats_groups (id, course, state) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state'),
    learners: db.prepare(inJsonList('SELECT learner, state FROM stats_learners WHERE course = ? AND', 'learner')),
    setLearner: db.prepare(
      'INSERT INTO stats_learners (course, learner, state) VALUES (?, ?, ?) ON CONFLICT (course, learner) DO UPDATE SET state = excluded.state',
    ),
    invites: db.prepare(inJsonList('SELECT id, course, created_at, opened, accept_seconds FROM stats_invites WHERE', 'id')),
    setInvite: db.prepare(
      `INSERT INTO stats_invites (id, course, created_at, opened, accept_seconds) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET opened = excluded.opened, accept_seconds = excluded.accept_seconds`,
    ),
    // Adds each key's delta of a JSON object {key: delta}, in one statement.
    count: db.prepare({
      sqlite: `INSERT INTO stats_counters (course, key, n) SELECT ?, key, value FROM json_each(?) WHERE true
               ON CONFLICT (course, key) DO UPDATE SET n = stats_counters.n + excluded.n`,
      postgres: `INSERT INTO stats_counters (course, key, n) SELECT ?, key, value::bigint FROM json_each_text(?::json)
                 ON CONFLICT (course, key) DO UPDATE SET n = stats_counters.n + excluded.n`,
    }),
    counters: db.prepare('SELECT key, n FROM stats_counters WHERE course = ? AND n <> 0'),
    counter: db.prepare('SELECT n FROM stats_counters WHERE course = ? AND key = ?').pluck(),
    acceptSeconds: db.prepare(
      'SELECT accept_seconds FROM stats_invites WHERE course = ? AND accept_seconds IS NOT NULL ORDER BY accept_seconds LIMIT ? OFFSET ?',
    ).pluck(),
    withheld: db.prepare('SELECT keys FROM stats_withheld WHERE course = ?').pluck(),
    setWithheld: db.prepare('INSERT INTO stats_withheld (course, keys) VALUES (?, ?) ON CONFLICT (course) DO UPDATE SET keys = excluded.keys'),
    projection: db.prepare('SELECT projection FROM stats_meta WHERE id = 1').pluck(),
    setProjection: db.prepare('INSERT INTO stats_meta (id, projection) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET projection = excluded.projection'),
    // A page of the events in the order they were stored.
    events: db.prepare('SELECT seq, id, type, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?'),
    clear: ['DELETE FROM stats_counters', 'DELETE FROM stats_groups', 'DELETE FROM stats_learners', 'DELETE FROM stats_invites'].map((sql) => db.prepare(sql)),
  };
}

type Statements = ReturnType<typeof statements>;

/** Writes a state's rows and counters: those changed (a batch), or all (a rebuild into empty tables). */
async function write(q: Statements, state: MemoryStatsState, changed?: PrefetchedStatsState): Promise<void> {
  for (const [id, g] of state.groups) if (!changed || changed.changedGroups.has(id)) await q.setGroup.run(id, g.course, JSON.stringify(g.state));
  for (const [key, l] of state.learners) if (!changed || changed.changedLearners.has(key)) await q.setLearner.run(l.course, l.learner, JSON.stringify(l.state));
  for (const [id, i] of state.invites) {
    if (!changed || changed.changedInvites.has(id)) await q.setInvite.run(id, i.course, i.createdAt, i.opened ? 1 : 0, i.acceptSeconds);
  }
  for (const [course, counters] of state.counters) {
    const deltas = Object.fromEntries([...counters].filter(([, n]) => n !== 0));
    if (Object.keys(deltas).length > 0) await q.count.run(course, JSON.stringify(deltas));
  }
}

export interface SqlStats extends StatsTx {
  /** Applies just-stored events (what the stats read of them: statsFields), in the order given, to the stats (the caller's transaction). */
  apply(events: readonly StatsFields[]): Promise<void>;
  /** Replays every stored event into empty stats tables, in one transaction of the caller's; returns how many it read. */
  rebuild(): Promise<number>;
  /** Whether the tables were built by this projection version (if not, the store rebuilds them at start). */
  isCurrent(): Promise<boolean>;
}

export function createSqlStats(db: SqlDb): SqlStats {
  const q = statements(db);

  async function apply(fields: readonly StatsFields[]): Promise<void> {
    if (fields.length === 0) return;
    const keys = statsKeysOf(fields);
    const state = new PrefetchedStatsState(keys);
    if (keys.groups.size > 0) {
      for (const row of await q.groups.all(JSON.stringify([...keys.groups]))) {
        const r = fromRow(StateRow, row, 'stats of a group');
        state.load({ group: r.id, course: r.course, state: fromJson(GroupState, r.state, `stats of group ${r.id}`) as StatsGroupState });
      }
    }
    for (const [course, learners] of keys.learners) {
      for (const row of await q.learners.all(course, JSON.stringify([...learners]))) {
        const r = fromRow(LearnerRow, row, 'stats of a learner');
        state.load({ learner: r.learner, course, state: fromJson(LearnerState, r.state, 'stats of a learner') as StatsLearnerState });
      }
    }
    if (keys.invites.size > 0) {
      for (const row of await q.invites.all(JSON.stringify([...keys.invites]))) {
        const r = fromRow(InviteStateRow, row, 'stats of an invite');
        state.load({
          invite: r.id,
          state: { course: r.course, createdAt: r.created_at, opened: r.opened === 1, acceptSeconds: r.accept_seconds } satisfies StatsInviteState,
        });
      }
    }
    for (const e of fields) applyStatsEvent(state, e);
    await write(q, state, state);
  }

  async function rebuild(): Promise<number> {
    const memory = new MemoryStatsState();
    const PAGE = 10_000;
    let read = 0;
    let after = 0;
    for (;;) {
      const page = await q.events.all(after, PAGE);
      for (const row of page) {
        const r = fromRow(EventRow, row, 'event row');
        read++;
        after = r.seq;
        if (STATS_EVENT_TYPES.has(r.type)) applyStatsEvent(memory, statsFields(r.id, r.body));
      }
      if (page.length < PAGE) break;
    }
    for (const statement of q.clear) await statement.run();
    // stats_withheld stays: the next answer must keep withholding what the last one did.
    await write(q, memory);
    await q.setProjection.run(STATS_PROJECTION_VERSION);
    return read;
  }

  return {
    apply,
    rebuild,
    async isCurrent() {
      return (await q.projection.get()) === STATS_PROJECTION_VERSION;
    },
    async statsCounters(course) {
      const counters = new Map<string, number>();
      for (const row of await q.counters.all(course)) {
        const r = fromRow(CounterRow, row, 'stats counter');
        counters.set(r.key, r.n);
      }
      return counters;
    },
    async medianAcceptSeconds(course) {
      const accepted = ((await q.counter.get(course, 'invites.accepted')) as number | undefined) ?? 0;
      if (accepted === 0) return null;
      // An index walk to the middle: the two middle values of an even count, the middle one of an odd.
      const middle = (await q.acceptSeconds.all(course, accepted % 2 === 0 ? 2 : 1, Math.floor((accepted - 1) / 2))) as number[];
      if (middle.length === 0) return null;
      return middle.reduce((a, b) => a + b, 0) / middle.length;
    },
    async withheldKeys(course) {
      const text = (await q.withheld.get(course)) as string | undefined;
      return new Set(text === undefined ? [] : fromJson(z.array(z.string()), text, 'withheld stats keys'));
    },
    async setWithheldKeys(course, keys) {
      await q.setWithheld.run(course, JSON.stringify(keys));
    },
  };
}
