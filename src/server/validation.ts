import type * as z from 'zod/mini';
import { en } from 'zod/locales';
import { ApiError } from './errors.js';

// English messages for schema failures, passed per parse rather than with a
// global z.config(), so the server never changes zod's behaviour for other code.
const englishErrors = en().localeError;

export type Parsed<T> = { ok: true; data: T } | { ok: false; path: string; message: string };

/** Parses `value`, describing the first issue by its dotted path and an English message. */
export function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown, prefix = ''): Parsed<z.infer<S>> {
  const result = schema.safeParse(value, { error: englishErrors });
  if (result.success) return { ok: true, data: result.data as z.infer<S> };
  const { path, message } = describe(result.error.issues);
  const segments = [prefix, ...path.map(String)].filter((s) => s !== '');
  return { ok: false, path: segments.join('.'), message };
}

/**
 * The first issue, by its full path. Commands and events are unions of
 * objects told apart by a one-value `type`; for those, the branch whose type
 * matched explains the failure best ("command.objects.0: …"), and when no
 * type matched, the `type` itself is what is wrong.
 */
function describe(issues: readonly z.core.$ZodIssue[], base: PropertyKey[] = []): { path: PropertyKey[]; message: string } {
  const issue = issues[0];
  if (!issue) return { path: base, message: 'Invalid input' };
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length) {
    const matched = issue.errors.find((branch) => !branch.some((i) => i.path[0] === 'type'));
    if (matched) return describe(matched, path);
    if (issue.errors.every((branch) => branch.some((i) => i.path[0] === 'type'))) {
      return { path: [...path, 'type'], message: 'Invalid input: unknown type' };
    }
  }
  return { path, message: issue.message };
}

/** Parses a request value or throws 400 bad_request naming the failing path. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const parsed = parseWith(schema, value, prefix);
  if (!parsed.ok) throw new ApiError('bad_request', parsed.message, parsed.path);
  return parsed.data;
}

/** JSON with object keys sorted at every level: equal values give equal text, for hashing and comparing bodies. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) {
      if (record[key] !== undefined) out[key] = sortKeys(record[key]);
    }
    return out;
  }
  return value;
}
