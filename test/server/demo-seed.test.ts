import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_COURSE } from '../../demo/demo-routes.js';
import { DEMO_PROFILES, demoSub, seedDemoDiscovery } from '../../demo/demo-seed.js';
import { PeersPage } from '../../src/protocol/peers.js';
import { startTestServer } from '../helpers/server.js';

describe('the demo’s discovery data', () => {
  it('gives Alice, once she opts in, a ranked list with reasons at once: her earlier partner first, then forum friends; written only once', async () => {
    const server = await startTestServer({ config: { courses: { [DEMO_COURSE.id]: DEMO_COURSE.settings } } });
    try {
      assert.equal(await seedDemoDiscovery(server.app.store, server.clock.now()), true);
      assert.equal(await seedDemoDiscovery(server.app.store, server.clock.now()), false, 'a second start writes nothing');
      const path = `/v1/courses/${DEMO_COURSE.id}`;
      const token = server.token(demoSub('alice'), { course: DEMO_COURSE.id, name: 'Alice Martin' });
      const put = await server.request(`${path}/me/profile`, {
        method: 'PUT',
        token,
        body: { objects: ['discuss', 'mutual-help'], modalities: ['synchronous', 'email'], languages: ['fr', 'en'], utcOffsetMinutes: 60, slots: [3, 11] },
      });
      assert.equal(put.status, 200, put.text);
      const page = PeersPage.parse((await server.request(`${path}/peers`, { token })).json);
      assert.equal(page.total, Object.keys(DEMO_PROFILES).length);
      assert.equal(page.items[0]!.id, demoSub('emma'));
      assert.equal(page.items[0]!.earlierPartner, true);
      assert.equal(page.items[0]!.name, 'Emma Schmidt');
      assert.deepEqual(page.items[1]!.reasons[0], { code: 'forum', count: 3 });
      assert.equal(page.items[1]!.id, demoSub('chloe'));
      assert.ok(page.items.every((p) => p.reasons.some((r) => r.code === 'language')));
    } finally {
      await server.dispose();
    }
  });
});
