/**
 * The API conformance suite (test/conformance) against the reference
 * endpoint, which must pass it; and against endpoints that get one thing
 * wrong, which it must catch.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runConformance, type ConformanceReport } from '../conformance/suite.js';
import { REPO_ROOT, startTestServer, TestClock, TEST_AUDIENCE, TEST_ISSUER, TEST_PLATFORM_KEY, TEST_SECRET, type TestServer } from '../helpers/server.js';

const options = (endpoint: string) => ({ endpoint, jwtSecret: TEST_SECRET, jwtIssuer: TEST_ISSUER, jwtAudience: TEST_AUDIENCE, platformKey: TEST_PLATFORM_KEY });

const failures = (report: ConformanceReport) => report.results.filter((r) => r.status !== 'pass');
const describeFailures = (report: ConformanceReport) => failures(report).map((r) => `${r.status} ${r.id}: ${r.message}`).join('\n');

type Rewrite = (request: { method: string; path: string; body: string }, answer: { status: number; json: any }) => { status: number; json: any } | void;

/** The answer headers a fake endpoint passes on from the reference endpoint. */
const PASSED_HEADERS = ['content-type', 'cache-control', 'retry-after', 'x-content-type-options', 'content-security-policy', 'x-frame-options', 'referrer-policy'];

/**
 * A fake endpoint: forwards every request to `target` and lets `rewrite`
 * change one answer, as an implementation with one mistake would answer;
 * `passHeaders` are the answer headers it passes on.
 */
