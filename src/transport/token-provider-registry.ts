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
  onChange(listener: () => void): () => unknown;
}

/** Marks a `window.Tandem` this code already installed, so loading the script twice keeps one registry. */
const REGISTRY = Symbol.for('tandem.token-provider-registry');

export function createTokenProviderRegistry(current: TokenProvider | null = null): TokenProviderRegistry {
  const listeners = new Set<() => void>();
  return {
    provider: () => current,
    set(provider) {
      current = typeof provider === 'function' ? provider : null;
      listeners.forEach((listener) => listener());
    },
    onChange: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
  };
}

/** Installs (once) `window.Tandem.setTokenProvider` and the `tokenProvider` property, keeping what a host set before. */
export function installTokenProviderRegistry(target: { Tandem?: unknown } = globalThis as { Tandem?: unknown }): TokenProviderRegistry {
  const host = (typeof target.Tandem === 'object' && target.Tandem) || {};
  const own = host as { [REGISTRY]?: TokenProviderRegistry; tokenProvider?: unknown };
  if (own[REGISTRY]) return own[REGISTRY];
  const registry = createTokenProviderRegistry(typeof own.tokenProvider === 'function' ? (own.tokenProvider as TokenProvider) : null);
  Object.defineProperties(host, {
    [REGISTRY]: { value: registry },
    tokenProvider: { configurable: true, enumerable: true, get: registry.provider, set: registry.set },
    setTokenProvider: { configurable: true, value: registry.set },
  });
  target.Tandem = host;
  return registry;
}
