import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter } from '../../src/core/backoff.js';

test('backoffDelay grows exponentially up to the cap, with full jitter', () => {
  const policy = { baseMs: 100, maxMs: 1_000 };
  const cases: Array<[attempt: number, random: number, expected: number]> = [
    [0, 0.999999, 99],
    [1, 0.5, 100],
    [2, 0.5, 200],
    [3, 0.999999, 799],
    [4, 0.999999, 999], // capped at maxMs
    [30, 0.5, 500], // still capped, no overflow
    [0, 0, 10], // never zero: at least a tenth of the base
    [-1, 0.5, 50], // a negative attempt counts as the first
  ];
  for (const [attempt, random, expected] of cases) {
    assert.equal(backoffDelay(attempt, random, policy), expected, `attempt ${attempt}, random ${random}`);
  }
});

test('backoffDelay stays within [base/10, max] for any attempt and draw', () => {
  for (let attempt = 0; attempt < 40; attempt++) {
    for (const random of [0, 0.1, 0.5, 0.9, 0.999]) {
      const delay = backoffDelay(attempt, random);
      assert.ok(delay >= DEFAULT_BACKOFF.baseMs / 10 && delay <= DEFAULT_BACKOFF.maxMs, String(delay));
    }
  }
});

test('parseRetryAfter reads seconds and HTTP dates', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  const cases: Array<[string | null | undefined, number | undefined]> = [
    ['5', 5_000],
    ['0', 0],
    [' 12 ', 12_000],
    ['Fri, 27 Nov 2026 10:00:30 GMT', 30_000],
    ['Fri, 27 Nov 2026 09:59:00 GMT', 0], // in the past: retry now
    ['soon', undefined],
    ['-3', undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) assert.equal(parseRetryAfter(header, now), expected, String(header));
});
