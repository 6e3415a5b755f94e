/**
 * Reads the claims of a JWT without verifying it. The widget only needs to
 * know who the token names and when it expires; the endpoint verifies.
 */

/** The claims the widget reads (the endpoint reads and checks the rest: name, course, role, audience). */
export interface TokenClaims {
  sub: string;
  iss: string;
  exp?: number;
}

function decodeBase64Url(segment: string): string {
  // atob decodes "forgivingly": the padding base64url leaves out is not needed.
  const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims, or null when the value is not a readable JWT naming a subject and an issuer. */
export function readTokenClaims(token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(parts[1]));
    if (typeof claims !== 'object' || claims === null) return null;
    const c = claims as Record<string, unknown>;
    if (typeof c.sub !== 'string' || typeof c.iss !== 'string' || !c.sub || !c.iss) return null;
    return typeof c.exp === 'number' ? { sub: c.sub, iss: c.iss, exp: c.exp } : { sub: c.sub, iss: c.iss };
  } catch {
    return null;
  }
}

/** True when the token expires within `skewSeconds` of `nowMs` (so it is refreshed a little early). */
export function isExpired(claims: TokenClaims, nowMs: number, skewSeconds = 30): boolean {
  return claims.exp !== undefined && claims.exp * 1000 <= nowMs + skewSeconds * 1000;
}

/**
 * The key that partitions local data: two learners sharing a computer, or one
 * learner on two endpoints, never see each other's state or send each other's queue.
 */
export function learnerKey(endpoint: string, claims: Pick<TokenClaims, 'iss' | 'sub'>): string {
  return JSON.stringify([endpoint, claims.iss, claims.sub]);
}
