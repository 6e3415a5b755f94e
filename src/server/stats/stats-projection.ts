import * as z from 'zod/mini';
import {
  contributionDelta,
  groupContributions,
  inviteContributions,
  learnerContributions,
  NEW_LEARNER,
  type Contributions,
  type StatsGroupState,
  type StatsInviteState,
  type StatsLearnerState,
} from '../../core/stats-contributions.js';
import type { Relationship as RelationshipCode } from '../../core/typology.js';
import { Modality, ObjectCode, Relationship } from '../../protocol/codes.js';

/*
 * Applies one stored event to a course's stats state and counters. The
 * endpoint calls it in the transaction that stores the event; the rebuild
 * command replays every stored event through it, in the order they were
 * stored, into empty state: the two give the same counters.
 */

/** The state the projection reads and writes: SQLite rows for each event, or maps for a rebuild. */
export interface StatsState {
  group(id: string): StatsGroupState | null;
  setGroup(id: string, course: string, state: StatsGroupState): void;
  learner(course: string, learner: string): StatsLearnerState | null;
  setLearner(course: string, learner: string, state: StatsLearnerState): void;
  invite(id: string): StatsInviteState | null;
  setInvite(id: string, state: StatsInviteState): void;
  count(course: string, delta: Contributions): void;
}

/** The fields of stored events the stats read; other fields and other types pass through untouched. */
const StatsFields = z.object({
  type: z.string(),
  course: z.string(),
  learner: z.string(),
  time: z.string(),
  invite: z.optional(z.string()),
  group: z.optional(z.nullable(z.string())),
  inviter: z.optional(z.string()),
  sender: z.optional(z.string()),
  relationship: z.optional(Relationship),
  objects: z.optional(z.array(ObjectCode)),
  modalities: z.optional(z.array(Modality)),
  progress: z.optional(z.number()),
  completed: z.optional(z.boolean()),
});
type StatsFields = z.infer<typeof StatsFields>;

/** The event types that change the stats. */
export const STATS_EVENT_TYPES: ReadonlySet<string> = new Set([
  'invite.created',
  'invite.opened',
  'invite.accepted',
  'request.sent',
  'request.accepted',
  'pool.matched',
  'group.left',
  'group.dissolved',
  'peer.opted-in',
  'learner.progress',
]);

