import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { CourseId, DisplayName, LearnerId } from '../protocol/codes.js';
import { ApiError } from './errors.js';
import { parseWith } from './validation.js';

/** Tokens expired less than this long ago are still accepted: clocks of platform and endpoint drift. */
export const CLOCK_SKEW_SECONDS = 30;

export const Role = z.enum(['learner', 'instructor', 'admin']);

/** The claims every learner token carries (HS256, signed by the platform). */
export const TokenClaims = z.object({
  sub: LearnerId,
  name: DisplayName,
  course: CourseId,
  role: Role,
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.optional(z.number()),
  nbf: z.optional(z.number()),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

export interface TokenPolicy {
  secret: string;
  issuer: string;
  audience: string;
}

const Header = z.object({ alg: z.string(), typ: z.optional(z.string()) });

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

function signature(signingInput: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** Signs claims as an HS256 JWT (the demo's token-url and the tests use it; platforms use their own). */
export function signToken(claims: Record<string, unknown>, secret: string): string {
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${base64url(signature(input, secret))}`;
}

function decodeJson(segment: string): unknown {
  // base64url only: a token with padding or other characters is malformed.
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Verifies a token and returns its claims, or throws 401 token_invalid
 * (malformed, not HS256, bad signature, wrong issuer or audience, missing
 * claims, an email as `sub`, `nbf` or `iat` in the future) or token_expired.
 * The algorithm is fixed: the header's `alg` is checked, never trusted to
 * choose ("none" and RS/HS confusion fail here).
 */
export function verifyToken(token: string, policy: TokenPolicy, nowMs: number): TokenClaims {
  return checkTimes(readToken(token, policy), nowMs);
}

/** Tokens a verifier keeps the claims of at most (see createTokenVerifier). */
const TOKENS_KEPT = 10_000;

/**
 * verifyToken for a server: a learner's tab sends the same token with every
 * request, so the claims of a token whose signature and claims were read are
 * kept (up to `kept` tokens), and only its times are checked again, at each
 * call. A refused token is read again each time.
 */
export function createTokenVerifier(policy: TokenPolicy, kept = TOKENS_KEPT): (token: string, nowMs: number) => TokenClaims {
  const read = new Map<string, TokenClaims>();
  return (token, nowMs) => {
    let claims = read.get(token);
    if (claims === undefined) {
      claims = readToken(token, policy);
      if (read.size >= kept) read.clear();
      read.set(token, claims);
    }
    return checkTimes(claims, nowMs);
  };
}

/** What verifyToken checks whatever the time: the form, the signature and the claims. */
function readToken(token: string, policy: TokenPolicy): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new ApiError('token_invalid', 'The token is not a JWT.');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];

  const header = parseWith(Header, decodeJson(headerPart));
  if (!header.ok) throw new ApiError('token_invalid', 'The token header is unreadable.');
  if (header.data.alg !== 'HS256') throw new ApiError('token_invalid', 'The token must be signed with HS256.');

  if (!/^[A-Za-z0-9_-]+$/.test(signaturePart)) throw new ApiError('token_invalid', 'The token signature is malformed.');
  const given = Buffer.from(signaturePart, 'base64url');
  const expected = signature(`${headerPart}.${payloadPart}`, policy.secret);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError('token_invalid', 'The token signature does not match.');
  }

  const claims = parseWith(TokenClaims, decodeJson(payloadPart));
  if (!claims.ok) throw new ApiError('token_invalid', `The token claim ${claims.path} is invalid: ${claims.message}`);
  const c = claims.data;
  // `sub` is written into every event: it must be the platform's pseudonymous
  // id, and an email there would put personal data in the events table.
  if (c.sub.includes('@')) {
    throw new ApiError('token_invalid', "The token's sub must be the platform's pseudonymous learner id, not an email.");
  }
  if (c.iss !== policy.issuer) throw new ApiError('token_invalid', 'The token was issued by another issuer.');
  const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!audiences.includes(policy.audience)) throw new ApiError('token_invalid', 'The token is meant for another audience.');
  return c;
}

/** What verifyToken checks against the time: not before, issued at, expiry. */
function checkTimes(c: TokenClaims, nowMs: number): TokenClaims {
  const nowSeconds = nowMs / 1000;
  if (c.nbf !== undefined && c.nbf > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new ApiError('token_invalid', 'The token is not valid yet.');
  }
  // A token issued in the future comes from a platform whose clock is wrong
  // (or from someone minting tokens): its lifetime cannot be trusted either.
  if (c.iat !== undefined && c.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new ApiError('token_invalid', 'The token was issued in the future; check the platform clock.');
  }
  if (c.exp + CLOCK_SKEW_SECONDS <= nowSeconds) throw new ApiError('token_expired', 'The token has expired.');
  return c;
}

/** The token of an `Authorization: Bearer …` header, or throws 401 token_missing. */
export function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) throw new ApiError('token_missing', 'Send the learner token as "Authorization: Bearer <token>".');
  return match[1];
}

/** Compares two secrets in constant time (hashing first, so lengths do not leak either). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHmac('sha256', 'tandem-compare').update(a).digest();
  const hb = createHmac('sha256', 'tandem-compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}
