import { parseRetryAfter } from '../../core/backoff.js';

/*
 * One HTTP attempt of an outbox row, and what it came to. The same rules for
 * every receiver (a platform's webhook, a Learning Record Store): a redirect is
 * never followed, the attempt is cut after its timeout, the answer's body is
 * never read, and only codes reach the log — never a URL, credential or body.
 */

/** What a kind of outbox sends for one row (its body the stored text, byte for byte). */
export interface OutboxRequest {
  url: string;
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
}

export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  /** An answer that resending would not change (xAPI's 409): the row fails at once. */
  | { kind: 'final'; error: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number | undefined };

export interface AttemptOptions {
  timeoutMs: number;
  /** The server's clock, for an HTTP-date Retry-After. */
  now: () => Date;
  /** Statuses that end the row at once, each with the reason recorded and logged. */
  finalStatuses?: Readonly<Record<number, string>> | undefined;
}

/**
 * Sends `request` once. 2xx: delivered. A final status: final. Anything else
 * (another status, a redirect, a network error, a timeout): retry, with the
 * receiver's Retry-After on 429 and 503.
 */
export async function sendAttempt(send: typeof fetch, request: OutboxRequest, options: AttemptOptions): Promise<AttemptOutcome> {
  const { timeoutMs, now } = options;
  let response: Response;
  try {
    response = await send(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { kind: 'retry', error: isTimeout(err) ? `timeout after ${timeoutMs} ms` : `network error (${errorName(err)})` };
  }
  // The answer's body is the receiver's business: never read, never logged.
  response.body?.cancel().catch(() => {});
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const final = options.finalStatuses?.[status];
  if (final !== undefined) return { kind: 'final', error: final };
  const error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(response.headers.get('retry-after'), now().getTime()) : undefined;
  return { kind: 'retry', error, retryAfterMs };
}

function isTimeout(err: unknown): boolean {
  const named = (value: unknown) => typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'TimeoutError';
  return named(err) || (typeof err === 'object' && err !== null && named((err as { cause?: unknown }).cause));
}

/** A short, safe name for an error: its code (ECONNREFUSED…) or class, never a message that might quote a URL. */
export function errorName(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown; name?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (err && typeof (err as { code?: unknown }).code === 'string') return (err as { code: string }).code;
  if (cause && typeof cause.name === 'string' && cause.name !== 'Error') return cause.name;
  return err instanceof Error ? err.name : 'unknown';
}
