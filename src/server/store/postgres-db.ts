import { createHash } from 'node:crypto';
import pg from 'pg';
import { numberPlaceholders, orderedValues, textFor, type SqlDb, type SqlStatement, type SqlText } from './sql.js';

/**
 * node-postgres behind the store's SQL seam (sql.ts). Each statement is a
 * named prepared statement, parsed once per connection, except those planned
 * for each call (`planEachTime`), sent unnamed. Values come back as
 * SQLite gives them, so that one set of row schemas reads both: BIGINT and
 * NUMERIC as numbers (counts and sums stay far below 2^53), booleans as 1 or 0.
 */
const INT8 = 20;
const NUMERIC = 1700;
const BOOL = 16;

export const POSTGRES_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    if (oid === BOOL) return (value: string) => (value === 't' ? 1 : 0);
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

/** `client` is the connection of the transaction running now (see postgres-store.ts). */
export function postgresDb(client: () => pg.ClientBase): SqlDb {
  const wrap = (text: string, names: string[] | null, name: string | null, plucked: boolean): SqlStatement => {
    const query = async (params: unknown[]) =>
      client().query({ ...(name ? { name } : {}), text, values: orderedValues(names, params, text), ...(plucked ? { rowMode: 'array' as const } : {}) });
    return {
      async get(...params) {
        const { rows } = await query(params);
        const row = rows[0] as unknown;
        return plucked && row !== undefined ? (row as unknown[])[0] : row;
      },
      async all(...params) {
        const { rows } = await query(params);
        return plucked ? rows.map((row) => (row as unknown[])[0]) : rows;
      },
      async run(...params) {
        return { changes: (await query(params)).rowCount ?? 0 };
      },
      pluck() {
        return plucked ? this : wrap(text, names, name && `${name}p`, true);
      },
    };
  };
  return {
    dialect: 'postgres',
    prepare(source: SqlText) {
      const { text, names } = numberPlaceholders(textFor(source, 'postgres'));
      const planEachTime = typeof source !== 'string' && source.planEachTime === true;
      return wrap(text, names, planEachTime ? null : `t${createHash('sha256').update(text).digest('hex').slice(0, 20)}`, false);
    },
    async exec(text) {
      await client().query(text);
    },
  };
}
