import type { SqlDb } from './sql.js';
import * as z from 'zod/mini';
import { Modality, ObjectCode } from '../../protocol/codes.js';
import { PeerReason } from '../../protocol/peers.js';
import { ReportReason, RequestOrigin, RequestStatus } from '../../protocol/requests.js';
import { createOutboxRows, type OutboxTable } from './sql-outbox.js';
import { fromJson, fromRow } from './sql-rows.js';
import type {
  NamedRequestRecord,
  PeerRequestRecord,
  PoolOutcomeRecord,
  PoolRunRecord,
  ReportRecord,
  StoreTx,
} from './store.js';

/*
 * The SQLite side of part 2 (issue 3): requests between learners, blocks,
 * reports, hidden notes, webhook deliveries and pool rounds. Spread into the
 * transaction object of sqlite-store.ts; same rules: rows are parsed.
 */

type DiscoveryTx = Pick<
  StoreTx,
  | 'setNoteHidden'
  | 'insertRequest'
  | 'getRequest'
  | 'answerRequest'
  | 'pendingRequest'
  | 'countPendingOut'
  | 'countSentSince'
  | 'lastDeclined'
  | 'knownInCourse'
  | 'countPendingIn'
  | 'listIncoming'
  | 'listOutgoing'
  | 'cancelRequestsBetween'
  | 'addBlock'
  | 'removeBlock'
  | 'listBlocks'
  | 'blockedEitherWay'
  | 'blocksAmong'
  | 'insertReport'
  | 'getReport'
  | 'listReports'
  | 'insertWebhook'
  | 'dueWebhooks'
  | 'updateWebhook'
  | 'getWebhook'
  | 'startPoolRun'
  | 'finishPoolRun'
  | 'getPoolRun'
  | 'latestPoolRun'
  | 'failRunningPoolRuns'
  | 'insertPoolOutcome'
  | 'forumPairs'
  | 'earlierPartnerPairs'
  | 'groupedLearners'
  | 'latestPoolOutcome'
>;

const Text = z.string();
const NullableText = z.nullable(z.string());
const NullableCount = z.nullable(z.number());

const RequestRow = z.object({
  id: Text,
  course: Text,
  sender: Text,
  recipient: Text,
  origin: RequestOrigin,
  relationship: z.enum(['this-mooc', 'earlier-mooc']),
  objects: Text,
  modalities: Text,
  group_id: NullableText,
  status: RequestStatus,
  hash: Text,
  created_at: Text,
  answered_at: NullableText,
});

const ReportRow = z.object({
  id: Text,
  course: Text,
  reporter: Text,
  peer: Text,
  reason: ReportReason,
  details: NullableText,
  hash: Text,
  created_at: Text,
});

const PoolRunRow = z.object({
  id: Text,
  course: Text,
  seed: z.number(),
  trigger: z.enum(['api', 'schedule']),
  status: z.enum(['running', 'done', 'failed']),
  started_at: Text,
  finished_at: NullableText,
  candidates: NullableCount,
  groups: NullableCount,
  matched: NullableCount,
  unmatched: NullableCount,
  error: NullableText,
});

const PoolOutcomeRow = z.object({
  run: Text,
  course: Text,
  learner: Text,
  outcome: z.enum(['matched', 'no-match']),
  group_id: NullableText,
  reasons: Text,
  at: Text,
});

/** Webhook deliveries (an outbox table, sql-outbox.ts), sent in the order they fall due. */
const WEBHOOK_DELIVERIES: OutboxTable<'type'> = {
  name: 'webhook_deliveries',
  about: { column: 'type', field: 'type' },
  dueOrder: 'next_attempt_at, created_at, id',
  what: 'webhook row',
};

const Objects = z.array(ObjectCode);
const Modalities = z.array(Modality);
const Reasons = z.array(PeerReason);

