import { secretsEqual } from './auth.js';
import type { ServerConfig } from './config.js';
import { ApiError } from './errors.js';
import type { RequestContext } from './request-context.js';

/**
 * Server-to-server routes are authorised by `X-Tandem-Platform-Key`: missing
 * is 401 token_missing, wrong (or no key configured) is 403 forbidden.
 */
export function requirePlatformKey(ctx: RequestContext, config: ServerConfig): void {
  const key = ctx.req.headers['x-tandem-platform-key'];
  if (typeof key !== 'string' || key === '') {
    throw new ApiError('token_missing', 'Send the platform key in X-Tandem-Platform-Key.');
  }
  if (config.platformKey === null || !secretsEqual(key, config.platformKey)) {
    throw new ApiError('forbidden', 'This platform key is not accepted.');
  }
}
