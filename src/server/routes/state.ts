import { settingsFor } from '../course-settings.js';
import { buildLearnerState } from '../learner-state.js';
import type { Handler } from '../request-context.js';
import { courseFromPath, requireCourse } from './course-path.js';

/** `GET /v1/courses/{course}/state`: the signed-in learner's groups and invites. */
export const getState: Handler = async (ctx, deps) => {
  const claims = ctx.authenticate();
  const course = courseFromPath(ctx);
  requireCourse(claims, course, 'course');
  const now = deps.now();
  const state = await deps.store.transaction(async (tx) => {
    // Keep the latest display name, so fellow members see it.
    await tx.upsertLearner(claims.sub, claims.name, now.toISOString(), course);
    const settings = await settingsFor(tx, course, deps.config.courses);
    return buildLearnerState(tx, { course, learner: { id: claims.sub, name: claims.name }, settings, now });
  });
  return { status: 200, body: state };
};
