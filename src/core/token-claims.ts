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
  if (parts.length !== 3) return null;
  try {
    // An empty middle part fails to parse; any other JSON (a string, a number, null) has no `sub`.
    const c = JSON.parse(decodeBase64Url(parts[1]!)) as Record<string, unknown> | null;
    if (typeof c?.sub !== 'string' || typeof c.iss !== 'string' || !c.sub || !c.iss) return null;
    return { sub: c.sub, iss: c.iss, ...(typeof c.exp === 'number' && { exp: c.exp }) };
  } catch {
    return null;
  }
}

/** True when the token expires within `skewSeconds` of `nowMs` (so it is refreshed a little early). */
export function isExpired(claims: TokenClaims, nowMs: number, skewSeconds = 30): boolean {
  // Without `exp` the product is NaN, and NaN is never <=: such a token does not expire.
  return (claims.exp as number) * 1000 <= nowMs + skewSeconds * 1000;
}

/**
 * The key that partitions local data: two learners sharing a computer, or one
 * learner on two endpoints, never see each other's state or send each other's queue.
 */
export function learnerKey(endpoint: string, claims: Pick<TokenClaims, 'iss' | 'sub'>): string {
  return JSON.stringify([endpoint, claims.iss, claims.sub]);
}
