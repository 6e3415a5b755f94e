import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as z from 'zod/mini';
import { CourseId } from '../protocol/codes.js';
import { EndpointCourseSettings as CourseSettings } from '../protocol/peers.js';
import { DEFAULT_XAPI_VOCABULARY_BASE } from '../core/xapi-statements.js';
import { parseWith } from './validation.js';

/**
 * The endpoint's configuration, read from the environment:
 *
 * - `PORT` — TCP port to listen on (default 8080; 0 picks a free one).
 * - `TANDEM_DATA_DIR` — folder holding the SQLite file `tandem.sqlite` (default `./data`).
 * - `DATABASE_URL` — `postgres://user:password@host:port/database` selects the PostgreSQL
 *   store instead of the embedded one (several server processes may then share it); a
 *   schema may be named with `?options=-c%20search_path%3Dname` (created when missing).
 * - `TANDEM_JWT_SECRET` — HS256 secret shared with the platform that signs learners'
 *   tokens. Required when `NODE_ENV=production`; otherwise the demo's main.ts may
 *   fall back to a development secret and says so.
 * - `TANDEM_JWT_ISSUER` — the `iss` tokens must carry (default `tandem-demo`).
 * - `TANDEM_JWT_AUDIENCE` — the `aud` tokens must carry (default `tandem`).
 * - `TANDEM_ALLOWED_ORIGINS` — comma-separated origins of course pages allowed to call
 *   the API cross-origin (`https://courses.example.org`); the server's own origin
 *   is always allowed.
 * - `TANDEM_PLATFORM_KEY` — secret the platform sends in `X-Tandem-Platform-Key` to
 *   `PUT /v1/courses/{course}/settings`; unset disables that route (403).
 * - `TANDEM_COURSES_FILE` — JSON file `{"course-id": {groupSize, objects, modalities,
 *   inviteLifetimeDays, title?}}`; courses absent from it (and from the database)
 *   get DEFAULT_COURSE_SETTINGS.
 * - `TANDEM_WEBHOOK_URL` — where the endpoint POSTs notifications (request received or
 *   accepted, invite accepted, matched by the pool, report created); unset: none are made.
 * - `TANDEM_WEBHOOK_SECRET` — HMAC-SHA256 key signing each notification (at least 32
 *   characters); required with `TANDEM_WEBHOOK_URL`.
 * - `TANDEM_WEBHOOK_MAX_ATTEMPTS` — deliveries tried this many times with exponential
 *   backoff, each wait at most an hour (default 16: a receiver down for up to about
 *   four hours still gets everything), then marked failed.
 * - `TANDEM_WEBHOOK_RETRY_BASE_MS` — the first retry's delay ceiling (default 1000).
 * - `TANDEM_XAPI_URL` — the Learning Record Store's xAPI endpoint (statements are PUT to
 *   `{url}/statements?statementId={id}`); unset: no statement is queued.
 * - `TANDEM_XAPI_AUTH` — the `Authorization` header value sent to the LRS (`Basic …`);
 *   never logged, never served.
 * - `TANDEM_XAPI_HOMEPAGE` — the actor accounts' homePage (the platform's URL); required
 *   with `TANDEM_XAPI_URL`.
 * - `TANDEM_XAPI_ACTIVITY_BASE` — IRI prefix of course, group and invite activities
 *   (default `{homepage}/tandem`).
 * - `TANDEM_XAPI_VOCABULARY_BASE` — IRI prefix of Tandem's extensions and activity types
 *   (default `https://tandem.example/xapi`).
 * - `TANDEM_XAPI_MAX_ATTEMPTS` — attempts per statement before it is marked failed (default 16).
 * - `TANDEM_XAPI_RETRY_BASE_MS` — the first retry's delay ceiling (default 1000).
 * - `TANDEM_POOL_CHECK_MS` — how often the pool schedule is checked (default 60000).
 * - `TANDEM_MAX_BODY_BYTES` — largest request body (default 65536).
 * - `TANDEM_INVITE_DETAILS_PER_MINUTE` — invite-details lookups allowed per client
 *   address per minute (default 30): codes are capabilities, so guessing is throttled.
 * - `TANDEM_REQUESTS_PER_MINUTE` — API requests allowed per client address per minute
 *   (default 1200; 0: no limit); past it, 429 with Retry-After.
 * - `TANDEM_LEARNER_REQUESTS_PER_MINUTE` — API requests allowed per signed-in learner per
 *   minute, whatever their address (default 300; 0: no limit).
 * - `TANDEM_TRUST_PROXY` — the number of reverse proxies in front of the endpoint that
 *   each append the address they saw to X-Forwarded-For (default 0): limits then count
 *   the address the outermost of them saw.
 * - `TANDEM_DEMO` — `0` serves the API alone, without the demo pages (read by main.ts).
 * - `TANDEM_TEST_HOLD_BEFORE_COMMIT_MS` — TEST ONLY: keep each transaction (group) open this
 *   long before its COMMIT, so that a test can make two processes' transactions overlap.
 * - `TANDEM_TEST_HOLD_AFTER_COMMIT_MS` — TEST ONLY: delay each command's answer after
 *   its transaction commits, so a hazard test can kill the process in between.
 */
