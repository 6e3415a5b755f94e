import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDemoRoutes, DEMO_COURSE, DEMO_CSP, DEMO_INSTRUCTOR } from '../../demo/demo-routes.js';
import { CourseStats } from '../../src/protocol/stats.js';
import { verifyToken } from '../../src/server/auth.js';
import { REPO_ROOT, startTestServer, testConfig, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET, TestClock, type TestServer } from '../helpers/server.js';

const POLICY = { secret: TEST_SECRET, issuer: TEST_ISSUER, audience: TEST_AUDIENCE };

/** The attributes of the first `<tag …>` in `html`, by name. */
function attributesOf(html: string, tag: string): Record<string, string> {
  const match = new RegExp(`<${tag}(\\s[^>]*)?>`).exec(html);
  assert.ok(match, `the page has a <${tag}>`);
  const out: Record<string, string> = {};
  for (const [, name, value] of (match[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)) out[name!] = value!;
  return out;
}

describe('the demo’s instructor page', () => {
  let server: TestServer;
  const clock = new TestClock(Date.parse('2026-11-27T10:00:00.000Z'));
  before(async () => {
    server = await startTestServer({
      clock,
      fallback: createDemoRoutes({ config: testConfig('/unused'), now: clock.now }),
      config: { courses: { [DEMO_COURSE.id]: DEMO_COURSE.settings } },
    });
  });
  after(() => server.dispose());

  it('serves the dashboard page under the demo’s strict CSP, configured for the demo course and its instructor token', async () => {
    const page = await server.request('/instructor');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), DEMO_CSP);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = page.text;
    assert.match(html, /<html lang="en">/);
    // The instructor's own script, not the learners'.
    assert.deepEqual(attributesOf(html, 'script'), { type: 'module', src: '/dist/tandem-dashboard.js' });
    assert.doesNotMatch(html, /\/dist\/tandem\.js/, 'learner code is not loaded on the instructor page');
    // Nothing the CSP would block: every script is a file, no inline handlers, no javascript: URLs.
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.doesNotMatch(html, /\son\w+=/i);
    assert.doesNotMatch(html, /javascript:/i);
    assert.deepEqual(attributesOf(html, 'tandem-config'), {
      endpoint: '/',
      course: DEMO_COURSE.id,
      'course-title': DEMO_COURSE.title,
      'token-url': '/demo/instructor-token',
      lang: 'en',
    });
    assert.match(html, /<tandem-dashboard><\/tandem-dashboard>/);
    // Same header as the course page, a way back, and the demo said plainly.
    assert.match(html, /<header class="platform">\s*<a class="brand" href="\/">OpenMOOC<\/a>/);
    assert.match(html, /<link rel="stylesheet" href="\/demo\/demo\.css">/);
    assert.match(html, /<a href="\/">Back to the course<\/a>/);
    assert.match(html, /This is a demo/);
    assert.match(html, /Signed in as Dr\. Inès Moreau, demo instructor/);
    assert.match(html, /withheld/);
    assert.match(html, /npm run demo:seed-course/);
    assert.match(html, /href="\/instructor\?lang=fr" hreflang="fr" lang="fr">Français</);
  });

  it('speaks French with ?lang=fr, and English for any other value', async () => {
    const fr = await server.request('/instructor?lang=fr');
    assert.equal(fr.status, 200);
    assert.equal(fr.headers.get('content-security-policy'), DEMO_CSP);
    assert.match(fr.text, /<html lang="fr">/);
    assert.equal(attributesOf(fr.text, 'tandem-config').lang, 'fr');
    assert.match(fr.text, /Retour au cours/);
    assert.match(fr.text, /Ceci est une démonstration/);
    assert.match(fr.text, /href="\/instructor\?lang=en" hreflang="en" lang="en">English</);
    for (const lang of ['fr-CA', 'FR']) assert.equal(attributesOf((await server.request(`/instructor?lang=${lang}`)).text, 'tandem-config').lang, 'fr');
    for (const lang of ['de', 'x"><script>', '']) {
      const other = await server.request(`/instructor?lang=${encodeURIComponent(lang)}`);
      assert.equal(attributesOf(other.text, 'tandem-config').lang, 'en', lang);
      assert.doesNotMatch(other.text, /x"><script>/);
    }
  });

  it('is linked from the course page’s navigation', () => {
    const course = readFileSync(join(REPO_ROOT, 'demo', 'index.html'), 'utf8');
    assert.match(course, /<nav aria-label="Course">[\s\S]*<a href="\/instructor">Instructor dashboard<\/a>[\s\S]*<\/nav>/);
  });

  it('answers a 15-minute instructor token for the demo course, without any sign-in', async () => {
    const answer = await server.request('/demo/instructor-token');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const claims = verifyToken(answer.text, POLICY, clock.now().getTime());
    assert.equal(claims.sub, DEMO_INSTRUCTOR.sub);
    assert.equal(claims.sub, 'demo-instructor');
    assert.equal(claims.role, 'instructor');
    assert.equal(claims.name, 'Dr. Inès Moreau');
    assert.equal(claims.course, DEMO_COURSE.id);
    assert.equal(claims.exp - clock.now().getTime() / 1000, 900);
    assert.throws(() => verifyToken(answer.text, { ...POLICY, secret: 'another-secret-for-tandem-0123456789' }, clock.now().getTime()));
  });

  it('gets the instructor the course’s stats, while a demo learner’s token is refused', async () => {
    const instructor = (await server.request('/demo/instructor-token')).text;
    const stats = await server.request(`/v1/courses/${DEMO_COURSE.id}/stats`, { token: instructor });
    assert.equal(stats.status, 200, stats.text);
    const parsed = CourseStats.parse(stats.json);
    assert.equal(parsed.course, DEMO_COURSE.id);

    const signIn = await server.request('/?as=alice');
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const learner = (await server.request('/demo/token', { headers: { cookie } })).text;
    assert.equal(verifyToken(learner, POLICY, clock.now().getTime()).role, 'learner');
    const refused = await server.request(`/v1/courses/${DEMO_COURSE.id}/stats`, { token: learner });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'forbidden');

    // The instructor's token is for the demo course only.
    const elsewhere = await server.request('/v1/courses/another-course/stats', { token: instructor });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.json.error.code, 'course_mismatch');
  });
});
