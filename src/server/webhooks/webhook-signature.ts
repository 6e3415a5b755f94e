import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Signing of webhook notifications (issue 3), Stripe-style: the signature
 * covers the delivery's Unix timestamp and the exact body text, so a receiver
 * rejects both a changed body and an old delivery replayed later.
 *
 *   Tandem-Webhook-Timestamp: 1741000000
 *   Tandem-Signature: v1=<hex HMAC-SHA256(secret, "1741000000.<body>")>
 *
 * Several `v1=` values may be sent, comma-separated, while a secret is being
 * rotated (one per secret); a receiver accepts the delivery when any matches
 * one of its secrets. Other schemes (`v2=` one day) are ignored, not refused.
 */

/** The headers of every delivery (lower-case, as Node's `req.headers` has them). */
export const WEBHOOK_HEADERS = {
  id: 'tandem-webhook-id',
  timestamp: 'tandem-webhook-timestamp',
  signature: 'tandem-signature',
} as const;

export const WEBHOOK_USER_AGENT = 'Tandem-Webhooks/1';

/** How far a delivery's timestamp may be from the receiver's clock, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SCHEME = 'v1';

function hmac(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/**
 * The `Tandem-Signature` header value for `body` sent at `timestamp` (Unix
 * seconds): `v1=<hex>`, or one `v1=` per secret, comma-separated, when given
 * several (during a rotation). `body` must be the exact text sent.
 */
export function signWebhook(secret: string | readonly string[], timestamp: number | string, body: string | Uint8Array): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new Error('signWebhook: no secret');
  return secrets.map((s) => `${SCHEME}=${hmac(s, String(timestamp), body).toString('hex')}`).join(',');
}

export interface VerifyWebhookInput {
  /** The shared secret, or several while rotating (old and new). */
  secret: string | readonly string[];
  /** The `Tandem-Signature` header (undefined or an array when absent or repeated: refused). */
  signature: string | readonly string[] | null | undefined;
  /** The `Tandem-Webhook-Timestamp` header: Unix seconds. */
  timestamp: string | readonly string[] | number | null | undefined;
  /** The raw body exactly as received, before any JSON parsing. */
  body: string | Uint8Array;
  /** The receiver's clock: a Date or milliseconds since the epoch (Date.now()). */
  now: Date | number;
  /** Oldest (and furthest in the future) a timestamp may be, in seconds. Default 300. */
  toleranceSeconds?: number;
}

/**
 * True when `signature` holds a `v1=` HMAC of `timestamp.body` under one of
 * the secrets and the timestamp is within the tolerance of `now`. Compares in
 * constant time; never throws on malformed input (answers false).
 */
export function verifyWebhook(input: VerifyWebhookInput): boolean {
  const { signature, body } = input;
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > 4096) return false;
  const timestamp = typeof input.timestamp === 'number' ? String(input.timestamp) : input.timestamp;
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowMs = typeof input.now === 'number' ? input.now : input.now.getTime();
  if (!Number.isFinite(nowMs) || Math.abs(nowMs / 1000 - Number(timestamp)) > tolerance) return false;

  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  const expected = secrets.filter((s) => s.length > 0).map((s) => hmac(s, timestamp, body));
  if (expected.length === 0) return false;

  let matched = false;
  for (const part of signature.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SCHEME) continue;
    const hex = part.slice(eq + 1).trim();
    if (!/^[\da-f]{64}$/i.test(hex)) continue;
    const given = Buffer.from(hex, 'hex');
    // No early exit: every candidate is compared, each in constant time.
    for (const mac of expected) if (timingSafeEqual(given, mac)) matched = true;
  }
  return matched;
}
