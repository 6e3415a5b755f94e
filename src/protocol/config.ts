import * as z from 'zod/mini';
import { CourseId } from './codes.js';

const HttpUrl = z.url({ protocol: /^https?$/ });

/** Course-supplied message overrides: `{"invite.title": "…"}`, by key, optionally per language `{"fr": {…}}`. */
export const MessageOverrides = z.record(
  z.string(),
  z.union([z.string(), z.record(z.string(), z.string())]),
);

/**
 * The widget's configuration, from `<tandem-config>` attributes and any
 * element's own overriding attributes. Keys are the attribute names.
 */
export const TandemConfig = z.object({
  endpoint: HttpUrl,
  course: CourseId,
  'course-title': z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
  'token-url': z.optional(HttpUrl),
  token: z.optional(z.string().check(z.minLength(1))),
  'enroll-url': z.optional(HttpUrl),
  lang: z.optional(z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/))),
  messages: z.optional(MessageOverrides),
});
export type TandemConfig = z.infer<typeof TandemConfig>;

/** Every attribute a `<tandem-*>` element reads as configuration. */
export const CONFIG_ATTRIBUTES = [
  'endpoint',
  'course',
  'course-title',
  'token-url',
  'token',
  'enroll-url',
  'lang',
  'messages',
] as const;
export type ConfigAttribute = (typeof CONFIG_ATTRIBUTES)[number];
