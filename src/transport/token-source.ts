import * as z from 'zod/mini';
import { isExpired, readTokenClaims, type TokenClaims } from '../core/token-claims.js';
import { installTokenProviderRegistry, type TokenProviderRegistry, type TokenRequest } from './token-provider-registry.js';

/**
 * Where the learner's token comes from, in order: a provider function a host
 * script registered (see token-provider-registry.ts), the `token` attribute,
 * or `token-url` fetched with the platform's cookies. The first source
 * configured answers: a provider that says null means "signed out", even if a
 * static token is also present, since the host script knows better.
 *
 * The token is kept until it expires or the endpoint rejects it; concurrent
 * callers share one refresh.
 */

export type TokenResult =
  | { kind: 'token'; token: string; claims: TokenClaims }
  | { kind: 'signed-out' }
  /** No answer we can trust: `network` when the token URL could not be reached (the learner may be offline). */
  | { kind: 'unavailable'; network: boolean; detail: string };

export interface TokenSource {
  /** A usable token, refreshed first when it expired or was rejected. */
  current(): Promise<TokenResult>;
  /** The endpoint answered 401 for `token`: the next `current()` fetches a new one. */
  invalidate(token: string): void;
  /** Calls `listener` when the provider changed (a sign-in or sign-out on the host page). */
  onChange(listener: () => void): () => void;
}

export interface TokenSourceOptions {
  endpoint: string;
  course: string;
  /** The `token` attribute. */
  token?: string | undefined;
  /** The `token-url` attribute. */
  tokenUrl?: string | undefined;
  fetch?: typeof fetch;
  now?: () => number;
  registry?: TokenProviderRegistry;
}

/** `{"token": "…"}` from a token URL; `{"token": null}` means signed out. */
const TokenJson = z.object({ token: z.nullable(z.string()) });

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const registry = options.registry ?? installTokenProviderRegistry();
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let cached: { token: string; claims: TokenClaims } | null = null;
  const rejected = new Set<string>();
  let inflight: Promise<TokenResult> | null = null;
  let reason: TokenRequest['reason'] = 'initial';
  /** Bumped when the provider changes, so an answer from the previous one is not kept. */
  let generation = 0;

  const accept = (token: string | null | undefined): TokenResult => {
    if (!token) return { kind: 'signed-out' };
    const claims = readTokenClaims(token);
    if (!claims) return { kind: 'unavailable', network: false, detail: 'the token is not a readable JWT with sub and iss' };
    if (isExpired(claims, now(), 0)) return { kind: 'unavailable', network: false, detail: 'the token has expired' };
    return { kind: 'token', token, claims };
  };

  async function fromUrl(url: string): Promise<TokenResult> {
    let response: Response;
    try {
      response = await doFetch(url, { credentials: 'include', headers: { Accept: 'application/json, text/plain' } });
    } catch (error) {
      return { kind: 'unavailable', network: true, detail: `token-url: ${String(error)}` };
    }
    // 401/403: nobody (enrolled) is signed in on the platform: a normal state.
    if (response.status === 204 || response.status === 401 || response.status === 403) return { kind: 'signed-out' };
    if (!response.ok) return { kind: 'unavailable', network: false, detail: `token-url answered ${response.status}` };
    let body: string;
    try {
      body = (await response.text()).trim();
    } catch (error) {
      return { kind: 'unavailable', network: true, detail: `token-url: ${String(error)}` };
    }
    if (!body.startsWith('{')) return accept(body);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { kind: 'unavailable', network: false, detail: 'token-url answered unreadable JSON' };
    }
    const parsed = TokenJson.safeParse(json);
    return parsed.success ? accept(parsed.data.token) : { kind: 'unavailable', network: false, detail: 'token-url JSON has no token' };
  }

  async function fetchToken(why: TokenRequest['reason']): Promise<TokenResult> {
    const provider = registry.provider();
    if (provider) {
      try {
        return accept(await provider({ endpoint: options.endpoint, course: options.course, reason: why }));
      } catch (error) {
        return { kind: 'unavailable', network: false, detail: `token provider failed: ${String(error)}` };
      }
    }
    // A static token cannot be refreshed: once rejected or expired, the URL (if any) takes over.
    if (options.token && !rejected.has(options.token)) {
      const result = accept(options.token);
      if (result.kind === 'token' || !options.tokenUrl) return result;
    }
    if (options.tokenUrl) return fromUrl(options.tokenUrl);
    return { kind: 'signed-out' };
  }

  const source: TokenSource = {
    current() {
      if (cached && !rejected.has(cached.token) && !isExpired(cached.claims, now())) {
        return Promise.resolve({ kind: 'token', ...cached });
      }
      if (cached && reason !== 'rejected') reason = 'expired';
      if (!inflight) {
        const asked = generation;
        const request: Promise<TokenResult> = fetchToken(reason).then((result) => {
          // A provider change while this was in flight makes its answer stale: ask again.
          if (asked !== generation) return source.current();
          inflight = null;
          cached = result.kind === 'token' ? { token: result.token, claims: result.claims } : null;
          if (result.kind === 'token') reason = 'initial';
          return result;
        });
        inflight = request;
      }
      return inflight;
    },
    invalidate(token) {
      rejected.add(token);
      if (cached?.token === token) reason = 'rejected';
    },
    onChange(listener) {
      return registry.onChange(() => {
        cached = null;
        inflight = null;
        generation++;
        reason = 'initial';
        listener();
      });
    },
  };
  return source;
}
