/**
 * Every attribute a `<tandem-*>` element reads as configuration. Kept apart
 * from the schema (config.ts) so that the elements' first render needs no zod:
 * the schemas load in the runtime chunk (src/elements/runtime.ts).
 */
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
