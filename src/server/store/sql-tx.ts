/*
 * The store's transaction object (StoreTx) over either database: the SQL both
 * SQLite and PostgreSQL run (sql.ts), prepared once per store, with the
 * discovery, xAPI, erasure and stats parts spread in from their own files.
 */
import * as z from 'zod/mini';
import { CommandResult } from '../../protocol/api.js';
import { Modality, ObjectCode, PchmRelationship, Relationship } from '../../protocol/codes.js';
import { EndpointCourseSettings as CourseSettings, PeerProfile, PeerProfileInput } from '../../protocol/peers.js';
import { fromJson, fromRow, orderedPair } from './sql-rows.js';
import { createDiscoveryTx, type RoundLocks } from './sql-discovery.js';
import { createErasureTx } from './sql-erasure.js';
import type { SqlStats } from './sql-stats.js';
import type { SqlDb } from './sql.js';
import { createXapiTx } from './sql-xapi.js';
import { STATS_EVENT_TYPES, statsFields, type StatsFields } from '../stats/stats-projection.js';
import type {
  CommandRecord,
  EventRecord,
  GroupRecord,
  InviteRecord,
  MemberRecord,
  OwnInviteRecord,
  PeerProfileRecord,
  StoreTx,
} from './store.js';

const Text = z.string();
const NullableText = z.nullable(z.string());

const InviteRow = z.object({
  id: Text,
  code: Text,
  course: Text,
  inviter: Text,
  relationship: PchmRelationship,
  objects: Text,
  modalities: Text,
  group_id: NullableText,
  status: z.enum(['pending', 'accepted', 'declined', 'cancelled']),
  created_at: Text,
  expires_at: Text,
  answered_by: NullableText,
  answered_at: NullableText,
});
const OwnInviteRow = z.extend(InviteRow, { answered_by_name: NullableText });

const GroupRow = z.object({
  id: Text,
  course: Text,
  objects: Text,
  modalities: Text,
  size: z.number(),
  created_at: Text,
  dissolved_at: NullableText,
});

const MemberRow = z.object({
  learner: Text,
  name: Text,
  relationship: Relationship,
  note: NullableText,
  joined_at: Text,
});

const CommandRow = z.object({
  id: Text,
  learner: Text,
  course: Text,
  hash: Text,
  result: Text,
  created_at: Text,
});

const EventRow = z.object({
  id: Text,
  type: Text,
  course: Text,
  learner: Text,
  time: Text,
  body: Text,
  source: z.enum(['client', 'server']),
  command: NullableText,
  received_at: Text,
});

const ProfileRow = z.object({ learner: Text, name: Text, profile: Text, opted_in_at: Text, note_hidden: z.number() });
const CountRow = z.object({ other: Text, count: z.number() });

const Objects = z.array(ObjectCode);
const Modalities = z.array(Modality);

function toInvite(row: unknown): InviteRecord {
  const r = fromRow(InviteRow, row, 'invite row');
  return {
    id: r.id,
    code: r.code,
    course: r.course,
    inviter: r.inviter,
    relationship: r.relationship,
    objects: fromJson(Objects, r.objects, 'invite objects'),
    modalities: fromJson(Modalities, r.modalities, 'invite modalities'),
    group: r.group_id,
    status: r.status,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    answeredBy: r.answered_by,
    answeredAt: r.answered_at,
  };
}

function toGroup(row: unknown): GroupRecord {
  const r = fromRow(GroupRow, row, 'group row');
  return {
    id: r.id,
    course: r.course,
    objects: fromJson(Objects, r.objects, 'group objects'),
    modalities: fromJson(Modalities, r.modalities, 'group modalities'),
    size: r.size,
    createdAt: r.created_at,
    dissolvedAt: r.dissolved_at,
  };
}

function toMember(row: unknown): MemberRecord {
  const r = fromRow(MemberRow, row, 'membership row');
  return { learner: r.learner, name: r.name, relationship: r.relationship, note: r.note, joinedAt: r.joined_at };
}

function toEvent(row: unknown): EventRecord {
  const r = fromRow(EventRow, row, 'event row');
  return {
    id: r.id,
    type: r.type,
    course: r.course,
    learner: r.learner,
    time: r.time,
    body: r.body,
    source: r.source,
    command: r.command,
    receivedAt: r.received_at,
  };
}

function toProfile(row: unknown): PeerProfileRecord {
  const r = fromRow(ProfileRow, row, 'profile row');
  // The JSON holds what the learner sent; the opt-in time is the column's.
  const sent = fromJson(PeerProfileInput, r.profile, 'profile');
  return {
    learner: r.learner,
    name: r.name,
    profile: fromRow(PeerProfile, { ...sent, optedInAt: r.opted_in_at }, 'profile'),
    noteHidden: r.note_hidden !== 0,
  };
}

