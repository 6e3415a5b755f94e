import { ApiError } from './errors.js';
import { requirePlatformKey } from './platform-key.js';
import type { AppDeps, RequestContext } from './request-context.js';
import { requireCourse } from './routes/course-path.js';

/**
 * Staff routes of a course accept the platform's key (server to server) or the
 * bearer token of an instructor or admin of that course (a learner's is 403).
 * Answers which: a person with a token sees counts with small ones withheld.
 */
export function requireStaff(ctx: RequestContext, deps: AppDeps, course: string): 'platform' | 'staff' {
  if (ctx.req.headers['x-tandem-platform-key'] !== undefined || ctx.req.headers.authorization === undefined) {
    requirePlatformKey(ctx, deps.config);
    return 'platform';
  }
  const claims = ctx.authenticate();
  requireCourse(claims, course, 'course');
  if (claims.role !== 'instructor' && claims.role !== 'admin') {
    throw new ApiError('forbidden', 'Only the course’s staff may do this.');
  }
  return 'staff';
}
