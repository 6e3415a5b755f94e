import type * as z from 'zod/mini';
import { parseWith } from '../validation.js';

/** Rows are a boundary too: a damaged row fails loudly instead of reaching a learner half-read. */
export function fromRow<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = parseWith(schema, value);
  if (!parsed.ok) throw new Error(`sqlite: unreadable ${what} (${parsed.path}: ${parsed.message})`);
  return parsed.data;
}

export function fromJson<S extends z.ZodMiniType>(schema: S, text: string, what: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`sqlite: ${what} is not JSON`);
  }
  return fromRow(schema, value, what);
}

/**
 * The canonical order of a pair, as SQLite's BINARY collation compares TEXT
 * (UTF-8 bytes), so the table's CHECK (a < b) holds for any ids; JavaScript's
 * `<` compares UTF-16 units and disagrees on some astral characters.
 */
export function orderedPair(a: string, b: string): [string, string] {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0 ? [a, b] : [b, a];
}
