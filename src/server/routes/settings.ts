import { EndpointCourseSettings as CourseSettings } from '../../protocol/peers.js';
import { settingsFor } from '../course-settings.js';
import { requireStaff } from '../staff-auth.js';
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
 * `X-Tandem-Platform-Key`, or an instructor (or admin) of the course with
 * their token, from the dashboard's controls. Stored settings override the
 * courses file. They apply to groups created from then on; existing groups
 * keep their size.
 */
export const putSettings: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requireStaff(ctx, deps, course);
  const settings = parseOrThrow(CourseSettings, (await ctx.readBody(['json'])).value);
  await deps.store.transaction((tx) => tx.putCourseSettings(course, settings, deps.now().toISOString()));
  return { status: 200, body: settings };
};
