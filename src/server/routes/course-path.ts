import { CourseId } from '../../protocol/codes.js';
import type { TokenClaims } from '../auth.js';
import { ApiError } from '../errors.js';
import type { RequestContext } from '../request-context.js';
import { parseOrThrow } from '../validation.js';

/** The `{course}` of a `/v1/courses/{course}/…` path, validated. */
export function courseFromPath(ctx: RequestContext): string {
  return parseOrThrow(CourseId, ctx.params.course, 'course');
}

/** A learner's token is for one course: any other course in the request is refused. */
export function requireCourse(claims: TokenClaims, course: string, path: string): void {
  if (claims.course !== course) {
    throw new ApiError('course_mismatch', 'The token is for another course than this request.', path);
  }
}
