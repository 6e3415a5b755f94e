import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTokenVerifier, signToken, verifyToken } from '../../src/server/auth.js';
import { ApiError } from '../../src/server/errors.js';
import { learnerToken, startTestServer, TEST_AUDIENCE, TEST_COURSE, TEST_ISSUER, TEST_SECRET, type TestServer } from '../helpers/server.js';

const NOW = Date.parse('2025-03-03T09:00:00.000Z');
const policy = { secret: TEST_SECRET, issuer: TEST_ISSUER, audience: TEST_AUDIENCE };
const claims = {
  sub: 'alice',
  name: 'Alice',
  course: TEST_COURSE,
  role: 'learner',
  iss: TEST_ISSUER,
  aud: TEST_AUDIENCE,
  exp: NOW / 1000 + 60,
};
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A token with any header, signed with the test secret (to reach the checks after the signature). */
function withHeader(header: unknown, body: unknown = claims): string {
  const input = `${b64(header)}.${b64(body)}`;
  return `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`;
}

describe('verifyToken', () => {
  const cases: { name: string; token: string; code: 'token_invalid' | 'token_expired' | null }[] = [
    { name: 'a valid token', token: signToken(claims, TEST_SECRET), code: null },
    { name: 'an audience list holding ours', token: signToken({ ...claims, aud: ['other', TEST_AUDIENCE] }, TEST_SECRET), code: null },
    { name: 'expired within the 30 s skew', token: signToken({ ...claims, exp: NOW / 1000 - 29 }, TEST_SECRET), code: null },
    { name: 'expired beyond the skew', token: signToken({ ...claims, exp: NOW / 1000 - 31 }, TEST_SECRET), code: 'token_expired' },
    { name: 'another secret', token: signToken(claims, 'some-other-secret-0123456789'), code: 'token_invalid' },
    { name: 'alg none, no signature', token: `${b64({ alg: 'none' })}.${b64(claims)}.`, code: 'token_invalid' },
    { name: 'alg HS512 header', token: withHeader({ alg: 'HS512', typ: 'JWT' }), code: 'token_invalid' },
    { name: 'another issuer', token: signToken({ ...claims, iss: 'elsewhere' }, TEST_SECRET), code: 'token_invalid' },
    { name: 'another audience', token: signToken({ ...claims, aud: 'elsewhere' }, TEST_SECRET), code: 'token_invalid' },
    { name: 'an unknown role', token: signToken({ ...claims, role: 'root' }, TEST_SECRET), code: 'token_invalid' },
    { name: 'no name', token: signToken({ ...claims, name: undefined }, TEST_SECRET), code: 'token_invalid' },
    { name: 'no exp', token: signToken({ ...claims, exp: undefined }, TEST_SECRET), code: 'token_invalid' },
    { name: 'not yet valid', token: signToken({ ...claims, nbf: NOW / 1000 + 600 }, TEST_SECRET), code: 'token_invalid' },
    { name: 'not valid yet, but within the skew', token: signToken({ ...claims, nbf: NOW / 1000 + 20 }, TEST_SECRET), code: null },
    { name: 'issued in the future beyond the skew', token: signToken({ ...claims, iat: NOW / 1000 + 600 }, TEST_SECRET), code: 'token_invalid' },
    { name: 'issued in the future within the skew', token: signToken({ ...claims, iat: NOW / 1000 + 20 }, TEST_SECRET), code: null },
    { name: 'exp as a string', token: signToken({ ...claims, exp: String(NOW / 1000 + 60) }, TEST_SECRET), code: 'token_invalid' },
    { name: 'iat as a string', token: signToken({ ...claims, iat: String(NOW / 1000) }, TEST_SECRET), code: 'token_invalid' },
    { name: 'sub as a number', token: signToken({ ...claims, sub: 42 }, TEST_SECRET), code: 'token_invalid' },
    { name: 'aud as a number', token: signToken({ ...claims, aud: 1 }, TEST_SECRET), code: 'token_invalid' },
    { name: 'a sub that is an email, not a pseudonymous id', token: signToken({ ...claims, sub: 'alice@example.org' }, TEST_SECRET), code: 'token_invalid' },
    { name: 'an empty signature', token: `${signToken(claims, TEST_SECRET).split('.').slice(0, 2).join('.')}.`, code: 'token_invalid' },
    { name: 'two segments', token: 'abc.def', code: 'token_invalid' },
    { name: 'a payload that is not JSON', token: withHeader({ alg: 'HS256' }).replace(/\.[^.]+\./, '.bm90IGpzb24.'), code: 'token_invalid' },
    { name: 'a tampered payload', token: signToken(claims, TEST_SECRET).replace(/\.[^.]+\./, `.${b64({ ...claims, sub: 'mallory' })}.`), code: 'token_invalid' },
  ];
  const refusedWith = (code: string) => (err: unknown) => err instanceof ApiError && err.code === code && err.status === 401;
  for (const { name, token, code } of cases) {
    it(`${code ?? 'accepts'}: ${name}`, () => {
      if (code === null) {
        assert.equal(verifyToken(token, policy, NOW).sub, 'alice');
      } else {
        assert.throws(() => verifyToken(token, policy, NOW), refusedWith(code));
      }
    });
  }

  // The server's verifier keeps the claims of tokens it read: the same answers, the first time and the next.
  it('a verifier that keeps read tokens answers every case as verifyToken does, twice in a row', () => {
    const verify = createTokenVerifier(policy, 4);
    for (const round of [1, 2]) {
      for (const { name, token, code } of cases) {
        if (code === null) assert.equal(verify(token, NOW).sub, 'alice', `${name}, round ${round}`);
        else assert.throws(() => verify(token, NOW), refusedWith(code), `${name}, round ${round}`);
      }
    }
  });

  it('a verifier checks the times of a kept token at each call', () => {
    const verify = createTokenVerifier(policy);
    const token = signToken({ ...claims, nbf: NOW / 1000 + 60 }, TEST_SECRET);
    assert.throws(() => verify(token, NOW), refusedWith('token_invalid'));
    assert.equal(verify(token, NOW + 60_000).sub, 'alice');
    assert.equal(verify(token, NOW + 60_000 + 29_000).sub, 'alice', 'within the skew');
    assert.throws(() => verify(token, NOW + 60_000 + 31_000), refusedWith('token_expired'));
  });
});

