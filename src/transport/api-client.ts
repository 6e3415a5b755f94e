import * as z from 'zod/mini';
import { parseRetryAfter } from '../core/backoff.js';
import {
  ApiErrorBody,
  CommandResponse,
  CourseSettings,
  EventsAccepted,
  EventsRejected,
  InviteDetails,
  LearnerState,
  type CommandRequest,
  type ErrorCode,
  type EventFailure,
} from '../protocol/api.js';
import type { ClientEvent } from '../protocol/events.js';

/**
 * Typed calls to the endpoint's HTTP API. Every reply is parsed with the
 * protocol's schemas: an unreadable reply is `bad_reply`, never a crash.
 * A network failure (no HTTP answer at all) is told apart from an HTTP error,
 * because the first means "offline, keep it and retry" and the second is the
 * endpoint's answer.
 */

export type ApiFailure =
  | { kind: 'network'; detail: string }
  | {
      kind: 'http';
      status: number;
      code: ErrorCode;
      message: string;
      path: string;
      /** From Retry-After, in milliseconds, when the endpoint sent one. */
      retryAfterMs?: number;
      /** Per-index failures of an events batch (400 `invalid_events`). */
      failures?: EventFailure[];
    }
  | { kind: 'bad_reply'; status: number; detail: string };

export type ApiResult<T> = { ok: true; value: T } | ({ ok: false } & ApiFailure);

export interface ApiClientOptions {
  endpoint: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Sends a beacon; defaults to navigator.sendBeacon. */
  sendBeacon?: (url: string, data: Blob) => boolean;
}

export interface ApiClient {
  state(course: string, token: string): Promise<ApiResult<LearnerState>>;
  settings(course: string, token?: string): Promise<ApiResult<CourseSettings>>;
  command(request: CommandRequest, token: string): Promise<ApiResult<CommandResponse>>;
  inviteDetails(code: string, token?: string): Promise<ApiResult<InviteDetails>>;
  events(events: readonly ClientEvent[], token: string): Promise<ApiResult<z.infer<typeof EventsAccepted>>>;
  /** The page-hide form: `text/plain` JSON with the token in the body, since beacons carry no headers. True when queued. */
  beacon(events: readonly ClientEvent[], token: string): boolean;
  /** The absolute URL of a path such as `v1/events`, under the endpoint's own path. */
  url(path: string): string;
}

/** When an error has no readable JSON body (a proxy's page), the status still says what kind it is. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'token_invalid';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'bad_request';
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;
  // A trailing slash makes relative paths land under the endpoint's path (`…/tandem/v1/…`).
  const base = options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`;
  const url = (path: string): string => new URL(path, base).toString();

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodMiniType<T>,
    token: string | undefined,
    body?: unknown,
  ): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(url(path), {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        // Identity travels in the bearer token only, never in the endpoint's cookies.
        credentials: 'omit',
      });
    } catch (error) {
      return { ok: false, kind: 'network', detail: String(error) };
    }
    let json: unknown;
    let readable = true;
    try {
      json = JSON.parse(await response.text());
    } catch {
      readable = false;
    }
    if (response.ok) {
      const parsed = readable ? schema.safeParse(json) : null;
      if (parsed?.success) return { ok: true, value: parsed.data };
      const issue = parsed?.error.issues[0];
      return {
        ok: false,
        kind: 'bad_reply',
        status: response.status,
        detail: issue ? `${issue.path.join('.')}: ${issue.message}` : 'not JSON',
      };
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), now());
    const error = readable ? ApiErrorBody.safeParse(json) : null;
    const failures = readable ? EventsRejected.safeParse(json) : null;
    return {
      ok: false,
      kind: 'http',
      status: response.status,
      code: error?.success ? error.data.error.code : codeForStatus(response.status),
      message: error?.success ? error.data.error.message : `HTTP ${response.status}`,
      path: error?.success ? error.data.error.path : '',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(failures?.success ? { failures: failures.data.failures } : {}),
    };
  }

  return {
    url,
    state: (course, token) => call('GET', `v1/courses/${encodeURIComponent(course)}/state`, LearnerState, token),
    settings: (course, token) => call('GET', `v1/courses/${encodeURIComponent(course)}/settings`, CourseSettings, token),
    command: (request, token) => call('POST', 'v1/commands', CommandResponse, token, request),
    inviteDetails: (code, token) => call('POST', 'v1/invite-details', InviteDetails, token, { code }),
    events: (events, token) => call('POST', 'v1/events', EventsAccepted, token, { events }),
    beacon(events, token) {
      const send = options.sendBeacon ?? ((u: string, data: Blob) => globalThis.navigator?.sendBeacon?.(u, data) ?? false);
      const blob = new Blob([JSON.stringify({ token, events })], { type: 'text/plain' });
      try {
        return send(url('v1/events'), blob);
      } catch {
        // Some browsers throw for bodies over their beacon quota; the events stay queued.
        return false;
      }
    },
  };
}
