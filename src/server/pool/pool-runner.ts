import { randomInt, randomUUID } from 'node:crypto';
import type { PoolGroup, PoolResult } from '../../core/pool-matching.js';
import { slotsToUtcHours, WEEK_WORDS } from '../../core/availability.js';
import { normaliseCity } from '../../core/ranking.js';
import { IN_PERSON_MODALITIES, type Modality, type ObjectCode } from '../../core/typology.js';
import type { PoolRun } from '../../protocol/pool.js';
import type { EndpointCourseSettings, PeerProfile } from '../../protocol/peers.js';
import type { PoolMatchedEvent } from '../../protocol/requests.js';
import type * as z from 'zod/mini';
import { settingsFor } from '../course-settings.js';
import { ApiError } from '../errors.js';
import { asOffered } from '../course-offer.js';
import { forRanking } from '../peer-page.js';
import type { AppDeps } from '../request-context.js';
import { eventRecord, type PoolRunRecord, type StoreTx } from '../store/store.js';
import { canonicalJson } from '../validation.js';
import { queueNotification } from '../webhooks/notify.js';
import { runInThread } from './pool-thread.js';
import type { PoolJob, PoolReply } from './pool-worker.js';

/**
 * One pool-matching round for a course (issue 3, "Pool matching"): the
 * learners who opted in to "match me automatically" and are in no group of
 * the course yet, matched in a worker thread, then written in one
 * transaction: a group per match (relationship `this-mooc`, or `earlier-mooc`
 * between earlier partners), an outcome per learner (matched or no match this
 * round), a `pool.matched` event and a webhook notification per matched learner.
 * Whatever changed while the thread ran (an opt-out, a block, a group joined
 * meanwhile) is checked again at write time: such a group is not formed, and
 * its members are told there was no match this round.
 */

export type PoolDeps = Pick<AppDeps, 'store' | 'config' | 'now'> & {
  /** Runs the job (a worker thread by default; tests may run it inline). */
  run?: (job: PoolJob) => Promise<PoolReply>;
  log?: (line: string) => void;
};

export function poolRunView(r: PoolRunRecord): PoolRun {
  return {
    id: r.id,
    course: r.course,
    seed: r.seed,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.startedAt,
    ...(r.finishedAt !== null ? { finishedAt: r.finishedAt } : {}),
    ...(r.candidates !== null ? { candidates: r.candidates } : {}),
    ...(r.groups !== null ? { groups: r.groups } : {}),
    ...(r.matched !== null ? { matched: r.matched } : {}),
    ...(r.unmatched !== null ? { unmatched: r.unmatched } : {}),
    ...(r.error !== null ? { error: r.error } : {}),
  };
}

/** What the round matches: opted in to automatic matching, in no group of the course. */
async function gatherJob(tx: StoreTx, course: string, settings: EndpointCourseSettings, seed: number): Promise<PoolJob> {
  const grouped = await tx.groupedLearners(course);
  const pool = (await tx.listProfiles(course))
    .filter((r) => r.profile.autoMatch === true && !grouped.has(r.learner))
    .map((r) => ({ ...r, profile: asOffered(r.profile, settings) }));
  const inPool = new Set(pool.map((r) => r.learner));
  const both = (a: string, b: string) => inPool.has(a) && inPool.has(b);
  return {
    learners: pool.map((r) => forRanking(r.learner, r.profile)),
    forum: (await tx.forumPairs(course)).filter(([a, b]) => both(a, b)),
    earlier: (await tx.earlierPartnerPairs(course)).filter(([a, b]) => both(a, b)),
    blocked: (await tx.blocksAmong(course)).filter(([a, b]) => both(a, b)),
    options: { groupSize: settings.groupSize, seed },
  };
}

/** Codes every member wants, else those most members want (a group always names at least one), within the course's offer. */
function sharedCodes<T extends string>(lists: ReadonlyArray<readonly T[]>, offered: readonly T[]): T[] {
  const counts = new Map<T, number>();
  for (const list of lists) for (const code of list) if (offered.includes(code)) counts.set(code, (counts.get(code) ?? 0) + 1);
  const most = Math.max(0, ...counts.values());
  const wanted = most === lists.length ? lists.length : most;
  const codes = offered.filter((code) => (counts.get(code) ?? 0) >= wanted && wanted > 0);
  return codes.length > 0 ? codes : [offered[0]!];
}

