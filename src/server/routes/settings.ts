import { EndpointCourseSettings as CourseSettings } from '../../protocol/peers.js';
import { settingsFor } from '../course-settings.js';
import { requirePlatformKey } from '../platform-key.js';
import type { Handler } from '../request-context.js';
import { parseOrThrow } from '../validation.js';
import { courseFromPath } from './course-path.js';

/** `GET /v1/courses/{course}/settings`: public, the widget shows it before anyone signs in. */
export const getSettings: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  const settings = await deps.store.transaction((tx) => settingsFor(tx, course, deps.config.courses));
  return { status: 200, body: settings };
};

/**
 * `PUT /v1/courses/{course}/settings`: the platform, server to server, with
 * `X-Tandem-Platform-Key`. Stored settings override the courses file. They
 * apply to groups created from then on; existing groups keep their size.
 */
export const putSettings: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requirePlatformKey(ctx, deps.config);
  const settings = parseOrThrow(CourseSettings, (await ctx.readBody(['json'])).value);
  await deps.store.transaction((tx) => tx.putCourseSettings(course, settings, deps.now().toISOString()));
  return { status: 200, body: settings };
};
