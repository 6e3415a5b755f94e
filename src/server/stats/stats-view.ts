import { weekOf } from '../../core/stats-contributions.js';
import { isSmall, suppressLines, type Line } from '../../core/suppression.js';
import { MODALITIES, OBJECTS, PCDM_RELATIONSHIPS, PCHM_RELATIONSHIPS, RELATIONSHIPS } from '../../core/typology.js';
import type { PoolRun } from '../../protocol/pool.js';
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

/**
 * Every count the view shows, by key, and the lines that tie them. Two kinds
 * are never shown: `derived`, the learners of each persistence row who did
 * not complete (learners − completed, so protected like a count), and
 * `known`, the sum of the whole weeks (an earlier answer showed it as the
 * groups formed when the last week ended, and it does not change).
 */
function viewLines(weeks: readonly string[]): { keys: string[]; lines: Array<{ entries: string[]; total: string }>; derived: string[]; known: string[] } {
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
  if (weeks.length > 0) lines.push({ entries: weeks.map((w) => `week:${w}`), total: 'weeks.total' });
  lines.push({ entries: ['persist:grouped:learners', 'persist:alone:learners'], total: 'persist.reported' });
  // Where every learner is reported, the grouped row is the learners in groups.
  lines.push({ entries: ['persist:grouped:learners'], total: 'learners.grouped' });
  lines.push({ entries: RELATIONSHIPS.map((r) => `persist:${r}:learners`), total: 'persist:grouped:learners' });
  lines.push({ entries: RELATIONSHIPS.map((r) => `persist:${r}:completed`), total: 'persist:grouped:completed' });
  for (const k of PERSISTENCE_KEYS) lines.push({ entries: [`persist:${k}:completed`, `persist:${k}:notCompleted`], total: `persist:${k}:learners` });

  const keys = new Set<string>(['members.left', 'learners.grouped', 'invites.created', 'invites.opened', 'invites.accepted']);
  for (const k of ['requests.sent', 'requests.accepted', 'pool.optedIn', 'pool.matched']) keys.add(k);
  for (const k of PERSISTENCE_KEYS) keys.add(`persist:${k}:completed`);
  for (const line of lines) {
    for (const e of line.entries) keys.add(e);
    keys.add(line.total);
  }
  return { keys: [...keys], lines, derived: PERSISTENCE_KEYS.map((k) => `persist:${k}:notCompleted`), known: ['weeks.total'] };
}

export function buildStats(input: StatsInput): StatsOutput {
  const { counters, threshold } = input;
  const count = (key: string) => counters.get(key) ?? 0;
  // Whole weeks only: the week in progress changes with every group, and from its first answer (0) and the groups
  // formed since, it could be followed group by group.
  const thisWeek = weekOf(input.now);
  const formedWeeks = [...counters.keys()].filter((k) => k.startsWith('week:') && count(k) > 0).map((k) => k.slice(5)).sort();
  const weeks = formedWeeks.length > 0 ? weeksBetween(formedWeeks[0]!, thisWeek).filter((w) => w !== thisWeek) : [];
  const value = (key: string): number =>
    key === 'weeks.total'
      ? weeks.reduce((sum, w) => sum + count(`week:${w}`), 0)
      : key.endsWith(':notCompleted')
        ? count(key.replace(':notCompleted', ':learners')) - count(key.replace(':notCompleted', ':completed'))
        : count(key);

  const { keys, lines, derived, known } = viewLines(weeks);
  const at = new Map(keys.map((k, i) => [k, i]));
  const pos = (k: string) => at.get(k)!;
  const positions = (list: Iterable<string>) => new Set([...list].filter((k) => at.has(k)).map(pos));
  const values = keys.map(value);
  const tied = lines.map((l): Line => ({ entries: l.entries.map(pos), total: pos(l.total) }));
  // The whole weeks' sum was shown when the last week ended, unless it was small then too.
  const shownBefore = known.filter((k) => !isSmall(value(k), threshold));
  const options = { previous: positions(input.previouslyWithheld), derived: positions(derived), known: positions(shownBefore), force: new Set<number>() };
  let hidden = suppressLines(values, tied, threshold, options);
  // A row's completions are withheld with its learners: "0 completed" beside a withheld small row says how they all did.
  for (let again = true; again; ) {
    again = false;
    for (const k of PERSISTENCE_KEYS) {
      const completed = pos(`persist:${k}:completed`);
      if (hidden[pos(`persist:${k}:learners`)] && !hidden[completed]) {
        options.force.add(completed);
        again = true;
      }
    }
    if (again) hidden = suppressLines(values, tied, threshold, options);
  }
  const shown = (key: string): ShownCount => (hidden[pos(key)] ? null : count(key));

  const persistenceRow = (key: PersistenceKey) => {
    const learners = shown(`persist:${key}:learners`);
    return {
      key,
      learners,
      completed: shown(`persist:${key}:completed`),
      // A mean is shown only beside the count it is taken over, in whole percent: to three decimals, the change of a
      // mean when one learner is added would tell their progress.
      meanProgress: learners === null || learners === 0 ? null : Math.round(count(`persist:${key}:progress`) / learners / 10) / 100,
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
  return { stats, withheld: keys.filter((k) => hidden[pos(k)] && !derived.includes(k) && !known.includes(k)) };
}

/**
 * A pool round as an instructor sees it: its progress, not its counts. They
 * would be a second view of the same learners beside the dashboard's funnel
 * (after a first round, matched is the funnel's matched, and candidates −
 * matched the unmatched), withheld apart from it, so comparing the two could
 * undo the withholding. The refreshed figures show the round's outcome.
 */
export function withholdRunFigures(run: PoolRun): PoolRun {
  const out: PoolRun = { ...run };
  for (const k of ['candidates', 'groups', 'matched', 'unmatched'] as const) if (out[k] !== undefined) out[k] = null;
  return out;
}