/** Starts a round: refused with `pool_running` while the course has one running. Resolves once it is recorded, not finished. */
export async function startPoolRun(
  deps: PoolDeps,
  course: string,
  { trigger, seed = randomInt(0, 2 ** 32 - 1) }: { trigger: PoolRunRecord['trigger']; seed?: number },
): Promise<{ run: PoolRunRecord; done: Promise<PoolRunRecord> }> {
  const run: PoolRunRecord = {
    id: randomUUID(),
    course,
    seed,
    trigger,
    status: 'running',
    startedAt: deps.now().toISOString(),
    finishedAt: null,
    candidates: null,
    groups: null,
    matched: null,
    unmatched: null,
    error: null,
  };
  const { job, settings } = await deps.store.transaction(async (tx) => {
    if (!(await tx.startPoolRun(run))) throw new ApiError('pool_running', 'A pool-matching round is already running for this course.');
    const settings = await settingsFor(tx, course, deps.config.courses);
    return { job: await gatherJob(tx, course, settings, seed), settings };
  });
  const done = finishRound(deps, run, job, settings);
  return { run, done };
}

async function finishRound(deps: PoolDeps, run: PoolRunRecord, job: PoolJob, settings: EndpointCourseSettings): Promise<PoolRunRecord> {
  let reply: PoolReply;
  try {
    reply = await (deps.run ?? runInThread)(job);
  } catch (err) {
    reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const finishedAt = () => deps.now().toISOString();
  if (!reply.ok) {
    const error = reply.error;
    deps.log?.(`pool round ${run.id} for ${run.course} failed: ${error}`);
    await deps.store.transaction((tx) =>
      tx.finishPoolRun(run.id, { status: 'failed', finishedAt: finishedAt(), candidates: job.learners.length, groups: 0, matched: 0, unmatched: 0, error }),
    );
    return { ...run, status: 'failed', error };
  }
  try {
    return await writeRound(deps, run, job, settings, reply.result);
  } catch (err) {
    // A round that cannot be written must not stay "running": that would block the course's next rounds.
    const error = `the round could not be written: ${err instanceof Error ? err.message : String(err)}`;
    deps.log?.(`pool round ${run.id} for ${run.course} failed: ${error}`);
    await deps.store.transaction((tx) =>
      tx.finishPoolRun(run.id, { status: 'failed', finishedAt: finishedAt(), candidates: job.learners.length, groups: 0, matched: 0, unmatched: 0, error }),
    );
    return { ...run, status: 'failed', error };
  }
}

/** Writes a finished round in one transaction (see the module comment). */
function writeRound(deps: PoolDeps, run: PoolRunRecord, job: PoolJob, settings: EndpointCourseSettings, result: PoolResult): Promise<PoolRunRecord> {
  return deps.store.transaction(async (tx) => {
    // Another server process may have taken this round for abandoned (this one lost its database session, and
    // the round's advisory lock with it) and failed it, and the course may be running its next round: write nothing.
    const stored = await tx.getPoolRun(run.id);
    if (stored?.status !== 'running') {
      deps.log?.(`pool round ${run.id} for ${run.course} was ended elsewhere (${stored?.status ?? 'gone'}); its result is dropped`);
      return stored ?? { ...run, status: 'failed' as const, error: 'the round is gone' };
    }
    const now = deps.now();
    const at = now.toISOString();
    const grouped = await tx.groupedLearners(run.course);
    const earlier = new Set(job.earlier.map(([a, b]) => `${a}\n${b}`));
    const isEarlier = (a: string, b: string) => earlier.has(`${a}\n${b}`) || earlier.has(`${b}\n${a}`);
    // Earlier partners who meet again through the pool met in an earlier MOOC; the others in this one.
    const relationshipIn = (member: string, members: readonly string[]) =>
      members.some((other) => other !== member && isEarlier(member, other)) ? ('earlier-mooc' as const) : ('this-mooc' as const);
    const noMatch: string[] = [...result.unmatched];
    let groups = 0;
    let matched = 0;
    for (const g of result.groups) {
      const current = await currentProfiles(tx, run.course, g, grouped);
      if (!current) {
        noMatch.push(...g.members);
        continue;
      }
      const profiles = current.map((p) => asOffered(p, settings));
      const objects = sharedCodes<ObjectCode>(profiles.map((p) => p.objects), settings.objects);
      // Meeting in person only where everyone gave the same city.
      const cities = new Set(profiles.map((p) => normaliseCity(p.city)));
      const inPerson = cities.size === 1 && !cities.has('');
      const offered = settings.modalities.filter((m) => inPerson || !IN_PERSON_MODALITIES.includes(m));
      const modalities = sharedCodes<Modality>(profiles.map((p) => p.modalities), offered.length > 0 ? offered : settings.modalities);
      const group = { id: randomUUID(), course: run.course, objects, modalities, size: Math.max(settings.groupSize, g.members.length), createdAt: at, dissolvedAt: null };
      await tx.insertGroup(group);
      const names = new Map<string, string>();
      for (const member of g.members) {
        await tx.addMember(group.id, { learner: member, relationship: relationshipIn(member, g.members), joinedAt: at });
        names.set(member, (await tx.learnerName(member)) ?? member);
        grouped.add(member);
      }
      for (const member of g.members) {
        const relationship = relationshipIn(member, g.members);
        const event: z.infer<typeof PoolMatchedEvent> = {
          id: randomUUID(),
          v: 1,
          time: at,
          course: run.course,
          learner: member,
          type: 'pool.matched',
          run: run.id,
          group: group.id,
          relationship,
          objects,
          modalities,
        };
        await tx.insertEvents([eventRecord(event, canonicalJson(event), 'server', null, at)]);
        await tx.insertPoolOutcome({ run: run.id, course: run.course, learner: member, outcome: 'matched', group: group.id, reasons: g.reasons, at });
        await queueNotification(tx, deps.config, { course: run.course, now }, {
          type: 'pool.matched',
          learner: member,
          data: { run: run.id, group: group.id, members: g.members.map((id) => ({ id, name: names.get(id)! })) },
        });
      }
      groups++;
      matched += g.members.length;
    }
    for (const learner of noMatch) {
      await tx.insertPoolOutcome({ run: run.id, course: run.course, learner, outcome: 'no-match', group: null, reasons: [], at });
    }
    const patch = { status: 'done' as const, finishedAt: at, candidates: job.learners.length, groups, matched, unmatched: noMatch.length, error: null };
    await tx.finishPoolRun(run.id, patch);
    deps.log?.(`pool round ${run.id} for ${run.course}: ${groups} groups, ${matched} matched, ${noMatch.length} without a match`);
    return { ...run, ...patch };
  });
}

/**
 * A match still holds at write time: everyone still opted in to automatic
 * matching and in no group, no block between them, and their current profiles
 * still share a language and an hour of the week (a profile may have changed
 * while the thread ran). Answers the members' current profiles, or null when
 * the match no longer holds.
 */
async function currentProfiles(tx: StoreTx, course: string, g: PoolGroup, grouped: ReadonlySet<string>): Promise<PeerProfile[] | null> {
  const profiles: PeerProfile[] = [];
  for (const member of g.members) {
    if (grouped.has(member)) return null;
    const profile = await tx.getProfile(course, member);
    if (!profile || profile.autoMatch !== true) return null;
    const blocked = await tx.blockedEitherWay(member);
    if (g.members.some((other) => blocked.has(other))) return null;
    profiles.push(profile);
  }
  const languages = profiles.slice(1).reduce((common, p) => common.filter((l) => p.languages.includes(l)), [...profiles[0]!.languages]);
  const hours = profiles.map((p) => slotsToUtcHours(p.slots, p.utcOffsetMinutes));
  let sharedHour = false;
  for (let w = 0; w < WEEK_WORDS && !sharedHour; w++) sharedHour = hours.reduce((all, h) => all & h[w]!, 0xffffffff) !== 0;
  return languages.length > 0 && sharedHour ? profiles : null;
}

/** Marks rounds a stopped process left running as failed, so the course can run again. */
export async function recoverPoolRuns(deps: Pick<PoolDeps, 'store' | 'now'>): Promise<number> {
  return deps.store.transaction((tx) => tx.failRunningPoolRuns(deps.now().toISOString(), 'the server stopped during the round'));
}
