/**
 * A local Learning Record Store for tests: a real node:http server on
 * 127.0.0.1 that enforces the xAPI 1.0.3 rules the forwarder relies on.
 *
 * - Every request must carry `X-Experience-API-Version: 1.0.x` (400 otherwise),
 *   and the configured Authorization when one is set (401 otherwise).
 * - `PUT {base}/statements?statementId={id}`: the body must be a statement that
 *   passes `xapi-validation`, whose `id`, if any, is the query's (400
 *   otherwise). A new id is stored: 204. The same id with the same statement:
 *   204, nothing changes. The same id with another statement: 409, nothing changes.
 * - `GET {base}/statements?statementId={id}`: the stored statement, or 404.
 * - `down()` stops listening (connections refused, as an LRS that is off);
 *   `up()` listens again on the same port. `respond` may answer a PUT in its
 *   place (a 503 with Retry-After, say).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { xapiProblems } from './xapi-validate.js';

export interface LrsCall {
  method: string;
  path: string;
  statementId: string | null;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
  at: number;
}

export type LrsOverride = { status: number; headers?: Record<string, string> } | undefined;

export interface TestLrs {
  /** The xAPI endpoint's base (what TANDEM_XAPI_URL is set to). */
  readonly url: string;
  /** Stored statements by id, as received (parsed). */
  readonly statements: Map<string, Record<string, unknown>>;
  /** Every request answered, in order. */
  readonly calls: LrsCall[];
  /** Answers a PUT instead of the rules above when it returns something (n: 1-based count of PUTs). */
  respond: (n: number, call: Omit<LrsCall, 'status' | 'at'>) => LrsOverride;
  /** Stores a statement directly, as if another system had sent it. */
  seed(statement: Record<string, unknown> & { id: string }): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface TestLrsOptions {
  /** The Authorization value required (none: not checked). */
  auth?: string;
}

/** Canonical JSON (keys sorted), to compare two statements. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function startTestLrs(options: TestLrsOptions = {}): Promise<TestLrs> {
  const statements = new Map<string, Record<string, unknown>>();
  const calls: LrsCall[] = [];
  let puts = 0;
  let port = 0;
  let server: Server | null = null;

  function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): number {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'X-Experience-API-Version': '1.0.3', ...(text ? { 'Content-Type': 'application/json' } : {}), ...headers });
    res.end(text);
    return status;
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): number {
    const url = new URL(req.url ?? '/', 'http://lrs.invalid');
    const statementId = url.searchParams.get('statementId');
    const version = req.headers['x-experience-api-version'];
    if (typeof version !== 'string' || !/^1\.0(\.\d+)?$/.test(version)) {
      return reply(res, 400, { error: 'X-Experience-API-Version header missing or unsupported' });
    }
    if (options.auth !== undefined && req.headers.authorization !== options.auth) return reply(res, 401, { error: 'unauthorized' });
    if (url.pathname !== '/xapi/statements') return reply(res, 404, { error: 'no such resource' });

    if (req.method === 'GET') {
      const stored = statementId ? statements.get(statementId) : undefined;
      return stored ? reply(res, 200, stored) : reply(res, 404, { error: 'no such statement' });
    }
    if (req.method !== 'PUT') return reply(res, 405, { error: 'method not allowed' });

    puts++;
    const override = lrs.respond(puts, { method: req.method, path: url.pathname, statementId, headers: req.headers, body: raw });
    if (override) return reply(res, override.status, undefined, override.headers);

    if (!statementId) return reply(res, 400, { error: 'statementId is required' });
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return reply(res, 400, { error: 'Content-Type must be application/json' });
    let statement: Record<string, unknown>;
    try {
      statement = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return reply(res, 400, { error: 'not JSON' });
    }
    if (statement.id !== undefined && statement.id !== statementId) return reply(res, 400, { error: 'id and statementId differ' });
    const problems = xapiProblems(statement);
    if (problems.length > 0) return reply(res, 400, { error: 'invalid statement', problems });
    const known = statements.get(statementId);
    if (known) return canonical(known) === canonical({ ...statement, id: statementId }) ? reply(res, 204) : reply(res, 409, { error: 'conflict' });
    statements.set(statementId, { ...statement, id: statementId });
    return reply(res, 204);
  }

  async function up(): Promise<void> {
    if (server) return;
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://lrs.invalid');
        const status = handle(req, res, body);
        calls.push({
          method: req.method ?? '',
          path: url.pathname,
          statementId: url.searchParams.get('statementId'),
          headers: req.headers,
          body,
          status,
          at: Date.now(),
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve();
      });
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  }

  async function down(): Promise<void> {
    const s = server;
    if (!s) return;
    server = null;
    await new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });
  }

  await up();
  const lrs: TestLrs = {
    url: `http://127.0.0.1:${port}/xapi`,
    statements,
    calls,
    respond: () => undefined,
    seed(statement) {
      statements.set(statement.id, statement);
    },
    down,
    up,
    close: down,
  };
  return lrs;
}
