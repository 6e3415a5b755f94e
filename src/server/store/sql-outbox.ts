import * as z from 'zod/mini';
import type { SqlDb, SqlText } from './sql.js';
import { fromRow } from './sql-rows.js';
import type { OutboxPatch, OutboxRecord } from './store.js';

/*
 * The SQL of an outbox table, written once for both: webhook_deliveries
 * (migration 3) and xapi_statements (migration 7) have the same columns but
 * the one naming what a row is about (`type`, `event_type`), and only their
 * send order differs. The tables stay as their migrations made them; rows are
 * parsed, as everywhere in the store.
 */

const Text = z.string();
const NullableText = z.nullable(z.string());

/** One outbox table, as its migration made it. */
export interface OutboxTable<Field extends string> {
  name: string;
  /** The column naming what a row is about (its type, for the log), and the record's field for it. */
  about: { column: string; field: Field };
  /** What follows ORDER BY in the due rows' query: the order they are sent in (per dialect where they differ). */
  dueOrder: SqlText;
  /** The rows' name in the error about an unreadable one. */
  what: string;
}

/** An outbox record with its table's `about` field. */
export type OutboxRecordOf<Field extends string> = OutboxRecord & { [K in Field]: string };

/** The four operations the dispatcher and the queueing code need on one outbox table. */
export interface OutboxRows<R extends OutboxRecord> {
  insert(row: R): Promise<void>;
  /** Pending rows due at `now`, in the table's send order. */
  due(now: string, limit: number): Promise<R[]>;
  update(id: string, patch: OutboxPatch): Promise<void>;
  get(id: string): Promise<R | null>;
}

/** A row as read by `select` below: the `about` column under that name, whichever table. */
const OutboxRow = z.object({
  id: Text,
  course: Text,
  about: Text,
  body: Text,
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  next_attempt_at: Text,
  last_error: NullableText,
  created_at: Text,
  finished_at: NullableText,
});

function orderedBy(order: SqlText, query: (order: string) => string): SqlText {
  return typeof order === 'string' ? query(order) : { sqlite: query(order.sqlite), postgres: query(order.postgres) };
}

export function createOutboxRows<Field extends string>(db: SqlDb, table: OutboxTable<Field>): OutboxRows<OutboxRecordOf<Field>> {
  const { name, about } = table;
  const select = `SELECT id, course, ${about.column} AS about, body, status, attempts, next_attempt_at, last_error, created_at, finished_at
    FROM ${name}`;
  const q = {
    insert: db.prepare(
      `INSERT INTO ${name} (id, course, ${about.column}, body, status, attempts, next_attempt_at, last_error, created_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    due: db.prepare(orderedBy(table.dueOrder, (order) => `${select} WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY ${order} LIMIT ?`)),
    update: db.prepare(
      `UPDATE ${name} SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, finished_at = ?
       WHERE id = ?`,
    ),
    get: db.prepare(`${select} WHERE id = ?`),
  };

  function toRecord(row: unknown): OutboxRecordOf<Field> {
    const r = fromRow(OutboxRow, row, table.what);
    // In the order of the columns, as the records were always built.
    return {
      id: r.id,
      course: r.course,
      [about.field]: r.about,
      body: r.body,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
    } as OutboxRecordOf<Field>;
  }

  return {
    async insert(r) {
      await q.insert.run(r.id, r.course, r[about.field], r.body, r.status, r.attempts, r.nextAttemptAt, r.lastError, r.createdAt, r.finishedAt);
    },
    async due(now, limit) {
      return (await q.due.all(now, limit)).map(toRecord);
    },
    async update(id, p) {
      await q.update.run(p.status, p.attempts, p.nextAttemptAt, p.lastError, p.finishedAt, id);
    },
    async get(id) {
      const row = await q.get.get(id);
      return row === undefined ? null : toRecord(row);
    },
  };
}
