import { LearnerId } from '../../protocol/codes.js';
import { eraseLearner, exportLearner } from '../learners/learner-data.js';
import { requirePlatformKey } from '../platform-key.js';
import type { Handler } from '../request-context.js';
import { parseOrThrow } from '../validation.js';

/** `GET /v1/learners/{learner}/export` (platform key): every record naming the learner, across courses. */
export const getLearnerExport: Handler = async (ctx, deps) => {
  requirePlatformKey(ctx, deps.config);
  const learner = parseOrThrow(LearnerId, ctx.params.learner, 'learner');
  const body = await deps.store.transaction((tx) => exportLearner(tx, learner, deps.now()));
  return { status: 200, body };
};

/** `DELETE /v1/learners/{learner}` (platform key): erases the learner; see learners/learner-data.ts. */
export const deleteLearner: Handler = async (ctx, deps) => {
  requirePlatformKey(ctx, deps.config);
  const learner = parseOrThrow(LearnerId, ctx.params.learner, 'learner');
  const body = await deps.store.transaction((tx) => eraseLearner(tx, learner, deps.now(), deps.tombstones.key(learner), deps.config.xapi ?? null));
  deps.tombstones.record(learner, body.erasedAt);
  return { status: 200, body };
};
