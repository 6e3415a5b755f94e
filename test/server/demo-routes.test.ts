import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDemoRoutes, DEMO_COURSE, DEMO_CSP, DEMO_ROSTER } from '../../demo/demo-routes.js';
import { verifyToken } from '../../src/server/auth.js';
import { makeDataDir, testConfig, startTestServer, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET, TestClock, type TestServer } from '../helpers/server.js';

function cookieHeader(setCookies: string[]): string {
  return setCookies.map((c) => c.split(';')[0]).join('; ');
}

describe('demo routes', () => {
  let server: TestServer;
  const clock = new TestClock(Date.parse('2025-03-03T09:00:00.000Z'));
  before(async () => {
    server = await startTestServer({
      clock,
      fallback: createDemoRoutes({ config: testConfig('/unused'), now: clock.now }),
      config: { courses: { [DEMO_COURSE.id]: DEMO_COURSE.settings } },
    });
  });
  after(() => server.dispose());

  it('has a roster of at least six learners with display names', () => {
    for (const name of ['alice', 'bob', 'chloe', 'david', 'emma', 'farid']) assert.ok(DEMO_ROSTER[name]);
  });

  it('serves the course page under a strict CSP', async () => {
    const page = await server.request('/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), DEMO_CSP);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.match(page.text, /<tandem-/);
    // The same file by another spelling of its path is no way around the policy.
    for (const path of ['/index.html', '/demo//index.html', '/demo/%2e/index.html', '/demo/./index.html']) {
      const other = await server.request(path);
      if (other.status === 200 && /^text\/html/.test(other.headers.get('content-type') ?? '')) {
        assert.equal(other.headers.get('content-security-policy'), DEMO_CSP, path);
      }
    }
  });

  it('signs in with ?as=, answers that learner’s 15-minute token, and 204 once signed out', async () => {
    const signIn = await server.request('/?as=alice');
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.get('location'), '/');
    const setCookies = signIn.headers.getSetCookie();
    assert.ok(setCookies.some((c) => /^tandem_demo_as=alice;.*HttpOnly.*SameSite=Lax/.test(c)));
    const cookie = cookieHeader(setCookies);

    const token = await server.request('/demo/token', { headers: { cookie } });
    assert.equal(token.status, 200);
    assert.match(token.headers.get('content-type') ?? '', /^text\/plain/);
    const claims = verifyToken(token.text, { secret: TEST_SECRET, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }, clock.now().getTime());
    assert.equal(claims.name, 'Alice Martin');
    assert.equal(claims.course, DEMO_COURSE.id);
    assert.equal(claims.exp - clock.now().getTime() / 1000, 900);

    // The token works against the endpoint it is served beside.
    const state = await server.request(`/v1/courses/${DEMO_COURSE.id}/state`, { token: token.text });
    assert.equal(state.status, 200, state.text);

    const signOut = await server.request('/demo/signout', { headers: { cookie } });
    assert.equal(signOut.status, 303);
    const nobody = await server.request('/demo/token', { headers: { cookie: cookieHeader(signOut.headers.getSetCookie()) } });
    assert.equal(nobody.status, 204);
    assert.equal(nobody.text, '');
    assert.equal((await server.request('/?as=mallory')).status, 404);
  });

  it('shows a sign-in page whose links sign in and go back to a same-site path only', async () => {
    const page = await server.request('/demo/enroll?return=/lesson');
    assert.equal(page.status, 200);
    for (const name of Object.keys(DEMO_ROSTER)) {
      assert.match(page.text, new RegExp(`href="/\\?as=${name}&amp;return=%2Flesson"`));
    }
    const signIn = await server.request('/?as=bob&return=/lesson');
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.get('location'), '/lesson');
    assert.match(cookieHeader(signIn.headers.getSetCookie()), /tandem_demo_as=bob/);
    for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
      const offsite = await server.request(`/?as=bob&return=${encodeURIComponent(evil)}`);
      assert.equal(offsite.headers.get('location'), '/', `no open redirect to ${evil}`);
      const enroll = await server.request(`/demo/enroll?return=${encodeURIComponent(evil)}`);
      assert.doesNotMatch(enroll.text, /evil/);
    }
  });

  it('refuses return paths browsers would read as another site (stripped tab or newline, backslash, dot segments)', async () => {
    // A browser removes tabs and newlines from a URL and reads "\\" as "/": "/\t/evil" is "//evil".
    const cases: { given: string; location: string }[] = [
      { given: '/\t/evil.example', location: '/' },
      { given: '/\n/evil.example', location: '/' },
      { given: '/\t\\evil.example', location: '/' },
      { given: '\\\\evil.example', location: '/' },
      { given: '/.//evil.example', location: '/' },
      { given: '/%2e//evil.example', location: '/' },
      { given: 'javascript:alert(1)', location: '/' },
      { given: '/lesson?part=2#video', location: '/lesson?part=2#video' },
      { given: '/a/../lesson', location: '/lesson' },
    ];
    for (const { given, location } of cases) {
      const signIn = await server.request(`/?as=bob&return=${encodeURIComponent(given)}`);
      assert.equal(signIn.status, 303, JSON.stringify(given));
      assert.equal(signIn.headers.get('location'), location, JSON.stringify(given));
      assert.equal(new URL(signIn.headers.get('location')!, server.url).origin, server.url, 'stays on this site');
      const enroll = await server.request(`/demo/enroll?return=${encodeURIComponent(given)}`);
      assert.doesNotMatch(enroll.text, /evil/, JSON.stringify(given));
    }
  });

  it('serves static demo and dist files with their content type and never outside their folder', async () => {
    const root = makeDataDir();
    mkdirSync(join(root.dir, 'demo'));
    mkdirSync(join(root.dir, 'dist'));
    writeFileSync(join(root.dir, 'demo', 'course.css'), 'body{}');
    writeFileSync(join(root.dir, 'dist', 'tandem.js'), 'export {};');
    writeFileSync(join(root.dir, 'secret.json'), '{}');
    const files = await startTestServer({ fallback: createDemoRoutes({ config: testConfig('/unused'), rootDir: root.dir }) });
    try {
      const css = await files.request('/demo/course.css');
      assert.equal(css.status, 200);
      assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
      const js = await files.request('/dist/tandem.js');
      assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(js.text, 'export {};');
      assert.equal((await files.request('/dist/..%2Fsecret.json')).status, 404);
      const placeholder = await files.request('/');
      assert.equal(placeholder.status, 200, 'a bare page until demo/index.html exists');
      assert.equal(placeholder.headers.get('content-security-policy'), DEMO_CSP);
    } finally {
      await files.dispose();
      root.remove();
    }

    const source = await server.request('/demo/demo-routes.ts');
    assert.equal(source.status, 404, 'server code is not a static file');
    const escape = await server.request('/demo/..%2Fpackage.json');
    assert.equal(escape.status, 404);
    const missing = await server.request('/dist/none.js');
    assert.equal(missing.status, 404);
  });
});
