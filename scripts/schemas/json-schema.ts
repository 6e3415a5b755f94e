/**
 * The protocol's zod/mini schemas as JSON Schema (draft 2020-12), with zod 4's
 * `z.toJSONSchema`.
 *
 * The protocol checks strings and numbers with refines (`pattern()`, `text()`,
 * `integer()` in src/protocol/codes.ts) rather than zod's own checks, and
 * `z.toJSONSchema` drops every refine silently: a UUID would come out as a
 * bare `{"type": "string"}`. The `override` below puts them back:
 *
 * - named schemas (Uuid, IsoTime, InviteCode, CourseId, PeerId, LanguageTag,
 *   IsoDate, and the code lists) get their exact `pattern` (and a `format`
 *   where JSON Schema has one: `uuid`, `date-time`, `date`), by identity;
 * - the helpers' refines are recognised by their messages: "expected an
 *   integer from A to B" → `type: integer` with `minimum`/`maximum`;
 *   "expected A to B characters" → `minLength`/`maxLength`; "expected a
 *   number from A to B" → `minimum`/`maximum`; "expected A to B …, none
 *   repeated" on arrays → `minItems`/`maxItems`/`uniqueItems`;
 * - any other refine is listed in `lost` (the test fails on one, so a new
 *   refine cannot slip through unexported).
 *
 * What JSON Schema still cannot say (documented in the index's `notes`):
 * lengths count code points in JSON Schema but UTF-16 units in the endpoint
 * (a string of astral characters may pass the JSON Schema and be refused);
 * IsoTime's calendar check (no 30 February) is only in `format: date-time`,
 * which validators check only when told to.
 *
 * `io: 'input'` describes what the schemas accept: objects allow properties
 * they do not name (zod strips them), as clients must tolerate fields added by
 * later versions.
 */
import * as z from 'zod/mini';
import { CourseId, InviteCode, IsoTime, ModalityList, ObjectList, Uuid } from '../../src/protocol/codes.js';
import { LanguageTag } from '../../src/protocol/peers.js';
import { PeerId } from '../../src/protocol/requests.js';
import { IsoDate } from '../../src/protocol/stats.js';
import { CATALOGUE, type CatalogueEntry } from './schema-catalogue.js';

type Json = Record<string, unknown>;

const UUID_PATTERN =
  '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|0{8}(-0{4}){3}-0{12}|[fF]{8}(-[fF]{4}){3}-[fF]{12})$';

