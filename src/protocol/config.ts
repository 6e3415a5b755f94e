import * as z from 'zod/mini';
import { CourseId, pattern, text } from './codes.js';

/**
 * An absolute http(s) URL the browser can parse, with no whitespace (what
 * z.url({protocol: /^https?$/}) accepts, minus its silent trimming: the
 * resolver trims attributes, and a URL with a line break inside is a typo).
 * A refine, not z.url(), to keep the URL format machinery out of the bundle.
 */
const HttpUrl = z.string().check(z.refine((value) => /^https?:\/\/\S+$/i.test(value) && URL.canParse(value)));

type Overrides = Record<string, string | Record<string, string>>;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringMap = (value: unknown): value is Record<string, string> =>
  isObject(value) && Object.values(value).every((text) => typeof text === 'string');

/**
 * Course-supplied message overrides: `{"invite.title": "…"}`, by key,
 * optionally per language `{"fr": {…}}`. A predicate rather than
 * z.record(z.union(…)): the same values pass, and record and union code
 * stay out of the widget's bundle (the attribute is reported as a whole).
 */
export const MessageOverrides = z.custom<Overrides>(
  (value) => isObject(value) && Object.values(value).every((entry) => typeof entry === 'string' || isStringMap(entry)),
);

/**
 * The widget's configuration, from `<tandem-config>` attributes and any
 * element's own overriding attributes. Keys are the attribute names.
 */
export const TandemConfig = z.object({
  endpoint: HttpUrl,
  course: CourseId,
  'course-title': z.optional(text(1, 300)),
  'token-url': z.optional(HttpUrl),
  token: z.optional(text(1, '')),
  'enroll-url': z.optional(HttpUrl),
  lang: z.optional(pattern(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'a language tag such as en or fr')),
  messages: z.optional(MessageOverrides),
});
export type TandemConfig = z.infer<typeof TandemConfig>;

export { CONFIG_ATTRIBUTES, type ConfigAttribute } from './config-attributes.js';
