/*
 * The one seam between the store's SQL and a database driver (issue 5): the
 * statements of sql-*.ts are written once, in the SQL that SQLite and
 * PostgreSQL share, and run through this small interface. Where the two
 * dialects differ, a statement gives both texts.
 */

export type Dialect = 'sqlite' | 'postgres';

/**
 * A statement's text, the same for both databases or one per dialect.
 * `planEachTime`: PostgreSQL plans it for each call's parameters instead of
 * keeping one plan, for statements that take a list of keys: a plan kept from
 * when a table was empty (a fresh database) scans the whole table, and grows
 * slower with every row, until something makes PostgreSQL plan it again.
 */
export type SqlText = string | { readonly sqlite: string; readonly postgres: string; readonly planEachTime?: boolean };

/**
 * Parameters as better-sqlite3 takes them: positional (`?`), or one plain
 * object for named ones (`@name`).
 */
export type SqlParams = unknown[];

export interface SqlStatement {
  /** The first row (or, plucked, the first column of it), or undefined when there is none. */
  get(...params: SqlParams): Promise<unknown>;
  all(...params: SqlParams): Promise<unknown[]>;
  /** Runs a write; `changes` is how many rows it inserted, updated or deleted. */
  run(...params: SqlParams): Promise<{ changes: number }>;
  /** The same statement answering the first column of each row instead of the row. */
  pluck(): SqlStatement;
}

export interface SqlDb {
  readonly dialect: Dialect;
  prepare(text: SqlText): SqlStatement;
  /** Runs statements without parameters (several, separated by semicolons). */
  exec(text: string): Promise<void>;
}

export function textFor(text: SqlText, dialect: Dialect): string {
  return typeof text === 'string' ? text : text[dialect];
}

/**
 * PostgreSQL's numbered placeholders for a statement written with `?` or
 * `@name`: the text with `$1…$n`, and the parameter names in order (null
 * for positional). Quoted strings and identifiers are left alone.
 */
export function numberPlaceholders(text: string): { text: string; names: string[] | null } {
  let out = '';
  let position = 0;
  const names: string[] = [];
  let named: boolean | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error(`sql: unterminated quote in ${text}`);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '?') {
      if (named === true) throw new Error(`sql: both ? and @name in ${text}`);
      named = false;
      out += `$${++position}`;
    } else if (c === '@' && /[a-z_]/i.test(text[i + 1] ?? '')) {
      if (named === false) throw new Error(`sql: both ? and @name in ${text}`);
      named = true;
      const name = /^[a-z_][a-z0-9_]*/i.exec(text.slice(i + 1))![0];
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      out += `$${index + 1}`;
      i += name.length;
    } else {
      out += c;
    }
  }
  return { text: out, names: named ? names : null };
}

/** The values for numbered placeholders, from the parameters as the statement was called with them. */
export function orderedValues(names: string[] | null, params: SqlParams, text: string): unknown[] {
  if (names === null) return params;
  const bag = params[0];
  if (params.length !== 1 || bag === null || typeof bag !== 'object') throw new Error(`sql: named parameters expected for ${text}`);
  return names.map((name) => {
    if (!(name in bag)) throw new Error(`sql: missing parameter @${name} for ${text}`);
    return (bag as Record<string, unknown>)[name];
  });
}