/** Exact JSON Schema for the protocol's named refined schemas (the patterns mirror src/protocol). */
const NAMED = new Map<z.ZodMiniType, Json>([
  [Uuid, { type: 'string', format: 'uuid', pattern: UUID_PATTERN }],
  [IsoTime, { type: 'string', format: 'date-time', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$' }],
  [InviteCode, { type: 'string', pattern: '^[A-Za-z0-9_-]{24}$' }],
  [CourseId, { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s<>"\'`]{1,200}$' }],
  [PeerId, { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^@]{1,200}$' }],
  [LanguageTag, { type: 'string', pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' }],
  [IsoDate, { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }],
  [ObjectList, { minItems: 1, uniqueItems: true }],
  [ModalityList, { minItems: 1, uniqueItems: true }],
]);

const SAFE = Number.MAX_SAFE_INTEGER;

/** JSON Schema keywords for one refine's message, or null when it is not one of the helpers'. */
function fromMessage(message: string, type: string): Json | null {
  let m: RegExpExecArray | null;
  if (type === 'number' && (m = /^expected an integer from (-?\d+) to (-?\d+)$/.exec(message))) {
    const [min, max] = [Number(m[1]), Number(m[2])];
    return { type: 'integer', ...(min > -SAFE ? { minimum: min } : {}), ...(max < SAFE ? { maximum: max } : {}) };
  }
  if (type === 'number' && (m = /^expected a number from (-?[\d.]+) to (-?[\d.]+)$/.exec(message))) {
    return { minimum: Number(m[1]), maximum: Number(m[2]) };
  }
  if (type === 'string' && (m = /^expected (\d+) to (\d+) characters$/.exec(message))) {
    return { minLength: Number(m[1]), maxLength: Number(m[2]) };
  }
  if (type === 'string' && (m = /^expected at least (\d+) characters$/.exec(message))) {
    return { minLength: Number(m[1]) };
  }
  if (type === 'array' && (m = /^expected (\d+) to (\d+) [^,]+?(, none repeated)?$/.exec(message))) {
    return { minItems: Number(m[1]), maxItems: Number(m[2]), ...(m[3] ? { uniqueItems: true } : {}) };
  }
  if (type === 'array' && message === 'expected at least one code, none repeated') {
    return { minItems: 1, uniqueItems: true };
  }
  return null;
}

interface ZodInternals {
  _zod: { def: { type: string; checks?: { _zod: { def: { check: string; error?: (issue: unknown) => unknown } } }[] } };
}

/** One schema as JSON Schema, with the refines it could not express appended to `lost`. */
export function toJsonSchema(schema: z.ZodMiniType, lost: string[] = [], where = ''): Json {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const zod = ctx.zodSchema as unknown as ZodInternals;
      const json = ctx.jsonSchema as Json;
      const named = NAMED.get(ctx.zodSchema as unknown as z.ZodMiniType);
      if (named) {
        Object.assign(json, named);
        return;
      }
      for (const check of zod._zod.def.checks ?? []) {
        if (check._zod.def.check !== 'custom') continue;
        const message = String(check._zod.def.error?.({}) ?? '');
        const keywords = fromMessage(message, zod._zod.def.type);
        if (keywords) Object.assign(json, keywords);
        else lost.push(`${where}: ${zod._zod.def.type} refine "${message || '(no message)'}"`);
      }
    },
  }) as Json;
}

export const SCHEMA_BASE_ID = 'https://tandem.example.org/schema/';

export interface SchemaExport {
  /** File name (`<Name>.json`) → its JSON Schema. */
  files: Map<string, Json>;
  /** `index.json`: every schema with its kind, description and routes. */
  index: Json;
  /** Refines that no JSON Schema keyword expresses (should stay empty). */
  lost: string[];
}

export const NOTES = [
  'Generated from the zod/mini schemas of src/protocol with z.toJSONSchema (draft 2020-12, io: input): what the reference endpoint accepts and answers.',
  'Objects allow properties they do not name: the endpoint ignores unknown request fields, and clients must ignore reply fields added by later versions.',
  'The protocol checks strings and numbers with refines, which z.toJSONSchema drops; the export restores them as pattern, format, minLength/maxLength, minimum/maximum, minItems/maxItems/uniqueItems and type: integer.',
  'Lengths: JSON Schema counts characters (code points), the endpoint counts UTF-16 units, so a string of astral characters (emoji) near a maximum may pass the JSON Schema and still be refused.',
  'IsoTime: the pattern checks the shape; the calendar (no 30 February, no 24:00) is only in format: date-time, which a validator checks only with format validation on. Uuid carries format: uuid and an exact pattern (versions 1-8, the nil and max UUIDs).',
  'Rules that are not about one value are in the README only: idempotency (a known id with another body is 409 id_conflict), a refused events batch stores nothing, a learner token may only name its own course, small counts are null in CourseStats.',
];

/** Every catalogue schema as JSON Schema, plus the index. */
export function buildSchemaExport(catalogue: readonly CatalogueEntry[] = CATALOGUE): SchemaExport {
  const files = new Map<string, Json>();
  const lost: string[] = [];
  for (const entry of catalogue) {
    const json = toJsonSchema(entry.schema, lost, entry.name);
    const { $schema, ...rest } = json;
    files.set(`${entry.name}.json`, {
      $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
      $id: `${SCHEMA_BASE_ID}${entry.name}.json`,
      title: entry.name,
      description: entry.description,
      ...rest,
    });
  }
  const index = {
    title: 'Tandem endpoint API (/v1): JSON Schemas',
    notes: NOTES,
    schemas: catalogue.map((entry) => ({
      name: entry.name,
      file: `${entry.name}.json`,
      kind: entry.kind,
      description: entry.description,
      routes: entry.routes,
      ...(entry.local ? { source: 'composed in scripts/schemas/schema-catalogue.ts from src/protocol parts' } : { source: 'src/protocol' }),
    })),
  };
  return { files, index, lost };
}
