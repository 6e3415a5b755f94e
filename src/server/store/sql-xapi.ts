import type { SqlDb } from './sql.js';
import { createOutboxRows, type OutboxTable } from './sql-outbox.js';
import type { StoreTx } from './store.js';

/*
 * The store's side of the xAPI forwarder (issue 5): the queue of statements for
 * the Learning Record Store (migration 7), an outbox table (sql-outbox.ts).
 * Spread into the store's transaction object (sql-tx.ts).
 */

type XapiTx = Pick<StoreTx, 'insertXapiStatement' | 'dueXapiStatements' | 'updateXapiStatement' | 'getXapiStatement'>;

const XAPI_STATEMENTS: OutboxTable<'eventType'> = {
  name: 'xapi_statements',
  about: { column: 'event_type', field: 'eventType' },
  // In the order the events were stored, so an LRS receives them in order when nothing fails.
  // (SQLite's rowid is the insertion order; PostgreSQL's table has a seq column for it, see migrations.ts.)
  dueOrder: { sqlite: 'created_at, rowid', postgres: 'created_at, seq' },
  what: 'xAPI statement row',
};

export function createXapiTx(db: SqlDb): XapiTx {
  const statements = createOutboxRows(db, XAPI_STATEMENTS);
  return {
    insertXapiStatement: (statement) => statements.insert(statement),
    dueXapiStatements: (now, limit) => statements.due(now, limit),
    updateXapiStatement: (id, patch) => statements.update(id, patch),
    getXapiStatement: (id) => statements.get(id),
  };
}
