import { randomUUID } from 'node:crypto';
import { IN_PERSON_MODALITIES } from '../../core/typology.js';
import type { OptedInEvent } from '../../protocol/requests.js';
import { PeerProfileInput, type MyDiscovery } from '../../protocol/peers.js';
import { settingsFor } from '../course-settings.js';
import { discoveryOptions, requireOffered } from '../course-offer.js';
import { ApiError } from '../errors.js';
import type { Handler } from '../request-context.js';
import { eventRecord } from '../store/store.js';
import { canonicalJson, parseOrThrow } from '../validation.js';
import { courseFromPath, requireCourse } from './course-path.js';

/** `GET /v1/courses/{course}/me/profile`: the learner's profile (null while not opted in), the options, the last pool outcome. */
export const getProfile: Handler = async (ctx, deps) => {
  const claims = ctx.authenticate();
  const course = courseFromPath(ctx);
  requireCourse(claims, course, 'course');
  const body = await deps.store.transaction(async (tx): Promise<MyDiscovery> => {
    const settings = await settingsFor(tx, course, deps.config.courses);
    const outcome = await tx.latestPoolOutcome(course, claims.sub);
    return {
      profile: await tx.getProfile(course, claims.sub),
      options: discoveryOptions(settings),
      pool: outcome && {
        run: outcome.run,
        at: outcome.at,
        outcome: outcome.outcome,
        ...(outcome.group !== null ? { group: outcome.group } : {}),
        reasons: outcome.reasons,
      },
    };
  });
  return { status: 200, body };
};

/**
 * `PUT /v1/courses/{course}/me/profile`: the learner opts in to be found (or
 * updates their profile). Only what the course offers; a city only with an
 * in-person modality, since it is shared with strangers for meeting in person.
 */
export const putProfile: Handler = async (ctx, deps) => {
  const claims = ctx.authenticate();
  const course = courseFromPath(ctx);
  requireCourse(claims, course, 'course');
  const input = parseOrThrow(PeerProfileInput, (await ctx.readBody(['json'])).value);
  if (input.city !== undefined && !input.modalities.some((m) => IN_PERSON_MODALITIES.includes(m))) {
    throw new ApiError('bad_request', 'A city is shared only by learners who want to meet in person.', 'city');
  }
  const now = deps.now().toISOString();
  const profile = await deps.store.transaction(async (tx) => {
    const settings = await settingsFor(tx, course, deps.config.courses);
    if (input.city !== undefined && !discoveryOptions(settings).city) {
      throw new ApiError('not_offered', 'This course does not share cities.', 'city');
    }
    requireOffered(input, settings);
    // Keep the latest display name: it is what other learners see in their list.
    await tx.upsertLearner(claims.sub, claims.name, now, course);
    if ((await tx.getProfile(course, claims.sub)) === null) {
      // An opt-in (not an update) is counted in the instructor's funnel.
      const event: OptedInEvent = { id: randomUUID(), v: 1, time: now, course, learner: claims.sub, type: 'peer.opted-in', autoMatch: input.autoMatch ?? false };
      await tx.insertEvents([eventRecord(event, canonicalJson(event), 'server', null, now)]);
    }
    return tx.upsertProfile(course, claims.sub, { ...input, optedInAt: now });
  });
  return { status: 200, body: profile };
};

/** `DELETE /v1/courses/{course}/me/profile`: opts out; the learner leaves every list at once. */
export const deleteProfile: Handler = async (ctx, deps) => {
  const claims = ctx.authenticate();
  const course = courseFromPath(ctx);
  requireCourse(claims, course, 'course');
  await deps.store.transaction((tx) => tx.deleteProfile(course, claims.sub));
  return { status: 204 };
};
