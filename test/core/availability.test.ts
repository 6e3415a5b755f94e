import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createOverlapCounter,
  dominantSharedPart,
  hasHour,
  offsetHours,
  overlapHours,
  slotIndex,
  slotsToUtcHours,
  slotUtcStart,
  timeZoneDistanceHours,
  countHours,
  type WeekHours,
} from '../../src/core/availability.js';
import { generatePool } from '../../bench/pool-generator.js';

const hoursOf = (set: WeekHours): number[] => Array.from({ length: 168 }, (_, h) => h).filter((h) => hasHour(set, h));
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => (from + i) % 168);

test('slotIndex follows the documented encoding: day * 4 + part, parts night→evening', () => {
  const cases: Array<[day: number, part: Parameters<typeof slotIndex>[1], slot: number]> = [
    [0, 'night', 0],
    [0, 'morning', 1],
    [0, 'afternoon', 2],
    [0, 'evening', 3],
    [1, 'night', 4],
    [6, 'evening', 27],
  ];
  for (const [day, part, slot] of cases) assert.equal(slotIndex(day, part), slot, `${day} ${part}`);
});

test('offsetHours rounds to the nearest hour, halves upward', () => {
  const cases: Array<[minutes: number, hours: number]> = [
    [0, 0], [60, 1], [-300, -5], [330, 6], [345, 6], [-210, -3], [-570, -9], [840, 14], [NaN, 0],
  ];
  for (const [minutes, hours] of cases) assert.equal(offsetHours(minutes), hours, String(minutes));
});

test('slotsToUtcHours converts local slots to UTC hours of the week, wrapping days and the week', () => {
  const cases: Array<[label: string, slots: number[], offset: number, utc: number[]]> = [
    ['UTC Monday night', [0], 0, range(0, 6)],
    ['Paris Monday evening', [3], 120, range(16, 6)],
    ['Paris Monday night wraps back to Sunday 23:00 UTC', [0], 60, [0, 1, 2, 3, 4, 167]],
    ['New York Sunday evening wraps forward to Monday UTC', [27], -300, [0, 1, 2, 3, 4, 167]],
    ['Mumbai (+5:30 → +6) Tuesday morning', [5], 330, range(24, 6)],
    ['Newfoundland (−3:30 → −3) Tuesday morning', [5], -210, range(33, 6)],
    ['Tokyo Monday evening and Tuesday night are contiguous', [3, 4], 540, range(9, 12)],
    ['duplicates and invalid slots ignored', [2, 2, 28, -1, 1.5], 0, range(12, 6)],
  ];
  for (const [label, slots, offset, utc] of cases) {
    assert.deepEqual(hoursOf(slotsToUtcHours(slots, offset)), [...utc].sort((a, b) => a - b), label);
    for (const slot of slots.filter((s) => Number.isInteger(s) && s >= 0 && s < 28)) {
      assert.ok(utc.includes(slotUtcStart(slot, offset)), `${label}: start of slot ${slot}`);
    }
  }
});

test('overlapHours counts hours shared in UTC, across time zones', () => {
  const paris = (slots: number[]) => slotsToUtcHours(slots, 60);
  const cases: Array<[label: string, a: WeekHours, b: WeekHours, hours: number]> = [
    ['same slot, same zone', paris([3]), paris([3]), 6],
    ['different days', paris([3]), paris([7]), 0],
    ['Paris evening vs New York afternoon (same real hours)', paris([3]), slotsToUtcHours([2], -300), 6],
    ['Paris Monday evening vs Tokyo Tuesday night', paris([3]), slotsToUtcHours([4], 540), 4],
    ['Paris Monday night vs New York Sunday evening (week wrap)', paris([0]), slotsToUtcHours([27], -300), 6],
    ['empty', paris([]), paris([3]), 0],
    ['whole week', slotsToUtcHours(range(0, 28), 0), slotsToUtcHours(range(0, 28), 330), 168],
  ];
  for (const [label, a, b, hours] of cases) {
    assert.equal(overlapHours(a, b), hours, label);
    assert.equal(overlapHours(b, a), hours, `${label} (symmetric)`);
  }
});

test('createOverlapCounter agrees with overlapHours of the two bitsets on a generated pool', () => {
  const { learners } = generatePool(7, 300);
  for (const a of learners.slice(0, 20)) {
    const aHours = slotsToUtcHours(a.slots, a.utcOffsetMinutes);
    const count = createOverlapCounter(aHours);
    for (const b of learners) {
      const expected = overlapHours(aHours, slotsToUtcHours(b.slots, b.utcOffsetMinutes));
      assert.equal(count(b.slots, b.utcOffsetMinutes), expected, `${a.id} × ${b.id}`);
    }
  }
  const count = createOverlapCounter(slotsToUtcHours([3], 0));
  assert.equal(count([3, 3, 3], 0), 6, 'duplicate slots count once');
  assert.equal(countHours(slotsToUtcHours([3, 3], 0)), 6);
});

test('dominantSharedPart names the part of day in the reader\'s local time', () => {
  const paris = slotsToUtcHours([3], 60);
  const tokyo = slotsToUtcHours([4], 540);
  assert.equal(dominantSharedPart(paris, tokyo, 60), 'evening');
  assert.equal(dominantSharedPart(paris, tokyo, 540), 'night');
  assert.equal(dominantSharedPart(paris, slotsToUtcHours([7], 60), 60), null);
});

test('timeZoneDistanceHours is circular over 24 hours', () => {
  const cases: Array<[a: number, b: number, d: number]> = [
    [60, 60, 0], [60, -300, 6], [540, -300, 10], [-660, 780, 0], [330, 0, 6], [720, -480, 4],
  ];
  for (const [a, b, d] of cases) {
    assert.equal(timeZoneDistanceHours(a, b), d, `${a} vs ${b}`);
    assert.equal(timeZoneDistanceHours(b, a), d, `${b} vs ${a}`);
  }
});
