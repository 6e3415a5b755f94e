import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type, X-Tandem-Platform-Key';
export const CORS_ALLOWED_METHODS = 'GET, POST, PUT, DELETE';
/** Browsers cap this (Chromium at 2 hours); 10 minutes keeps a changed allow-list effective soon. */
export const CORS_MAX_AGE_SECONDS = 600;

export type OriginVerdict =
  /** No Origin header: server-to-server calls and same-origin navigation. */
  | { kind: 'none' }
  | { kind: 'allowed'; origin: string }
  | { kind: 'refused'; origin: string };

/**
 * Whether the request's Origin may call the API: an allow-listed origin, or
 * the server's own (the demo page calls the endpoint it is served from; the
 * scheme may be https when a TLS proxy fronts the server).
 */
export function judgeOrigin(req: IncomingMessage, allowed: readonly string[]): OriginVerdict {
  const origin = req.headers.origin;
  if (origin === undefined) return { kind: 'none' };
  const host = req.headers.host;
  const own = host ? [`http://${host}`, `https://${host}`] : [];
  if (allowed.includes(origin) || own.includes(origin)) return { kind: 'allowed', origin };
  return { kind: 'refused', origin };
}

/** Headers for an allowed cross-origin answer (errors included, so the page can read them). */
export function setCorsHeaders(res: ServerResponse, verdict: OriginVerdict): void {
  // Every answer can differ by Origin, so caches must key on it even when none was sent.
  res.setHeader('Vary', 'Origin');
  if (verdict.kind !== 'allowed') return;
  res.setHeader('Access-Control-Allow-Origin', verdict.origin);
  // The outbox honours Retry-After on 429/503; cross-origin scripts only see it if exposed.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
}

/** Headers of the answer to a preflight OPTIONS request. */
export function setPreflightHeaders(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS);
  res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
}
