/** Retry timing for the outbox and for queued commands: pure, clock and randomness passed in. */

export interface BackoffPolicy {
  /** First delay, in milliseconds. */
  baseMs: number;
  /** Upper bound of any delay, in milliseconds. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Exponential backoff with "full jitter": a delay drawn uniformly in
 * [0, min(max, base·2^attempt)], so that many tabs or learners coming back
 * online at once do not retry in lockstep. `random` is in [0, 1).
 */
export function backoffDelay(attempt: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  // Never retry immediately: keep at least a tenth of the base delay.
  return Math.max(policy.baseMs / 10, Math.floor(random * ceiling));
}

/**
 * Reads an HTTP Retry-After header (seconds, or an HTTP date) as a delay in
 * milliseconds from `nowMs`, or undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month; a bare '-3' would parse as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
