/**
 * How a host script hands Tandem a function that returns the learner's token,
 * in either order with respect to tandem.js:
 *
 * - after tandem.js loaded: `window.Tandem.setTokenProvider(fn)`;
 * - before or after: `(window.Tandem ??= {}).tokenProvider = fn` — a plain
 *   property on a plain object, so it works before the script exists; when
 *   tandem.js loads it adopts the function already there, and later
 *   assignments go through the same property.
 *
 * `fn({endpoint, course, reason})` returns the token (or a promise of it), or
 * null when nobody is signed in. `reason` is `initial`, `expired` (the last
 * one ran out) or `rejected` (the endpoint answered 401). Setting a new
 * provider (or null) makes every session ask again.
 */

export interface TokenRequest {
  endpoint: string;
  course: string;
  reason: 'initial' | 'expired' | 'rejected';
}

export type TokenProvider = (request: TokenRequest) => string | null | undefined | Promise<string | null | undefined>;

export interface TokenProviderRegistry {
  provider(): TokenProvider | null;
  set(provider: TokenProvider | null): void;
  /** Calls `listener` whenever the provider changes; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Marks a `window.Tandem` this code already installed, so loading the script twice keeps one registry. */
const REGISTRY = Symbol.for('tandem.token-provider-registry');

export function createTokenProviderRegistry(initial: TokenProvider | null = null): TokenProviderRegistry {
  let current = initial;
  const listeners = new Set<() => void>();
  return {
    provider: () => current,
    set(provider) {
      current = typeof provider === 'function' ? provider : null;
      for (const listener of [...listeners]) listener();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Installs (once) `window.Tandem.setTokenProvider` and the `tokenProvider` property, keeping what a host set before. */
export function installTokenProviderRegistry(target: { Tandem?: unknown } = globalThis as { Tandem?: unknown }): TokenProviderRegistry {
  const existing = target.Tandem;
  const host: Record<string | symbol, unknown> =
    typeof existing === 'object' && existing !== null ? (existing as Record<string | symbol, unknown>) : {};
  const installed = host[REGISTRY] as TokenProviderRegistry | undefined;
  if (installed) return installed;

  const early = host.tokenProvider;
  const registry = createTokenProviderRegistry(typeof early === 'function' ? (early as TokenProvider) : null);
  Object.defineProperty(host, REGISTRY, { value: registry });
  Object.defineProperty(host, 'tokenProvider', {
    configurable: true,
    enumerable: true,
    get: () => registry.provider(),
    set: (fn: unknown) => registry.set(typeof fn === 'function' ? (fn as TokenProvider) : null),
  });
  Object.defineProperty(host, 'setTokenProvider', {
    configurable: true,
    value: (fn: TokenProvider | null) => registry.set(fn),
  });
  target.Tandem = host;
  return registry;
}
