import { Uuid } from '../../protocol/codes.js';
import { withholdRunFigures } from '../stats/stats-view.js';
import { StartPoolRun } from '../../protocol/pool.js';
import { ApiError } from '../errors.js';
import { poolRunView, startPoolRun } from '../pool/pool-runner.js';
import type { Handler } from '../request-context.js';
import { requireStaff } from '../staff-auth.js';
import { parseOrThrow } from '../validation.js';
import { courseFromPath } from './course-path.js';

/**
 * `POST /v1/courses/{course}/pool-runs` (staff): starts a round now; 202 with
 * the round, to poll at its own URL. 409 `pool_running` while one runs.
 */
export const postPoolRun: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requireStaff(ctx, deps, course);
  const input = parseOrThrow(StartPoolRun, (await ctx.readBody(['json'])).value);
  const { run, done } = await startPoolRun(deps.pool, course, { trigger: 'api', ...(input.seed !== undefined ? { seed: input.seed } : {}) });
  deps.pool.track(done);
  const path = `/v1/courses/${encodeURIComponent(course)}/pool-runs/${run.id}`;
  return { status: 202, body: poolRunView(run), headers: { Location: path } };
};

/**
 * `GET /v1/courses/{course}/pool-runs/{run}` (staff): a round's status, and
 * its counts for the platform key (an instructor's token gets them withheld:
 * the dashboard's figures show the outcome).
 */
export const getPoolRun: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  const caller = requireStaff(ctx, deps, course);
  const id = parseOrThrow(Uuid, ctx.params.run, 'run');
  const run = await deps.store.transaction((tx) => tx.getPoolRun(id));
  if (!run || run.course !== course) throw new ApiError('not_found', 'No pool-matching round has this id in this course.', 'run');
  const view = poolRunView(run);
  return { status: 200, body: caller === 'platform' ? view : withholdRunFigures(view) };
};