/**
 * A store's transaction object, and what the group committer (group-commit.ts)
 * tells it around each transaction of a group, each in its own savepoint. The
 * stats of stored events are applied in one batch per group, just before its
 * COMMIT (`flush`), or earlier when a transaction reads the stats: a few reads
 * and writes for the whole group rather than for each request.
 */
export interface SqlTx {
  tx: StoreTx;
  /** A transaction starts (its savepoint was just taken). */
  begin(): void;
  /** The transaction succeeded: its events' stats are due with the group's. */
  settle(): void;
  /** The transaction was rolled back to its savepoint: its events are gone, and stats it applied for earlier ones too. */
  rollBack(): void;
  /** Applies the stats of every event stored and not yet applied, in the order they were stored. */
  flush(): Promise<void>;
  /** The whole group was rolled back: nothing is due. */
  reset(): void;
  /** Replays every stored event into empty stats tables (in a transaction of the group); returns how many it read. */
  rebuildStats(): Promise<number>;
}

/** Events given as a JSON array of rows, each an array of the columns (see eventRows), inserted: the FROM clause follows. */
const INSERT_EVENT_ROWS = `INSERT INTO events (id, type, course, learner, time, body, source, command, received_at)
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8`;

/** The statements of one open database, prepared once. */
export function createSqlTx(db: SqlDb, stats: SqlStats, roundLocks?: RoundLocks): SqlTx {
  /**
   * What the stats read of the group's earlier transactions' events (settled) and of the running one's (current),
   * not applied yet: each stored event is read once, when it is stored.
   */
  let settled: StatsFields[] = [];
  let current: StatsFields[] = [];
  /** Settled events applied while the running transaction ran: inside its savepoint, so due again if it rolls back. */
  let appliedInCurrent: StatsFields[] = [];
  const flush = async () => {
    const due = [...settled, ...current];
    if (due.length === 0) return;
    await stats.apply(due);
    appliedInCurrent.push(...settled);
    settled = [];
    current = [];
  };
  const q = {
    noteCourseLearner: db.prepare('INSERT INTO course_learners (course, learner, first_seen) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    upsertLearner: db.prepare(
      `INSERT INTO learners (id, name, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
       WHERE learners.name <> excluded.name`,
    ),
    learnerName: db.prepare('SELECT name FROM learners WHERE id = ?').pluck(),
    getSettings: db.prepare('SELECT body FROM course_settings WHERE course = ?').pluck(),
    listSettings: db.prepare('SELECT course, body FROM course_settings ORDER BY course'),
    putSettings: db.prepare(
      `INSERT INTO course_settings (course, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (course) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    ),
    getCommand: db.prepare('SELECT * FROM commands WHERE id = ?'),
    insertCommand: db.prepare(
      'INSERT INTO commands (id, learner, course, hash, result, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    getInvite: db.prepare('SELECT * FROM invites WHERE id = ?'),
    getInviteByCode: db.prepare('SELECT * FROM invites WHERE code = ?'),
    insertInvite: db.prepare(
      `INSERT INTO invites (id, code, course, inviter, relationship, objects, modalities, group_id, status,
         created_at, expires_at, answered_by, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    answerInvite: db.prepare(
      'UPDATE invites SET status = ?, answered_by = ?, answered_at = ?, group_id = ? WHERE id = ?',
    ),
    listOwnInvites: db.prepare(
      `SELECT invites.*, learners.name AS answered_by_name
       FROM invites LEFT JOIN learners ON learners.id = invites.answered_by
       WHERE invites.course = ? AND invites.inviter = ?
         AND ((invites.status = 'pending' AND invites.expires_at >= ?)
           OR (invites.status <> 'pending' AND invites.answered_at >= ?))
       ORDER BY invites.created_at DESC, invites.id`,
    ),
    getGroup: db.prepare('SELECT * FROM groups WHERE id = ?'),
    insertGroup: db.prepare(
      'INSERT INTO groups (id, course, objects, modalities, size, created_at, dissolved_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    dissolveGroup: db.prepare('UPDATE groups SET dissolved_at = ? WHERE id = ? AND dissolved_at IS NULL'),
    listGroupsOf: db.prepare(
      `SELECT groups.* FROM groups JOIN memberships ON memberships.group_id = groups.id
       WHERE groups.course = ? AND memberships.learner = ? AND memberships.left_at IS NULL
         AND groups.dissolved_at IS NULL
       ORDER BY groups.created_at, groups.id`,
    ),
    activeMembers: db.prepare(
      `SELECT memberships.learner, COALESCE(learners.name, memberships.learner) AS name,
              memberships.relationship, memberships.note, memberships.joined_at
       FROM memberships LEFT JOIN learners ON learners.id = memberships.learner
       WHERE memberships.group_id = ? AND memberships.left_at IS NULL
       ORDER BY memberships.joined_at, memberships.id`,
    ),
    addMember: db.prepare(
      'INSERT INTO memberships (group_id, learner, relationship, joined_at) VALUES (?, ?, ?, ?)',
    ),
    endMembership: db.prepare(
      'UPDATE memberships SET left_at = ?, note = NULL WHERE group_id = ? AND learner = ? AND left_at IS NULL',
    ),
    setNote: db.prepare('UPDATE memberships SET note = ? WHERE group_id = ? AND learner = ? AND left_at IS NULL'),
    getEvent: db.prepare('SELECT * FROM events WHERE id = ?'),
    insertNewEvents: db.prepare({
      sqlite: `${INSERT_EVENT_ROWS}
               FROM json_each(?)
               WHERE NOT EXISTS (SELECT 1 FROM erased_learners WHERE id_hash = ? AND julianday(erased_at) >= julianday(value ->> 4))
               ORDER BY key
               ON CONFLICT (id) DO NOTHING
               RETURNING id`,
      postgres: `${INSERT_EVENT_ROWS}
                 FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS batch(value, n)
                 WHERE NOT EXISTS (SELECT 1 FROM erased_learners WHERE id_hash = ? AND erased_at::timestamptz >= (value ->> 4)::timestamptz)
                 ORDER BY n
                 ON CONFLICT (id) DO NOTHING
                 RETURNING id`,
    }),
    knownEvents: db.prepare({
      sqlite: `SELECT 'event' AS kind, id AS key, body AS value FROM events WHERE id IN (SELECT value FROM json_each(?))
               UNION ALL SELECT 'erased', id_hash, erased_at FROM erased_learners WHERE id_hash IN (SELECT value FROM json_each(?))`,
      postgres: `SELECT 'event' AS kind, id AS key, body AS value FROM events WHERE id IN (SELECT json_array_elements_text(?::json))
                 UNION ALL SELECT 'erased', id_hash, erased_at FROM erased_learners WHERE id_hash IN (SELECT json_array_elements_text(?::json))`,
      planEachTime: true,
    }),
    // A batch of events, each a JSON array of its columns, in one statement stored in the order given.
    insertEvents: db.prepare({
      sqlite: `${INSERT_EVENT_ROWS}
               FROM json_each(?) ORDER BY key`,
      postgres: `${INSERT_EVENT_ROWS}
                 FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS batch(value, n)
                 ORDER BY n`,
    }),
    eventsOfCommand: db.prepare('SELECT * FROM events WHERE command = ? ORDER BY seq'),
    upsertProfile: db.prepare(
      `INSERT INTO peer_profiles (course, learner, profile, opted_in_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (course, learner) DO UPDATE SET profile = excluded.profile`,
    ),
    deleteProfile: db.prepare('DELETE FROM peer_profiles WHERE course = ? AND learner = ?'),
    getProfile: db.prepare(
      `SELECT peer_profiles.learner, COALESCE(learners.name, peer_profiles.learner) AS name,
              peer_profiles.profile, peer_profiles.opted_in_at, COALESCE(moderation.note_hidden, 0) AS note_hidden
       FROM peer_profiles LEFT JOIN learners ON learners.id = peer_profiles.learner
       LEFT JOIN moderation ON moderation.course = peer_profiles.course AND moderation.learner = peer_profiles.learner
       WHERE peer_profiles.course = ? AND peer_profiles.learner = ?`,
    ),
    listProfiles: db.prepare(
      `SELECT peer_profiles.learner, COALESCE(learners.name, peer_profiles.learner) AS name,
              peer_profiles.profile, peer_profiles.opted_in_at, COALESCE(moderation.note_hidden, 0) AS note_hidden
       FROM peer_profiles LEFT JOIN learners ON learners.id = peer_profiles.learner
       LEFT JOIN moderation ON moderation.course = peer_profiles.course AND moderation.learner = peer_profiles.learner
       WHERE peer_profiles.course = ?
       ORDER BY peer_profiles.learner`,
    ),
    addForumInteraction: db.prepare(
      `INSERT INTO forum_interactions (course, a, b, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (course, a, b) DO UPDATE SET count = forum_interactions.count + excluded.count`,
    ),
    forumCounts: db.prepare(
      `SELECT b AS other, count FROM forum_interactions WHERE course = ? AND a = ?
       UNION ALL
       SELECT a AS other, count FROM forum_interactions WHERE course = ? AND b = ?`,
    ),
    earlierPartners: db.prepare(
      `SELECT DISTINCT theirs.learner FROM memberships AS mine
       JOIN groups ON groups.id = mine.group_id
       JOIN memberships AS theirs ON theirs.group_id = mine.group_id
       WHERE mine.learner = ? AND groups.course <> ? AND theirs.learner <> mine.learner`,
    ).pluck(),
  };

  /**
   * A batch of events as the insert statements read it: one JSON array of rows, each an array of the columns. (On
   * PostgreSQL, jsonb costs both sides less than one array per column: JSON.stringify against node-postgres'
   * array quoting, jsonb's parser against the array one. Measured, issue 5.)
   */
  const eventRows = (events: readonly EventRecord[]): string =>
    JSON.stringify(events.map((e) => [e.id, e.type, e.course, e.learner, e.time, e.body, e.source, e.command, e.receivedAt]));
  /** Stored events whose stats are due with the group's. */
  const stored = (events: readonly EventRecord[]) => {
    for (const e of events) {
      if (!STATS_EVENT_TYPES.has(e.type)) continue;
      // Read now, so that an event the stats cannot read fails its own transaction, not its whole group later.
      current.push(statsFields(e.id, e.body));
    }
  };

  const tx: StoreTx = {
    async upsertLearner(id, name, now, course) {
      await q.upsertLearner.run(id, name, now);
      if (course !== undefined) await q.noteCourseLearner.run(course, id, now);
    },
    async learnerName(id) {
      const name: unknown = await q.learnerName.get(id);
      return typeof name === 'string' ? name : null;
    },
    async getCourseSettings(course) {
      const body = (await q.getSettings.get(course)) as string | undefined;
      return body === undefined ? null : fromJson(CourseSettings, body, `settings of ${course}`);
    },
    async putCourseSettings(course, settings, now) {
      await q.putSettings.run(course, JSON.stringify(settings), now);
    },
    async getCommand(id) {
      const row = await q.getCommand.get(id);
      if (row === undefined) return null;
      const r = fromRow(CommandRow, row, 'command row');
      return {
        id: r.id,
        learner: r.learner,
        course: r.course,
        hash: r.hash,
        result: fromJson(CommandResult, r.result, 'command result'),
        createdAt: r.created_at,
      } satisfies CommandRecord;
    },
    async insertCommand(c) {
      await q.insertCommand.run(c.id, c.learner, c.course, c.hash, JSON.stringify(c.result), c.createdAt);
    },
    async getInvite(id) {
      const row = await q.getInvite.get(id);
      return row === undefined ? null : toInvite(row);
    },
    async getInviteByCode(code) {
      const row = await q.getInviteByCode.get(code);
      return row === undefined ? null : toInvite(row);
    },
    async insertInvite(i) {
      await q.insertInvite.run(
        i.id,
        i.code,
        i.course,
        i.inviter,
        i.relationship,
        JSON.stringify(i.objects),
        JSON.stringify(i.modalities),
        i.group,
        i.status,
        i.createdAt,
        i.expiresAt,
        i.answeredBy,
        i.answeredAt,
      );
    },
    async answerInvite(id, a) {
      await q.answerInvite.run(a.status, a.answeredBy, a.answeredAt, a.group, id);
    },
    async listOwnInvites(course, inviter, since) {
      return (await q.listOwnInvites.all(course, inviter, since, since)).map((row): OwnInviteRecord => {
        const extra = fromRow(z.object({ answered_by_name: NullableText }), row, 'invite row');
        return { ...toInvite(row), answeredByName: extra.answered_by_name };
      });
    },
    async getGroup(id) {
      const row = await q.getGroup.get(id);
      return row === undefined ? null : toGroup(row);
    },
    async insertGroup(g) {
      await q.insertGroup.run(
        g.id,
        g.course,
        JSON.stringify(g.objects),
        JSON.stringify(g.modalities),
        g.size,
        g.createdAt,
        g.dissolvedAt,
      );
    },
    async dissolveGroup(id, now) {
      await q.dissolveGroup.run(now, id);
    },
    async listGroupsOf(course, learner) {
      return (await q.listGroupsOf.all(course, learner)).map(toGroup);
    },
    async activeMembers(group) {
      return (await q.activeMembers.all(group)).map(toMember);
    },
    async addMember(group, m) {
      await q.addMember.run(group, m.learner, m.relationship, m.joinedAt);
    },
    async endMembership(group, learner, now) {
      await q.endMembership.run(now, group, learner);
    },
    async setNote(group, learner, note) {
      await q.setNote.run(note, group, learner);
    },
    async getEvent(id) {
      const row = await q.getEvent.get(id);
      return row === undefined ? null : toEvent(row);
    },
    async knownEvents(ids, tombstoneKeys) {
      const found = { bodies: new Map<string, string>(), erasedAt: new Map<string, string>() };
      if (ids.length === 0 && tombstoneKeys.length === 0) return found;
      for (const row of await q.knownEvents.all(JSON.stringify(ids), JSON.stringify(tombstoneKeys))) {
        const r = fromRow(z.object({ kind: z.enum(['event', 'erased']), key: Text, value: Text }), row, 'event or tombstone row');
        (r.kind === 'event' ? found.bodies : found.erasedAt).set(r.key, r.value);
      }
      return found;
    },
    async insertEvents(events) {
      if (events.length === 0) return;
      await q.insertEvents.run(eventRows(events));
      stored(events);
    },
    async insertNewEvents(events, tombstoneKey) {
      if (events.length === 0) return new Set();
      const rows = await q.insertNewEvents.all(eventRows(events), tombstoneKey);
      const inserted = new Set(fromRow(z.array(z.object({ id: Text })), rows, 'event ids').map((r) => r.id));
      stored(events.filter((e) => inserted.has(e.id)));
      return inserted;
    },
    async eventsOfCommand(command) {
      return (await q.eventsOfCommand.all(command)).map(toEvent);
    },
    async upsertProfile(course, learner, profile) {
      const { optedInAt, ...sent } = profile;
      await q.upsertProfile.run(course, learner, JSON.stringify(sent), optedInAt);
      // Read back: an update keeps the first opt-in time.
      return toProfile((await q.getProfile.get(course, learner))).profile;
    },
    async deleteProfile(course, learner) {
      await q.deleteProfile.run(course, learner);
    },
    async getProfile(course, learner) {
      const row = await q.getProfile.get(course, learner);
      return row === undefined ? null : toProfile(row).profile;
    },
    async listProfiles(course) {
      return (await q.listProfiles.all(course)).map(toProfile);
    },
    async addForumInteraction(course, a, b, count) {
      const [first, second] = orderedPair(a, b);
      await q.addForumInteraction.run(course, first, second, count);
    },
    async forumCounts(course, learner) {
      const counts = new Map<string, number>();
      for (const row of (await q.forumCounts.all(course, learner, course, learner))) {
        const r = fromRow(CountRow, row, 'forum interaction row');
        counts.set(r.other, r.count);
      }
      return counts;
    },
    async earlierPartners(learner, excludingCourse) {
      return new Set(fromRow(z.array(Text), (await q.earlierPartners.all(learner, excludingCourse)), 'earlier partners'));
    },
    async listCourseSettings() {
      return (await q.listSettings.all()).map((row) => {
        const r = fromRow(z.object({ course: Text, body: Text }), row, 'settings row');
        return { course: r.course, settings: fromJson(CourseSettings, r.body, `settings of ${r.course}`) };
      });
    },
    ...createDiscoveryTx(db, roundLocks),
    ...createXapiTx(db),
    ...createErasureTx(db),
    // Stats read after events stored in the same transaction see them; an erasure rewrites the stats' rows too.
    async statsCounters(course) {
      await flush();
      return stats.statsCounters(course);
    },
    async medianAcceptSeconds(course) {
      await flush();
      return stats.medianAcceptSeconds(course);
    },
    withheldKeys: stats.withheldKeys,
    setWithheldKeys: stats.setWithheldKeys,
  };
  const eraseLearner = tx.eraseLearner;
  tx.eraseLearner = async (...args) => {
    await flush();
    return eraseLearner(...args);
  };
  return {
    tx,
    begin() {
      appliedInCurrent = [];
    },
    settle() {
      settled.push(...current);
      current = [];
      appliedInCurrent = [];
    },
    rollBack() {
      settled = [...appliedInCurrent, ...settled];
      current = [];
      appliedInCurrent = [];
    },
    flush,
    async rebuildStats() {
      // Events of the group not applied yet are replayed with the others: none is left due, or it would count twice.
      await flush();
      return stats.rebuild();
    },
    reset() {
      settled = [];
      current = [];
      appliedInCurrent = [];
    },
  };
}

