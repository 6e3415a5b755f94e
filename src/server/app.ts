import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken, verifyToken } from './auth.js';
import { discardRest, readBody } from './body.js';
import type { ServerConfig } from './config.js';
import { judgeOrigin, setCorsHeaders, setPreflightHeaders } from './cors.js';
import { ApiError } from './errors.js';
import { createRateLimiter } from './rate-limit.js';
import type { AppDeps, Reply, RequestContext } from './request-context.js';
import { ROUTES, type Method } from './routes/route-table.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

/**
 * Serves a non-API path (the demo pages); resolves false when it does not know
 * the path. It gets no request body: any is drained and dropped (within a bound).
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
  /** How long close() lets in-flight requests finish before cutting connections (default 10 s). */
  shutdownGraceMs?: number;
}

export interface TandemServer {
  server: Server;
  store: Store;
  /** Starts listening (port 0 picks a free one) and resolves the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, then closes the store. */
  close(): Promise<void>;
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
  const store = options.store ?? openSqliteStore(config.dataDir);
  const deps: AppDeps = {
    config,
    store,
    now,
    inviteDetailsLimiter: createRateLimiter({ ...config.inviteDetailsLimit, now: () => now().getTime() }),
    afterCommit: options.afterCommit,
  };
  const tokenPolicy = { secret: config.jwtSecret, issuer: config.jwtIssuer, audience: config.jwtAudience };

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const verdict = judgeOrigin(req, config.allowedOrigins);
    setCorsHeaders(res, verdict);
    try {
      if (verdict.kind === 'refused') {
        throw new ApiError('origin_not_allowed', `The origin ${verdict.origin} may not call this endpoint.`);
      }
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
      const ctx: RequestContext = {
        req,
        res,
        url,
        params: route.params,
        clientAddress: req.socket.remoteAddress ?? 'unknown',
        readBody: (accept) => readBody(req, { maxBytes: config.maxBodyBytes, accept }),
        authenticate: () => verifyToken(bearerToken(req.headers.authorization), tokenPolicy, now().getTime()),
        verify: (token) => verifyToken(token, tokenPolicy, now().getTime()),
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
      // The demo pages read no body: one sent anyway is drained, within a bound.
      discardRest(req);
      if (options.fallback && (await options.fallback(req, res, url))) return;
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
      await store.close();
    })();
    return closing;
  }

  return {
    server,
    store,
    close,
    listen(port = config.port, host?: string) {
      return new Promise<string>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve(`http://localhost:${address.port}`);
        });
      });
    },
  };
}
