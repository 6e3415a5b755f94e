/**
 * Small-count suppression for the instructor's tables (issue 4, "Privacy"):
 * pure, deterministic. A count from 1 to threshold − 1 is never shown
 * ("fewer than N"), and complementary cells are suppressed so that none can be
 * recovered by subtraction (or a withheld total by addition) from what is
 * shown: in every line of the table (each row with its row total, each column
 * with its column total, the row totals with the grand total, the column
 * totals with the grand total), the number of suppressed values, the total
 * counted as one of them, is never exactly one.
 *
 * Totals are treated as sums of their line, the safe reading: the typology
 * tables count a group once under each code it carries, so their totals are
 * at most the sums, and a rule that protects sums protects them too.
 *
 * Complements are chosen deterministically: the smallest shown entry of the
 * line (ties: the first), zeros last (a suppressed zero protects as well as
 * any other, but hides a fact that discloses nobody), and the line's total
 * only when the line has no entry left to suppress.
 */

/** The smallest threshold a course may set, and the default. */
export const MIN_SUPPRESSION_THRESHOLD = 3;
export const DEFAULT_SUPPRESSION_THRESHOLD = 5;
/** The largest a course may set. */
export const MAX_SUPPRESSION_THRESHOLD = 100;

export interface CountTable {
  /** `cells[r][c]`: counts, integers ≥ 0; every row as long as the first. */
  cells: readonly (readonly number[])[];
  rowTotals: readonly number[];
  colTotals: readonly number[];
  total: number;
}

/** The same table with each count shown (a number) or suppressed (null). */
export interface ShownTable {
  cells: (number | null)[][];
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  total: number | null;
}

/** Whether a count must not be shown on its own: 1 to threshold − 1. */
export function isSmall(count: number, threshold: number): boolean {
  return count > 0 && count < threshold;
}

/** One line: its entries and its total, as positions in the values. */
export interface Line {
  entries: readonly number[];
  total: number;
}

export interface SuppressOptions {
  /**
   * Positions withheld in the previous answer. Each stays withheld while a
   * line it is in still holds a small count (so a complement is not released
   * while what it protects is still there: comparing the two answers would
   * give it back), and they are chosen first as new complements.
   */
  previous?: ReadonlySet<number>;
  /**
   * Positions never shown but known anyway (a sum an earlier answer showed, a
   * difference of two shown counts): a small one is withheld like any count,
   * so that its lines get complements, but one is never chosen as a
   * complement, since withholding it would hide nothing.
   */
  derived?: ReadonlySet<number>;
  /**
   * Positions known whatever this answer shows (a total an earlier answer
   * showed and that cannot change): counted as shown in their lines, even
   * when small, and never chosen as complements.
   */
  known?: ReadonlySet<number>;
  /** Positions to withhold whatever their count. */
  force?: ReadonlySet<number>;
}

/**
 * The positions to withhold among `values`, given the `lines` that tie them
 * (each total is at most the sum of its entries): every small count, then
 * complements until no line has exactly one value withheld, its total
 * counted among them. See `SuppressOptions` for answers over time and for
 * values that are known without being shown.
 */
export function suppressLines(values: readonly number[], lines: readonly Line[], threshold: number, options: SuppressOptions = {}): boolean[] {
  checkThreshold(threshold);
  const previous = options.previous ?? new Set<number>();
  const derived = options.derived ?? new Set<number>();
  const known = options.known ?? new Set<number>();
  const small = values.map((v, p) => isSmall(v, threshold) && !known.has(p));
  const hidden = values.map((_, p) => small[p]! || (options.force?.has(p) ?? false));
  for (const line of lines) {
    const members = [...line.entries, line.total];
    if (!members.some((p) => small[p])) continue;
    for (const p of members) if (previous.has(p) && !derived.has(p)) hidden[p] = true;
  }
  // Each pass suppresses at least one more position, so this ends within values.length passes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of lines) {
      // A lone withheld entry is its total minus the rest; a lone withheld total is the sum of its entries.
      const suppressed = line.entries.filter((p) => hidden[p]).length + (hidden[line.total] ? 1 : 0);
      if (suppressed !== 1) continue;
      const candidates = line.entries.filter((p) => !hidden[p] && !derived.has(p) && !known.has(p));
      const remembered = candidates.filter((p) => previous.has(p));
      const complement = pickComplement(remembered.length > 0 ? remembered : candidates, values) ?? line.total;
      // No entry left and a total that is known anyway, or a line of no entries: nothing more can be done.
      if (hidden[complement] || derived.has(complement) || known.has(complement)) continue;
      hidden[complement] = true;
      changed = true;
    }
  }
  return hidden;
}

