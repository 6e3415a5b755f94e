import type { ErrorCode } from '../protocol/api.js';

/** The HTTP status each stable error code is answered with. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  origin_not_allowed: 403,
  token_missing: 401,
  token_invalid: 401,
  token_expired: 401,
  course_mismatch: 403,
  forbidden: 403,
  invite_not_found: 404,
  invite_expired: 410,
  invite_cancelled: 410,
  invite_used: 410,
  invite_declined: 410,
  own_invite: 409,
  already_member: 409,
  group_full: 409,
  group_not_found: 404,
  // 404 rather than 403: a learner outside a group learns nothing about whether it exists.
  not_member: 404,
  not_offered: 422,
  // 409: the asker's own state (not opted in to discovery) conflicts with the request.
  not_opted_in: 409,
  // 404 for an unknown learner, one not opted in, or one who blocked the asker: the asker cannot tell which.
  peer_unavailable: 404,
  own_request: 409,
  duplicate_request: 409,
  request_limit: 409,
  request_not_found: 404,
  // Already answered or cancelled, by someone else or another tab.
  request_closed: 409,
  pool_running: 409,
  invalid_events: 400,
  id_conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * A refusal the API answers as `{error:{code,message,path}}`. Thrown anywhere
 * below a route (also inside a store transaction, which then rolls back).
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly path: string;
  readonly status: number;
  /** Extra response headers, such as Retry-After. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, path = '', headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.path = path;
    this.status = ERROR_STATUS[code];
    this.headers = headers;
  }
}