export interface ServerConfig {
  port: number;
  dataDir: string;
  /** A postgres:// URL selects the PostgreSQL store; null or absent: the embedded SQLite file under dataDir. */
  databaseUrl?: string | null;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  allowedOrigins: readonly string[];
  platformKey: string | null;
  /** Settings from the courses file, by course id (the database overrides them). */
  courses: Readonly<Record<string, CourseSettings>>;
  maxBodyBytes: number;
  inviteDetailsLimit: { max: number; windowMs: number };
  /** Where and how notifications are sent; null: none are. */
  webhook: WebhookConfig | null;
  /** Forwarding of events as xAPI statements to a Learning Record Store; null or absent: none are. */
  xapi?: XapiConfig | null;
  /** How often the pool-matching schedule is checked, in milliseconds. */
  poolCheckMs: number;
  /** TEST ONLY, see TANDEM_TEST_HOLD_AFTER_COMMIT_MS. */
  testHoldAfterCommitMs: number;
  /** TEST ONLY, see TANDEM_TEST_HOLD_BEFORE_COMMIT_MS (0 or absent: none). */
  testHoldBeforeCommitMs?: number;
  /** Requests per window per client address and per learner (0 or absent: no limit). */
  requestLimits?: { perAddress: number; perLearner: number; windowMs: number };
  /** Trusted reverse proxies in front, each appending to X-Forwarded-For (0 or absent: the socket's peer is the client). */
  trustProxy?: number;
}

export interface WebhookConfig {
  url: string;
  secret: string;
  maxAttempts: number;
  retryBaseMs: number;
}

export interface XapiConfig {
  /** The LRS's xAPI endpoint, without a trailing slash. */
  url: string;
  /** The Authorization header value, or null for none. */
  auth: string | null;
  /** The actor and team accounts' homePage. */
  homePage: string;
  /** Prefix of activity ids, without a trailing slash. */
  activityBase: string;
  /** Prefix of extension and activity-type IRIs, without a trailing slash. */
  vocabularyBase: string;
  maxAttempts: number;
  retryBaseMs: number;
}

export const DEV_JWT_SECRET = 'tandem-dev-secret-do-not-use-in-production';

const Origin = z.string().check(z.regex(/^https?:\/\/[^/\s]+$/));
const PositiveInt = z.coerce.number().check(z.int(), z.gte(1));

