import { XAPI_VERSION } from '../../core/xapi-statements.js';
import type { ServerConfig, XapiConfig } from '../config.js';
import { startOutboxDispatcher, type OutboxDispatcher, type OutboxDispatcherOptions, type OutboxKind } from '../outbox/dispatcher.js';
import type { XapiStatementRecord } from '../store/store.js';

/*
 * Sends the statements queued by `queueStatement` (queue.ts) to the Learning
 * Record Store, and retries them with backoff: an outbox
 * (src/server/outbox/dispatcher.ts, which polls, leases, retries and logs), as
 * the webhooks are. What is the LRS's own:
 *
 * - Each attempt is `PUT {url}/statements?statementId={id}` with the stored
 *   JSON byte for byte, `X-Experience-API-Version: 1.0.3` and the configured
 *   Authorization. A resend after a crash mid-send is harmless: the LRS
 *   answers 204 to the same statement under the same id.
 * - A 409 — the LRS holds another statement under this id — will never change
 *   by resending: the row is marked failed at once with that reason.
 * - After an attempt that will be retried (down, busy, timing out), no other
 *   statement is tried before that one's retry, so a dead LRS costs one
 *   attempt per backoff step rather than a timeout per queued statement.
 * - Log lines start with `xapi`: statement ids, event types, attempts and HTTP
 *   codes only, never the LRS's URL, credentials, or a body.
 */

/** Kicked after a commit that queued a statement; stopped before the store closes. */
export type XapiDispatcher = OutboxDispatcher;

/** `config.xapi` is read at each send; null or absent: nothing is sent (queued rows wait). */
export type XapiDispatcherOptions = OutboxDispatcherOptions & { config: Pick<ServerConfig, 'xapi'> };

export const DEFAULT_XAPI_POLL_MS = 1_000;
export const DEFAULT_XAPI_TIMEOUT_MS = 10_000;
export const DEFAULT_XAPI_MAX_RETRY_AFTER_MS = 60 * 60_000;
export const XAPI_USER_AGENT = 'Tandem-xAPI/1';

/** The statement resource of one statement id. */
export function statementUrl(xapi: Pick<XapiConfig, 'url'>, id: string): string {
  return `${xapi.url}/statements?statementId=${encodeURIComponent(id)}`;
}

/** Starts polling for due statements; returns the handle to kick and stop it. */
export function startXapiDispatcher(options: XapiDispatcherOptions): XapiDispatcher {
  return startOutboxDispatcher(xapiOutbox(options), options);
}

function xapiOutbox({ config }: XapiDispatcherOptions): OutboxKind<XapiStatementRecord, XapiConfig> {
  return {
    name: 'xapi',
    receiver: () => config.xapi ?? null,
    due: (tx, at, limit) => tx.dueXapiStatements(at, limit),
    get: (tx, id) => tx.getXapiStatement(id),
    update: (tx, id, patch) => tx.updateXapiStatement(id, patch),
    about: (statement) => statement.eventType,
    request(xapi, statement) {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'X-Experience-API-Version': XAPI_VERSION,
        'User-Agent': XAPI_USER_AGENT,
      };
      if (xapi.auth) headers.Authorization = xapi.auth;
      return { url: statementUrl(xapi, statement.id), method: 'PUT', headers, body: statement.body };
    },
    finalStatuses: { 409: 'HTTP 409 (the LRS holds another statement with this id)' },
    pauseAfterRetry: true,
    defaults: { pollMs: DEFAULT_XAPI_POLL_MS, timeoutMs: DEFAULT_XAPI_TIMEOUT_MS, maxRetryAfterMs: DEFAULT_XAPI_MAX_RETRY_AFTER_MS },
  };
}
