import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken, createTokenVerifier, secretsEqual, type TokenClaims } from './auth.js';
import { discardRest, readBody } from './body.js';
import type { ServerConfig } from './config.js';
import { judgeOrigin, setCorsHeaders, setPreflightHeaders } from './cors.js';
import { ApiError } from './errors.js';
import { createRateLimiter, type RateLimiter } from './rate-limit.js';
import type { AppDeps, Reply, RequestContext } from './request-context.js';
import { createPoolService } from './pool/pool-service.js';
import type { PoolJob, PoolReply } from './pool/pool-worker.js';
import { ROUTES, type Method } from './routes/route-table.js';
import { openStore } from './store/open-store.js';
import { kickAfterCommit } from './outbox/kick-after-commit.js';
import type { Store } from './store/store.js';
import { startWebhookDispatcher, type WebhookDispatcher, type WebhookDispatcherOptions } from './webhooks/dispatcher.js';
import { createTombstones, TOMBSTONE_RELOAD_MS } from './learners/tombstones.js';
import { startXapiDispatcher, type XapiDispatcher, type XapiDispatcherOptions } from './xapi/dispatcher.js';
import { xapiForwardingStore } from './xapi/queue.js';

/**
 * Serves a non-API path (the demo pages); resolves false when it does not know
 * the path. A GET or HEAD gets no request body: any is drained and dropped
 * (within a bound). Another method (the demo's webhook receiver, a POST) may
 * read its body itself, within its own bound; what it leaves unread is drained
 * the same way once it has answered.
 */
export type FallbackHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface ServerOptions {
  config: ServerConfig;
  /** The clock (tests move it to expire invites and tokens). */
  now?: () => Date;
  /** Defaults to the SQLite store in config.dataDir. */
  store?: Store;
  /** One line per request and per failure; never tokens, names, notes or codes. Silent by default. */
  log?: (line: string) => void;
  /** Pages outside `/v1` (the demo). */
  fallback?: FallbackHandler;
  /** TEST ONLY: runs after a command's transaction committed, before its answer is sent. */
  afterCommit?: (commandId: string) => Promise<void>;
  /** Runs a pool-matching job instead of a worker thread (tests). */
  runPoolJob?: (job: PoolJob) => Promise<PoolReply>;
  /** How long close() lets in-flight requests finish before cutting connections (default 10 s). */
  shutdownGraceMs?: number;
  /** Webhook sending knobs (tests shorten the poll and the timeout); the webhook itself is config.webhook. */
  webhooks?: Pick<WebhookDispatcherOptions, 'fetch' | 'random' | 'pollMs' | 'timeoutMs'>;
  /** xAPI sending knobs (tests); the LRS itself is config.xapi. */
  xapi?: Pick<XapiDispatcherOptions, 'fetch' | 'random' | 'pollMs' | 'timeoutMs'>;
}

export interface TandemServer {
  server: Server;
  /** The store the routes use: a transaction that queues a notification wakes the webhook dispatcher when it commits. */
  store: Store;
  /** Starts listening (port 0 picks a free one) and resolves the base URL; starts sending webhooks if configured. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Stops accepting, lets in-flight requests finish and the webhook send in
   * flight end (at most its timeout), then closes the store.
   */
  close(): Promise<void>;
}

/**
 * The address limits count: the socket's peer, or behind `proxies` trusted
 * reverse proxies, each appending the address it saw to X-Forwarded-For, the
 * entry the outermost one appended (`proxies` from the right; entries before
 * it are whatever the client wrote). With fewer entries than proxies, the
 * leftmost.
 */
