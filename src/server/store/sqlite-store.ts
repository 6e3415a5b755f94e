import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as z from 'zod/mini';
import { CommandResult } from '../../protocol/api.js';
import { Modality, ObjectCode, PchmRelationship, Relationship } from '../../protocol/codes.js';
import { EndpointCourseSettings as CourseSettings, PeerProfile, PeerProfileInput } from '../../protocol/peers.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { fromJson, fromRow, orderedPair } from './sqlite-rows.js';
import { createDiscoveryTx } from './sqlite-discovery.js';
import { createErasureTx } from './sqlite-erasure.js';
import { createSqliteStats, type SqliteStats } from './sqlite-stats.js';
import { createXapiTx } from './sqlite-xapi.js';
import type {
  CommandRecord,
  EventRecord,
  GroupRecord,
  InviteRecord,
  MemberRecord,
  OwnInviteRecord,
  PeerProfileRecord,
  Store,
  StoreTx,
} from './store.js';

export const SQLITE_FILE_NAME = 'tandem.sqlite';

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

/** Brings the file's schema up to date (see migrations.ts). */
function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SQLITE_MIGRATIONS.length) {
    throw new Error(`sqlite: the data file is at schema ${current}, newer than this server (${SQLITE_MIGRATIONS.length})`);
  }
  for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

