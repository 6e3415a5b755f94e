import * as z from 'zod/mini';
import { MODALITIES, OBJECTS, PCHM_RELATIONSHIPS, RELATIONSHIPS } from '../core/typology.js';

/** The code table is the contract: these are the only values schemas accept. */
export const Relationship = z.enum(RELATIONSHIPS);
export const PchmRelationship = z.enum(PCHM_RELATIONSHIPS);
export const ObjectCode = z.enum(OBJECTS);
export const Modality = z.enum(MODALITIES);

/* @__NO_SIDE_EFFECTS__ */
function uniqueNonEmpty<T extends z.ZodMiniType<string>>(item: T) {
  return z.array(item).check(
    z.refine((list: readonly string[]) => list.length > 0 && new Set(list).size === list.length, {
      error: 'expected at least one code, none repeated',
    }),
  );
}

export const ObjectList = uniqueNonEmpty(ObjectCode);
export const ModalityList = uniqueNonEmpty(Modality);

// Strings and numbers are checked with refines rather than zod's own checks
// (z.uuid(), z.iso.datetime(), z.regex(), z.minLength(), z.int()…): the same
// values pass, with messages of our own ("expected a UUID"), and the widget's
// bundle carries one kind of check instead of a dozen.

/** A string matching `re`; `expected` completes the message "expected …". */
/* @__NO_SIDE_EFFECTS__ */
export function pattern(re: RegExp, expected: string) {
  return z.string().check(z.refine((value: string) => re.test(value), { error: `expected ${expected}` }));
}

/** A string of `min` to `max` characters (UTF-16 units, as z.minLength and z.maxLength count them) drawn from `chars`. */
/* @__NO_SIDE_EFFECTS__ */
export function text(min: number, max: number | '', chars = '[\\s\\S]', expected = max === '' ? `at least ${min} characters` : `${min} to ${max} characters`) {
  return pattern(new RegExp(`^${chars}{${min},${max}}$`), expected);
}

/** A safe integer from `min` to `max`: what z.number() with z.int(), z.gte() and z.lte() accepts. */
/* @__NO_SIDE_EFFECTS__ */
export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return z.number().check(
    z.refine((n: number) => Number.isSafeInteger(n) && n >= min && n <= max, { error: `expected an integer from ${min} to ${max}` }),
  );
}

/** A course id as platforms write them (Open edX `course-v1:Org+Num+Run`, Moodle numbers, slugs). */
export const CourseId = text(1, 200, '[^\\s<>"\'`]', 'a course id: 1 to 200 characters, no spaces, quotes or angle brackets');
/** A learner's pseudonymous id, the token's `sub`. */
export const LearnerId = text(1, 200);
export const DisplayName = text(1, 120);
/** Any RFC 9562 UUID (versions 1-8, the variant bits set), or the nil and max UUIDs: what z.uuid() accepts. */
export const Uuid = pattern(
  /^([\da-f]{8}-[\da-f]{4}-[1-8][\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}|0{8}(-0{4}){3}-0{12}|f{8}(-f{4}){3}-f{12})$/i,
  'a UUID',
);
/**
 * An ISO 8601 UTC time with seconds, `2025-03-01T09:30:00Z` or with a
 * fraction `…:00.123Z`, on a real calendar day (leap years included): what
 * z.iso.datetime() accepts. The regex checks the shape; the round trip
 * through Date checks the calendar and the clock (a 30 February or a 24:00
 * comes back as another instant), far smaller than a regex that knows them.
 */
export const IsoTime = z.string().check(
  z.refine(
    (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value) && new Date(Date.parse(value.slice(0, 19) + 'Z') || 0).toISOString().startsWith(value.slice(0, 19)),
    { error: 'expected an ISO time such as 2025-03-01T09:30:00Z' },
  ),
);
/** An invite code: 24 base64url characters (144 random bits). */
export const InviteCode = pattern(/^[A-Za-z0-9_-]{24}$/, 'an invite code of 24 base64url characters');
export const ContactNote = text(0, 200);
