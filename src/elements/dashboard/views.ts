import { html, svg, type TemplateResult } from 'lit';
import { labelledColumns, scale, type Scale } from '../../core/dashboard-figures.js';
import { hasWithheld, type Cell, type Table, type Translate } from './tables.js';

/*
 * How the dashboard draws a table and its chart. The table is the accessible
 * source: exact figures, a caption, headers with their scope, withheld cells
 * named as such. The chart beside it shows the same figures at a glance and
 * is hidden from assistive technologies (`aria-hidden`): a role="img" label
 * would have to repeat every figure to be as good as the table (and then be
 * one long string, with no way to move from cell to cell), or summarise them
 * and say less; with the chart hidden, a screen reader meets each figure once,
 * in the table, where it can be navigated.
 */

export interface Formats {
  t: Translate;
  /** A count in the page's language ("1,234", "1 234"). */
  count(n: number): string;
  /** A percentage from 0 to 100 ("33.3%", "33,3 %"). */
  pct(n: number): string;
  /** The answer's threshold: counts under it are withheld. */
  threshold: number;
}

/** A cell's text: the figure, "—" for a withheld one (named for screen readers), "n/a" when there is nothing to show. */
export function cellText({ n, pct }: Cell, f: Formats): TemplateResult | string {
  return n === null ? html`<span aria-hidden="true">—</span><span class="sr">${f.t('dash.withheld')}</span>` : n === undefined ? f.t('dash.na') : pct ? f.pct(n) : f.count(n);
}

/**
 * A table in a region that scrolls sideways on a narrow screen (focusable, so
 * a keyboard can scroll it, and named by the caption), the legend of withheld
 * cells when it has some, and its download button (named after the table for
 * screen readers, where several "Download CSV" would sound alike).
 */
export function tableView(table: Table, f: Formats, download: (table: Table) => void, button = f.t('dash.csv')): TemplateResult {
  const caption = `c-${table.id}`;
  const width = table.columns.length + 1;
  return html`<div class="table"><div class="scroll" role="region" tabindex="0" aria-labelledby=${caption}><table part="table"><caption id=${caption}>${table.caption}</caption><thead><tr><th scope="col">${table.head}</th>${table.columns.map(
    (column) => html`<th scope="col">${column}</th>`,
  )}</tr></thead>${table.groups.map(
    (group) =>
      html`<tbody>${group.label ? html`<tr><th scope="rowgroup" colspan=${width}>${group.label}</th></tr>` : ''}${group.rows.map(
        (row) => html`<tr><th scope="row">${row.label}</th>${row.cells.map((cell) => html`<td>${cellText(cell, f)}</td>`)}</tr>`,
      )}</tbody>`,
  )}</table></div>${hasWithheld(table) ? html`<p part="note" class="legend muted">${f.t('dash.legend', { threshold: f.threshold })}</p>` : ''}<button part="button" type="button" class="alt csv" @click=${() => download(table)}>${button}<span class="sr"> (${table.caption})</span></button></div>`;
}

/** The charts' width in viewBox units: about a phone's width in pixels, so their 13-unit text is about 13px there. */
const W = 300;
/** Room for the figure at the end of the longest bar. */
const TEXT = 56;

/**
 * Horizontal bars, one per row of `table` (column `column`), each under its
 * label with the figure at its end; a withheld one as a dashed stub and "—".
 * The table's row groups (PCHM and PCDM, invites and requests) head their
 * bars, so that two "Accepted" bars say whose; a `title` names the column
 * drawn when the caption does not. Drawn in a viewBox, so it scales with the
 * width it is given.
 */
export function barChart(table: Table, f: Formats, column = 0, axis?: Scale, title?: string): TemplateResult {
  const { max } = axis ?? scale(table.groups.flatMap((g) => g.rows.map((r) => r.cells[column]?.n)));
  let y = title ? 24 : 0;
  const marks = table.groups.map((group) => {
    const heading = group.label ? svg`<text class="group" x="0" y=${(y += 18) - 4}>${group.label}</text>` : '';
    return svg`${heading}${group.rows.map((row) => {
      const { n, pct } = row.cells[column]!;
      const top = y;
      y += 38;
      const length = typeof n == 'number' ? Math.max(n > 0 ? 2 : 0, ((W - TEXT) * Math.min(n, max)) / max) : 0;
      return svg`<text x="0" y=${top + 13}>${row.label}</text>${
        n === null ? svg`<rect class="hole" x="0.5" y=${top + 18.5} width="12" height="13"></rect>` : svg`<rect class="bar" x="0" y=${top + 18} width=${length} height="14"></rect>`
      }<text x=${(n === null ? 12 : length) + 5} y=${top + 30}>${n === null ? '—' : n === undefined ? f.t('dash.na') : pct ? f.pct(n) : f.count(n)}</text>`;
    })}`;
  });
  return html`<svg part="chart" aria-hidden="true" viewBox="0 0 ${W} ${y}" focusable="false">${title ? svg`<text class="title" x="0" y="14">${title}</text>` : ''}${marks}</svg>`;
}

/**
 * Vertical bars over time (the weekly series): gridlines at the scale's
 * ticks, a label under every few weeks (this week's always), a withheld week
 * as a dashed stub.
 */
export function columnChart(table: Table, f: Formats, short: (code: string) => string): TemplateResult {
  const rows = table.groups.flatMap((g) => g.rows);
  const { max, ticks } = scale(rows.map((r) => r.cells[0]?.n));
  const left = 30;
  const top = 8;
  const height = 140;
  const band = (W - left) / Math.max(1, rows.length);
  const labels = labelledColumns(rows.length, 5);
  const y = (n: number): number => top + height - (height * n) / max;
  return html`<svg part="chart" aria-hidden="true" viewBox="0 0 ${W} ${top + height + 22}" focusable="false">${ticks.map(
    (tick) => svg`<line class="grid" x1=${left} x2=${W} y1=${y(tick)} y2=${y(tick)}></line><text class="tick" x=${left - 4} y=${y(tick) + 4}>${f.count(tick)}</text>`,
  )}${rows.map(({ code, cells: [cell] }, i) => {
    const x = left + i * band + band * 0.15;
    const width = band * 0.7;
    return svg`${
      cell?.n === null
        ? svg`<rect class="hole" x=${x} y=${y(0) - 8.5} width=${width} height="8"></rect>`
        : svg`<rect class="bar" x=${x} y=${y(cell?.n ?? 0)} width=${width} height=${y(0) - y(cell?.n ?? 0)}></rect>`
    }${labels[i] ? svg`<text class="week" x=${x + width / 2} y=${top + height + 16}>${short(code)}</text>` : ''}`;
  })}</svg>`;
}