/** The statements of one open database, prepared once. */
function createTx(db: Database.Database, stats: SqliteStats): StoreTx {
  const q = {
    noteCourseLearner: db.prepare('INSERT OR IGNORE INTO course_learners (course, learner, first_seen) VALUES (?, ?, ?)'),
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
    insertEvent: db.prepare(
      `INSERT INTO events (id, type, course, learner, time, body, source, command, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
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
       ON CONFLICT (course, a, b) DO UPDATE SET count = count + excluded.count`,
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

  // Methods are synchronous underneath; they return promises to fit the
  // adapter-neutral interface (PostgreSQL's driver is asynchronous).
  return {
    async upsertLearner(id, name, now, course) {
      q.upsertLearner.run(id, name, now);
      if (course !== undefined) q.noteCourseLearner.run(course, id, now);
    },
    async learnerName(id) {
      const name: unknown = q.learnerName.get(id);
      return typeof name === 'string' ? name : null;
    },
    async getCourseSettings(course) {
      const body = q.getSettings.get(course) as string | undefined;
      return body === undefined ? null : fromJson(CourseSettings, body, `settings of ${course}`);
    },
    async putCourseSettings(course, settings, now) {
      q.putSettings.run(course, JSON.stringify(settings), now);
    },
    async getCommand(id) {
      const row = q.getCommand.get(id);
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
      q.insertCommand.run(c.id, c.learner, c.course, c.hash, JSON.stringify(c.result), c.createdAt);
    },
    async getInvite(id) {
      const row = q.getInvite.get(id);
      return row === undefined ? null : toInvite(row);
    },
    async getInviteByCode(code) {
      const row = q.getInviteByCode.get(code);
      return row === undefined ? null : toInvite(row);
    },
    async insertInvite(i) {
      q.insertInvite.run(
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
      q.answerInvite.run(a.status, a.answeredBy, a.answeredAt, a.group, id);
    },
    async listOwnInvites(course, inviter, since) {
      return q.listOwnInvites.all(course, inviter, since, since).map((row): OwnInviteRecord => {
        const extra = fromRow(z.object({ answered_by_name: NullableText }), row, 'invite row');
        return { ...toInvite(row), answeredByName: extra.answered_by_name };
      });
    },
    async getGroup(id) {
      const row = q.getGroup.get(id);
      return row === undefined ? null : toGroup(row);
    },
    async insertGroup(g) {
      q.insertGroup.run(
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
      q.dissolveGroup.run(now, id);
    },
    async listGroupsOf(course, learner) {
      return q.listGroupsOf.all(course, learner).map(toGroup);
    },
    async activeMembers(group) {
      return q.activeMembers.all(group).map(toMember);
    },
    async addMember(group, m) {
      q.addMember.run(group, m.learner, m.relationship, m.joinedAt);
    },
    async endMembership(group, learner, now) {
      q.endMembership.run(now, group, learner);
    },
    async setNote(group, learner, note) {
      q.setNote.run(note, group, learner);
    },
    async getEvent(id) {
      const row = q.getEvent.get(id);
      return row === undefined ? null : toEvent(row);
    },
    async insertEvent(e) {
      q.insertEvent.run(e.id, e.type, e.course, e.learner, e.time, e.body, e.source, e.command, e.receivedAt);
      stats.apply(e);
    },
    async eventsOfCommand(command) {
      return q.eventsOfCommand.all(command).map(toEvent);
    },
    async upsertProfile(course, learner, profile) {
      const { optedInAt, ...sent } = profile;
      q.upsertProfile.run(course, learner, JSON.stringify(sent), optedInAt);
      // Read back: an update keeps the first opt-in time.
      return toProfile(q.getProfile.get(course, learner)).profile;
    },
    async deleteProfile(course, learner) {
      q.deleteProfile.run(course, learner);
    },
    async getProfile(course, learner) {
      const row = q.getProfile.get(course, learner);
      return row === undefined ? null : toProfile(row).profile;
    },
    async listProfiles(course) {
      return q.listProfiles.all(course).map(toProfile);
    },
    async addForumInteraction(course, a, b, count) {
      const [first, second] = orderedPair(a, b);
      q.addForumInteraction.run(course, first, second, count);
    },
    async forumCounts(course, learner) {
      const counts = new Map<string, number>();
      for (const row of q.forumCounts.all(course, learner, course, learner)) {
        const r = fromRow(CountRow, row, 'forum interaction row');
        counts.set(r.other, r.count);
      }
      return counts;
    },
    async earlierPartners(learner, excludingCourse) {
      return new Set(fromRow(z.array(Text), q.earlierPartners.all(learner, excludingCourse), 'earlier partners'));
    },
    async listCourseSettings() {
      return q.listSettings.all().map((row) => {
        const r = fromRow(z.object({ course: Text, body: Text }), row, 'settings row');
        return { course: r.course, settings: fromJson(CourseSettings, r.body, `settings of ${r.course}`) };
      });
    },
    ...createDiscoveryTx(db),
    ...createXapiTx(db),
    ...createErasureTx(db),
    statsCounters: stats.statsCounters,
    medianAcceptSeconds: stats.medianAcceptSeconds,
    withheldKeys: stats.withheldKeys,
    setWithheldKeys: stats.setWithheldKeys,
  };
}

/**
 * The embedded store: one SQLite file under the data folder, in WAL mode with
 * synchronous=FULL, so a COMMIT has reached the disk (WAL fsynced) before a
 * request is answered; NORMAL would be safe against a process crash but could
 * lose the last commits on power loss, and an acknowledged write must survive both.
 */
export function openSqliteStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const stats = createSqliteStats(db);
  stats.ensureCurrent();
  const tx = createTx(db, stats);

  // One connection serves every request, and transactions await between
  // statements, so they are queued: two interleaved on one connection would
  // see each other's uncommitted writes. Transactions that queue up while
  // others run are committed together (group commit, issue 5): one BEGIN
  // IMMEDIATE … COMMIT holds the group, each transaction runs in a savepoint
  // of its own (one that fails is rolled back alone and refused, as before),
  // and each caller is answered only after the COMMIT that holds its writes
  // has reached the disk: one fsync for the group instead of one per request.
  interface Queued {
    work: (tx: StoreTx) => Promise<unknown>;
    resolve: (value: unknown) => void;
    reject: (reason: unknown) => void;
  }
  /** A group takes at most this many transactions, and waits for late arrivals at most this long before its COMMIT. */
  const MAX_GROUP = 64;
  const MAX_GROUP_MS = 10;
  const pending: Queued[] = [];
  let draining: Promise<void> | null = null;
  let closed = false;
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function drain(): Promise<void> {
    try {
      while (pending.length > 0) {
        // Let the requests that arrived in the same turn of the event loop queue up first.
        await nextTurn();
        await runGroup();
      }
    } finally {
      draining = null;
    }
  }

  async function runGroup(): Promise<void> {
    if (closed) {
      for (const item of pending.splice(0)) item.reject(new Error('sqlite: the store is closed'));
      return;
    }
    let item = pending.shift();
    if (item === undefined) return;
    const taken: Queued[] = [item];
    const done: { item: Queued; result: unknown }[] = [];
    const started = performance.now();
    try {
      db.exec('BEGIN IMMEDIATE'); // if the file stays locked (busy_timeout), the first caller is refused, as before
      for (;;) {
        db.exec('SAVEPOINT tandem_tx');
        try {
          const result = await item.work(tx);
          db.exec('RELEASE tandem_tx');
          done.push({ item, result });
        } catch (err) {
          if (!db.inTransaction) throw err; // SQLite rolled the whole transaction back (disk full, I/O error)
          db.exec('ROLLBACK TO tandem_tx');
          db.exec('RELEASE tandem_tx');
          item.reject(err);
        }
        if (taken.length >= MAX_GROUP) break;
        item = pending.shift();
        if (item === undefined) {
          // Requests that reach the queue while the group runs join it before its COMMIT.
          if (performance.now() - started >= MAX_GROUP_MS) break;
          await nextTurn();
          item = pending.shift();
          if (item === undefined) break;
        }
        taken.push(item);
      }
      db.exec('COMMIT');
    } catch (err) {
      // Nothing of the group is stored: every caller in it not yet answered is refused.
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const item of taken) item.reject(err);
      return;
    }
    for (const d of done) d.item.resolve(d.result);
  }

  function transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('sqlite: the store is closed'));
    return new Promise<T>((resolve, reject) => {
      pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      draining ??= drain();
    });
  }

  return {
    kind: 'sqlite',
    transaction,
    rebuildStats: () => transaction(async () => stats.rebuild()),
    async close() {
      while (draining) await draining;
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
