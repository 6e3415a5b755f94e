import { DEFAULT_SUPPRESSION_THRESHOLD } from '../../core/suppression.js';
import { ProgressBatch, type ProgressEvent } from '../../protocol/stats.js';
import { settingsFor } from '../course-settings.js';
import { ApiError } from '../errors.js';
import { requirePlatformKey } from '../platform-key.js';
import type { Handler } from '../request-context.js';
import { requireStaff } from '../staff-auth.js';
import { buildStats } from '../stats/stats-view.js';
import { eventRecord, type EventRecord } from '../store/store.js';
import { canonicalJson, parseOrThrow } from '../validation.js';
import { courseFromPath } from './course-path.js';

/**
 * `GET /v1/courses/{course}/stats`: the instructor's figures, from counters
 * kept current with every stored event (so the answer costs the same over a
 * thousand events or a million). Staff only: an instructor's or admin's token
 * for the course, or the platform key. Small counts and their complements are
 * withheld; the cells withheld are remembered per course so that the next
 * answer withholds the same ones first.
 */
export const getStats: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requireStaff(ctx, deps, course);
  const now = deps.now().toISOString();
  const stats = await deps.store.transaction(async (tx) => {
    const settings = await settingsFor(tx, course, deps.config.courses);
    const { stats, withheld } = buildStats({
      course,
      now,
      threshold: settings.suppressionThreshold ?? DEFAULT_SUPPRESSION_THRESHOLD,
      counters: await tx.statsCounters(course),
      medianAcceptSeconds: await tx.medianAcceptSeconds(course),
      previouslyWithheld: await tx.withheldKeys(course),
    });
    await tx.setWithheldKeys(course, withheld);
    return stats;
  });
  return { status: 200, body: stats, headers: { 'Cache-Control': 'no-store' } };
};

/**
 * `POST /v1/courses/{course}/progress`: the platform reports where learners
 * stand, server to server with the platform key. Each report becomes a
 * `learner.progress` event with the report's id: a resent report is counted
 * once, the same id with another body is refused (and then nothing is stored).
 */
export const postProgress: Handler = async (ctx, deps) => {
  const course = courseFromPath(ctx);
  requirePlatformKey(ctx, deps.config);
  const batch = parseOrThrow(ProgressBatch, (await ctx.readBody(['json'])).value);
  const receivedAt = deps.now().toISOString();
  const events = batch.reports.map((r): ProgressEvent => ({
    id: r.id,
    v: 1,
    time: r.time,
    course,
    learner: r.learner,
    type: 'learner.progress',
    progress: r.progress,
    completed: r.completed,
  }));
  const keys = new Map(events.map((e) => [e.learner, deps.tombstones.key(e.learner)]));
  const answer = await deps.store.transaction(async (tx) => {
    const seen = new Map<string, string>();
    const fresh: EventRecord[] = [];
    let duplicates = 0;
    // A report from before the learner's data was erased is not taken again (read in this transaction, so that an
    // erasure another server process made is seen at once).
    const { bodies: stored, erasedAt: erased } = await tx.knownEvents(events.map((e) => e.id), [...new Set(keys.values())]);
    for (const [index, event] of events.entries()) {
      const erasedAt = erased.get(keys.get(event.learner)!);
      if (erasedAt !== undefined && Date.parse(event.time) <= Date.parse(erasedAt)) {
        duplicates += 1;
        continue;
      }
      const body = canonicalJson(event);
      const known = seen.get(event.id) ?? stored.get(event.id);
      if (known === body) {
        duplicates += 1;
        continue;
      }
      if (known !== undefined) {
        throw new ApiError('id_conflict', 'A report with this id was already stored with another body; nothing was stored.', `reports.${index}.id`);
      }
      seen.set(event.id, body);
      fresh.push(eventRecord(event, body, 'server', null, receivedAt));
    }
    await tx.insertEvents(fresh);
    return { stored: fresh.length, duplicates };
  });
  return { status: 200, body: answer };
};