function checkThreshold(threshold: number): void {
  if (!Number.isInteger(threshold) || threshold < MIN_SUPPRESSION_THRESHOLD) {
    throw new RangeError(`suppression: threshold must be an integer of at least ${MIN_SUPPRESSION_THRESHOLD}, got ${threshold}`);
  }
}

/** Suppresses small counts and their complements; see the module comment. */
export function suppressTable(table: CountTable, threshold: number): ShownTable {
  checkThreshold(threshold);
  const rows = table.cells.length;
  const cols = table.colTotals.length;
  // Flat positions: cells r*cols+c, then row totals, then column totals, then the grand total.
  const rowTotalAt = (r: number) => rows * cols + r;
  const colTotalAt = (c: number) => rows * cols + rows + c;
  const totalAt = rows * cols + rows + cols;
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = table.cells[r]!;
    if (row.length !== cols) throw new RangeError(`suppressTable: row ${r} has ${row.length} cells, expected ${cols}`);
    values.push(...row);
  }
  values.push(...table.rowTotals, ...table.colTotals, table.total);
  if (table.rowTotals.length !== rows) throw new RangeError('suppressTable: one row total per row');

  const lines: Line[] = [];
  for (let r = 0; r < rows; r++) lines.push({ entries: Array.from({ length: cols }, (_, c) => r * cols + c), total: rowTotalAt(r) });
  for (let c = 0; c < cols; c++) lines.push({ entries: Array.from({ length: rows }, (_, r) => r * cols + c), total: colTotalAt(c) });
  lines.push({ entries: Array.from({ length: rows }, (_, r) => rowTotalAt(r)), total: totalAt });
  lines.push({ entries: Array.from({ length: cols }, (_, c) => colTotalAt(c)), total: totalAt });

  const hidden = suppressLines(values, lines, threshold);
  const shown = (p: number) => (hidden[p] ? null : values[p]!);
  return {
    cells: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => shown(r * cols + c))),
    rowTotals: Array.from({ length: rows }, (_, r) => shown(rowTotalAt(r))),
    colTotals: Array.from({ length: cols }, (_, c) => shown(colTotalAt(c))),
    total: shown(totalAt),
  };
}

/** The smallest non-zero count among `positions` (the first of equals), else the first zero, else undefined. */
function pickComplement(positions: readonly number[], values: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const p of positions) {
    const v = values[p]!;
    if (best === undefined) {
      best = p;
      continue;
    }
    const b = values[best]!;
    if ((b === 0 && v > 0) || (v > 0 && v < b)) best = p;
  }
  return best;
}

/**
 * Lines of a shown table in which exactly one value, entries and total
 * together, is suppressed (so it could be recovered by subtraction or
 * addition), as `row r`, `column c`, `row totals`, `column totals`: empty
 * when safe.
 */
export function recoverableLines(shown: ShownTable): string[] {
  const found: string[] = [];
  const check = (label: string, entries: readonly (number | null)[], total: number | null) => {
    if ([...entries, total].filter((e) => e === null).length === 1) found.push(label);
  };
  shown.cells.forEach((row, r) => check(`row ${r}`, row, shown.rowTotals[r]!));
  shown.colTotals.forEach((total, c) => check(`column ${c}`, shown.cells.map((row) => row[c]!), total));
  check('row totals', shown.rowTotals, shown.total);
  check('column totals', shown.colTotals, shown.total);
  return found;
}
