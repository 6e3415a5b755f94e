/**
 * The demo's discovery data, so that a newcomer sees a meaningful ranked list
 * at once (issue 3): four roster learners already opted in with varied
 * profiles, who talked to each other and to Alice and Bob in the course forum,
 * and an earlier course where Alice and Emma studied together. Alice and Bob
 * are left to opt in themselves. Written once, into an empty demo course;
 * never over what learners changed since.
 */
import { randomUUID } from 'node:crypto';
import type { PeerProfileInput } from '../src/protocol/peers.js';
import type { OptedInEvent } from '../src/protocol/requests.js';
import { eventRecord, type Store } from '../src/server/store/store.js';
import { canonicalJson } from '../src/server/validation.js';
import { DEMO_COURSE, DEMO_ROSTER } from './demo-routes.js';

/** The roster learner `name`'s token subject. */
export const demoSub = (name: string): string => `demo-${name}`;

/** The earlier course Alice and Emma took together. */
export const DEMO_EARLIER_COURSE = 'demo-mooc-100';
const EARLIER_GROUP = '7d0c6a2e-1f3b-4c5d-8e9f-0a1b2c3d4e5f';

// Slots: day * 4 + part (day 0 Monday; parts night, morning, afternoon, evening), in local time.
const evening = (day: number) => day * 4 + 3;
const morning = (day: number) => day * 4 + 1;
const afternoon = (day: number) => day * 4 + 2;

export const DEMO_PROFILES: Readonly<Record<string, PeerProfileInput>> = {
  chloe: {
    objects: ['discuss', 'mutual-help', 'collective-activities'],
    modalities: ['synchronous', 'shared-documents', 'in-person-pair'],
    languages: ['fr', 'en'],
    utcOffsetMinutes: 60,
    slots: [evening(0), evening(2), evening(3), afternoon(5)],
    city: 'Lyon',
    note: 'Lyon, evenings. I like to go through the quizzes together and compare notes.',
    autoMatch: true,
  },
  david: {
    objects: ['watch-videos', 'discuss', 'encouragement'],
    modalities: ['synchronous', 'social-network'],
    languages: ['en'],
    utcOffsetMinutes: 0,
    slots: [evening(1), evening(3), morning(5), morning(6)],
    note: 'Lagos-born, London-based. Weekend mornings suit me best.',
    autoMatch: true,
  },
  emma: {
    objects: ['mutual-help', 'encouragement', 'individual-activities'],
    modalities: ['email', 'shared-documents'],
    languages: ['de', 'en', 'fr'],
    utcOffsetMinutes: 60,
    slots: [morning(1), morning(3), evening(2)],
    note: 'Happy to keep each other going by email.',
  },
  farid: {
    objects: ['collective-activities', 'discuss'],
    modalities: ['in-person-group', 'synchronous'],
    languages: ['fr', 'ar'],
    utcOffsetMinutes: 60,
    slots: [evening(0), evening(1), evening(2), afternoon(6)],
    city: 'Lyon',
    note: 'Study group at the library on Saturdays?',
    autoMatch: true,
  },
};

/** Who replied to whom in the demo forum (the thread on the course page shows some of them). */
export const DEMO_FORUM: ReadonlyArray<readonly [string, string, number]> = [
  ['alice', 'chloe', 3],
  ['alice', 'bob', 2],
  ['alice', 'farid', 1],
  ['bob', 'david', 2],
  ['bob', 'chloe', 1],
  ['chloe', 'farid', 4],
  ['david', 'emma', 1],
];

/** Writes the demo's discovery data if the demo course has none yet; true when it did. */
export async function seedDemoDiscovery(store: Store, now: Date): Promise<boolean> {
  const at = now.toISOString();
  return store.transaction(async (tx) => {
    if ((await tx.listProfiles(DEMO_COURSE.id)).length > 0 || (await tx.forumCounts(DEMO_COURSE.id, demoSub('alice'))).size > 0) return false;
    for (const [name, display] of Object.entries(DEMO_ROSTER)) await tx.upsertLearner(demoSub(name), display, at, DEMO_COURSE.id);
    for (const [name, profile] of Object.entries(DEMO_PROFILES)) {
      await tx.upsertProfile(DEMO_COURSE.id, demoSub(name), { ...profile, optedInAt: at });
      // As the profile route does for an opt-in: the instructor's funnel counts it.
      const event: OptedInEvent = { id: randomUUID(), v: 1, time: at, course: DEMO_COURSE.id, learner: demoSub(name), type: 'peer.opted-in', autoMatch: profile.autoMatch ?? false };
      await tx.insertEvents([eventRecord(event, canonicalJson(event), 'server', null, at)]);
    }
    for (const [a, b, count] of DEMO_FORUM) await tx.addForumInteraction(DEMO_COURSE.id, demoSub(a), demoSub(b), count);
    if (!(await tx.getGroup(EARLIER_GROUP))) {
      await tx.insertGroup({
        id: EARLIER_GROUP,
        course: DEMO_EARLIER_COURSE,
        objects: ['mutual-help', 'encouragement'],
        modalities: ['email'],
        size: 2,
        createdAt: at,
        dissolvedAt: null,
      });
      for (const name of ['alice', 'emma']) {
        await tx.addMember(EARLIER_GROUP, { learner: demoSub(name), relationship: 'friend', joinedAt: at });
      }
    }
    return true;
  });
}