function toRequest(row: unknown): PeerRequestRecord {
  const r = fromRow(RequestRow, row, 'request row');
  return {
    id: r.id,
    course: r.course,
    sender: r.sender,
    recipient: r.recipient,
    origin: r.origin,
    relationship: r.relationship,
    objects: fromJson(Objects, r.objects, 'request objects'),
    modalities: fromJson(Modalities, r.modalities, 'request modalities'),
    group: r.group_id,
    status: r.status,
    hash: r.hash,
    createdAt: r.created_at,
    answeredAt: r.answered_at,
  };
}

function toNamedRequest(row: unknown): NamedRequestRecord {
  const names = fromRow(z.object({ sender_name: Text, recipient_name: Text }), row, 'request row');
  return { ...toRequest(row), senderName: names.sender_name, recipientName: names.recipient_name };
}

function toReport(row: unknown): ReportRecord {
  const r = fromRow(ReportRow, row, 'report row');
  return {
    id: r.id,
    course: r.course,
    reporter: r.reporter,
    peer: r.peer,
    reason: r.reason,
    details: r.details,
    hash: r.hash,
    createdAt: r.created_at,
  };
}

function toPoolRun(row: unknown): PoolRunRecord {
  const r = fromRow(PoolRunRow, row, 'pool run row');
  return {
    id: r.id,
    course: r.course,
    seed: r.seed,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    candidates: r.candidates,
    groups: r.groups,
    matched: r.matched,
    unmatched: r.unmatched,
    error: r.error,
  };
}

function toPoolOutcome(row: unknown): PoolOutcomeRecord {
  const r = fromRow(PoolOutcomeRow, row, 'pool outcome row');
  return {
    run: r.run,
    course: r.course,
    learner: r.learner,
    outcome: r.outcome,
    group: r.group_id,
    reasons: fromJson(Reasons, r.reasons, 'pool outcome reasons'),
    at: r.at,
  };
}

const NAMED_REQUESTS = `
  SELECT peer_requests.*,
         COALESCE(s.name, peer_requests.sender) AS sender_name,
         COALESCE(r.name, peer_requests.recipient) AS recipient_name
  FROM peer_requests
  LEFT JOIN learners AS s ON s.id = peer_requests.sender
  LEFT JOIN learners AS r ON r.id = peer_requests.recipient`;

/** The first key of the advisory locks held by the PostgreSQL process running a pool round (the second is a hash of its id). */
export const POOL_LOCK_SPACE = 7_235_100;

/**
 * The locks a process holds on the pool rounds it runs, on PostgreSQL (postgres-store.ts: session locks on a
 * connection of their own, released when the process ends, whichever of its connections ran the round's
 * transactions). None on SQLite, whose file one process writes.
 */
export interface RoundLocks {
  hold(run: string): Promise<void>;
  release(run: string): Promise<void>;
}

