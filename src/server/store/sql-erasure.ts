import { randomUUID } from 'node:crypto';
import type { SqlDb, SqlText } from './sql.js';
import * as z from 'zod/mini';
import { Modality, ObjectCode } from '../../protocol/codes.js';
import type { LearnerExport } from '../../protocol/learner-data.js';
import { canonicalJson } from '../validation.js';
import { fromJson, fromRow } from './sql-rows.js';
import type { StoreTx } from './store.js';

/*
 * The SQLite side of exporting and erasing one learner's data (issue 5,
 * "Hardening"). Erasure replaces the learner's id by a pseudonym in every
 * record that must stay for others (events, groups' memberships, invites and
 * requests, reports, pool outcomes, the stats' state) and deletes what is
 * theirs alone (name, profiles, notes, blocks, forum interactions, report
 * they wrote, notifications for them not yet sent). A tombstone keeps a keyed
 * hash of the id (an HMAC under the server's secret, so a guessed id cannot be
 * checked against it) and the time, so that tokens issued and events made
 * before the erasure are not taken again.
 */

type ErasureTx = Pick<StoreTx, 'learnerExport' | 'eraseLearner' | 'tombstones' | 'activeGroupsOfLearner'>;


/** Fields of stored JSON (events, notifications) that hold a learner's id. */
const ID_FIELDS = new Set(['learner', 'inviter', 'sender', 'recipient', 'reporter', 'peer', 'id']);

/**
 * A copy of `value` with `learner` replaced by `pseudonym` wherever a field
 * holding an id has it, and the display name beside such an id erased.
 * `changed` says whether anything named them.
 */
export function pseudonymise(value: unknown, learner: string, pseudonym: string): { value: unknown; changed: boolean } {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    const record = v as Record<string, unknown>;
    const namesThem = record.id === learner;
    const theirReport = record.reporter === learner;
    for (const [key, field] of Object.entries(record)) {
      if (key === 'details' && theirReport) {
        changed = true; // what they wrote goes with them
      } else if (ID_FIELDS.has(key) && field === learner) {
        out[key] = pseudonym;
        changed = true;
      } else if (key === 'name' && namesThem) {
        out[key] = '';
      } else {
        out[key] = walk(field);
      }
    }
    return out;
  };
  const result = walk(value);
  return { value: result, changed };
}

/** A statement finding a substring with SQLite's instr(), and with PostgreSQL's strpos(), which takes the same arguments. */
function bothDialects(sqlite: string): SqlText {
  return { sqlite, postgres: sqlite.replaceAll('instr(', 'strpos(') };
}

const Text = z.string();
const NullableText = z.nullable(z.string());
const toTombstone = (row: unknown) => {
  const r = fromRow(z.object({ id_hash: Text, erased_at: Text }), row, 'tombstone');
  return { key: r.id_hash, at: r.erased_at };
};
const Codes = z.array(z.string());

