import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenClaims } from './auth.js';
import type { BodyKind, ReadBody } from './body.js';
import type { ServerConfig } from './config.js';
import type { Tombstones } from './learners/tombstones.js';
import type { PoolService } from './pool/pool-service.js';
import type { RateLimiter } from './rate-limit.js';
import type { Store } from './store/store.js';

/** What every route shares: configuration, storage, the clock and the test hook. */
export interface AppDeps {
  config: ServerConfig;
  store: Store;
  now: () => Date;
  inviteDetailsLimiter: RateLimiter;
  /** Pool-matching rounds (API and schedule). */
  pool: PoolService;
  /** Erased learners: tokens issued before an erasure are refused. */
  tombstones: Tombstones;
  /** TEST ONLY: runs after a command's transaction committed, before it is answered. */
  afterCommit?: ((commandId: string) => Promise<void>) | undefined;
}

/** One request as a route sees it. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters, already URI-decoded. */
  params: Readonly<Record<string, string>>;
  /** The address rate limits count against. */
  clientAddress: string;
  /** Reads and parses the body (415, 413, 400 thrown as ApiError). */
  readBody(accept: readonly BodyKind[]): Promise<ReadBody>;
  /** Verifies the bearer token (401 thrown as ApiError). */
  authenticate(): TokenClaims;
  /** Verifies a token given another way (the beacon form carries it in the body). */
  verify(token: string): TokenClaims;
}

/** A route's answer: a JSON body, or none (204). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext, deps: AppDeps) => Promise<Reply>;
