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

/** The state the projection reads and writes: maps, filled from the store's rows for a batch of events (PrefetchedStatsState), or empty for a rebuild. */
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
export type StatsFields = z.infer<typeof StatsFields>;

/**
 * The event types that change the stats, and what applyStatsEvent reads for each: its invite, its group, its
 * learners (the one it is about, the inviter, the sender). A batch's rows are read first (PrefetchedStatsState).
 */
const READS: Record<string, { invite?: true; group?: true; learners?: true }> = {
  'invite.created': { invite: true },
  'invite.opened': { invite: true },
  'invite.accepted': { invite: true, group: true, learners: true },
  'request.sent': {},
  'request.accepted': { group: true, learners: true },
  'pool.matched': { group: true, learners: true },
  'group.left': { group: true },
  'group.dissolved': { group: true },
  'peer.opted-in': { learners: true },
  'learner.progress': { learners: true },
};

/** The event types that change the stats. */
export const STATS_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(READS));

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

/** What the stats may read to apply an event: its invite, its group, and its course's learners it names. */
export interface StatsKeys {
  invites: Set<string>;
  groups: Set<string>;
  /** Learner ids by course. */
  learners: Map<string, Set<string>>;
}

export function statsKeysOf(events: readonly StatsFields[]): StatsKeys {
  const keys: StatsKeys = { invites: new Set(), groups: new Set(), learners: new Map() };
  for (const e of events) {
    const reads = READS[e.type] ?? {};
    if (reads.invite && e.invite !== undefined) keys.invites.add(e.invite);
    if (reads.group && e.group !== undefined && e.group !== null) keys.groups.add(e.group);
    if (!reads.learners) continue;
    let learners = keys.learners.get(e.course);
    if (!learners) keys.learners.set(e.course, (learners = new Set()));
    for (const id of [e.learner, e.inviter, e.sender]) if (id !== undefined) learners.add(id);
  }
  return keys;
}

/**
 * The state of a batch of events: the rows their keys name (statsKeysOf),
 * read from the store first; applying the events changes it in memory, then
 * the store writes what changed (`changed…`) and the counters' deltas
 * (`counters`, which start empty). Reading a key that was not read first is a
 * bug and throws, rather than taking a stored row for missing.
 */
export class PrefetchedStatsState extends MemoryStatsState {
  readonly changedGroups = new Set<string>();
  readonly changedLearners = new Set<string>();
  readonly changedInvites = new Set<string>();
  constructor(private readonly keys: StatsKeys) {
    super();
  }
  override group(id: string) {
    if (!this.keys.groups.has(id)) throw new Error(`stats: group ${id} was not read first`);
    return super.group(id);
  }
  override setGroup(id: string, course: string, state: StatsGroupState) {
    this.changedGroups.add(id);
    super.setGroup(id, course, state);
  }
  override learner(course: string, learner: string) {
    if (!this.keys.learners.get(course)?.has(learner)) throw new Error(`stats: a learner of ${course} was not read first`);
    return super.learner(course, learner);
  }
  override setLearner(course: string, learner: string, state: StatsLearnerState) {
    this.changedLearners.add(JSON.stringify([course, learner]));
    super.setLearner(course, learner, state);
  }
  override invite(id: string) {
    if (!this.keys.invites.has(id)) throw new Error(`stats: invite ${id} was not read first`);
    return super.invite(id);
  }
  override setInvite(id: string, state: StatsInviteState) {
    this.changedInvites.add(id);
    super.setInvite(id, state);
  }
  /** Fills the state with a stored row, before any event is applied. */
  load(row: { group: string; course: string; state: StatsGroupState } | { learner: string; course: string; state: StatsLearnerState } | { invite: string; state: StatsInviteState }): void {
    if ('group' in row) super.setGroup(row.group, row.course, row.state);
    else if ('learner' in row) super.setLearner(row.course, row.learner, row.state);
    else super.setInvite(row.invite, row.state);
  }
}
