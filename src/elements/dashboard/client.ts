import type * as z from 'zod/mini';
import { ApiErrorBody } from '../../protocol/api.js';
import type { TandemConfig } from '../../protocol/config.js';
import { EndpointCourseSettings } from '../../protocol/peers.js';
import { PoolRun } from '../../protocol/pool.js';
import { CourseStats } from '../../protocol/stats.js';
import type { Reply } from '../../transport/session-types.js';
import { createTokenSource } from '../../transport/token-source.js';

/**
 * The instructor's calls (issue 4), with the instructor's bearer token from
 * the same sources as the learner widget's (a host's provider function, the
 * `token` attribute, `token-url`): a JWT whose `role` is `instructor` or
 * `admin`. The endpoint checks the role; a learner's token gets 403.
 *
 * Not the learner session: it keeps an IndexedDB queue and polls a learner's
 * state, neither of which an instructor has. Every reply is parsed with the
 * protocol's schema, so an unreadable one is `bad_reply`, never a crash. A
 * 401 fetches a new token and asks once more. Failures: `network` (no answer,
 * `status` 0), `token_missing` (nobody signed in), `token_unavailable` (a
 * token that cannot be used), `bad_reply`, else the endpoint's error code.
 */
export interface DashboardClient {
  stats(): Promise<Reply<CourseStats>>;
  settings(): Promise<Reply<EndpointCourseSettings>>;
  saveSettings(settings: EndpointCourseSettings): Promise<Reply<EndpointCourseSettings>>;
  startPoolRun(): Promise<Reply<PoolRun>>;
  poolRun(id: string): Promise<Reply<PoolRun>>;
  /** Calls `listener` when a host script sets another token provider (a sign-in or sign-out); returns the unsubscribe function. */
  onSignInChange(listener: () => void): () => unknown;
}

/**
 * The cross-tables' columns follow the order of the object and modality
 * tables: a row of another length cannot be read.
 */
const Stats = CourseStats.check((ctx) => {
  const { typology: t } = ctx.value;
  for (const [rows, columns] of [
    [t.relationshipByObject, t.object],
    [t.relationshipByModality, t.modality],
  ] as const) {
    if (rows.some((row) => row.counts.length != columns.length)) ctx.issues.push({ code: 'custom', message: 'cross-table of another width', input: rows });
  }
});

export function createDashboardClient(
  config: Pick<TandemConfig, 'endpoint' | 'course' | 'token' | 'token-url'>,
  { fetch: doFetch = fetch }: { fetch?: typeof fetch } = {},
): DashboardClient {
  const tokens = createTokenSource(config, { fetch: doFetch });
  const course = `${config.endpoint.replace(/\/?$/, '/')}v1/courses/${encodeURIComponent(config.course)}/`;
  const failure = (code: string, status = 0, message = code, path = ''): Reply<never> => ({ ok: false, code, message, path, status });

  async function call<T>(path: string, schema: z.ZodMiniType<T>, body?: object, method = body ? 'POST' : 'GET'): Promise<Reply<T>> {
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.current();
      // After a 401, no new token means the one given was refused: "sign in again" rather than "sign in".
      if (token.kind != 'token') return failure(token.kind == 'offline' ? 'network' : attempt ? 'token_invalid' : token.kind == 'signed-out' ? 'token_missing' : 'token_unavailable');
      const headers: Record<string, string> = { Authorization: `Bearer ${token.token}` };
      if (body) headers['Content-Type'] = 'application/json';
      let response: Response;
      let json: unknown;
      try {
        // Identity travels in the bearer token only, never in the endpoint's cookies.
        response = await doFetch(course + path, { method, headers, body: body && JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
      } catch (error) {
        return failure('network', 0, String(error));
      }
      try {
        json = JSON.parse(await response.text());
      } catch {
        // Not JSON, or cut short: a success is then unreadable (bad_reply), an error keeps its status.
      }
      const { status } = response;
      if (status == 401 && !attempt) {
        tokens.invalidate(token.token);
        continue;
      }
      if (response.ok) {
        const parsed = schema.safeParse(json);
        return parsed.success ? { ok: true, value: parsed.data } : failure('bad_reply', status, parsed.error.message);
      }
      const error = ApiErrorBody.safeParse(json).data?.error;
      // Without our JSON error (a proxy's page), the status still says what kind it is.
      const code = error?.code ?? (status == 401 ? 'token_invalid' : status == 403 ? 'forbidden' : status == 429 ? 'rate_limited' : status >= 500 ? 'internal' : 'bad_request');
      return failure(code, status, error?.message, error?.path);
    }
  }

  return {
    stats: () => call('stats', Stats),
    settings: () => call('settings', EndpointCourseSettings),
    saveSettings: (settings) => call('settings', EndpointCourseSettings, settings, 'PUT'),
    startPoolRun: () => call('pool-runs', PoolRun, {}),
    poolRun: (id) => call(`pool-runs/${encodeURIComponent(id)}`, PoolRun),
    onSignInChange: (listener) => tokens.onChange(listener),
  };
}
