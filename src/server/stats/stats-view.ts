import { weekOf } from '../../core/stats-contributions.js';
import { suppressLines, type Line } from '../../core/suppression.js';
import { MODALITIES, OBJECTS, PCDM_RELATIONSHIPS, PCHM_RELATIONSHIPS, RELATIONSHIPS } from '../../core/typology.js';
import type { CourseStats, PersistenceKey, ShownCount } from '../../protocol/stats.js';

/*
 * Turns a course's counters into the instructor's answer, withholding small
 * counts and their complements over the whole view at once: the typology
 * margins are the totals of both cross-tables, the group sizes and the weekly
 * series add up to the groups formed, the PCHM and PCDM relationships come
 * close to the invites and requests accepted, and the persistence rows add up
 * to the learners reported. A line's total is treated as the sum of its
 * entries, the safe reading where it is only close to it. Pure: the route reads the counters and the cells
 * withheld last time, and stores the cells withheld this time.
 */

export interface StatsInput {
  course: string;
  now: string;
  threshold: number;
  counters: ReadonlyMap<string, number>;
  /** Median seconds from an invite's creation to its acceptance (null: none accepted). */
  medianAcceptSeconds: number | null;
  /** Keys withheld in the course's previous answer: withheld again first, so comparing answers recovers nothing. */
  previouslyWithheld: ReadonlySet<string>;
}

export interface StatsOutput {
  stats: CourseStats;
  /** Keys withheld in this answer, to store for the next. */
  withheld: string[];
}

const SIZES = [2, 3, 4, 5, 6] as const;
const PERSISTENCE_KEYS: readonly PersistenceKey[] = ['grouped', 'alone', ...RELATIONSHIPS];

/** Mondays from `first` to `last` (YYYY-MM-DD), each once. */
export function weeksBetween(first: string, last: string): string[] {
  const weeks: string[] = [];
  for (let t = Date.parse(first + 'T00:00:00Z'); t <= Date.parse(last + 'T00:00:00Z'); t += 7 * 86_400_000) {
    weeks.push(new Date(t).toISOString().slice(0, 10));
  }
  return weeks;
}

/** Every count the view shows, by key, and the lines that tie them. */
function viewLines(weeks: readonly string[]): { keys: string[]; lines: Array<{ entries: string[]; total: string }> } {
  const lines: Array<{ entries: string[]; total: string }> = [];
  for (const r of RELATIONSHIPS) {
    lines.push({ entries: OBJECTS.map((o) => `relobj:${r}:${o}`), total: `rel:${r}` });
    lines.push({ entries: MODALITIES.map((m) => `relmod:${r}:${m}`), total: `rel:${r}` });
  }
  for (const o of OBJECTS) lines.push({ entries: RELATIONSHIPS.map((r) => `relobj:${r}:${o}`), total: `obj:${o}` });
  for (const m of MODALITIES) lines.push({ entries: RELATIONSHIPS.map((r) => `relmod:${r}:${m}`), total: `mod:${m}` });
  lines.push({ entries: RELATIONSHIPS.map((r) => `rel:${r}`), total: 'groups.formed' });
  lines.push({ entries: OBJECTS.map((o) => `obj:${o}`), total: 'groups.formed' });
  lines.push({ entries: MODALITIES.map((m) => `mod:${m}`), total: 'groups.formed' });
  // Tandems formed by invites carry a PCHM relationship, by requests a PCDM one: the funnels' acceptances come
  // close to those sums, so they are treated as their totals too.
  lines.push({ entries: PCHM_RELATIONSHIPS.map((r) => `rel:${r}`), total: 'invites.accepted' });
  lines.push({ entries: PCDM_RELATIONSHIPS.map((r) => `rel:${r}`), total: 'requests.accepted' });
  lines.push({ entries: SIZES.map((s) => `size:${s}`), total: 'groups.active' });
  lines.push({ entries: ['groups.active', 'groups.dissolved'], total: 'groups.formed' });
  if (weeks.length > 0) lines.push({ entries: weeks.map((w) => `week:${w}`), total: 'groups.formed' });
  lines.push({ entries: ['persist:grouped:learners', 'persist:alone:learners'], total: 'persist.reported' });
  lines.push({ entries: RELATIONSHIPS.map((r) => `persist:${r}:learners`), total: 'persist:grouped:learners' });
  lines.push({ entries: RELATIONSHIPS.map((r) => `persist:${r}:completed`), total: 'persist:grouped:completed' });

  const keys = new Set<string>(['members.left', 'learners.grouped', 'invites.created', 'invites.opened', 'invites.accepted']);
  for (const k of ['requests.sent', 'requests.accepted', 'pool.optedIn', 'pool.matched']) keys.add(k);
  for (const k of PERSISTENCE_KEYS) keys.add(`persist:${k}:completed`);
  for (const line of lines) {
    for (const e of line.entries) keys.add(e);
    keys.add(line.total);
  }
  return { keys: [...keys], lines };
}

