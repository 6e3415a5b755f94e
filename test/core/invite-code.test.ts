import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildInviteLink,
  encodeInviteCode,
  INVITE_CODE_BYTES,
  isInviteCode,
  readInviteFragment,
  stripInviteFragment,
} from '../../src/core/invite-code.js';

test('encodeInviteCode turns 18 bytes into 24 base64url characters', () => {
  const cases: Array<[number[], string]> = [
    [Array(18).fill(0), 'AAAAAAAAAAAAAAAAAAAAAAAA'],
    [Array(18).fill(255), '________________________'],
    [[251, 239, 190, ...Array(15).fill(0)], '----' + 'A'.repeat(20)],
  ];
  for (const [bytes, expected] of cases) {
    const code = encodeInviteCode(Uint8Array.from(bytes));
    assert.equal(code, expected);
    assert.ok(isInviteCode(code));
  }
});

test('encodeInviteCode refuses fewer or more than 18 bytes (144 bits)', () => {
  for (const n of [0, 16, 17, 19]) {
    assert.throws(() => encodeInviteCode(new Uint8Array(n)), RangeError);
  }
  assert.equal(INVITE_CODE_BYTES * 8, 144);
});

test('isInviteCode accepts only 24 base64url characters', () => {
  const cases: Array<[string, boolean]> = [
    ['abcdefghijklmnopqrstuvwx', true],
    ['ABC-_0123456789abcdefgh', false], // 23 characters
    ['ABC-_0123456789abcdefghi', true],
    ['ABC-_0123456789abcdefghij', false], // 25 characters
    ['abcdefghijklmnopqrstuvw=', false],
    ['abcdefghijklmnopqrstuv<>', false],
    ['', false],
  ];
  for (const [value, ok] of cases) assert.equal(isInviteCode(value), ok, value);
});

test('readInviteFragment reads the code from the hash only', () => {
  const code = 'abcdefghijklmnopqrstuvwx';
  const cases: Array<[string, ReturnType<typeof readInviteFragment>]> = [
    ['', { kind: 'none' }],
    ['#', { kind: 'none' }],
    ['#section-2', { kind: 'none' }],
    [`#tandem-invite=${code}`, { kind: 'code', code }],
    [`#a=1&tandem-invite=${code}`, { kind: 'code', code }],
    [`tandem-invite=${code}`, { kind: 'code', code }],
    ['#tandem-invite=short', { kind: 'malformed', raw: 'short' }],
    ['#tandem-invite=', { kind: 'malformed', raw: '' }],
    ['#tandem-invite=%3Cscript%3E', { kind: 'malformed', raw: '<script>' }],
  ];
  for (const [hash, expected] of cases) assert.deepEqual(readInviteFragment(hash), expected, hash);
});

test('buildInviteLink puts the code in the fragment, never the query string', () => {
  const code = 'abcdefghijklmnopqrstuvwx';
  const cases: Array<[string, string]> = [
    ['https://mooc.example/courses/c1/unit/3', `https://mooc.example/courses/c1/unit/3#tandem-invite=${code}`],
    ['https://mooc.example/c?unit=3', `https://mooc.example/c?unit=3#tandem-invite=${code}`],
    ['https://mooc.example/c#tandem-invite=old', `https://mooc.example/c#tandem-invite=${code}`],
    ['https://mooc.example/c#video=2', `https://mooc.example/c#video=2&tandem-invite=${code}`],
  ];
  for (const [page, expected] of cases) {
    const link = buildInviteLink(page, code);
    assert.equal(link, expected);
    assert.ok(!new URL(link).search.includes(code));
  }
});

test('stripInviteFragment removes only the invite parameter', () => {
  const cases: Array<[string, string]> = [
    ['#tandem-invite=abc', ''],
    ['#video=2&tandem-invite=abc', '#video=2'],
    ['#video=2', '#video=2'],
    ['', ''],
  ];
  for (const [hash, expected] of cases) assert.equal(stripInviteFragment(hash), expected, hash);
});