const Env = z.object({
  PORT: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535)), 8080),
  TANDEM_DATA_DIR: z._default(z.string().check(z.minLength(1)), './data'),
  DATABASE_URL: z.optional(z.string().check(z.regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL'))),
  TANDEM_JWT_SECRET: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
  TANDEM_JWT_ISSUER: z._default(z.string().check(z.minLength(1)), 'tandem-demo'),
  TANDEM_JWT_AUDIENCE: z._default(z.string().check(z.minLength(1)), 'tandem'),
  TANDEM_ALLOWED_ORIGINS: z._default(z.string(), ''),
  TANDEM_PLATFORM_KEY: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
  TANDEM_COURSES_FILE: z.optional(z.string().check(z.minLength(1))),
  TANDEM_MAX_BODY_BYTES: z._default(PositiveInt, 65536),
  TANDEM_INVITE_DETAILS_PER_MINUTE: z._default(PositiveInt, 30),
  TANDEM_WEBHOOK_URL: z.optional(z.string().check(z.regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'))),
  TANDEM_WEBHOOK_SECRET: z.optional(z.string().check(z.minLength(32, 'must be at least 32 characters'))),
  TANDEM_WEBHOOK_MAX_ATTEMPTS: z._default(PositiveInt, 16),
  TANDEM_WEBHOOK_RETRY_BASE_MS: z._default(PositiveInt, 1000),
  TANDEM_XAPI_URL: z.optional(z.string().check(z.regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'))),
  TANDEM_XAPI_AUTH: z.optional(z.string()),
  TANDEM_XAPI_HOMEPAGE: z.optional(z.string().check(z.regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'))),
  TANDEM_XAPI_ACTIVITY_BASE: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9+.-]*:\S+$/i, 'must be an absolute IRI'))),
  TANDEM_XAPI_VOCABULARY_BASE: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9+.-]*:\S+$/i, 'must be an absolute IRI'))),
  TANDEM_XAPI_MAX_ATTEMPTS: z._default(PositiveInt, 16),
  TANDEM_XAPI_RETRY_BASE_MS: z._default(PositiveInt, 1000),
  TANDEM_POOL_CHECK_MS: z._default(PositiveInt, 60_000),
  TANDEM_REQUESTS_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(0)), 1200),
  TANDEM_LEARNER_REQUESTS_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(0)), 300),
  TANDEM_TRUST_PROXY: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(10)), 0),
  TANDEM_TEST_HOLD_AFTER_COMMIT_MS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 0),
  TANDEM_TEST_HOLD_BEFORE_COMMIT_MS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 0),
  NODE_ENV: z.optional(z.string()),
});

/** A course entry of the courses file: the settings, plus an optional title for people. */
const CourseFileEntry = z.extend(CourseSettings, { title: z.optional(z.string()) });
const CoursesFile = z.record(CourseId, CourseFileEntry);

export type ConfigResult = { ok: true; config: ServerConfig; warnings: string[] } | { ok: false; error: string };

/**
 * Reads the configuration from `env`. `allowDevSecret` lets the demo start
 * without a secret outside production (with a warning); the endpoint proper
 * refuses to start without one.
 */
