import { toCsv, type CsvValue } from '../../core/csv.js';
import { percent, round } from '../../core/dashboard-figures.js';
import { MODALITIES, OBJECTS, PCDM_RELATIONSHIPS, PCHM_RELATIONSHIPS, RELATIONSHIPS } from '../../core/typology.js';
import type { CourseStats, ShownCount } from '../../protocol/stats.js';
import type { DashboardMessageId } from '../../i18n/dashboard-message-ids.js';
import type { MessageId, Params } from '../../i18n/translate.js';

/*
 * The dashboard's tables as data, from one stats answer: what the page shows
 * (a real table, the chart beside it) and what its CSV holds come from the
 * same rows, so they cannot disagree.
 */

export type Translate = (id: MessageId | DashboardMessageId, params?: Params) => string;

/**
 * A count (null: withheld by the endpoint), or a percentage (`pct`, from 0 to
 * 100; null when worked out from a withheld count, undefined when there is
 * nothing to take a share of).
 */
export interface Cell {
  n: number | null | undefined;
  pct?: boolean;
}

export interface Row {
  /** A stable code for the CSV (`family`, `invites.created`, `2026-11-23`); the label is translated. */
  code: string;
  label: string;
  cells: Cell[];
}

export interface Table {
  /** Names the CSV file (`tandem-{course}-{id}.csv`) and the ids in the page. */
  id: string;
  caption: string;
  /** The heading of the rows' own column. */
  head: string;
  columns: string[];
  /** Rows in groups (a `<tbody>` each), a group with a heading where the rows fall in kinds (PCHM, PCDM). */
  groups: { label?: string; rows: Row[] }[];
}

export interface Section {
  id: 'typology' | 'groups' | 'funnels' | 'persistence';
  tables: Table[];
}

const count = (n: ShownCount | undefined): Cell => ({ n });
const pct = (n: number | null | undefined): Cell => ({ n, pct: true });

/** Whether the table shows a withheld count or a rate worked out from one (its legend is then shown). */
export const hasWithheld = (table: Table): boolean => table.groups.some((g) => g.rows.some((r) => r.cells.some((c) => c.n === null)));

/**
 * The CSV of a table: a header (`code`, then the headings as on screen, a
 * percentage's with ` (%)`), then one record per row: its code, its label and
 * its cells, counts as integers, percentages to one decimal, a withheld count
 * (or a rate from one) as an empty field, as the page's legend says.
 */
export function tableCsv(table: Table): string {
  const first = table.groups[0]?.rows[0]?.cells ?? [];
  const header = ['code', table.head, ...table.columns.map((label, i) => (first[i]?.pct ? `${label} (%)` : label))];
  const rows = table.groups.flatMap((g) => g.rows.map((r): CsvValue[] => [r.code, r.label, ...r.cells.map(({ n, pct }) => (n != null && pct ? round(n) : n))]));
  return toCsv([header, ...rows]);
}