describe('authentication over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.dispose());
  const statePath = `/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`;

  const cases: { name: string; headers: () => Record<string, string>; status: number; code: string }[] = [
    { name: 'no Authorization header', headers: () => ({}), status: 401, code: 'token_missing' },
    { name: 'a Basic header', headers: () => ({ authorization: 'Basic YTpi' }), status: 401, code: 'token_missing' },
    { name: 'a forged token', headers: () => ({ authorization: `Bearer ${server.token('alice', { secret: 'forged-secret-0123456789' })}` }), status: 401, code: 'token_invalid' },
    { name: 'an expired token', headers: () => ({ authorization: `Bearer ${server.token('alice', { expiresIn: -60 })}` }), status: 401, code: 'token_expired' },
    { name: 'a token for another audience', headers: () => ({ authorization: `Bearer ${server.token('alice', { aud: 'other-app' })}` }), status: 401, code: 'token_invalid' },
    { name: 'a token for another course', headers: () => ({ authorization: `Bearer ${server.token('alice', { course: 'other-course' })}` }), status: 403, code: 'course_mismatch' },
  ];
  for (const { name, headers, status, code } of cases) {
    it(`answers ${status} ${code} for ${name}`, async () => {
      const answer = await server.request(statePath, { headers: headers() });
      assert.equal(answer.status, status, answer.text);
      assert.equal(answer.json.error.code, code);
      assert.equal(typeof answer.json.error.message, 'string');
    });
  }

  it('accepts a token once the clock is still within its lifetime, refuses it after', async () => {
    const token = learnerToken('alice', server.clock.now().getTime(), { expiresIn: 60 });
    assert.equal((await server.request(statePath, { token })).status, 200);
    server.clock.advance(120_000);
    assert.equal((await server.request(statePath, { token })).json.error.code, 'token_expired');
  });
});
