import { expect } from '@open-wc/testing';
import {
  createTokenProviderRegistry,
  installTokenProviderRegistry,
  type TokenRequest,
} from '../../../src/transport/token-provider-registry.js';
import { createTokenSource, type TokenResult } from '../../../src/transport/token-source.js';
import { COURSE, expIn, makeToken } from './fake-endpoint.js';

const ENDPOINT = 'https://endpoint.test';
const ALICE = makeToken({ sub: 'alice', exp: expIn(3600) });

function urlFetch(response: () => Response | Promise<Response>): typeof fetch & { calls: RequestInit[] } {
  const calls: RequestInit[] = [];
  const f = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(init ?? {});
    return response();
  }) as typeof fetch & { calls: RequestInit[] };
  f.calls = calls;
  return f;
}

function kind(result: TokenResult): string {
  return result.kind === 'token' ? `token:${result.claims.sub}` : result.kind;
}

describe('token source: token-url answers', () => {
  const cases: [string, () => Response, string][] = [
    ['the token as text', () => new Response(ALICE), 'token:alice'],
    ['JSON {token}', () => new Response(JSON.stringify({ token: ALICE }), { headers: { 'Content-Type': 'application/json' } }), 'token:alice'],
    ['JSON {token: null}', () => new Response('{"token":null}'), 'signed-out'],
    ['204', () => new Response(null, { status: 204 }), 'signed-out'],
    ['401', () => new Response('', { status: 401 }), 'signed-out'],
    ['an empty body', () => new Response(''), 'signed-out'],
    ['500', () => new Response('', { status: 500 }), 'unavailable'],
    ['not a JWT', () => new Response('hello'), 'unavailable'],
    ['an expired JWT', () => new Response(makeToken({ sub: 'alice', exp: expIn(-60) })), 'unavailable'],
    ['broken JSON', () => new Response('{"token":'), 'unavailable'],
  ];
  for (const [name, response, expected] of cases) {
    it(`reads ${name} as ${expected}`, async () => {
      const fetch = urlFetch(response);
      const source = createTokenSource({ endpoint: ENDPOINT, course: COURSE, 'token-url': 'https://platform.test/token' }, { fetch, registry: createTokenProviderRegistry() });
      expect(kind(await source.current())).to.equal(expected);
      expect(fetch.calls[0]!.credentials).to.equal('include');
    });
  }

  it('tells a network failure apart', async () => {
    const source = createTokenSource(
      { endpoint: ENDPOINT, course: COURSE, 'token-url': 'https://platform.test/token' },
      { fetch: () => Promise.reject(new TypeError('Failed to fetch')), registry: createTokenProviderRegistry() },
    );
    expect(await source.current()).to.deep.equal({ kind: 'offline' });
  });
});

describe('token source: order, refresh and deduplication', () => {
  it('prefers the provider, then the attribute, then the URL', async () => {
    const bob = makeToken({ sub: 'bob', exp: expIn(3600) });
    const fetch = urlFetch(() => new Response(makeToken({ sub: 'carol', exp: expIn(3600) })));
    const registry = createTokenProviderRegistry(() => bob);
    const config = { endpoint: ENDPOINT, course: COURSE, token: ALICE, 'token-url': 'https://platform.test/token' };
    expect(kind(await createTokenSource(config, { fetch, registry }).current())).to.equal('token:bob');
    expect(kind(await createTokenSource(config, { fetch, registry: createTokenProviderRegistry() }).current())).to.equal('token:alice');
    expect(kind(await createTokenSource({ ...config, token: undefined }, { fetch, registry: createTokenProviderRegistry() }).current())).to.equal('token:carol');
  });

  it('falls back to the URL once the static token is rejected', async () => {
    const fetch = urlFetch(() => new Response(makeToken({ sub: 'alice', exp: expIn(3600), name: 'fresh' })));
    const source = createTokenSource({ endpoint: ENDPOINT, course: COURSE, token: ALICE, 'token-url': 'https://platform.test/token' }, { fetch, registry: createTokenProviderRegistry() });
    const first = await source.current();
    expect(first.kind === 'token' && first.token).to.equal(ALICE);
    source.invalidate(ALICE);
    const second = await source.current();
    expect(second.kind === 'token' && second.token).to.not.equal(ALICE);
    expect(fetch.calls).to.have.length(1);
  });

  it('keeps a valid token, refreshes an expiring one, and shares one refresh among concurrent callers', async () => {
    const requests: TokenRequest[] = [];
    let exp = expIn(10); // inside the 30 s refresh margin
    const registry = createTokenProviderRegistry(async (request) => {
      requests.push(request);
      await new Promise((r) => setTimeout(r, 10));
      return makeToken({ sub: 'alice', exp });
    });
    const source = createTokenSource({ endpoint: ENDPOINT, course: COURSE }, { registry });
    await source.current();
    exp = expIn(3600);
    await Promise.all([source.current(), source.current(), source.current()]);
    await source.current();
    expect(requests.map((r) => r.reason)).to.deep.equal(['initial', 'expired']);
  });

  it('asks again with reason "rejected" after a 401', async () => {
    const requests: TokenRequest[] = [];
    const registry = createTokenProviderRegistry((request) => {
      requests.push(request);
      return makeToken({ sub: 'alice', exp: expIn(3600), name: String(requests.length) });
    });
    const source = createTokenSource({ endpoint: ENDPOINT, course: COURSE }, { registry });
    const first = await source.current();
    if (first.kind === 'token') source.invalidate(first.token);
    await source.current();
    expect(requests.map((r) => r.reason)).to.deep.equal(['initial', 'rejected']);
  });
});

describe('window.Tandem token provider', () => {
  it('adopts a provider a host script set before tandem.js loaded', async () => {
    const win: { Tandem?: unknown } = { Tandem: { tokenProvider: () => ALICE } };
    const registry = installTokenProviderRegistry(win);
    const source = createTokenSource({ endpoint: ENDPOINT, course: COURSE }, { registry });
    expect(kind(await source.current())).to.equal('token:alice');
  });

  it('takes a provider set after loading, by method or property, and tells sessions', async () => {
    const win: { Tandem?: { setTokenProvider?: (fn: unknown) => void; tokenProvider?: unknown } } = {};
    const registry = installTokenProviderRegistry(win);
    const source = createTokenSource({ endpoint: ENDPOINT, course: COURSE }, { registry });
    let changes = 0;
    source.onChange(() => changes++);
    expect(kind(await source.current())).to.equal('signed-out');
    win.Tandem!.setTokenProvider!(() => ALICE);
    expect(kind(await source.current())).to.equal('token:alice');
    win.Tandem!.tokenProvider = () => null;
    expect(kind(await source.current())).to.equal('signed-out');
    expect(changes).to.equal(2);
  });

  it('keeps one registry when the script loads twice', () => {
    const win: { Tandem?: unknown } = {};
    expect(installTokenProviderRegistry(win)).to.equal(installTokenProviderRegistry(win));
  });
});
