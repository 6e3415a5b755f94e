import * as z from 'zod/mini';
import type { TandemConfig } from '../protocol/config.js';
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
  /** No answer we can trust (not a JWT, expired, a 500…). */
  | { kind: 'unavailable' }
  /** The token URL could not be reached: the learner may be offline. */
  | { kind: 'offline' };

export interface TokenSource {
  /** A usable token, refreshed first when it expired or was rejected. */
  current(): Promise<TokenResult>;
  /** The endpoint answered 401 for `token`: the next `current()` fetches a new one. */
  invalidate(token: string): void;
  /** Calls `listener` when the provider changed (a sign-in or sign-out on the host page). */
  onChange(listener: () => void): () => unknown;
}

/** `{"token": "…"}` from a token URL; `{"token": null}` means signed out. */
const TokenJson = z.object({ token: z.nullable(z.string()) });

const SIGNED_OUT: TokenResult = { kind: 'signed-out' };
// Why a token is unusable (not a JWT, expired, a 500) helps nobody on the page: the snapshot says `token_unavailable`.
const UNAVAILABLE: TokenResult = { kind: 'unavailable' };

export function createTokenSource(
  { endpoint, course, token: attribute, 'token-url': tokenUrl }: Pick<TandemConfig, 'endpoint' | 'course' | 'token' | 'token-url'>,
  { fetch: doFetch = fetch, now = Date.now, registry = installTokenProviderRegistry() }: { fetch?: typeof fetch; now?: () => number; registry?: TokenProviderRegistry } = {},
): TokenSource {
  /** The last token received (other answers are not kept: the next call asks again). */
  let cached: (TokenResult & { kind: 'token' }) | null = null;
  const rejected = new Set<string>();
  let inflight: Promise<TokenResult> | null = null;
  let reason: TokenRequest['reason'] = 'initial';

  const accept = (token: string | null | undefined): TokenResult => {
    if (!token) return SIGNED_OUT;
    const claims = readTokenClaims(token);
    return !claims || isExpired(claims, now(), 0) ? UNAVAILABLE : { kind: 'token', token, claims };
  };

  async function fromUrl(url: string): Promise<TokenResult> {
    let body: string;
    try {
      const response = await doFetch(url, { credentials: 'include', headers: { Accept: 'application/json, text/plain' } });
      // 401/403: nobody (enrolled) is signed in on the platform: a normal state.
      if ([204, 401, 403].includes(response.status)) return SIGNED_OUT;
      if (!response.ok) return UNAVAILABLE;
      body = (await response.text()).trim();
    } catch {
      return { kind: 'offline' };
    }
    let json: unknown = body;
    try {
      json = JSON.parse(body);
    } catch {
      // Not JSON: the body is the token itself (or empty: signed out).
    }
    if (typeof json === 'string') return accept(json);
    const parsed = TokenJson.safeParse(json);
    return parsed.success ? accept(parsed.data.token) : UNAVAILABLE;
  }

  async function fetchToken(why: TokenRequest['reason']): Promise<TokenResult> {
    const provider = registry.provider();
    if (provider) {
      try {
        return accept(await provider({ endpoint, course, reason: why }));
      } catch {
        return UNAVAILABLE;
      }
    }
    // A static token cannot be refreshed: once rejected or expired, the URL (if any) takes over.
    if (attribute && !rejected.has(attribute)) {
      const result = accept(attribute);
      if (result.kind === 'token' || !tokenUrl) return result;
    }
    return tokenUrl ? fromUrl(tokenUrl) : SIGNED_OUT;
  }

  const source: TokenSource = {
    current() {
      if (cached && !rejected.has(cached.token) && !isExpired(cached.claims, now())) return Promise.resolve(cached);
      if (cached && reason !== 'rejected') reason = 'expired';
      const asked: Promise<TokenResult> = (inflight ??= fetchToken(reason).then((result) => {
        // A provider change while this was in flight dropped it (see onChange): its answer is stale, ask again.
        if (inflight !== asked) return source.current();
        inflight = null;
        cached = result.kind === 'token' ? result : null;
        if (cached) reason = 'initial';
        return result;
      }));
      return asked;
    },
    invalidate(token) {
      rejected.add(token);
      if (cached?.token === token) reason = 'rejected';
    },
    onChange: (listener) =>
      registry.onChange(() => {
        cached = inflight = null;
        reason = 'initial';
        listener();
      }),
  };
  return source;
}