export function buildStats(input: StatsInput): StatsOutput {
  const { counters, threshold } = input;
  const count = (key: string) => counters.get(key) ?? 0;
  const formedWeeks = [...counters.keys()].filter((k) => k.startsWith('week:') && count(k) > 0).map((k) => k.slice(5)).sort();
  const weeks = formedWeeks.length > 0 ? weeksBetween(formedWeeks[0]!, weekOf(input.now)) : [];

  const { keys, lines } = viewLines(weeks);
  const at = new Map(keys.map((k, i) => [k, i]));
  const pos = (k: string) => at.get(k)!;
  const hidden = suppressLines(
    keys.map(count),
    lines.map((l): Line => ({ entries: l.entries.map(pos), total: pos(l.total) })),
    threshold,
    new Set([...input.previouslyWithheld].filter((k) => at.has(k)).map(pos)),
  );
  const shown = (key: string): ShownCount => (hidden[pos(key)] ? null : count(key));

  const persistenceRow = (key: PersistenceKey) => {
    const learners = shown(`persist:${key}:learners`);
    return {
      key,
      learners,
      completed: shown(`persist:${key}:completed`),
      // A mean is shown only beside the count it is taken over.
      meanProgress: learners === null || learners === 0 ? null : Math.round(count(`persist:${key}:progress`) / learners) / 1000,
    };
  };
  const accepted = shown('invites.accepted');
  const stats: CourseStats = {
    course: input.course,
    generatedAt: input.now,
    threshold,
    groups: {
      formed: shown('groups.formed'),
      active: shown('groups.active'),
      dissolved: shown('groups.dissolved'),
      bySize: SIZES.map((size) => ({ size, count: shown(`size:${size}`) })),
      membersLeft: shown('members.left'),
      learnersGrouped: shown('learners.grouped'),
    },
    typology: {
      relationship: RELATIONSHIPS.map((code) => ({ code, count: shown(`rel:${code}`) })),
      object: OBJECTS.map((code) => ({ code, count: shown(`obj:${code}`) })),
      modality: MODALITIES.map((code) => ({ code, count: shown(`mod:${code}`) })),
      relationshipByObject: RELATIONSHIPS.map((relationship) => ({ relationship, counts: OBJECTS.map((o) => shown(`relobj:${relationship}:${o}`)) })),
      relationshipByModality: RELATIONSHIPS.map((relationship) => ({
        relationship,
        counts: MODALITIES.map((m) => shown(`relmod:${relationship}:${m}`)),
      })),
    },
    weekly: weeks.map((week) => ({ week, groupsFormed: shown(`week:${week}`) })),
    funnels: {
      invites: {
        created: shown('invites.created'),
        opened: shown('invites.opened'),
        accepted,
        // A median of fewer acceptances than the threshold would come close to one learner's.
        medianHoursToAccept:
          accepted === null || accepted === 0 || input.medianAcceptSeconds === null ? null : Math.round(input.medianAcceptSeconds / 36) / 100,
      },
      requests: { sent: shown('requests.sent'), accepted: shown('requests.accepted') },
      pool: { optedIn: shown('pool.optedIn'), matched: shown('pool.matched') },
    },
    persistence: {
      reported: shown('persist.reported'),
      rows: PERSISTENCE_KEYS.map(persistenceRow),
    },
  };
  return { stats, withheld: keys.filter((k) => hidden[pos(k)]) };
}