export function loadConfig(env: NodeJS.ProcessEnv, allowDevSecret = false): ConfigResult {
  // Empty variables count as unset, as shells and compose files often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = parseWith(Env, present);
  if (!parsed.ok) return { ok: false, error: `${parsed.path}: ${parsed.message}` };
  const e = parsed.data;
  const warnings: string[] = [];

  let jwtSecret = e.TANDEM_JWT_SECRET;
  if (!jwtSecret) {
    if (e.NODE_ENV === 'production' || !allowDevSecret) {
      return { ok: false, error: 'TANDEM_JWT_SECRET: required (the HS256 secret shared with the platform)' };
    }
    jwtSecret = DEV_JWT_SECRET;
    warnings.push('TANDEM_JWT_SECRET is unset: using a development secret; never do this in production');
  }

  const allowedOrigins: string[] = [];
  for (const raw of e.TANDEM_ALLOWED_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean)) {
    const origin = parseWith(Origin, raw.replace(/\/$/, ''));
    if (!origin.ok) return { ok: false, error: `TANDEM_ALLOWED_ORIGINS: "${raw}" is not an origin like https://example.org` };
    allowedOrigins.push(origin.data);
  }

  if (e.TANDEM_WEBHOOK_URL && !e.TANDEM_WEBHOOK_SECRET) {
    return { ok: false, error: 'TANDEM_WEBHOOK_SECRET: required with TANDEM_WEBHOOK_URL (notifications are signed)' };
  }

  if (e.TANDEM_XAPI_URL && !e.TANDEM_XAPI_HOMEPAGE) {
    return { ok: false, error: 'TANDEM_XAPI_HOMEPAGE: required with TANDEM_XAPI_URL (the actor accounts\' homePage)' };
  }
  const trim = (iri: string) => iri.replace(/\/+$/, '');
  const xapi: XapiConfig | null =
    e.TANDEM_XAPI_URL && e.TANDEM_XAPI_HOMEPAGE
      ? {
          url: trim(e.TANDEM_XAPI_URL),
          auth: e.TANDEM_XAPI_AUTH ?? null,
          homePage: e.TANDEM_XAPI_HOMEPAGE,
          activityBase: trim(e.TANDEM_XAPI_ACTIVITY_BASE ?? `${trim(e.TANDEM_XAPI_HOMEPAGE)}/tandem`),
          vocabularyBase: trim(e.TANDEM_XAPI_VOCABULARY_BASE ?? DEFAULT_XAPI_VOCABULARY_BASE),
          maxAttempts: e.TANDEM_XAPI_MAX_ATTEMPTS,
          retryBaseMs: e.TANDEM_XAPI_RETRY_BASE_MS,
        }
      : null;

  let courses: Record<string, CourseSettings> = {};
  if (e.TANDEM_COURSES_FILE) {
    const file = readCoursesFile(e.TANDEM_COURSES_FILE);
    if (!file.ok) return file;
    courses = file.courses;
  }

  return {
    ok: true,
    warnings,
    config: {
      port: e.PORT,
      dataDir: resolve(e.TANDEM_DATA_DIR),
      databaseUrl: e.DATABASE_URL ?? null,
      jwtSecret,
      jwtIssuer: e.TANDEM_JWT_ISSUER,
      jwtAudience: e.TANDEM_JWT_AUDIENCE,
      allowedOrigins,
      platformKey: e.TANDEM_PLATFORM_KEY ?? null,
      courses,
      maxBodyBytes: e.TANDEM_MAX_BODY_BYTES,
      inviteDetailsLimit: { max: e.TANDEM_INVITE_DETAILS_PER_MINUTE, windowMs: 60_000 },
      requestLimits: { perAddress: e.TANDEM_REQUESTS_PER_MINUTE, perLearner: e.TANDEM_LEARNER_REQUESTS_PER_MINUTE, windowMs: 60_000 },
      trustProxy: e.TANDEM_TRUST_PROXY,
      webhook:
        e.TANDEM_WEBHOOK_URL && e.TANDEM_WEBHOOK_SECRET
          ? {
              url: e.TANDEM_WEBHOOK_URL,
              secret: e.TANDEM_WEBHOOK_SECRET,
              maxAttempts: e.TANDEM_WEBHOOK_MAX_ATTEMPTS,
              retryBaseMs: e.TANDEM_WEBHOOK_RETRY_BASE_MS,
            }
          : null,
      xapi,
      poolCheckMs: e.TANDEM_POOL_CHECK_MS,
      testHoldAfterCommitMs: e.TANDEM_TEST_HOLD_AFTER_COMMIT_MS,
      testHoldBeforeCommitMs: e.TANDEM_TEST_HOLD_BEFORE_COMMIT_MS,
    },
  };
}

/** Reads and validates a courses file; the title is for people and is not served. */
export function readCoursesFile(
  path: string,
): { ok: true; courses: Record<string, CourseSettings> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { ok: false, error: `TANDEM_COURSES_FILE: cannot read ${path} as JSON (${(err as Error).message})` };
  }
  const parsed = parseWith(CoursesFile, json);
  if (!parsed.ok) return { ok: false, error: `TANDEM_COURSES_FILE: ${parsed.path}: ${parsed.message}` };
  const courses: Record<string, CourseSettings> = {};
  for (const [course, { title: _title, ...settings }] of Object.entries(parsed.data)) courses[course] = settings;
  return { ok: true, courses };
}
