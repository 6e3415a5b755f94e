import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, csvFileName, toCsv } from '../../src/core/csv.js';

test('csvField quotes what RFC 4180 says must be quoted, and only that', () => {
  const cases: Array<[value: string | number | null | undefined, expected: string]> = [
    ['Family', 'Family'],
    ['In person, the two of us', '"In person, the two of us"'],
    ['She said "hi"', '"She said ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['', ''],
    [' spaced ', ' spaced '], // spaces are data: kept, not quoted
    ['Rencontré·e dans ce cours', 'Rencontré·e dans ce cours'],
    [0, '0'],
    [12, '12'],
    [33.3, '33.3'],
    [null, ''], // withheld: an empty field
    [undefined, ''],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
  ];
  for (const [value, expected] of cases) assert.equal(csvField(value), expected, JSON.stringify(value));
});

test('csvField guards text that a spreadsheet would run as a formula', () => {
  const cases: Array<[value: string, expected: string]> = [
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\rCR', `"'\rCR"`],
    ['a=b', 'a=b'], // only at the start
    ["'quoted", "'quoted"],
  ];
  for (const [value, expected] of cases) assert.equal(csvField(value), expected, JSON.stringify(value));
  // Numbers are numbers, not text: a negative one would be written as it is (counts are never negative).
  assert.equal(csvField(-1), '-1');
});

test('toCsv ends every record, the last one too, with CRLF', () => {
  assert.equal(
    toCsv([
      ['code', 'Modality', 'Groups'],
      ['in-person-pair', 'In person, the two of us', 12],
      ['email', 'Email', null],
    ]),
    'code,Modality,Groups\r\nin-person-pair,"In person, the two of us",12\r\nemail,Email,\r\n',
  );
  assert.equal(toCsv([]), '');
  assert.equal(toCsv([[]]), '\r\n');
});

test('csvFileName keeps letters, digits, dot, underscore and dash', () => {
  assert.equal(csvFileName('demo-mooc-101', 'typology-relationship'), 'tandem-demo-mooc-101-typology-relationship.csv');
  assert.equal(csvFileName('course-v1:Org+Climate101+2026', 'persistence'), 'tandem-course-v1-Org-Climate101-2026-persistence.csv');
  assert.equal(csvFileName('a/../b', 'weekly'), 'tandem-a-..-b-weekly.csv');
  assert.doesNotMatch(csvFileName('x y:z\\w', 't'), /[\s:\\/]/);
});
