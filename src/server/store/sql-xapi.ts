import type { SqlDb } from './sql.js';
import * as z from 'zod/mini';
import { fromRow } from './sql-rows.js';
import type { StoreTx, XapiStatementRecord } from './store.js';

/*
 * The SQLite side of the xAPI forwarder (issue 5): the queue of statements for
 * the Learning Record Store (migration 7). Spread into the transaction object
 * of sqlite-store.ts; same rules: rows are parsed.
 */

type XapiTx = Pick<StoreTx, 'insertXapiStatement' | 'dueXapiStatements' | 'updateXapiStatement' | 'getXapiStatement'>;

const Text = z.string();
const NullableText = z.nullable(z.string());

const XapiRow = z.object({
  id: Text,
  course: Text,
  event_type: Text,
  body: Text,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  next_attempt_at: Text,
  last_error: NullableText,
  created_at: Text,
  finished_at: NullableText,
});

function toStatement(row: unknown): XapiStatementRecord {
  const r = fromRow(XapiRow, row, 'xAPI statement row');
  return {
    id: r.id,
    course: r.course,
    eventType: r.event_type,
    body: r.body,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export function createXapiTx(db: SqlDb): XapiTx {
  const q = {
    insert: db.prepare(
      `INSERT INTO xapi_statements (id, course, event_type, body, status, attempts, next_attempt_at, last_error, created_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // In the order the events were stored, so an LRS receives them in order when nothing fails.
    // (SQLite's rowid is the insertion order; PostgreSQL's table has a seq column for it, see migrations.ts.)
    due: db.prepare({
      sqlite: `SELECT * FROM xapi_statements WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?`,
      postgres: `SELECT * FROM xapi_statements WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, seq LIMIT ?`,
    }),
    update: db.prepare(
      `UPDATE xapi_statements SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, finished_at = ?
       WHERE id = ?`,
    ),
    get: db.prepare('SELECT * FROM xapi_statements WHERE id = ?'),
  };
  return {
    async insertXapiStatement(s) {
      await q.insert.run(s.id, s.course, s.eventType, s.body, s.status, s.attempts, s.nextAttemptAt, s.lastError, s.createdAt, s.finishedAt);
    },
    async dueXapiStatements(now, limit) {
      return (await q.due.all(now, limit)).map(toStatement);
    },
    async updateXapiStatement(id, p) {
      await q.update.run(p.status, p.attempts, p.nextAttemptAt, p.lastError, p.finishedAt, id);
    },
    async getXapiStatement(id) {
      const row = await q.get.get(id);
      return row === undefined ? null : toStatement(row);
    },
  };
}
