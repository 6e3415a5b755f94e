import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandResponse } from '../../src/protocol/api.js';
import { createInviteCommand, startTestServer } from '../helpers/server.js';

describe('POST /v1/invite-details rate limit', () => {
  it('answers 429 rate_limited with Retry-After past the limit, and again once the window passed', async () => {
    const server = await startTestServer({ config: { inviteDetailsLimit: { max: 3, windowMs: 60_000 } } });
    try {
      const code = CommandResponse.parse((await server.command('alice', createInviteCommand())).json).result.code;
      for (let i = 0; i < 3; i++) {
        assert.equal((await server.request('/v1/invite-details', { body: { code } })).status, 200);
      }
      // Unknown codes count too: guessing is what the limit is for.
      const limited = await server.request('/v1/invite-details', { body: { code: 'B'.repeat(24) } });
      assert.equal(limited.status, 429);
      assert.equal(limited.json.error.code, 'rate_limited');
      assert.equal(limited.headers.get('retry-after'), '60');

      server.clock.advance(45_000);
      assert.equal((await server.request('/v1/invite-details', { body: { code } })).headers.get('retry-after'), '15');
      server.clock.advance(15_000);
      assert.equal((await server.request('/v1/invite-details', { body: { code } })).status, 200);
      const unknown = await server.request('/v1/invite-details', { body: { code: 'B'.repeat(24) } });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, 'invite_not_found');
    } finally {
      await server.dispose();
    }
  });
});
