import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/server/config.js';
import { clientAddressOf } from '../../src/server/app.js';
import { startTestServer, TEST_COURSE, TEST_PLATFORM_KEY, TEST_SECRET, type TestServer } from '../helpers/server.js';

const STATE = `/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`;

describe('request limits', () => {
  describe('per client address', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: { requestLimits: { perAddress: 5, perLearner: 0, windowMs: 60_000 } } });
    });
    after(() => server.dispose());

    it('answers 429 rate_limited with Retry-After past the limit, not counting preflights, and again once the window passed', async () => {
      const preflight = await server.request('/v1/health', { method: 'OPTIONS', headers: { origin: 'https://courses.example.org', 'access-control-request-method': 'GET' } });
      assert.equal(preflight.status, 204);
      for (let i = 0; i < 5; i++) assert.equal((await server.request('/v1/health')).status, 200, `request ${i + 1}`);
      const refused = await server.request('/v1/health');
      assert.equal(refused.status, 429);
      assert.equal(refused.json.error.code, 'rate_limited');
      assert.equal(refused.headers.get('retry-after'), '60');
      server.clock.advance(30_000);
      assert.equal((await server.request('/v1/health')).headers.get('retry-after'), '30');
      server.clock.advance(30_000);
      assert.equal((await server.request('/v1/health')).status, 200);
    });
  });

  describe('per learner, and behind a trusted proxy', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: { requestLimits: { perAddress: 4, perLearner: 3, windowMs: 60_000 }, trustProxy: 1 } });
    });
    after(() => server.dispose());
    const from = (address: string, token?: string) =>
      server.request(STATE, { headers: { 'x-forwarded-for': `203.0.113.9, ${address}` }, ...(token ? { token } : {}) });

    it('counts a learner’s requests whatever their address, and not a refused token’s', async () => {
      assert.equal((await from('198.51.100.1', 'not-a-token')).status, 401);
      for (const address of ['198.51.100.2', '198.51.100.3', '198.51.100.4']) assert.equal((await from(address, server.token('ana'))).status, 200);
      const refused = await from('198.51.100.5', server.token('ana'));
      assert.equal(refused.status, 429);
      assert.match(refused.json.error.message, /learner/);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      assert.equal((await from('198.51.100.6', server.token('ben'))).status, 200, 'another learner is not held back');
    });

    it('counts the address the proxy appended, not what the client wrote before it', async () => {
      const spoofed = (first: string) =>
        server.request('/v1/health', { headers: { 'x-forwarded-for': `${first}, 192.0.2.77` } });
      for (let i = 0; i < 4; i++) assert.equal((await spoofed(`10.0.0.${i}`)).status, 200);
      assert.equal((await spoofed('10.0.0.99')).status, 429);
      assert.equal((await server.request('/v1/health', { headers: { 'x-forwarded-for': '192.0.2.78' } })).status, 200);
    });
  });

  it('are read from the environment, with defaults, and refused when malformed', () => {
    const base = { TANDEM_JWT_SECRET: TEST_SECRET };
    const defaults = loadConfig(base);
    assert.ok(defaults.ok);
    assert.deepEqual(defaults.config.requestLimits, { perAddress: 1200, perLearner: 300, windowMs: 60_000 });
    assert.equal(defaults.config.trustProxy, 0);
    const set = loadConfig({ ...base, TANDEM_REQUESTS_PER_MINUTE: '0', TANDEM_LEARNER_REQUESTS_PER_MINUTE: '20', TANDEM_TRUST_PROXY: '2' });
    assert.ok(set.ok);
    assert.deepEqual(set.config.requestLimits, { perAddress: 0, perLearner: 20, windowMs: 60_000 });
    assert.equal(set.config.trustProxy, 2);
    const bad = loadConfig({ ...base, TANDEM_LEARNER_REQUESTS_PER_MINUTE: 'lots' });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /TANDEM_LEARNER_REQUESTS_PER_MINUTE/);
    assert.equal(loadConfig({ ...base, TANDEM_TRUST_PROXY: 'yes' }).ok, false);
    assert.equal(loadConfig({ ...base, TANDEM_TRUST_PROXY: '-1' }).ok, false);
  });
});

