import { integer } from '../../protocol/codes.js';
import { settingsFor } from '../course-settings.js';
import { ApiError } from '../errors.js';
import { buildPeersPage } from '../peer-page.js';
import type { Handler } from '../request-context.js';
import { parseOrThrow } from '../validation.js';
import { courseFromPath, requireCourse } from './course-path.js';

/** Pages beyond this are refused rather than ranked: nobody scrolls 200,000 peers. */
const MAX_PAGE = 10_000;
const PageNumber = integer(0, MAX_PAGE);

function pageFromQuery(url: URL): number {
  const raw = url.searchParams.get('page');
  if (raw === null) return 0;
  // Digits only: Number('') is 0 and Number('1e3') is 1000, neither is a page number.
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  return parseOrThrow(PageNumber, value, 'page');
}

/**
 * `GET /v1/courses/{course}/peers?page=N`: the course's other opted-in learners
 * ranked for the asker, 0-based pages. Only an opted-in learner may look: being
 * findable is the price of finding.
 */
export const getPeers: Handler = async (ctx, deps) => {
  const claims = ctx.authenticate();
  const course = courseFromPath(ctx);
  requireCourse(claims, course, 'course');
  const page = pageFromQuery(ctx.url);
  const body = await deps.store.transaction(async (tx) => {
    await tx.upsertLearner(claims.sub, claims.name, deps.now().toISOString(), course);
    const askerProfile = await tx.getProfile(course, claims.sub);
    if (!askerProfile) {
      throw new ApiError('not_opted_in', 'Opt in to be found before looking for study partners.');
    }
    const settings = await settingsFor(tx, course, deps.config.courses);
    return buildPeersPage(tx, { course, asker: claims.sub, askerProfile, page, settings });
  });
  return { status: 200, body };
};
