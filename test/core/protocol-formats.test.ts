import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod/mini';
import { IsoTime, Uuid } from '../../src/protocol/codes.js';

// IsoTime and Uuid are small refines that must keep accepting exactly the values they did
// (the endpoint and the widget share it): checked value by value against zod's own.
const reference = z.iso.datetime();

test('IsoTime accepts exactly what z.iso.datetime() accepts', () => {
  const cases: Array<[string, boolean]> = [
    ['2025-03-01T09:30:00Z', true],
    ['2025-03-01T09:30:00.123Z', true],
    ['2025-03-01T09:30:00.123456789Z', true],
    ['2024-02-29T00:00:00Z', true], // leap year
    ['2000-02-29T00:00:00Z', true], // divisible by 400
    ['1900-02-29T00:00:00Z', false], // divisible by 100 only
    ['2025-02-29T00:00:00Z', false],
    ['0000-02-29T00:00:00Z', true], // year 0 is a leap year in the proleptic calendar
    ['0000-01-01T00:00:00Z', true],
    ['9999-12-31T23:59:59Z', true],
    ['1970-01-01T00:00:00Z', true],
    ['2025-04-31T00:00:00Z', false],
    ['2025-04-30T00:00:00Z', true],
    ['2025-13-01T00:00:00Z', false],
    ['2025-00-01T00:00:00Z', false],
    ['2025-01-00T00:00:00Z', false],
    ['2025-01-32T00:00:00Z', false],
    ['2025-01-01T24:00:00Z', false],
    ['2025-01-01T23:60:00Z', false],
    ['2025-01-01T23:59:60Z', false],
    ['2025-01-01T09:30Z', false], // seconds required
    ['2025-01-01T09:30:00', false], // UTC only
    ['2025-01-01T09:30:00+01:00', false],
    ['2025-01-01T09:30:00.Z', false],
    ['2025-01-01 09:30:00Z', false],
    ['2025-1-01T09:30:00Z', false],
    ['+02025-01-01T09:30:00Z', false],
    [' 2025-01-01T09:30:00Z', false],
    ['2025-01-01T09:30:00Z\n', false],
    ['', false],
  ];
  for (const [value, expected] of cases) {
    assert.equal(reference.safeParse(value).success, expected, `reference: ${value}`);
    assert.equal(IsoTime.safeParse(value).success, expected, value);
  }
});

test('IsoTime agrees with z.iso.datetime() on every day of four years, at the edges of the clock', () => {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  for (const year of [1900, 2000, 2023, 2024]) {
    for (let month = 1; month <= 12; month++) {
      for (let day = 28; day <= 32; day++) {
        for (const time of ['00:00:00', '23:59:59.9']) {
          const value = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${time}Z`;
          assert.equal(IsoTime.safeParse(value).success, reference.safeParse(value).success, value);
        }
      }
    }
  }
});

test('Uuid accepts exactly what it accepted as a longer regex', () => {
  // z.uuid()'s values, except that case is ignored throughout (z.uuid() takes the max UUID in lower case only).
  const uuid = /^([\da-f]{8}-[\da-f]{4}-[1-8][\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;
  const cases: Array<[string, boolean]> = [
    ['123e4567-e89b-12d3-a456-426614174000', true],
    ['123E4567-E89B-42D3-B456-426614174000', true],
    ['123e4567-e89b-82d3-a456-426614174000', true],
    ['123e4567-e89b-92d3-a456-426614174000', false], // version 9
    ['123e4567-e89b-02d3-a456-426614174000', false], // version 0
    ['123e4567-e89b-12d3-c456-426614174000', false], // variant
    ['00000000-0000-0000-0000-000000000000', true], // nil
    ['ffffffff-ffff-ffff-ffff-ffffffffffff', true], // max
    ['FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', true],
    ['00000000-0000-0000-0000-00000000000', false],
    ['00000000-0000-0000-0000-0000000000000', false],
    ['00000000-0000-0000-0000-ffffffffffff', false],
    ['123e4567e89b12d3a456426614174000', false],
    ['{123e4567-e89b-12d3-a456-426614174000}', false],
    ['', false],
  ];
  for (const [value, expected] of cases) {
    assert.equal(uuid.test(value), expected, `reference: ${value}`);
    assert.equal(Uuid.safeParse(value).success, expected, value);
  }
});
