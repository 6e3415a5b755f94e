import { expect } from '@open-wc/testing';
import * as z from 'zod/mini';
import type { ClientEvent } from '../../../src/protocol/events.js';
import { createApiClient, type ApiResult } from '../../../src/transport/api-client.js';
import { COURSE, errorBody, json, stateFor } from './fake-endpoint.js';

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

function client(answer: () => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const api = createApiClient('https://api.test/tandem', {
    fetch: async (input, init) => {
      seen.push({
        url: String(input),
        method: init?.method ?? 'GET',
        headers: new Headers(init?.headers),
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : null,
        credentials: init?.credentials,
      });
      return answer();
    },
    now: () => Date.parse('2025-01-01T00:00:00Z'),
  });
  return { api, seen };
}

const ID = '0b7b2f6e-3c1a-4d5e-9f00-1234567890ab';
const EVENT: ClientEvent = { type: 'invite.opened', id: ID, v: 1, time: '2025-01-01T00:00:00Z', course: COURSE, learner: 'alice', invite: ID };

describe('api client routes', () => {
  const routes: [string, (api: ReturnType<typeof client>['api']) => Promise<ApiResult<unknown>>, Response, string, string, unknown][] = [
    ['state', (api) => api.state(COURSE, 'T'), json(200, stateFor('alice')), 'GET', `https://api.test/tandem/v1/courses/${encodeURIComponent(COURSE)}/state`, null],
    [
      'commands',
      (api) => api.command({ id: ID, course: COURSE, command: { type: 'group.leave', group: ID } }, 'T'),
      json(200, { result: { id: ID, type: 'group.leave' }, events: [], state: stateFor('alice') }),
      'POST',
      'https://api.test/tandem/v1/commands',
      { id: ID, course: COURSE, command: { type: 'group.leave', group: ID } },
    ],
    [
      'invite details',
      (api) => api.inviteDetails('AbCdEfGhIjKlMnOpQrStUv-_'),
      json(200, {
        id: ID,
        course: COURSE,
        inviter: { name: 'Alice' },
        relationship: 'friend',
        objects: ['discuss'],
        modalities: ['email'],
        members: 0,
        groupSize: 2,
        expiresAt: '2025-01-15T00:00:00Z',
      }),
      'POST',
      'https://api.test/tandem/v1/invite-details',
      { code: 'AbCdEfGhIjKlMnOpQrStUv-_' },
    ],
    ['events', (api) => api.events([EVENT], 'T'), json(200, { stored: 1, duplicates: 0 }), 'POST', 'https://api.test/tandem/v1/events', { events: [EVENT] }],
  ];
  for (const [name, call, response, method, url, body] of routes) {
    it(`calls ${name} (with the bearer token where the route needs one) and parses the reply`, async () => {
      const { api, seen } = client(() => response);
      const result = await call(api);
      expect(result.ok).to.equal(true);
      expect(seen[0]).to.include({ method, url, credentials: 'omit' });
      // Invite details are authorised by the code alone, so they never carry the learner's token.
      expect(seen[0]!.headers.get('Authorization')).to.equal(name === 'invite details' ? null : 'Bearer T');
      expect(seen[0]!.body).to.deep.equal(body);
    });
  }
});

describe('api client, any route (part 2’s go through it)', () => {
  it('GET without a body, POST with one, else the method given; a 204 reads as undefined', async () => {
    const { api, seen } = client(() => new Response(null, { status: 204 }));
    const maybe = z.optional(z.string());
    expect(await api.call('v1/courses/c/me/profile', maybe, 'T')).to.deep.equal({ ok: true, value: undefined });
    expect(await api.call('v1/courses/c/requests', maybe, 'T', { id: ID })).to.deep.equal({ ok: true, value: undefined });
    expect(await api.call('v1/courses/c/blocks/b', maybe, 'T', undefined, 'PUT')).to.deep.equal({ ok: true, value: undefined });
    expect(await api.call('v1/courses/c/me/profile', maybe, 'T', undefined, 'DELETE')).to.deep.equal({ ok: true, value: undefined });
    expect(seen.map((s) => [s.method, s.url, s.headers.get('Content-Type'), s.body])).to.deep.equal([
      ['GET', 'https://api.test/tandem/v1/courses/c/me/profile', null, null],
      ['POST', 'https://api.test/tandem/v1/courses/c/requests', 'application/json', { id: ID }],
      ['PUT', 'https://api.test/tandem/v1/courses/c/blocks/b', null, null],
      ['DELETE', 'https://api.test/tandem/v1/courses/c/me/profile', null, null],
    ]);
  });
});

describe('api client failures', () => {
  it('calls an unreadable reply bad_reply', async () => {
    for (const response of [new Response('<html>'), json(200, { course: COURSE })]) {
      const { api } = client(() => response);
      expect(await api.state(COURSE, 'T')).to.include({ ok: false, code: 'bad_reply', status: 200 });
    }
  });

  it('tells a network failure from an HTTP error', async () => {
    const { api } = client(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await api.state(COURSE, 'T')).to.include({ ok: false, code: 'network', status: 0 });
  });

  it('reads the JSON error, Retry-After and per-event failures', async () => {
    const { api } = client(() => json(429, errorBody('rate_limited', 'slow down'), { 'Retry-After': '3' }));
    expect(await api.events([EVENT], 'T')).to.deep.equal({ ok: false, status: 429, code: 'rate_limited', message: 'slow down', path: '', retryAfterMs: 3000, failures: undefined });
    const failures = [{ index: 0, code: 'id_conflict', message: 'reused', path: 'events.0' }];
    const rejected = client(() => json(400, { ...errorBody('invalid_events'), failures }));
    expect(await rejected.api.events([EVENT], 'T')).to.deep.include({ code: 'invalid_events', failures });
  });

  it('keeps an error code it does not know (a newer or another endpoint added it) rather than calling the reply unreadable', async () => {
    const { api } = client(() => json(409, errorBody('group_locked' as never, 'locked by staff')));
    expect(await api.command({ id: EVENT.id, course: COURSE, command: { type: 'group.leave', group: EVENT.invite } }, 'T')).to.include({
      ok: false,
      status: 409,
      code: 'group_locked',
      message: 'locked by staff',
    });
  });

  it('derives a code from the status when the error body is not ours', async () => {
    const { api } = client(() => new Response('Bad Gateway', { status: 502 }));
    expect(await api.state(COURSE, 'T')).to.include({ ok: false, status: 502, code: 'internal' });
  });

  it('builds the beacon as text/plain JSON with the token inside', async () => {
    let sent: { url: string; blob: Blob } | null = null;
    const api = createApiClient('https://api.test/tandem/', { sendBeacon: (url, blob) => ((sent = { url, blob }), true) });
    expect(api.beacon([EVENT], 'T')).to.equal(true);
    expect(sent!.url).to.equal('https://api.test/tandem/v1/events');
    expect(sent!.blob.type).to.match(/^text\/plain/);
    expect(JSON.parse(await sent!.blob.text())).to.deep.equal({ token: 'T', events: [EVENT] });
  });
});
