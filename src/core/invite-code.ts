/**
 * Invite codes are capabilities: 144 random bits, base64url, carried in the
 * URL fragment (never the query string, so they reach neither Referer headers
 * nor server logs). Core takes the random bytes as input; it reads no entropy.
 */

export const INVITE_CODE_BYTES = 18;
/** 18 bytes in base64url without padding are exactly 24 characters. */
export const INVITE_CODE_PATTERN = /^[A-Za-z0-9_-]{24}$/;
/** The fragment parameter that carries the code: `#tandem-invite=CODE`. */
export const INVITE_FRAGMENT_KEY = 'tandem-invite';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function encodeInviteCode(bytes: Uint8Array): string {
  if (bytes.length !== INVITE_CODE_BYTES) {
    throw new RangeError(`an invite code needs ${INVITE_CODE_BYTES} random bytes`);
  }
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  return out;
}

export function isInviteCode(value: string): boolean {
  return INVITE_CODE_PATTERN.test(value);
}

export type FragmentInvite =
  | { kind: 'none' }
  | { kind: 'malformed'; raw: string }
  | { kind: 'code'; code: string };

/** Reads `tandem-invite=CODE` out of a location hash such as `#a=1&tandem-invite=…`. */
export function readInviteFragment(hash: string): FragmentInvite {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const raw = params.get(INVITE_FRAGMENT_KEY);
  if (raw === null) return { kind: 'none' };
  return isInviteCode(raw) ? { kind: 'code', code: raw } : { kind: 'malformed', raw };
}

/** The link an inviter shares: the course page with the code in the fragment. */
export function buildInviteLink(pageUrl: string, code: string): string {
  const url = new URL(pageUrl);
  const params = new URLSearchParams(url.hash.slice(1));
  params.set(INVITE_FRAGMENT_KEY, code);
  url.hash = params.toString();
  return url.toString();
}

/** The same hash with the invite parameter removed (after the code was read). */
export function stripInviteFragment(hash: string): string {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  params.delete(INVITE_FRAGMENT_KEY);
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}
