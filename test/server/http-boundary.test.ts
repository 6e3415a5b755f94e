import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ALLOWED_ORIGIN, countRows, createInviteCommand, startTestServer, TEST_COURSE, TEST_STORE, type TestServer } from '../helpers/server.js';

/** Streams a body without Content-Length (chunked), so the limit must be enforced while reading. */
function postChunked(url: string, path: string, token: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    // Writes may fail once the server has refused and closed: the answer is what matters.
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/**
 * Streams up to `totalBytes` of chunked body to a route that never reads one,
 * and says how much the client managed to send before the server cut it off.
 */
function streamToBodylessRoute(url: string, path: string, totalBytes: number): Promise<{ status: number; connection: string | undefined; sent: number; cut: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method: 'GET', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let cut = false;
    let answer: { status: number; connection: string | undefined } | null = null;
    const finish = () => answer && resolve({ ...answer, sent, cut });
    req.on('response', (res) => {
      answer = { status: res.statusCode ?? 0, connection: res.headers.connection };
      res.resume();
    });
    req.on('error', () => {
      cut = true;
      finish();
    });
    req.on('close', () => {
      if (!answer) reject(new Error('closed without an answer'));
      else finish();
    });
    const pump = () => {
      while (sent < totalBytes && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
}

describe('the HTTP boundary', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { maxBodyBytes: 4096 } });
  });
  after(() => server.dispose());

  it('answers health with security headers', async () => {
    const health = await server.request('/v1/health');
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok', version: '1.0.0', store: TEST_STORE });
    assert.equal(health.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(health.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(health.headers.get('cache-control'), 'no-store');
  });

  it('answers malformed JSON with 400 bad_request and stores nothing', async () => {
    const answer = await server.request('/v1/commands', { token: server.token('alice'), rawBody: '{"id": "x",' });
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json.error, { code: 'bad_request', message: 'The body is not valid JSON.', path: '' });
    assert.equal(await countRows(server.dataDir, 'commands'), 0);
  });

  it('names the first failing path of a schema failure in English', async () => {
    const answer = await server.request('/v1/commands', {
      token: server.token('alice'),
      body: { id: randomUUID(), course: TEST_COURSE, command: { type: 'invite.create', relationship: 'friend', objects: ['discuss', 'dance'], modalities: ['email'] } },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.error.code, 'bad_request');
    assert.equal(answer.json.error.path, 'command.objects.1');
    assert.match(answer.json.error.message, /expected one of/);
  });

  it('refuses an oversized body with 413, by Content-Length and while streaming, storing nothing', async () => {
    const big = JSON.stringify({ id: randomUUID(), course: TEST_COURSE, command: createInviteCommand({ padding: 'x'.repeat(8000) }) });
    const declared = await server.request('/v1/commands', { token: server.token('alice'), rawBody: big });
    assert.equal(declared.status, 413);
    assert.equal(declared.json.error.code, 'payload_too_large');

    const streamed = await postChunked(server.url, '/v1/commands', server.token('alice'), [big.slice(0, 3000), big.slice(3000)]);
    assert.equal(streamed.status, 413);
    assert.equal(JSON.parse(streamed.body).error.code, 'payload_too_large');
    assert.equal(await countRows(server.dataDir, 'commands'), 0);
    assert.equal(await countRows(server.dataDir, 'invites'), 0);

    // The server still answers afterwards.
    assert.equal((await server.request('/v1/health')).status, 200);
  });

  it('bounds a body sent to a route that reads none, instead of draining it without end', async () => {
    // Node drains an unread body after the answer, however long: a GET with an
    // endless chunked body would otherwise keep the connection busy for ever.
    const total = 64 * 1024 * 1024;
    const streamed = await streamToBodylessRoute(server.url, '/v1/health', total);
    assert.equal(streamed.status, 200, 'the route still answers');
    assert.equal(streamed.cut, true, 'the server cut the connection');
    assert.ok(streamed.sent < total, `cut off after ${streamed.sent} bytes`);
    assert.equal((await server.request('/v1/health')).status, 200, 'and still answers afterwards');
  });

  it('refuses bodies that are not JSON with 415', async () => {
    const answer = await server.request('/v1/commands', { token: server.token('alice'), rawBody: '{}', contentType: 'text/plain' });
    assert.equal(answer.status, 415);
    assert.equal(answer.json.error.code, 'unsupported_media_type');
  });

  it('answers unknown routes 404 and wrong methods 405 with Allow', async () => {
    const unknown = await server.request('/v1/nothing');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, 'not_found');
    const wrong = await server.request('/v1/commands');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.json.error.code, 'method_not_allowed');
    assert.equal(wrong.headers.get('allow'), 'POST');
    const page = await server.request('/somewhere');
    assert.equal(page.status, 404, 'no demo pages without the demo');
  });

  describe('CORS', () => {
    it('echoes an allowed origin, with Vary and the exposed Retry-After, on success and on errors', async () => {
      const ok = await server.request('/v1/health', { headers: { origin: ALLOWED_ORIGIN } });
      assert.equal(ok.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
      assert.equal(ok.headers.get('vary'), 'Origin');
      assert.equal(ok.headers.get('access-control-expose-headers'), 'Retry-After');
      const error = await server.request(`/v1/courses/${encodeURIComponent(TEST_COURSE)}/state`, { headers: { origin: ALLOWED_ORIGIN } });
      assert.equal(error.status, 401);
      assert.equal(error.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    });

    it('allows the server’s own origin', async () => {
      // The Host header names the server; a page it serves sends that origin.
      const own = await server.request('/v1/health', { headers: { origin: server.url } });
      assert.equal(own.status, 200);
      assert.equal(own.headers.get('access-control-allow-origin'), server.url);
    });

    it('refuses a disallowed origin with 403 origin_not_allowed, and grants it nothing', async () => {
      const refused = await server.request('/v1/commands', {
        token: server.token('alice'),
        body: { id: randomUUID(), course: TEST_COURSE, command: createInviteCommand() },
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.code, 'origin_not_allowed');
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
      assert.equal(await countRows(server.dataDir, 'commands'), 0);
    });

    it('answers a preflight for an allowed origin, and refuses one for another', async () => {
      const preflight = await server.request('/v1/commands', {
        method: 'OPTIONS',
        headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
      assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, POST, PUT, DELETE');
      assert.equal(preflight.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, X-Tandem-Platform-Key');
      assert.equal(preflight.headers.get('access-control-max-age'), '600');
      const refused = await server.request('/v1/commands', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('access-control-allow-origin'), null);
    });
  });
});
