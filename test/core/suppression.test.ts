import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/core/prng.js';
import { isSmall, recoverableLines, suppressLines, suppressTable, type CountTable } from '../../src/core/suppression.js';

/** A table with its totals as sums. */
function table(cells: number[][]): CountTable {
  const rowTotals = cells.map((row) => row.reduce((a, b) => a + b, 0));
  const colTotals = cells[0]!.map((_, c) => cells.reduce((a, row) => a + row[c]!, 0));
  return { cells, rowTotals, colTotals, total: rowTotals.reduce((a, b) => a + b, 0) };
}

describe('small-count suppression', () => {
  it('shows a table with no small count as it is', () => {
    const shown = suppressTable(table([[5, 7], [9, 0]]), 5);
    assert.deepEqual(shown, { cells: [[5, 7], [9, 0]], rowTotals: [12, 9], colTotals: [14, 7], total: 21 });
  });

  const cases: Array<[label: string, cells: number[][], threshold: number, hiddenCells: Array<[number, number]>]> = [
    // One small cell: a complement in its row (the smallest other) and in its column, then one more to close the square.
    ['one small cell', [[2, 10, 20], [30, 40, 50]], 5, [[0, 0], [0, 1], [1, 0], [1, 1]]],
    ['small cells already pair up in a row and a column', [[1, 2, 30], [3, 4, 40], [50, 60, 70]], 5, [[0, 0], [0, 1], [1, 0], [1, 1]]],
    ['zeros are complements of last resort', [[2, 0, 9], [9, 9, 9]], 5, [[0, 0], [0, 2], [1, 0], [1, 2]]],
    ['at the minimum threshold, 3', [[3, 2, 9], [9, 9, 9]], 3, [[0, 1], [0, 0], [1, 0], [1, 1]]],
  ];
  for (const [label, cells, threshold, hiddenCells] of cases) {
    it(label, () => {
      const shown = suppressTable(table(cells), threshold);
      const hidden = shown.cells.flatMap((row, r) => row.flatMap((v, c) => (v === null ? [[r, c] as [number, number]] : [])));
      assert.deepEqual(hidden.sort(), [...hiddenCells].sort());
      assert.deepEqual(recoverableLines(shown), []);
    });
  }

  it('suppresses a small row total, and a complement among the row totals', () => {
    const shown = suppressTable(table([[1, 1], [20, 30], [40, 50]]), 5);
    assert.equal(shown.rowTotals[0], null);
    assert.equal(shown.rowTotals.filter((t) => t === null).length >= 2 || shown.total === null, true);
    assert.deepEqual(recoverableLines(shown), []);
  });

  it('never shows a small count and leaves nothing recoverable by subtraction, over 2,000 random tables', () => {
    const random = mulberry32(2017);
    for (let i = 0; i < 2000; i++) {
      const rows = 1 + Math.floor(random() * 6);
      const cols = 1 + Math.floor(random() * 6);
      const threshold = 3 + Math.floor(random() * 8);
      const cells = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() < 0.3 ? 0 : Math.floor(random() * 3 * threshold))));
      const t = table(cells);
      const shown = suppressTable(t, threshold);
      shown.cells.forEach((row, r) => row.forEach((v, c) => v !== null && assert.ok(!isSmall(v, threshold), `cell ${r},${c} of table ${i}`)));
      shown.rowTotals.forEach((v) => v !== null && assert.ok(!isSmall(v, threshold)));
      shown.colTotals.forEach((v) => v !== null && assert.ok(!isSmall(v, threshold)));
      if (shown.total !== null) assert.ok(!isSmall(shown.total, threshold));
      assert.deepEqual(recoverableLines(shown), [], `table ${i}: ${JSON.stringify(cells)} at ${threshold}`);
      // Shown values are the true ones.
      shown.cells.forEach((row, r) => row.forEach((v, c) => v === null || assert.equal(v, t.cells[r]![c])));
    }
  });

  it('refuses a threshold below 3 and a ragged table', () => {
    assert.throws(() => suppressTable(table([[1]]), 2), RangeError);
    assert.throws(() => suppressTable({ cells: [[1, 2], [3]], rowTotals: [3, 3], colTotals: [4, 2], total: 6 }, 5), RangeError);
  });

  it('recoverableLines finds a lone suppressed cell', () => {
    assert.deepEqual(recoverableLines({ cells: [[null, 7]], rowTotals: [9], colTotals: [null, 7], total: 9 }), ['row 0', 'column totals']);
  });

  it('suppressLines keeps the complements withheld last time while what they protect is small, so two answers pin nothing', () => {
    // Entries 0..2 add up to 3; entry 0 is small. Afresh, the smallest shown entry is the complement.
    const lines = [{ entries: [0, 1, 2], total: 3 }];
    const at = (values: number[], previous?: Set<number>) => suppressLines(values, lines, 5, previous && { previous });
    assert.deepEqual(at([3, 6, 7, 16]), [true, true, false, false]);
    // Entry 1 grew to 8: afresh, entry 2 (7) would be chosen, and 16 − 7 at first with 8 now would give entry 0.
    assert.deepEqual(at([3, 8, 7, 18]), [true, false, true, false]);
    assert.deepEqual(at([3, 8, 7, 18], new Set([0, 1])), [true, true, false, false]);
    // A second small entry appears beside it: afresh, the two small ones would protect each other and entry 1 be
    // shown, giving entry 0 back from the first answer (9 − 6); the old complement is kept.
    const four = [{ entries: [0, 1, 2, 3], total: 4 }];
    assert.deepEqual(suppressLines([3, 6, 7, 0, 16], four, 5), [true, true, false, false, false]);
    assert.deepEqual(suppressLines([3, 6, 7, 1, 17], four, 5), [true, false, false, true, false]);
    assert.deepEqual(suppressLines([3, 6, 7, 1, 17], four, 5, { previous: new Set([0, 1]) }), [true, true, false, true, false]);
    // What it protected is no longer small: the complement is released.
    assert.deepEqual(at([5, 8, 7, 20], new Set([0, 1])), [false, false, false, false]);
  });

  it('suppressLines keeps derived values out of the complements, and withholds forced ones', () => {
    // 0 + 1 → 2, where 1 is derived (never shown, known anyway): a small 1 needs a complement among the others.
    const lines = [{ entries: [0, 1], total: 2 }];
    assert.deepEqual(suppressLines([6, 1, 7], lines, 5, { derived: new Set([1]) }), [true, true, false]);
    assert.deepEqual(suppressLines([6, 9, 15], lines, 5, { force: new Set([0]) }), [true, true, false]);
    // A small total whose only other value is derived: nothing can protect it but itself.
    assert.deepEqual(suppressLines([0, 3, 3], lines, 5, { derived: new Set([1]) }), [false, true, true]);
  });

  it('suppressLines withholds an entry beside a withheld total, which would otherwise be the sum of what is shown', () => {
    // sizes 2 and 3 → active groups; active and dissolved → formed. Dissolved (4) is small, active its complement,
    // and then active = 51 + 25 unless one of the sizes goes too.
    const lines = [
      { entries: [0, 1], total: 2 },
      { entries: [2, 3], total: 4 },
    ];
    assert.deepEqual(suppressLines([51, 25, 76, 4, 80], lines, 5), [false, true, true, true, false]);
  });
});
