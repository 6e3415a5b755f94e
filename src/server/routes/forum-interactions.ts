import { ForumInteractionsInput } from '../../protocol/peers.js';
import { ApiError } from '../errors.js';
import { requirePlatformKey } from '../platform-key.js';
import type { Handler } from '../request-context.js';
import { parseOrThrow } from '../validation.js';
import { courseFromPath } from './course-path.js';

/**
 * `POST /v1/courses/{course}/forum-interactions`: the platform, server to
 * server, reports who replied to or mentioned whom, to feed the ranking.
 * All or nothing: one bad entry refuses the batch, naming it.
 */
export const postForumInteractions: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requirePlatformKey(ctx, deps.config);
  const { interactions } = parseOrThrow(ForumInteractionsInput, (await ctx.readBody(['json'])).value);
  interactions.forEach(({ from, to }, i) => {
    if (from === to) throw new ApiError('bad_request', 'A learner does not interact with themselves.', `interactions.${i}.to`);
  });
  await deps.store.transaction(async (tx) => {
    for (const { from, to, count } of interactions) await tx.addForumInteraction(course, from, to, count ?? 1);
  });
  return { status: 200, body: { stored: interactions.length } };
};