export function createErasureTx(db: SqlDb): ErasureTx {
  const q = {
    name: db.prepare('SELECT name FROM learners WHERE id = ?').pluck(),
    courses: db.prepare(
      `SELECT course FROM course_learners WHERE learner = @learner
       UNION SELECT course FROM peer_profiles WHERE learner = @learner
       UNION SELECT course FROM forum_interactions WHERE a = @learner OR b = @learner ORDER BY 1`,
    ),
    profiles: db.prepare('SELECT course, profile, opted_in_at FROM peer_profiles WHERE learner = ? ORDER BY course'),
    memberships: db.prepare(
      `SELECT m.group_id, g.course, m.relationship, m.note, m.joined_at, m.left_at
       FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.learner = ? ORDER BY m.joined_at, m.id`,
    ),
    invites: db.prepare(
      `SELECT id, course, CASE WHEN inviter = @learner THEN 'inviter' ELSE 'invitee' END AS role, relationship, objects, modalities,
              status, created_at, answered_at
       FROM invites WHERE inviter = @learner OR answered_by = @learner ORDER BY created_at, id`,
    ),
    requests: db.prepare(
      `SELECT id, course, CASE WHEN sender = @learner THEN 'sender' ELSE 'recipient' END AS role,
              CASE WHEN sender = @learner THEN recipient ELSE sender END AS peer, status, objects, modalities, created_at, answered_at
       FROM peer_requests WHERE sender = @learner OR recipient = @learner ORDER BY created_at, id`,
    ),
    blocks: db.prepare('SELECT blocked, created_at FROM blocks WHERE blocker = ? ORDER BY created_at'),
    reports: db.prepare('SELECT id, course, peer, reason, details, created_at FROM reports WHERE reporter = ? ORDER BY created_at'),
    forum: db.prepare(
      `SELECT course, CASE WHEN a = @learner THEN b ELSE a END AS other, count FROM forum_interactions WHERE a = @learner OR b = @learner ORDER BY course, other`,
    ),
    ownEvents: db.prepare('SELECT body FROM events WHERE learner = ? ORDER BY seq').pluck(),
    activeGroups: db.prepare(
      `SELECT g.* FROM groups g JOIN memberships m ON m.group_id = g.id
       WHERE m.learner = ? AND m.left_at IS NULL AND g.dissolved_at IS NULL ORDER BY g.created_at, g.id`,
    ),
    eventsNaming: db.prepare(bothDialects('SELECT seq, learner, body FROM events WHERE learner = @learner OR instr(body, @needle) > 0')),
    rewriteEvent: db.prepare('UPDATE events SET learner = ?, body = ? WHERE seq = ?'),
    deliveriesNaming: db.prepare(bothDialects('SELECT id, status, body FROM webhook_deliveries WHERE instr(body, ?) > 0')),
    statementsNaming: db.prepare(bothDialects('SELECT id, course, status, attempts, next_attempt_at, body FROM xapi_statements WHERE instr(body, ?) > 0')),
    requeueStatement: db.prepare(
      `UPDATE xapi_statements SET id = ?, body = ?, status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL, finished_at = NULL
       WHERE id = ?`,
    ),
    rewriteDelivery: db.prepare('UPDATE webhook_deliveries SET body = ? WHERE id = ?'),
    deleteDelivery: db.prepare('DELETE FROM webhook_deliveries WHERE id = ?'),
    tombstone: db.prepare('INSERT INTO erased_learners (id_hash, erased_at) VALUES (?, ?) ON CONFLICT (id_hash) DO UPDATE SET erased_at = excluded.erased_at'),
    tombstones: db.prepare('SELECT id_hash, erased_at FROM erased_learners'),
    // (ISO times of one format, so compared as text.)
    tombstonesSince: db.prepare('SELECT id_hash, erased_at FROM erased_learners WHERE erased_at >= ?'),
    poolOutcomes: db.prepare('SELECT run, course, outcome, group_id, at FROM pool_outcomes WHERE learner = ? ORDER BY at'),
  };
  /** Statements run in order by erasure, each with (learner, pseudonym, now) bound by name. */
  const erasure = [
    // What is theirs alone.
    'DELETE FROM learners WHERE id = @learner',
    'DELETE FROM peer_profiles WHERE learner = @learner',
    'DELETE FROM course_learners WHERE learner = @learner',
    'DELETE FROM moderation WHERE learner = @learner',
    'DELETE FROM forum_interactions WHERE a = @learner OR b = @learner',
    'DELETE FROM blocks WHERE blocker = @learner OR blocked = @learner',
    // What stays for others, under the pseudonym.
    "UPDATE invites SET status = 'cancelled', answered_at = @now WHERE inviter = @learner AND status = 'pending'",
    'UPDATE invites SET inviter = @pseudonym WHERE inviter = @learner',
    'UPDATE invites SET answered_by = @pseudonym WHERE answered_by = @learner',
    "UPDATE peer_requests SET status = 'cancelled', answered_at = @now WHERE (sender = @learner OR recipient = @learner) AND status = 'pending'",
    'UPDATE peer_requests SET sender = @pseudonym WHERE sender = @learner',
    'UPDATE peer_requests SET recipient = @pseudonym WHERE recipient = @learner',
    'UPDATE memberships SET learner = @pseudonym, note = NULL WHERE learner = @learner',
    'UPDATE commands SET learner = @pseudonym WHERE learner = @learner',
    'UPDATE reports SET reporter = @pseudonym, details = NULL WHERE reporter = @learner',
    // A report about them is the reporter's evidence for staff: it stays, naming the pseudonym.
    'UPDATE reports SET peer = @pseudonym WHERE peer = @learner',
    'UPDATE pool_outcomes SET learner = @pseudonym WHERE learner = @learner',
    'UPDATE stats_learners SET learner = @pseudonym WHERE learner = @learner',
  ].map((sql) => ({ statement: db.prepare(sql), deletes: sql.startsWith('DELETE') }));

  return {
    async learnerExport(learner) {
      const rows = <T extends z.ZodMiniType>(schema: T, list: unknown[], what: string) => list.map((r) => fromRow(schema, r, what));
      return {
        learner,
        exportedAt: '', // set by the caller
        name: ((await q.name.get(learner)) as string | undefined) ?? null,
        courses: rows(z.object({ course: Text }), (await q.courses.all({ learner })), 'course').map((r) => r.course),
        profiles: rows(z.object({ course: Text, profile: Text, opted_in_at: Text }), (await q.profiles.all(learner)), 'profile').map((r) => ({
          course: r.course,
          profile: fromJson(z.unknown(), r.profile, 'profile'),
          optedInAt: r.opted_in_at,
        })),
        memberships: rows(
          z.object({ group_id: Text, course: Text, relationship: Text, note: NullableText, joined_at: Text, left_at: NullableText }),
          (await q.memberships.all(learner)),
          'membership',
        ).map((r) => ({ group: r.group_id, course: r.course, relationship: r.relationship, note: r.note, joinedAt: r.joined_at, leftAt: r.left_at })),
        invites: rows(
          z.object({ id: Text, course: Text, role: Text, relationship: Text, objects: Text, modalities: Text, status: Text, created_at: Text, answered_at: NullableText }),
          (await q.invites.all({ learner })),
          'invite',
        ).map((r) => ({
          id: r.id,
          course: r.course,
          role: r.role,
          relationship: r.relationship,
          objects: fromJson(Codes, r.objects, 'invite objects'),
          modalities: fromJson(Codes, r.modalities, 'invite modalities'),
          status: r.status,
          createdAt: r.created_at,
          answeredAt: r.answered_at,
        })),
        requests: rows(
          z.object({ id: Text, course: Text, role: Text, peer: Text, status: Text, objects: Text, modalities: Text, created_at: Text, answered_at: NullableText }),
          (await q.requests.all({ learner })),
          'request',
        ).map((r) => ({
          id: r.id,
          course: r.course,
          role: r.role,
          peer: r.peer,
          status: r.status,
          objects: fromJson(Codes, r.objects, 'request objects'),
          modalities: fromJson(Codes, r.modalities, 'request modalities'),
          createdAt: r.created_at,
          answeredAt: r.answered_at,
        })),
        blocks: rows(z.object({ blocked: Text, created_at: Text }), (await q.blocks.all(learner)), 'block').map((r) => ({ blocked: r.blocked, at: r.created_at })),
        reports: rows(
          z.object({ id: Text, course: Text, peer: Text, reason: Text, details: NullableText, created_at: Text }),
          (await q.reports.all(learner)),
          'report',
        ).map((r) => ({ id: r.id, course: r.course, peer: r.peer, reason: r.reason, details: r.details, createdAt: r.created_at })),
        forumInteractions: rows(z.object({ course: Text, other: Text, count: z.number() }), (await q.forum.all({ learner })), 'forum interaction').map((r) => ({
          course: r.course,
          with: r.other,
          count: r.count,
        })),
        poolOutcomes: rows(z.object({ run: Text, course: Text, outcome: Text, group_id: NullableText, at: Text }), (await q.poolOutcomes.all(learner)), 'pool outcome').map(
          (r) => ({ run: r.run, course: r.course, outcome: r.outcome, group: r.group_id, at: r.at }),
        ),
        events: ((await q.ownEvents.all(learner)) as string[]).map((body) => fromJson(z.unknown(), body, 'event')),
      } as LearnerExport;
    },

    async activeGroupsOfLearner(learner) {
      const Row = z.object({ id: Text, course: Text, objects: Text, modalities: Text, size: z.number(), created_at: Text, dissolved_at: NullableText });
      return (await q.activeGroups.all(learner)).map((row) => {
        const r = fromRow(Row, row, 'group row');
        return {
          id: r.id,
          course: r.course,
          objects: fromJson(z.array(ObjectCode), r.objects, 'group objects'),
          modalities: fromJson(z.array(Modality), r.modalities, 'group modalities'),
          size: r.size,
          createdAt: r.created_at,
          dissolvedAt: r.dissolved_at,
        };
      });
    },

    async eraseLearner(learner, pseudonym, now, key) {
      const needle = JSON.stringify(learner);
      let eventsPseudonymised = 0;
      for (const row of (await q.eventsNaming.all({ learner, needle }))) {
        const r = fromRow(z.object({ seq: z.number(), learner: Text, body: Text }), row, 'event row');
        const { value, changed } = pseudonymise(fromJson(z.unknown(), r.body, 'event'), learner, pseudonym);
        if (!changed && r.learner !== learner) continue; // the id only appeared as some other value
        await q.rewriteEvent.run(r.learner === learner ? pseudonym : r.learner, canonicalJson(value), r.seq);
        eventsPseudonymised++;
      }
      let recordsDeleted = 0;
      for (const row of (await q.deliveriesNaming.all(needle))) {
        const r = fromRow(z.object({ id: Text, status: Text, body: Text }), row, 'webhook delivery row');
        const parsed = fromJson(z.unknown(), r.body, 'notification');
        const { value, changed } = pseudonymise(parsed, learner, pseudonym);
        if (!changed) continue;
        // News for them, not sent yet: nobody is left to tell. Anything else is kept (and sent) without them.
        const forThem = (parsed as { learner?: unknown } | null)?.learner === learner;
        if (r.status === 'pending' && forThem) {
          await q.deleteDelivery.run(r.id);
          recordsDeleted++;
        } else {
          await q.rewriteDelivery.run(JSON.stringify(value), r.id);
        }
      }
      // xAPI statements name learners as account names and in extensions, as whole JSON strings: each becomes the
      // pseudonym, sent or not (a pending one is sent so, about nobody); those the LRS already has are voided.
      // Whatever the LRS may have received (sent, given up, tried, or leased by a send in flight) is voided there,
      // and every statement naming them goes again as a copy under a new id with the pseudonym: the record of what
      // happened stays in the LRS, about nobody.
      const deliveredStatements: Array<{ id: string; course: string }> = [];
      for (const row of (await q.statementsNaming.all(needle))) {
        const r = fromRow(
          z.object({ id: Text, course: Text, status: Text, attempts: z.number(), next_attempt_at: Text, body: Text }),
          row,
          'xAPI statement row',
        );
        const text = r.body.split(needle).join(JSON.stringify(pseudonym));
        if (text === r.body) continue;
        const mayHaveReached = r.status !== 'pending' || r.attempts > 0 || Date.parse(r.next_attempt_at) > Date.parse(now);
        if (mayHaveReached) deliveredStatements.push({ id: r.id, course: r.course });
        const copy = { ...(fromJson(z.record(z.string(), z.unknown()), text, 'xAPI statement') as Record<string, unknown>), id: randomUUID() };
        await q.requeueStatement.run(copy.id, JSON.stringify(copy), now, r.id);
      }
      for (const { statement, deletes } of erasure) {
        const info = await statement.run({ learner, pseudonym, now });
        if (deletes) recordsDeleted += info.changes;
      }
      await q.tombstone.run(key, now);
      return { eventsPseudonymised, recordsDeleted, deliveredStatements };
    },

    async tombstones(since) {
      return (await (since === undefined ? q.tombstones.all() : q.tombstonesSince.all(since))).map(toTombstone);
    },

  };
}