describe('the client address', () => {
  const cases: Array<[string, string | undefined, number, string]> = [
    ['no proxy: the socket', '203.0.113.1', 0, '127.0.0.1'],
    ['one proxy: the entry it appended', '203.0.113.1, 198.51.100.7', 1, '198.51.100.7'],
    ['two proxies: the entry the outer one appended', '203.0.113.1, 198.51.100.7, 10.0.0.2', 2, '198.51.100.7'],
    ['fewer entries than proxies: the leftmost', '198.51.100.7', 2, '198.51.100.7'],
    ['no header behind a proxy: the socket', undefined, 1, '127.0.0.1'],
  ];
  for (const [name, header, proxies, expected] of cases) {
    it(name, () => {
      const req = { headers: header === undefined ? {} : { 'x-forwarded-for': header }, socket: { remoteAddress: '127.0.0.1' } };
      assert.equal(clientAddressOf(req as never, proxies), expected);
    });
  }

  it('the platform’s key-authenticated calls are not counted against its address', async () => {
    const server = await startTestServer({ config: { requestLimits: { perAddress: 2, perLearner: 0, windowMs: 60_000 } } });
    try {
      const settings = `/v1/courses/${encodeURIComponent(TEST_COURSE)}/settings`;
      for (let i = 0; i < 4; i++) assert.equal((await server.request(settings, { headers: { 'x-tandem-platform-key': TEST_PLATFORM_KEY } })).status, 200);
      const wrongKey = { 'x-tandem-platform-key': 'not-the-key-0123456789' };
      assert.deepEqual([(await server.request(settings, { headers: wrongKey })).status, (await server.request(settings, { headers: wrongKey })).status, (await server.request(settings, { headers: wrongKey })).status], [200, 200, 429]);
    } finally {
      await server.dispose();
    }
  });
});

describe('security headers', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { requestLimits: { perAddress: 3, perLearner: 0, windowMs: 60_000 } } });
  });
  after(() => server.dispose());

  it('are on every API answer: success, refusal, unknown route, rate limit', async () => {
    const answers = [
      await server.request('/v1/health'),
      await server.request(STATE),
      await server.request('/v1/nowhere'),
      await server.request('/v1/health'),
    ];
    assert.deepEqual(answers.map((a) => a.status), [200, 401, 404, 429]);
    for (const a of answers) {
      assert.equal(a.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
      assert.equal(a.headers.get('x-frame-options'), 'DENY');
      assert.equal(a.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(a.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(a.headers.get('cache-control'), 'no-store');
    }
  });
});

describe('logs', () => {
  it('name neither a token, a display name, a note nor a query string', async () => {
    const lines: string[] = [];
    const server = await startTestServer({ log: (line) => lines.push(line) });
    try {
      const token = server.token('logan', { name: 'Logan Secretname' });
      const profile = { objects: ['discuss'], modalities: ['email'], languages: ['fr'], utcOffsetMinutes: 0, slots: [3], note: 'reach me at my-private-handle' };
      assert.equal((await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/me/profile`, { method: 'PUT', token, body: profile })).status, 200);
      assert.equal((await server.request(`${STATE}?email=someone%40example.org`, { token })).status, 200);
      assert.equal((await server.request(STATE, { token: `${token}x` })).status, 401);
      assert.ok(lines.length >= 3, lines.join('\n'));
      const text = lines.join('\n');
      for (const secret of [token.split('.')[1]!, 'Secretname', 'my-private-handle', 'someone', 'example.org']) {
        assert.ok(!text.includes(secret), `the log holds ${secret}:\n${text}`);
      }
    } finally {
      await server.dispose();
    }
  });
});