export function createDiscoveryTx(db: SqlDb, roundLocks?: RoundLocks): DiscoveryTx {
  const webhooks = createOutboxRows(db, WEBHOOK_DELIVERIES);
  const q = {
    hasProfile: db.prepare('SELECT 1 FROM peer_profiles WHERE course = ? AND learner = ?').pluck(),
    setNoteHidden: db.prepare(
      `INSERT INTO moderation (course, learner, note_hidden) VALUES (?, ?, ?)
       ON CONFLICT (course, learner) DO UPDATE SET note_hidden = excluded.note_hidden`,
    ),
    countSentSince: db.prepare('SELECT COUNT(*) FROM peer_requests WHERE course = ? AND sender = ? AND created_at >= ?').pluck(),
    lastDeclined: db.prepare(
      `SELECT MAX(answered_at) FROM peer_requests WHERE course = ? AND sender = ? AND recipient = ? AND status = 'declined'`,
    ).pluck(),
    knownInCourse: db.prepare(
      `SELECT EXISTS (SELECT 1 FROM course_learners WHERE course = @course AND learner = @learner)
           OR EXISTS (SELECT 1 FROM peer_profiles WHERE course = @course AND learner = @learner)
           OR EXISTS (SELECT 1 FROM forum_interactions WHERE course = @course AND (a = @learner OR b = @learner))`,
    ).pluck(),
    insertRequest: db.prepare(
      `INSERT INTO peer_requests (id, course, sender, recipient, origin, relationship, objects, modalities,
         group_id, status, hash, created_at, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getRequest: db.prepare(`${NAMED_REQUESTS} WHERE peer_requests.id = ?`),
    answerRequest: db.prepare('UPDATE peer_requests SET status = ?, answered_at = ?, group_id = ? WHERE id = ?'),
    pendingRequest: db.prepare(
      `SELECT * FROM peer_requests WHERE course = ? AND sender = ? AND recipient = ? AND status = 'pending'`,
    ),
    countPendingOut: db.prepare(
      `SELECT COUNT(*) FROM peer_requests WHERE course = ? AND sender = ? AND status = 'pending'`,
    ).pluck(),
    countPendingIn: db.prepare(
      `SELECT COUNT(*) FROM peer_requests WHERE course = ? AND recipient = ? AND status = 'pending'`,
    ).pluck(),
    listIncoming: db.prepare(
      `${NAMED_REQUESTS} WHERE peer_requests.course = ? AND peer_requests.recipient = ? AND peer_requests.status = 'pending'
       ORDER BY peer_requests.created_at, peer_requests.id`,
    ),
    listOutgoing: db.prepare(
      `${NAMED_REQUESTS} WHERE peer_requests.course = ? AND peer_requests.sender = ?
         AND (peer_requests.status = 'pending' OR peer_requests.answered_at >= ?)
       ORDER BY peer_requests.created_at DESC, peer_requests.id`,
    ),
    pendingBetween: db.prepare(
      `SELECT * FROM peer_requests WHERE status = 'pending'
         AND ((sender = ? AND recipient = ?) OR (sender = ? AND recipient = ?))`,
    ),
    addBlock: db.prepare('INSERT INTO blocks (blocker, blocked, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    removeBlock: db.prepare('DELETE FROM blocks WHERE blocker = ? AND blocked = ?'),
    listBlocks: db.prepare(
      `SELECT blocks.blocked AS id, COALESCE(learners.name, blocks.blocked) AS name, blocks.created_at AS at
       FROM blocks LEFT JOIN learners ON learners.id = blocks.blocked
       WHERE blocks.blocker = ? ORDER BY blocks.created_at, blocks.blocked`,
    ),
    blockedEitherWay: db.prepare(
      'SELECT blocked FROM blocks WHERE blocker = ? UNION SELECT blocker FROM blocks WHERE blocked = ?',
    ).pluck(),
    blocksAmong: db.prepare(
      `SELECT blocks.blocker, blocks.blocked FROM blocks
       JOIN peer_profiles AS a ON a.course = ? AND a.learner = blocks.blocker
       JOIN peer_profiles AS b ON b.course = ? AND b.learner = blocks.blocked`,
    ),
    insertReport: db.prepare(
      'INSERT INTO reports (id, course, reporter, peer, reason, details, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getReport: db.prepare('SELECT * FROM reports WHERE id = ?'),
    listReports: db.prepare('SELECT * FROM reports WHERE course = ? ORDER BY created_at DESC, id'),
    startPoolRun: db.prepare(
      `INSERT INTO pool_runs (id, course, seed, trigger, status, started_at, finished_at, candidates, groups, matched, unmatched, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    finishPoolRun: db.prepare(
      `UPDATE pool_runs SET status = ?, finished_at = ?, candidates = ?, groups = ?, matched = ?, unmatched = ?, error = ?
       WHERE id = ? AND status = 'running'`,
    ),
    getPoolRun: db.prepare('SELECT * FROM pool_runs WHERE id = ?'),
    latestPoolRun: db.prepare('SELECT * FROM pool_runs WHERE course = ? ORDER BY started_at DESC, id LIMIT 1'),
    // With several processes on one PostgreSQL database, a round is left running only by a process that stopped: the one
    // running it holds an advisory lock named after it (poolRunLock), which its connection's end releases.
    failRunningPoolRuns: db.prepare({
      sqlite: `UPDATE pool_runs SET status = 'failed', finished_at = ?, error = ? WHERE status = 'running'`,
      postgres: `UPDATE pool_runs SET status = 'failed', finished_at = ?, error = ?
                 WHERE status = 'running' AND pg_try_advisory_xact_lock(${POOL_LOCK_SPACE}, hashtext(id))`,
    }),
    insertPoolOutcome: db.prepare(
      'INSERT INTO pool_outcomes (run, course, learner, outcome, group_id, reasons, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    forumPairs: db.prepare('SELECT a, b, count FROM forum_interactions WHERE course = ? ORDER BY a, b'),
    earlierPartnerPairs: db.prepare(
      `SELECT DISTINCT mine.learner AS a, theirs.learner AS b
       FROM peer_profiles AS pa
       JOIN memberships AS mine ON mine.learner = pa.learner
       JOIN groups ON groups.id = mine.group_id AND groups.course <> pa.course
       JOIN memberships AS theirs ON theirs.group_id = mine.group_id AND theirs.learner > mine.learner
       JOIN peer_profiles AS pb ON pb.course = pa.course AND pb.learner = theirs.learner
       WHERE pa.course = ?
       ORDER BY a, b`,
    ),
    groupedLearners: db.prepare(
      `SELECT DISTINCT memberships.learner FROM memberships JOIN groups ON groups.id = memberships.group_id
       WHERE groups.course = ? AND groups.dissolved_at IS NULL AND memberships.left_at IS NULL`,
    ).pluck(),
    latestPoolOutcome: db.prepare(
      'SELECT * FROM pool_outcomes WHERE course = ? AND learner = ? ORDER BY at DESC, run LIMIT 1',
    ),
  };
  const count = (value: unknown): number => fromRow(z.number(), value, 'count');

  return {
    async setNoteHidden(course, learner, hidden) {
      // Only for a learner with a profile; kept apart from it, so opting out and in again keeps it.
      if ((await q.hasProfile.get(course, learner)) === undefined) return false;
      await q.setNoteHidden.run(course, learner, hidden ? 1 : 0);
      return true;
    },
    async countSentSince(course, sender, since) {
      return count((await q.countSentSince.get(course, sender, since)));
    },
    async lastDeclined(course, sender, recipient) {
      return fromRow(NullableText, (await q.lastDeclined.get(course, sender, recipient)), 'request row');
    },
    async knownInCourse(course, learner) {
      return count((await q.knownInCourse.get({ course, learner }))) === 1;
    },
    async insertRequest(r) {
      await q.insertRequest.run(
        r.id,
        r.course,
        r.sender,
        r.recipient,
        r.origin,
        r.relationship,
        JSON.stringify(r.objects),
        JSON.stringify(r.modalities),
        r.group,
        r.status,
        r.hash,
        r.createdAt,
        r.answeredAt,
      );
    },
    async getRequest(id) {
      const row = await q.getRequest.get(id);
      return row === undefined ? null : toNamedRequest(row);
    },
    async answerRequest(id, a) {
      await q.answerRequest.run(a.status, a.answeredAt, a.group, id);
    },
    async pendingRequest(course, sender, recipient) {
      const row = await q.pendingRequest.get(course, sender, recipient);
      return row === undefined ? null : toRequest(row);
    },
    async countPendingOut(course, sender) {
      return count((await q.countPendingOut.get(course, sender)));
    },
    async countPendingIn(course, recipient) {
      return count((await q.countPendingIn.get(course, recipient)));
    },
    async listIncoming(course, recipient) {
      return (await q.listIncoming.all(course, recipient)).map(toNamedRequest);
    },
    async listOutgoing(course, sender, since) {
      return (await q.listOutgoing.all(course, sender, since)).map(toNamedRequest);
    },
    async cancelRequestsBetween(a, b, now) {
      const pending = (await q.pendingBetween.all(a, b, b, a)).map(toRequest);
      for (const r of pending) await q.answerRequest.run('cancelled', now, r.group, r.id);
      return pending;
    },
    async addBlock(blocker, blocked, now) {
      await q.addBlock.run(blocker, blocked, now);
    },
    async removeBlock(blocker, blocked) {
      await q.removeBlock.run(blocker, blocked);
    },
    async listBlocks(blocker) {
      return fromRow(z.array(z.object({ id: Text, name: Text, at: Text })), (await q.listBlocks.all(blocker)), 'block rows');
    },
    async blockedEitherWay(learner) {
      return new Set(fromRow(z.array(Text), (await q.blockedEitherWay.all(learner, learner)), 'block rows'));
    },
    async blocksAmong(course) {
      const rows = fromRow(z.array(z.object({ blocker: Text, blocked: Text })), (await q.blocksAmong.all(course, course)), 'block rows');
      return rows.map((r): [string, string] => [r.blocker, r.blocked]);
    },
    async insertReport(r) {
      await q.insertReport.run(r.id, r.course, r.reporter, r.peer, r.reason, r.details, r.hash, r.createdAt);
    },
    async getReport(id) {
      const row = await q.getReport.get(id);
      return row === undefined ? null : toReport(row);
    },
    async listReports(course) {
      return (await q.listReports.all(course)).map(toReport);
    },
    insertWebhook: (delivery) => webhooks.insert(delivery),
    dueWebhooks: (now, limit) => webhooks.due(now, limit),
    updateWebhook: (id, patch) => webhooks.update(id, patch),
    getWebhook: (id) => webhooks.get(id),
    async startPoolRun(r) {
      const { changes } = await q.startPoolRun.run(
        r.id,
        r.course,
        r.seed,
        r.trigger,
        r.status,
        r.startedAt,
        r.finishedAt,
        r.candidates,
        r.groups,
        r.matched,
        r.unmatched,
        r.error,
      );
      // Held by this process until the round is finished: see failRunningPoolRuns.
      if (changes > 0) await roundLocks?.hold(r.id);
      return changes > 0;
    },
    async finishPoolRun(id, p) {
      const { changes } = await q.finishPoolRun.run(p.status, p.finishedAt, p.candidates, p.groups, p.matched, p.unmatched, p.error, id);
      await roundLocks?.release(id);
      return changes > 0;
    },
    async getPoolRun(id) {
      const row = await q.getPoolRun.get(id);
      return row === undefined ? null : toPoolRun(row);
    },
    async latestPoolRun(course) {
      const row = await q.latestPoolRun.get(course);
      return row === undefined ? null : toPoolRun(row);
    },
    async failRunningPoolRuns(now, error) {
      return (await q.failRunningPoolRuns.run(now, error)).changes;
    },
    async insertPoolOutcome(o) {
      await q.insertPoolOutcome.run(o.run, o.course, o.learner, o.outcome, o.group, JSON.stringify(o.reasons), o.at);
    },
    async forumPairs(course) {
      const rows = fromRow(z.array(z.object({ a: Text, b: Text, count: z.number() })), (await q.forumPairs.all(course)), 'forum rows');
      return rows.map((r): [string, string, number] => [r.a, r.b, r.count]);
    },
    async earlierPartnerPairs(course) {
      const rows = fromRow(z.array(z.object({ a: Text, b: Text })), (await q.earlierPartnerPairs.all(course)), 'partner rows');
      return rows.map((r): [string, string] => [r.a, r.b]);
    },
    async groupedLearners(course) {
      return new Set(fromRow(z.array(Text), (await q.groupedLearners.all(course)), 'membership rows'));
    },
    async latestPoolOutcome(course, learner) {
      const row = await q.latestPoolOutcome.get(course, learner);
      return row === undefined ? null : toPoolOutcome(row);
    },
  };
}
