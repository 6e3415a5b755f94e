import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_REFRESH_SECONDS, duration, labelledColumns, percent, refreshSeconds, round, scale } from '../../src/core/dashboard-figures.js';

test('percent is worked out only from counts both shown', () => {
  const cases: Array<[part: number | null, whole: number | null, expected: number | null | undefined]> = [
    [5, 10, 50],
    [0, 10, 0],
    [10, 10, 100],
    [12, 10, 120], // more accepted than opened (an open not reported): shown as it is
    [null, 10, null], // part withheld
    [5, null, null], // whole withheld
    [null, null, null],
    [0, 0, undefined], // nothing to take a share of
    [null, 0, null],
  ];
  for (const [part, whole, expected] of cases) assert.equal(percent(part, whole), expected, `${part}/${whole}`);
  assert.equal(round(percent(1, 3)!), 33.3);
  assert.equal(round(0.1 + 0.2), 0.3);
  assert.equal(round(2 / 3, 3), 0.667);
});

test('duration says minutes, hours or days as people would', () => {
  const cases: Array<[hours: number, unit: string, value: number]> = [
    [0, 'minutes', 1], // never "0 min": an acceptance takes some time
    [0.25, 'minutes', 15],
    [0.999, 'minutes', 60],
    [1, 'hours', 1],
    [3.5, 'hours', 3.5],
    [3.54, 'hours', 3.5],
    [36, 'hours', 36],
    [47.94, 'hours', 47.9],
    [48, 'days', 2],
    [60, 'days', 2.5],
    [239, 'days', 10],
    [240, 'days', 10],
    [250, 'days', 10],
    [400, 'days', 17],
  ];
  for (const [hours, unit, value] of cases) assert.deepEqual(duration(hours), { unit, value }, String(hours));
});

test('scale: a round top at least the largest value, 2 to 5 even steps', () => {
  const cases: Array<[values: Array<number | null | undefined>, max: number, ticks: number[]]> = [
    [[], 1, [0, 1]],
    [[0, 0], 1, [0, 1]],
    [[null, undefined], 1, [0, 1]],
    [[1], 1, [0, 1]],
    [[2], 2, [0, 1, 2]],
    [[3, null], 5, [0, 1, 2, 3, 4, 5]],
    [[7], 10, [0, 2, 4, 6, 8, 10]],
    [[10], 10, [0, 5, 10]],
    [[12, 4], 20, [0, 10, 20]],
    [[48], 50, [0, 10, 20, 30, 40, 50]],
    [[51], 100, [0, 20, 40, 60, 80, 100]],
    [[100], 100, [0, 50, 100]],
    [[1234], 2000, [0, 1000, 2000]],
  ];
  for (const [values, max, ticks] of cases) assert.deepEqual(scale(values), { max, ticks }, JSON.stringify(values));
  for (let top = 1; top < 5000; top += 7) {
    const s = scale([top]);
    assert.ok(s.max >= top && s.max < top * 10, `top ${top}`);
    assert.ok(s.ticks.length >= 2 && s.ticks.length <= 6 && s.ticks.at(-1) === s.max, `top ${top}`);
  }
});

test('labelledColumns: at most `fit` labels, the last column always labelled', () => {
  const show = (count: number, fit: number) => labelledColumns(count, fit).map((on) => (on ? 'x' : '.')).join('');
  assert.equal(show(0, 5), '');
  assert.equal(show(1, 5), 'x');
  assert.equal(show(5, 5), 'xxxxx');
  assert.equal(show(6, 5), '.x.x.x');
  assert.equal(show(10, 4), 'x..x..x..x');
  assert.equal(show(3, 0), '..x'); // room for none: the last one still
  for (let count = 1; count < 80; count++) {
    for (const fit of [1, 3, 6, 8]) {
      const labels = labelledColumns(count, fit);
      assert.ok(labels.filter(Boolean).length <= fit, `${count}/${fit}`);
      assert.equal(labels.at(-1), true);
    }
  }
});

test('refreshSeconds: from 30 s to a day, 60 by default', () => {
  const cases: Array<[asked: unknown, expected: number]> = [
    [undefined, 60],
    [null, 60],
    ['', 60],
    ['soon', 60],
    ['45', 45],
    [45, 45],
    ['5', 30],
    [0, 30],
    [-10, 30],
    ['300', 300],
    [Number.NaN, 60],
    ['86399', 86_399],
    [86_400, 86_400],
    ['86401', 86_400],
    // From here a timer's delay in milliseconds no longer fits in 32 bits: browsers would run it at once.
    [2_147_484, 86_400],
    ['1e12', 86_400],
    [Number.MAX_VALUE, 86_400],
    [Infinity, 86_400],
    ['Infinity', 86_400],
    [-Infinity, 30],
  ];
  for (const [asked, expected] of cases) assert.equal(refreshSeconds(asked), expected, String(asked));
  assert.equal(MAX_REFRESH_SECONDS, 86_400);
  // Every period the element can schedule is a delay browsers keep (at most 2^31 - 1 ms).
  for (const asked of [0, 30, 60, 86_400, 2_147_483, 2_147_484, 1e300, Infinity]) assert.ok(refreshSeconds(asked) * 1000 <= 2 ** 31 - 1, String(asked));
});