/** Parses a stored event's JSON for the stats; throws, naming the event, when it lacks what its type needs. */
export function statsFields(id: string, body: string): StatsFields {
  const parsed = StatsFields.safeParse(JSON.parse(body));
  if (!parsed.success) throw new Error(`stats: stored event ${id} cannot be read: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function required<T>(value: T | undefined | null, what: string, e: StatsFields): T {
  if (value === undefined || value === null) throw new Error(`stats: a ${e.type} event of ${e.course} has no ${what}`);
  return value;
}

function updateLearner(s: StatsState, course: string, learner: string, change: (l: StatsLearnerState) => StatsLearnerState): void {
  const before = s.learner(course, learner);
  const after = change(before ?? NEW_LEARNER);
  s.setLearner(course, learner, after);
  s.count(course, contributionDelta(learnerContributions(before), learnerContributions(after)));
}

function updateGroup(s: StatsState, course: string, id: string, change: (g: StatsGroupState | null) => StatsGroupState | null): void {
  const before = s.group(id);
  const after = change(before);
  if (!after) return;
  s.setGroup(id, course, after);
  s.count(course, contributionDelta(groupContributions(before), groupContributions(after)));
}

function withCode<T>(list: readonly T[], code: T): T[] {
  return list.includes(code) ? [...list] : [...list, code];
}

/** `learner` joins group `id` (formed now when the stats do not know it yet) by `relationship`. */
function join(s: StatsState, e: StatsFields, id: string, learner: string, relationship: RelationshipCode): void {
  const objects = required(e.objects, 'objects', e);
  const modalities = required(e.modalities, 'modalities', e);
  updateGroup(s, e.course, id, (g) => ({
    objects: g?.objects ?? objects,
    modalities: g?.modalities ?? modalities,
    relationships: withCode(g?.relationships ?? [], relationship),
    members: (g?.members ?? 0) + 1,
    formedAt: g?.formedAt ?? e.time,
    dissolved: g?.dissolved ?? false,
  }));
  updateLearner(s, e.course, learner, (l) => ({ ...l, grouped: true, relationships: withCode(l.relationships, relationship) }));
}

/** An acceptance that formed a new group brings in the one who invited or asked, then the one who accepted. */
function accept(s: StatsState, e: StatsFields, other: string): void {
  const group = required(e.group, 'group', e);
  const relationship = required(e.relationship, 'relationship', e);
  if (s.group(group) === null) join(s, e, group, other, relationship);
  join(s, e, group, e.learner, relationship);
}

export function applyStatsEvent(s: StatsState, e: StatsFields): void {
  const { course } = e;
  switch (e.type) {
    case 'invite.created': {
      const id = required(e.invite, 'invite', e);
      if (s.invite(id) !== null) return;
      const state: StatsInviteState = { course, createdAt: e.time, opened: false, acceptSeconds: null };
      s.setInvite(id, state);
      s.count(course, inviteContributions(state));
      return;
    }
    case 'invite.opened': {
      // Only invites the endpoint created count: a client cannot open an invite that never was.
      const id = required(e.invite, 'invite', e);
      const before = s.invite(id);
      if (before === null || before.course !== course || before.opened) return;
      const after = { ...before, opened: true };
      s.setInvite(id, after);
      s.count(course, contributionDelta(inviteContributions(before), inviteContributions(after)));
      return;
    }
    case 'invite.accepted': {
      const id = required(e.invite, 'invite', e);
      const before = s.invite(id);
      if (before !== null && before.course === course && before.acceptSeconds === null) {
        const seconds = Math.max(0, Math.round((Date.parse(e.time) - Date.parse(before.createdAt)) / 1000));
        const after = { ...before, acceptSeconds: seconds };
        s.setInvite(id, after);
        s.count(course, contributionDelta(inviteContributions(before), inviteContributions(after)));
      }
      accept(s, e, required(e.inviter, 'inviter', e));
      return;
    }
    case 'request.sent':
      s.count(course, new Map([['requests.sent', 1]]));
      return;
    case 'request.accepted':
      s.count(course, new Map([['requests.accepted', 1]]));
      accept(s, e, required(e.sender, 'sender', e));
      return;
    case 'pool.matched':
      join(s, e, required(e.group, 'group', e), e.learner, required(e.relationship, 'relationship', e));
      updateLearner(s, course, e.learner, (l) => ({ ...l, poolMatched: true }));
      return;
    case 'group.left':
      s.count(course, new Map([['members.left', 1]]));
      updateGroup(s, course, required(e.group, 'group', e), (g) => g && { ...g, members: Math.max(0, g.members - 1) });
      return;
    case 'group.dissolved':
      updateGroup(s, course, required(e.group, 'group', e), (g) => g && { ...g, dissolved: true });
      return;
    case 'peer.opted-in':
      updateLearner(s, course, e.learner, (l) => ({ ...l, optedIn: true }));
      return;
    case 'learner.progress': {
      const progress = Math.round(required(e.progress, 'progress', e) * 1000);
      const completed = required(e.completed, 'completed', e);
      updateLearner(s, course, e.learner, (l) => ({ ...l, progress, completed }));
      return;
    }
  }
}

/** The stats state in memory, for a rebuild: written to the store in one go at the end. */
export class MemoryStatsState implements StatsState {
  readonly groups = new Map<string, { course: string; state: StatsGroupState }>();
  readonly learners = new Map<string, { course: string; learner: string; state: StatsLearnerState }>();
  readonly invites = new Map<string, StatsInviteState>();
  readonly counters = new Map<string, Map<string, number>>();

  group(id: string) {
    return this.groups.get(id)?.state ?? null;
  }
  setGroup(id: string, course: string, state: StatsGroupState) {
    this.groups.set(id, { course, state });
  }
  learner(course: string, learner: string) {
    return this.learners.get(JSON.stringify([course, learner]))?.state ?? null;
  }
  setLearner(course: string, learner: string, state: StatsLearnerState) {
    this.learners.set(JSON.stringify([course, learner]), { course, learner, state });
  }
  invite(id: string) {
    return this.invites.get(id) ?? null;
  }
  setInvite(id: string, state: StatsInviteState) {
    this.invites.set(id, state);
  }
  count(course: string, delta: Contributions) {
    let counters = this.counters.get(course);
    if (!counters) this.counters.set(course, (counters = new Map()));
    for (const [k, n] of delta) counters.set(k, (counters.get(k) ?? 0) + n);
  }
}
