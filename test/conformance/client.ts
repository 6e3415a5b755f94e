/**
 * What the conformance suite needs to speak to an endpoint as a platform and
 * its learners would: HS256 tokens (README "Identity") and plain HTTP. No
 * import of src/server: the suite is black-box.
 */
import { createHmac } from 'node:crypto';

const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  /** Token lifetime in seconds (default 900, as a platform's short-lived token). */
  lifetimeSeconds?: number;
}

export interface Claims {
  sub: string;
  name: string;
  course: string;
  role: 'learner' | 'instructor' | 'admin';
  /** Overrides, e.g. an expired `exp` or another `iss`. */
  [claim: string]: unknown;
}

/** An HS256 JWT as a platform signs it. */
export function signJwt(claims: Claims, settings: TokenSettings, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const payload = { iss: settings.issuer, aud: settings.audience, iat: now, exp: now + (settings.lifetimeSeconds ?? 900), ...claims };
  const input = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', settings.secret).update(input).digest('base64url')}`;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  json: any;
}

export interface HttpOptions {
  method?: string;
  token?: string;
  platformKey?: string;
  body?: unknown;
  /** Sent as is instead of JSON-encoding `body`. */
  rawBody?: string;
  contentType?: string;
}

export interface HttpClient {
  request(path: string, options?: HttpOptions): Promise<HttpAnswer>;
}

/**
 * A client for one endpoint. A 429 is retried after its Retry-After (at most
 * twice, 10 s each): an endpoint's rate limits are not what the suite checks.
 */
export function httpClient(endpoint: string, timeoutMs = 15_000): HttpClient {
  const base = endpoint.replace(/\/+$/, '');
  return {
    async request(path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.platformKey !== undefined) headers['x-tandem-platform-key'] = options.platformKey;
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
      for (let attempt = 0; ; attempt++) {
        const response = await fetch(base + path, {
          method: options.method ?? (body === undefined ? 'GET' : 'POST'),
          headers,
          ...(body !== undefined ? { body } : {}),
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (response.status === 429 && attempt < 2) {
          const wait = Math.min(10, Number(response.headers.get('retry-after')) || 1);
          await new Promise((done) => setTimeout(done, wait * 1000));
          continue;
        }
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        return { status: response.status, headers: response.headers, text, json };
      }
    },
  };
}
