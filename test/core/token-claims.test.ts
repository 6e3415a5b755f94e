import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isExpired, learnerKey, readTokenClaims } from '../../src/core/token-claims.js';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: unknown) => `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.signature`;

test('readTokenClaims reads a JWT payload without verifying it', () => {
  const cases: Array<[string, ReturnType<typeof readTokenClaims>]> = [
    [jwt({ sub: 'a1', iss: 'p', name: 'Zoë', course: 'c', role: 'learner', exp: 10 }), { sub: 'a1', iss: 'p', exp: 10 }], // name, course and role are the endpoint's to read
    [jwt({ sub: 'a1', iss: 'p' }), { sub: 'a1', iss: 'p' }],
    [jwt({ sub: 'a1', iss: 'p', exp: '10', name: 7 }), { sub: 'a1', iss: 'p' }], // wrong types ignored
    [jwt({ iss: 'p' }), null],
    [jwt({ sub: '', iss: 'p' }), null],
    [jwt({ sub: 'a1' }), null],
    [jwt('a string'), null],
    [jwt(null), null],
    ['not-a-jwt', null],
    ['a.%%%.c', null],
    ['a..c', null],
    ['', null],
  ];
  for (const [token, expected] of cases) assert.deepEqual(readTokenClaims(token), expected, token);
});

test('isExpired refreshes a little before exp', () => {
  const now = 1_000_000_000_000;
  const cases: Array<[exp: number | undefined, skew: number, expired: boolean]> = [
    [undefined, 30, false],
    [now / 1000 + 3600, 30, false],
    [now / 1000 + 31, 30, false],
    [now / 1000 + 30, 30, true],
    [now / 1000 + 10, 0, false],
    [now / 1000 - 1, 0, true],
  ];
  for (const [exp, skew, expired] of cases) {
    assert.equal(isExpired({ sub: 's', iss: 'i', ...(exp === undefined ? {} : { exp }) }, now, skew), expired, String(exp));
  }
});

test('learnerKey separates endpoints, issuers and learners', () => {
  const keys = new Set([
    learnerKey('https://a.example', { iss: 'p', sub: 'alice' }),
    learnerKey('https://a.example', { iss: 'p', sub: 'bob' }),
    learnerKey('https://a.example', { iss: 'q', sub: 'alice' }),
    learnerKey('https://b.example', { iss: 'p', sub: 'alice' }),
    // A separator inside a value must not make two keys collide.
    learnerKey('https://a.example', { iss: 'p|x', sub: 'y' }),
    learnerKey('https://a.example', { iss: 'p', sub: 'x|y' }),
  ]);
  assert.equal(keys.size, 6);
});