export function clientAddressOf(req: IncomingMessage, proxies: number): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (proxies > 0 && typeof forwarded === 'string') {
    const entries = forwarded.split(',').map((e) => e.trim()).filter(Boolean);
    const seen = entries[Math.max(0, entries.length - proxies)];
    if (seen) return seen;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * The store as the routes see it: after a transaction that queued a webhook
 * delivery commits, `queued` is called (to send it now rather than at the
 * dispatcher's next poll). Nothing else changes.
 */
function notifyingStore(store: Store, queued: () => void): Store {
  return kickAfterCommit(
    store,
    (tx, queuedOne) => ({
      insertWebhook: (delivery) => {
        queuedOne();
        return tx.insertWebhook(delivery);
      },
    }),
    queued,
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function sendReply(res: ServerResponse, reply: Reply): void {
  if (reply.body === undefined) {
    res.writeHead(reply.status, reply.headers ?? {});
    res.end();
  } else {
    sendJson(res, reply.status, reply.body, reply.headers);
  }
}

/**
 * Sends a route's answer. A body the route did not read (a GET carrying one)
 * is drained within a bound first: left alone, Node would drain it after the
 * answer however long it is, keeping the connection busy for ever.
 */
function answer(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (!req.complete) discardRest(req);
  sendReply(res, reply);
}

function findRoute(pathname: string): { methods: (typeof ROUTES)[number]['methods']; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        throw new ApiError('bad_request', `The ${name} in the path is not valid URI encoding.`, name);
      }
    }
    return { methods: route.methods, params };
  }
  return null;
}

/** Builds the endpoint (not yet listening): the API under `/v1`, anything else to `fallback`. */
export function createServer(options: ServerOptions): TandemServer {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const baseStore = options.store ?? openStore(config, log);
  const tombstones = createTombstones(config.jwtSecret);
  /** Started by listen() when a webhook is configured; stopped by close() before the store closes. */
  let dispatcher: WebhookDispatcher | null = null;
  /** The same for the xAPI forwarder, when config.xapi is set (src/server/xapi/). */
  let xapiDispatcher: XapiDispatcher | null = null;
  const store = notifyingStore(xapiForwardingStore(baseStore, config, () => xapiDispatcher?.kick()), () => dispatcher?.kick());
  const deps: AppDeps = {
    config,
    store,
    now,
    inviteDetailsLimiter: createRateLimiter({ ...config.inviteDetailsLimit, now: () => now().getTime() }),
    pool: createPoolService({ store, config, now, log, ...(options.runPoolJob ? { run: options.runPoolJob } : {}) }),
    tombstones,
    afterCommit: options.afterCommit,
  };
  let poolStarted = false;
  let tombstoneReload: NodeJS.Timeout | null = null;
  const verifyToken = createTokenVerifier({ secret: config.jwtSecret, issuer: config.jwtIssuer, audience: config.jwtAudience });
  const limits = config.requestLimits;
  const clock = () => now().getTime();
  const perAddress = limits && limits.perAddress > 0 ? createRateLimiter({ max: limits.perAddress, windowMs: limits.windowMs, now: clock }) : null;
  const perLearner = limits && limits.perLearner > 0 ? createRateLimiter({ max: limits.perLearner, windowMs: limits.windowMs, now: clock }) : null;

  /** Counts a request against `limiter`; past the limit, 429 with the seconds until the window resets. */
  function take(limiter: RateLimiter | null, key: string, message: string): void {
    const verdict = limiter?.take(key);
    if (verdict && !verdict.allowed) throw new ApiError('rate_limited', message, '', { 'Retry-After': String(verdict.retryAfterSeconds) });
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    // The API answers JSON only: nothing in it may run, load anything, or be framed.
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    res.setHeader('X-Frame-Options', 'DENY');
    const verdict = judgeOrigin(req, config.allowedOrigins);
    setCorsHeaders(res, verdict);
    try {
      if (verdict.kind === 'refused') {
        throw new ApiError('origin_not_allowed', `The origin ${verdict.origin} may not call this endpoint.`);
      }
      // Every request counts against its address (probing unknown routes too), but preflights, which browsers send on their own.
      const clientAddress = clientAddressOf(req, config.trustProxy ?? 0);
      // The platform's own server calls, with its key, are not a client to hold back.
      const key = req.headers['x-tandem-platform-key'];
      const platform = config.platformKey !== null && typeof key === 'string' && secretsEqual(key, config.platformKey);
      if (req.method !== 'OPTIONS' && !platform) take(perAddress, clientAddress, 'Too many requests from this address; try again later.');
      const route = findRoute(url.pathname);
      if (!route) throw new ApiError('not_found', `There is no ${url.pathname} route.`);
      if (req.method === 'OPTIONS') {
        setPreflightHeaders(res);
        answer(req, res, { status: 204 });
        return;
      }
      const handler = route.methods[req.method as Method];
      if (!handler) {
        throw new ApiError('method_not_allowed', `${req.method} is not allowed here.`, '', {
          Allow: Object.keys(route.methods).join(', '),
        });
      }
      // Each learner's requests count once, whatever address they come from, once their token is known.
      let claims: TokenClaims | undefined;
      const counted = (verified: TokenClaims): TokenClaims => {
        // A token issued before the learner's data was erased opens nothing: an open tab would put it back.
        const erasedMs = tombstones.erasedAtMs(verified.sub);
        if (erasedMs !== null && verified.iat !== undefined && verified.iat * 1000 <= erasedMs) {
          throw new ApiError('token_invalid', 'This learner’s data was erased after this token was issued; sign in again.');
        }
        if (!claims) take(perLearner, verified.sub, 'Too many requests from this learner; try again later.');
        return (claims = verified);
      };
      const ctx: RequestContext = {
        req,
        res,
        url,
        params: route.params,
        clientAddress,
        readBody: (accept) => readBody(req, { maxBytes: config.maxBodyBytes, accept }),
        authenticate: () => counted(verifyToken(bearerToken(req.headers.authorization), now().getTime())),
        verify: (token) => counted(verifyToken(token, now().getTime())),
      };
      answer(req, res, await handler(ctx, deps));
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // A refusal before the body was read (401, 413, 415…): drop the rest without
      // keeping it, and close the connection rather than parse leftovers as a request.
      if (!req.complete) {
        res.setHeader('Connection', 'close');
        discardRest(req);
      }
      if (err instanceof ApiError) {
        sendJson(res, err.status, { error: { code: err.code, message: err.message, path: err.path } }, err.headers);
      } else {
        log(`internal error on ${req.method} ${url.pathname}: ${(err as Error)?.stack ?? String(err)}`);
        sendJson(res, 500, { error: { code: 'internal', message: 'The server failed to answer.', path: '' } });
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // Log the path only: a query string could carry anything a page put there.
    let pathname = '?';
    res.once('finish', () => {
      log(`${req.method} ${pathname} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://endpoint.invalid');
    } catch {
      sendJson(res, 400, { error: { code: 'bad_request', message: 'The request URL is malformed.', path: '' } });
      return;
    }
    pathname = url.pathname;
    if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) {
      await handleApi(req, res, url);
      return;
    }
    try {
      // The demo pages read no body, but for the webhook receiver (a POST), which
      // reads its own: any other is drained, within a bound.
      if (req.method === 'GET' || req.method === 'HEAD') discardRest(req);
      const served = options.fallback ? await options.fallback(req, res, url) : false;
      if (!req.complete) discardRest(req);
      if (served) return;
      res.setHeader('Cache-Control', 'no-store');
      sendJson(res, 404, { error: { code: 'not_found', message: `There is no ${url.pathname} page.`, path: '' } });
    } catch (err) {
      log(`internal error on ${req.method} ${url.pathname}: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) {
        sendJson(res, 500, { error: { code: 'internal', message: 'The server failed to answer.', path: '' } });
      } else {
        res.destroy();
      }
    }
  }

  const server = createHttpServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`unhandled: ${(err as Error)?.stack ?? String(err)}`);
      res.destroy();
    });
  });

  let closing: Promise<void> | null = null;
  async function close(): Promise<void> {
    closing ??= (async () => {
      const grace = options.shutdownGraceMs ?? 10_000;
      await new Promise<void>((resolve) => {
        // Refuse new connections; close() resolves once every open one has ended.
        // Keep-alive connections between requests would hold close() open: end
        // them as they go idle, and cut whatever still runs after the grace period.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const cut = setTimeout(() => server.closeAllConnections(), grace);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      // After the requests (one may have queued a delivery) and before the store closes.
      await dispatcher?.stop();
      await xapiDispatcher?.stop();
      await deps.pool.stop();
      if (tombstoneReload) clearInterval(tombstoneReload);
      await store.close();
    })();
    return closing;
  }

  return {
    server,
    store,
    close,
    async listen(port = config.port, host?: string) {
      // The erased learners, before any token is checked, then again every few seconds (other processes erase too).
      await tombstones.load(baseStore);
      if (!closing) tombstoneReload ??= setInterval(() => {
        tombstones.load(baseStore).catch((err: unknown) => log(`erasure: could not read the tombstones again: ${String(err)}`));
      }, TOMBSTONE_RELOAD_MS).unref();
      return new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          if (config.webhook && !dispatcher && !closing) {
            dispatcher = startWebhookDispatcher({ ...options.webhooks, store: baseStore, config, now, log });
          }
          if (config.xapi && !xapiDispatcher && !closing) {
            xapiDispatcher = startXapiDispatcher({ ...options.xapi, store: baseStore, config, now, log });
          }
          if (!poolStarted && !closing) {
            poolStarted = true;
            deps.pool.start().catch((err: unknown) => log(`pool: could not start the schedule: ${String(err)}`));
          }
          resolve(`http://localhost:${address.port}`);
        });
      });
    },
  };
}