async function faultyProxy(target: string, rewrite: Rewrite, passHeaders: readonly string[] = PASSED_HEADERS): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'x-tandem-platform-key']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = await fetch(target + req.url, { method: req.method!, headers, ...(body ? { body } : {}) });
    const text = await upstream.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const changed = json === undefined ? undefined : rewrite({ method: req.method!, path: req.url!, body }, { status: upstream.status, json });
    const out: Record<string, string> = {};
    for (const name of passHeaders) {
      const value = upstream.headers.get(name);
      if (value) out[name] = value;
    }
    if (changed) {
      res.writeHead(changed.status, { ...out, 'content-type': 'application/json' }).end(JSON.stringify(changed.json));
    } else {
      res.writeHead(upstream.status, out).end(text);
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

describe('API conformance suite', () => {
  let server: TestServer;
  before(async () => {
    // Tokens are signed on the real clock, as a platform's would be.
    server = await startTestServer({ clock: new TestClock(Date.now()) });
  });
  after(() => server.dispose());

  it('the reference endpoint passes every check', async () => {
    const lines: string[] = [];
    const report = await runConformance({ ...options(server.url), log: (line) => lines.push(line) });
    assert.ok(report.passed, describeFailures(report));
    assert.ok(report.results.length >= 25, `only ${report.results.length} checks ran`);
    assert.equal(lines.length, report.results.length, 'one printed line per check');
    assert.match(report.course, /^conformance-[0-9a-f-]{36}$/);
  });

  it('runs again in another fresh course without colliding, and in a course it is given', async () => {
    const again = await runConformance(options(server.url));
    assert.ok(again.passed, describeFailures(again));
    const named = await runConformance({ ...options(server.url), course: 'course-v1:Org+Conformance+2026' });
    assert.ok(named.passed, describeFailures(named));
    assert.equal(named.course, 'course-v1:Org+Conformance+2026');
  });

  it('catches an endpoint that shows a small count: that check fails and only that one', async () => {
    const fake = await faultyProxy(server.url, (request, answer) => {
      if (request.method === 'GET' && /\/stats$/.test(request.path) && answer.status === 200) {
        return { status: 200, json: { ...answer.json, groups: { ...answer.json.groups, formed: 2 } } };
      }
    });
    try {
      const report = await runConformance(options(fake.url));
      assert.equal(report.passed, false);
      assert.deepEqual(failures(report).map((r) => r.id), ['stats.instructor'], describeFailures(report));
      assert.match(failures(report)[0]!.message!, /groups\.formed is 2: counts from 1 to 4 must be withheld/);
    } finally {
      await fake.close();
    }
  });

  it('catches an endpoint that stores a resent event again, and skips the check that builds on it', async () => {
    const fake = await faultyProxy(server.url, (request, answer) => {
      if (request.path === '/v1/events' && answer.status === 200) {
        return { status: 200, json: { stored: answer.json.stored + answer.json.duplicates, duplicates: 0 } };
      }
    });
    try {
      const report = await runConformance(options(fake.url));
      const byId = new Map(report.results.map((r) => [r.id, r]));
      assert.equal(byId.get('events.batch')?.status, 'fail');
      assert.match(byId.get('events.batch')!.message!, /expected 3 duplicates/);
      assert.equal(byId.get('events.refused-batch')?.status, 'skip');
      assert.equal(byId.get('health')?.status, 'pass');
      assert.equal(report.passed, false);
    } finally {
      await fake.close();
    }
  });

  it('catches an error body without its path', async () => {
    const fake = await faultyProxy(server.url, (_request, answer) => {
      if (answer.status >= 400 && answer.json?.error) {
        const { path: _path, ...error } = answer.json.error;
        return { status: answer.status, json: { ...answer.json, error } };
      }
    });
    try {
      const report = await runConformance(options(fake.url));
      const failed = failures(report).map((r) => r.id);
      for (const id of ['settings.put-auth', 'auth.token-missing', 'errors.bad-input', 'events.refused-batch']) assert.ok(failed.includes(id), `${id} did not fail`);
      assert.match(report.results.find((r) => r.id === 'errors.bad-input')!.message!, /error\.path/);
    } finally {
      await fake.close();
    }
  });

  it('catches an endpoint whose answers lack the security headers: that check fails and only that one', async () => {
    const fake = await faultyProxy(
      server.url,
      () => undefined,
      PASSED_HEADERS.filter((name) => name !== 'x-content-type-options' && name !== 'content-security-policy'),
    );
    try {
      const report = await runConformance(options(fake.url));
      assert.equal(report.passed, false);
      assert.deepEqual(failures(report).map((r) => r.id), ['headers.security'], describeFailures(report));
      assert.match(failures(report)[0]!.message!, /X-Content-Type-Options "", expected nosniff/);
    } finally {
      await fake.close();
    }
  });

  it("catches an export that still names an erased learner, and skips the checks that build on the erasure", async () => {
    let name: unknown;
    const fake = await faultyProxy(server.url, (request, answer) => {
      if (request.method === 'GET' && /^\/v1\/learners\/[^/]+\/export$/.test(request.path) && answer.status === 200) {
        name ??= answer.json.name;
        return { status: 200, json: { ...answer.json, name } };
      }
    });
    try {
      const report = await runConformance(options(fake.url));
      const byId = new Map(report.results.map((r) => [r.id, r]));
      assert.equal(byId.get('learner-data.export')?.status, 'pass', describeFailures(report));
      assert.equal(byId.get('learner-data.erase')?.status, 'fail');
      assert.match(byId.get('learner-data.erase')!.message!, /names the learner "Eve Conformance", expected null/);
      assert.equal(byId.get('learner-data.erased-token')?.status, 'skip');
      assert.equal(byId.get('learner-data.erase-again')?.status, 'skip');
      assert.deepEqual(failures(report).map((r) => r.id), ['learner-data.erase', 'learner-data.erased-token', 'learner-data.erase-again']);
    } finally {
      await fake.close();
    }
  });

  it('npm run conformance prints each check and exits 1 on a failure, 2 without an endpoint', async () => {
    const fake = await faultyProxy(server.url, (request, answer) => {
      if (request.path === '/v1/health') return { status: 200, json: { ...answer.json, status: 'fine' } };
    });
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/conformance/cli.ts', ...args], {
          cwd: REPO_ROOT,
          env: { ...process.env, TANDEM_JWT_SECRET: TEST_SECRET, TANDEM_PLATFORM_KEY: TEST_PLATFORM_KEY, TANDEM_CONFORMANCE_ENDPOINT: '' },
        });
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (out += chunk));
        child.on('exit', (code) => done({ code, out }));
      });
    try {
      const failed = await cli(['--endpoint', fake.url, '--issuer', TEST_ISSUER, '--audience', TEST_AUDIENCE]);
      assert.equal(failed.code, 1, failed.out);
      assert.match(failed.out, /^FAIL health — /m);
      assert.match(failed.out, /^ok {3}state — /m);
      assert.match(failed.out, /FAILED: \d+ passed, 1 failed, 0 skipped/);
      const usage = await cli([]);
      assert.equal(usage.code, 2, usage.out);
      assert.match(usage.out, /Missing --endpoint/);
    } finally {
      await fake.close();
    }
  });
});
