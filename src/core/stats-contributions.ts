import type { Modality, ObjectCode, Relationship } from './typology.js';

/*
 * The instructor's counters (issue 4) are sums over a course's groups,
 * learners and invites. Each of those has a small state; what it adds to the
 * counters is a pure function of that state (its contributions), so an event
 * that changes a state changes the counters by the difference between the
 * contributions after and before. The endpoint applies that difference in the
 * transaction that stores the event, and a rebuild replays the stored events
 * through the same functions: both give the same counters by construction.
 *
 * Counter keys:
 *   groups.formed, groups.active, groups.dissolved, size:N (active groups of N members),
 *   week:YYYY-MM-DD (groups formed in the week of that Monday, UTC),
 *   rel:R, obj:O, mod:M, relobj:R:O, relmod:R:M (groups carrying those codes),
 *   learners.grouped, pool.optedIn, pool.matched,
 *   persist.reported, persist:K:learners, persist:K:completed, persist:K:progress (sum, in thousandths)
 *     where K is grouped, alone or the relationship of the learner's first group,
 *   invites.created, invites.opened, invites.accepted,
 *   requests.sent, requests.accepted, members.left.
 */

export interface StatsGroupState {
  objects: ObjectCode[];
  modalities: Modality[];
  /** The relationships its members joined by, each once, in the order they came. */
  relationships: Relationship[];
  /** Active members now. */
  members: number;
  formedAt: string;
  dissolved: boolean;
}

export interface StatsLearnerState {
  /** Ever a member of a group of the course. */
  grouped: boolean;
  /** The relationships of the groups they joined, each once. */
  relationships: Relationship[];
  optedIn: boolean;
  poolMatched: boolean;
  /** The platform's latest report: progress in thousandths, or null before any. */
  progress: number | null;
  completed: boolean;
}

export interface StatsInviteState {
  /** The invite's course: an event of another course naming it changes nothing. */
  course: string;
  createdAt: string;
  opened: boolean;
  /** Seconds from creation to acceptance, once accepted. */
  acceptSeconds: number | null;
}

export const NEW_LEARNER: StatsLearnerState = Object.freeze({
  grouped: false,
  relationships: [],
  optedIn: false,
  poolMatched: false,
  progress: null,
  completed: false,
}) as StatsLearnerState;

export type Contributions = Map<string, number>;

function add(into: Contributions, key: string, n = 1): void {
  if (n !== 0) into.set(key, (into.get(key) ?? 0) + n);
}

/** The Monday (UTC) of the week holding an ISO time, as YYYY-MM-DD. */
export function weekOf(iso: string): string {
  const day = new Date(iso.slice(0, 10) + 'T00:00:00Z');
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

export function groupContributions(g: StatsGroupState | null): Contributions {
  const out: Contributions = new Map();
  if (!g) return out;
  add(out, 'groups.formed');
  add(out, `week:${weekOf(g.formedAt)}`);
  if (g.dissolved) add(out, 'groups.dissolved');
  else {
    add(out, 'groups.active');
    add(out, `size:${g.members}`);
  }
  for (const o of g.objects) add(out, `obj:${o}`);
  for (const m of g.modalities) add(out, `mod:${m}`);
  for (const r of g.relationships) {
    add(out, `rel:${r}`);
    for (const o of g.objects) add(out, `relobj:${r}:${o}`);
    for (const m of g.modalities) add(out, `relmod:${r}:${m}`);
  }
  return out;
}

export function learnerContributions(l: StatsLearnerState | null): Contributions {
  const out: Contributions = new Map();
  if (!l) return out;
  if (l.grouped) add(out, 'learners.grouped');
  if (l.optedIn) add(out, 'pool.optedIn');
  if (l.poolMatched) add(out, 'pool.matched');
  if (l.progress !== null) {
    add(out, 'persist.reported');
    // By the relationship of their first group only: the rows then split the grouped learners without
    // overlap, so that no count or mean can be taken from another by difference.
    for (const k of l.grouped ? ['grouped', l.relationships[0]!] : ['alone']) {
      add(out, `persist:${k}:learners`);
      add(out, `persist:${k}:completed`, l.completed ? 1 : 0);
      add(out, `persist:${k}:progress`, l.progress);
    }
  }
  return out;
}

export function inviteContributions(i: StatsInviteState | null): Contributions {
  const out: Contributions = new Map();
  if (!i) return out;
  add(out, 'invites.created');
  if (i.opened) add(out, 'invites.opened');
  if (i.acceptSeconds !== null) add(out, 'invites.accepted');
  return out;
}

/** What changes in the counters when a state's contributions go from `before` to `after` (zeros left out). */
export function contributionDelta(before: Contributions, after: Contributions): Contributions {
  const delta: Contributions = new Map();
  for (const [k, n] of after) add(delta, k, n);
  for (const [k, n] of before) add(delta, k, -n);
  for (const [k, n] of delta) if (n === 0) delta.delete(k);
  return delta;
}
