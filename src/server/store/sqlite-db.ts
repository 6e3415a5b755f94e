import type Database from 'better-sqlite3';
import { textFor, type SqlDb, type SqlStatement, type SqlText } from './sql.js';

/**
 * better-sqlite3 behind the store's SQL seam (sql.ts). Statements are
 * prepared once and run synchronously; the promises only fit the interface.
 */
export function sqliteDb(db: Database.Database): SqlDb {
  const wrap = (statement: Database.Statement, plucked: boolean): SqlStatement => ({
    async get(...params) {
      return statement.get(...params);
    },
    async all(...params) {
      return statement.all(...params);
    },
    async run(...params) {
      return { changes: statement.run(...params).changes };
    },
    pluck() {
      return plucked ? this : wrap(db.prepare(statement.source).pluck(), true);
    },
  });
  return {
    dialect: 'sqlite',
    prepare(text: SqlText) {
      return wrap(db.prepare(textFor(text, 'sqlite')), false);
    },
    async exec(text) {
      db.exec(text);
    },
  };
}