/** Every section's tables, in the order the dashboard shows them. */
export function sections(stats: CourseStats, t: Translate, weekLabel: (isoDate: string) => string): Section[] {
  const label = (prefix: string) => (code: string) => t(`${prefix}.${code}` as MessageId);
  const relationship = label('relationship');
  const { typology, groups, funnels, persistence } = stats;
  const byCode = <T extends { code: string }>(list: readonly T[], code: string): T | undefined => list.find((item) => item.code == code);

  /** Relationships in the paper's two kinds, each row built by `cells`. */
  const relationshipGroups = (cells: (code: (typeof RELATIONSHIPS)[number]) => Cell[]) =>
    ([
      ['dash.pchm', PCHM_RELATIONSHIPS],
      ['dash.pcdm', PCDM_RELATIONSHIPS],
    ] as const).map(([heading, codes]) => ({ label: t(heading), rows: codes.map((code) => ({ code, label: relationship(code), cells: cells(code) })) }));

  const oneWay = (id: string, caption: DashboardMessageId, head: MessageId | DashboardMessageId, prefix: string, codes: readonly string[], list: readonly { code: string; count: ShownCount }[]): Table => ({
    id,
    caption: t(caption),
    head: t(head),
    columns: [t('dash.groups')],
    groups: [{ rows: codes.map((code) => ({ code, label: label(prefix)(code), cells: [count(byCode(list, code)?.count)] })) }],
  });

  /** A cross-table: a row per relationship, a column per code, in the order of the codes (the answer's columns follow its own list). */
  const cross = (id: string, caption: DashboardMessageId, prefix: string, codes: readonly string[], columns: readonly { code: string }[], rows: CourseStats['typology']['relationshipByObject']): Table => ({
    id,
    caption: t(caption),
    head: t('dash.relationship'),
    columns: codes.map(label(prefix)),
    groups: relationshipGroups((code) => {
      const row = rows.find((r) => r.relationship == code);
      return codes.map((c) => count(row?.counts[columns.findIndex((column) => column.code == c)]));
    }),
  });

  const steps = (heading: DashboardMessageId, list: [code: string, id: DashboardMessageId, n: ShownCount][]) => ({
    label: t(heading),
    rows: list.map(([code, id, n], i) => ({ code, label: t(id), cells: [count(n), pct(i ? percent(n, list[i - 1]![2]) : undefined)] })),
  });

  const persistenceRow = (code: string, text: string): Row => {
    const row = persistence.rows.find((r) => r.key == code);
    // No mean over nobody (n/a); a mean the endpoint withheld (null) shows as withheld.
    const progress = !row || row.learners === 0 ? undefined : row.meanProgress === null ? null : row.meanProgress * 100;
    return { code, label: text, cells: [count(row?.learners), count(row?.completed), pct(row && percent(row.completed, row.learners)), pct(progress)] };
  };

  return [
    {
      id: 'typology',
      tables: [
        { id: 'typology-relationship', caption: t('dash.by-relationship'), head: t('dash.relationship'), columns: [t('dash.groups')], groups: relationshipGroups((code) => [count(byCode(typology.relationship, code)?.count)]) },
        oneWay('typology-object', 'dash.by-object', 'common.what', 'object', OBJECTS, typology.object),
        oneWay('typology-modality', 'dash.by-modality', 'common.how', 'modality', MODALITIES, typology.modality),
        cross('typology-relationship-object', 'dash.relationship-object', 'object', OBJECTS, typology.object, typology.relationshipByObject),
        cross('typology-relationship-modality', 'dash.relationship-modality', 'modality', MODALITIES, typology.modality, typology.relationshipByModality),
      ],
    },
    {
      id: 'groups',
      tables: [
        {
          id: 'groups',
          caption: t('dash.summary'),
          head: t('dash.figure'),
          columns: [t('dash.count')],
          groups: [
            {
              rows: ([
                ['formed', 'dash.formed', groups.formed],
                ['active', 'dash.active', groups.active],
                ['dissolved', 'dash.dissolved', groups.dissolved],
                ['members-left', 'dash.members-left', groups.membersLeft],
                ['learners-grouped', 'dash.learners-grouped', groups.learnersGrouped],
              ] as const).map(([code, id, n]) => ({ code, label: t(id), cells: [count(n)] })),
            },
          ],
        },
        {
          id: 'groups-size',
          caption: t('dash.by-size'),
          head: t('dash.size'),
          columns: [t('dash.active')],
          groups: [{ rows: [2, 3, 4, 5, 6].map((size) => ({ code: String(size), label: t('dash.members', { size }), cells: [count(groups.bySize.find((s) => s.size == size)?.count)] })) }],
        },
        {
          id: 'groups-weekly',
          caption: t('dash.weekly'),
          head: t('dash.week'),
          columns: [t('dash.formed')],
          groups: [{ rows: stats.weekly.map(({ week, groupsFormed }) => ({ code: week, label: weekLabel(week), cells: [count(groupsFormed)] })) }],
        },
      ],
    },
    {
      id: 'funnels',
      tables: [
        {
          id: 'funnels',
          caption: t('dash.funnel'),
          head: t('dash.step'),
          columns: [t('dash.count'), t('dash.conversion')],
          groups: [
            steps('dash.invites', [
              ['invites.created', 'dash.invites-created', funnels.invites.created],
              ['invites.opened', 'dash.invites-opened', funnels.invites.opened],
              ['invites.accepted', 'dash.invites-accepted', funnels.invites.accepted],
            ]),
            steps('dash.requests', [
              ['requests.sent', 'dash.requests-sent', funnels.requests.sent],
              ['requests.accepted', 'dash.requests-accepted', funnels.requests.accepted],
            ]),
            steps('dash.pool', [
              ['pool.opted-in', 'dash.pool-opted-in', funnels.pool.optedIn],
              ['pool.matched', 'dash.pool-matched', funnels.pool.matched],
            ]),
          ],
        },
      ],
    },
    {
      id: 'persistence',
      tables: [
        {
          id: 'persistence',
          caption: t('dash.completion'),
          head: t('dash.who'),
          columns: [t('dash.learners'), t('dash.completed'), t('dash.completion-rate'), t('dash.mean-progress')],
          groups: [
            { label: t('dash.group-or-not'), rows: [persistenceRow('grouped', t('dash.grouped')), persistenceRow('alone', t('dash.alone'))] },
            { label: t('dash.by-relationship-rows'), rows: RELATIONSHIPS.map((code) => persistenceRow(code, relationship(code))) },
          ],
        },
      ],
    },
  ];
}
