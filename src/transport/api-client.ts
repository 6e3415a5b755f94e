import * as z from 'zod/mini';
import { parseRetryAfter } from '../core/backoff.js';
import {
  ApiErrorBody,
  CommandResponse,
  EventsAccepted,
  EventsRejected,
  type EventFailure,
  InviteDetails,
  LearnerState,
  type CommandRequest,
} from '../protocol/api.js';
import type { ClientEvent } from '../protocol/events.js';
import type { FailureCode } from './session-types.js';

/**
 * Typed calls to the endpoint's HTTP API. Every reply is parsed with the
 * protocol's schemas: an unreadable reply is `bad_reply`, never a crash. A
 * network failure (no HTTP answer at all, `status` 0) is told apart from an
 * HTTP error, because the first means "offline, keep it and retry" and the
 * second is the endpoint's answer.
 */

export interface ApiFailure {
  ok: false;
  code: FailureCode;
  message: string;
  /** The failing path in the request, empty when not about one field. */
  path: string;
  /** 0 for a network failure. */
  status: number;
  /** From Retry-After, when the endpoint sent one. */
  retryAfterMs?: number;
  /** Per-index failures of an events batch (400 `invalid_events`). */
  failures?: EventFailure[];
}

export type ApiResult<T> = { ok: true; value: T } | ApiFailure;

export interface ApiClient {
  /**
   * Any route of the API, parsed with `schema`: a GET, or a POST when there is
   * a body, unless `method` says otherwise. Part 2's routes go through it
   * (see `TandemSessionApi.request`), so their schemas stay out of this chunk.
   */
  call<T>(path: string, schema: z.ZodMiniType<T>, token: string, body?: object, method?: string): Promise<ApiResult<T>>;
  state(course: string, token: string): Promise<ApiResult<LearnerState>>;
  command(request: CommandRequest, token: string): Promise<ApiResult<CommandResponse>>;
  /** Authorised by the code itself: no token, so it works before signing in. */
  inviteDetails(code: string): Promise<ApiResult<InviteDetails>>;
  events(events: readonly ClientEvent[], token: string): Promise<ApiResult<unknown>>;
  /** The page-hide form: `text/plain` JSON with the token in the body, since beacons carry no headers. True when queued. */
  beacon(events: readonly ClientEvent[], token: string): boolean;
}


export function createApiClient(
  endpoint: string,
  {
    fetch: doFetch = fetch,
    now = Date.now,
    sendBeacon = (url, data) => navigator.sendBeacon(url, data),
  }: { fetch?: typeof fetch; now?: () => number; sendBeacon?: (url: string, data: Blob) => boolean } = {},
): ApiClient {
  // A trailing slash makes relative paths land under the endpoint's path (`…/tandem/v1/…`).
  const url = (path: string): string => new URL(path, endpoint.replace(/\/?$/, '/')).href;

  async function call<T>(path: string, schema: z.ZodMiniType<T>, token: string, body?: object, method = body && 'POST'): Promise<ApiResult<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) headers['Content-Type'] = 'application/json';
    let response: Response;
    let json: unknown;
    try {
      // Identity travels in the bearer token only, never in the endpoint's cookies.
      response = await doFetch(url(path), { method, headers, body: body && JSON.stringify(body), credentials: 'omit' });
    } catch (error) {
      return { ok: false, code: 'network', message: String(error), path: '', status: 0 };
    }
    const status = response.status;
    try {
      json = JSON.parse(await response.text());
    } catch {
      // Not JSON (or a 204's empty body): a success is then read by the schema as undefined, an error keeps its status.
    }
    if (response.ok) {
      const parsed = schema.safeParse(json);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, code: 'bad_reply', message: parsed.error.message, path: '', status };
    }
    const error = ApiErrorBody.safeParse(json).data?.error;
    return {
      ok: false,
      // Without our JSON error (a proxy's page), the status still says what kind it is.
      code: error?.code ?? (status === 401 ? 'token_invalid' : status === 429 ? 'rate_limited' : status >= 500 ? 'internal' : 'bad_request'),
      message: error?.message ?? `HTTP ${status}`,
      path: error?.path ?? '',
      status,
      retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), now()),
      failures: EventsRejected.safeParse(json).data?.failures,
    };
  }

  return {
    call,
    state: (course, token) => call(`v1/courses/${encodeURIComponent(course)}/state`, LearnerState, token),
    command: (request, token) => call('v1/commands', CommandResponse, token, request),
    inviteDetails: (code) => call('v1/invite-details', InviteDetails, '', { code }),
    events: (events, token) => call('v1/events', EventsAccepted, token, { events }),
    beacon(events, token) {
      try {
        return sendBeacon(url('v1/events'), new Blob([JSON.stringify({ token, events })], { type: 'text/plain' }));
      } catch {
        // Some browsers throw for bodies over their beacon quota; the events stay queued.
        return false;
      }
    },
  };
}
