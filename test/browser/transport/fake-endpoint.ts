import { readTokenClaims } from '../../../src/core/token-claims.js';
import type { LearnerState } from '../../../src/protocol/api.js';
import { ClientEvent } from '../../../src/protocol/events.js';

/**
 * A test double of the endpoint at the network boundary: an injected `fetch`
 * that implements the routes the widget calls, stores event and command ids
 * once (as the real endpoint does), and can be told to fail in the ways the
 * hazard tests need. It counts everything, so each test can prove its
 * hazard really happened.
 */

export const COURSE = 'course-v1:Tandem+T101+2025';

export function makeToken(claims: { sub: string; iss?: string; exp?: number; name?: string }): string {
  const encode = (value: unknown): string =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: 'https://platform.test', course: COURSE, ...claims })}.signature`;
}

/** An `exp` claim `seconds` from now. */
export function expIn(seconds: number): number {
  return Math.floor(Date.now() / 1000) + seconds;
}

export function stateFor(sub: string, serverTime = new Date().toISOString()): LearnerState {
  return {
    course: COURSE,
    learner: { id: sub, name: sub.charAt(0).toUpperCase() + sub.slice(1) },
    settings: { groupSize: 2, objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'], inviteLifetimeDays: 14 },
    groups: [],
    invites: [],
    serverTime,
  };
}

export function uniqueEndpoint(): string {
  return `https://endpoint-${crypto.randomUUID()}.test/tandem`;
}

type Route = 'state' | 'settings' | 'commands' | 'events' | 'invite-details' | 'course' | 'token';
export interface Call {
  route: Route;
  /** For part 2's course routes, `METHOD path` after `v1/courses/{course}/` (`GET peers?page=0`). */
  key: string;
  method: string;
  token: string | null;
  body: unknown;
}
/** A one-shot behaviour: a Response to answer with, 'network' to fail, 'lose-answer' to process then fail, or undefined to pass. */
type Override = (call: Call) => Response | 'network' | 'lose-answer' | undefined;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

export function errorBody(code: string, message = code, path = ''): { error: { code: string; message: string; path: string } } {
  return { error: { code, message, path } };
}

export class FakeEndpoint {
  /** While true, every request fails as a network error would. */
  down = false;
  readonly calls: Call[] = [];
  networkFailures = 0;
  /** Stored events by id, with how many times each id arrived. */
  readonly events = new Map<string, { event: unknown; received: number; tokenSub: string }>();
  /** Commands by id: how many times each arrived, and the response given. */
  readonly commands = new Map<string, { received: number; processed: number; response: unknown }>();
  /** Tokens answered with 401. */
  readonly rejected = new Set<string>();
  readonly #overrides: Override[] = [];
  /** The state served per learner (defaults to an empty one). */
  readonly states = new Map<string, LearnerState>();
  /** Part 2's course routes by `METHOD path` (see Call.key): the reply to a learner's authorised call; 404 for others. */
  readonly course = new Map<string, (call: Call) => Response>();

  /** Adds a one-shot behaviour; it is removed once it returns something. */
  once(override: Override): void {
    this.#overrides.push(override);
  }

  callsTo(route: Route): Call[] {
    return this.calls.filter((c) => c.route === route);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    const auth = new Headers(init?.headers).get('Authorization');
    const text = typeof init?.body === 'string' ? init.body : null;
    const body: unknown = text ? JSON.parse(text) : null;
    const route = this.#route(url.pathname);
    const key = `${method} ${(url.pathname + url.search).replace(/^.*?\/v1\/courses\/[^/]+\//, '')}`;
    const call: Call = { route, key, method, token: auth?.startsWith('Bearer ') ? auth.slice(7) : null, body };
    this.calls.push(call);
    if (this.down) {
      this.networkFailures++;
      throw new TypeError('Failed to fetch');
    }
    let lose = false;
    for (const [i, override] of this.#overrides.entries()) {
      const outcome = override(call);
      if (outcome === undefined) continue;
      this.#overrides.splice(i, 1);
      if (outcome === 'network') {
        this.networkFailures++;
        throw new TypeError('Failed to fetch');
      }
      if (outcome === 'lose-answer') {
        lose = true;
        break;
      }
      return outcome;
    }
    const response = this.#answer(call);
    if (lose) {
      // The endpoint did its work; the answer never reached the browser.
      this.networkFailures++;
      throw new TypeError('Failed to fetch');
    }
    return response;
  };

  #route(path: string): Route {
    if (path.endsWith('/state')) return 'state';
    if (path.endsWith('/settings')) return 'settings';
    if (path.endsWith('/v1/commands')) return 'commands';
    if (path.endsWith('/v1/events')) return 'events';
    if (path.endsWith('/v1/invite-details')) return 'invite-details';
    if (path.includes('/v1/courses/')) return 'course';
    return 'token';
  }

  #answer(call: Call): Response {
    if (call.route === 'invite-details') return json(404, errorBody('invite_not_found'));
    const claims = call.token ? readTokenClaims(call.token) : null;
    if (!claims || !call.token) return json(401, errorBody('token_missing'));
    if (this.rejected.has(call.token)) return json(401, errorBody('token_expired'));
    if (call.route === 'state') return json(200, this.states.get(claims.sub) ?? stateFor(claims.sub));
    if (call.route === 'course') return this.course.get(call.key)?.(call) ?? json(404, errorBody('not_found'));
    if (call.route === 'commands') {
      const request = call.body as { id: string; command: { type: string } };
      const known = this.commands.get(request.id);
      if (known) {
        // Same id: same answer, nothing done twice.
        known.received++;
        return json(200, known.response);
      }
      const response = { result: { id: request.id, type: request.command.type }, events: [], state: stateFor(claims.sub) };
      this.commands.set(request.id, { received: 1, processed: 1, response });
      return json(200, response);
    }
    if (call.route === 'events') {
      const events = (call.body as { events: unknown[] }).events;
      const failures = events
        .map((event, index) => ({ index, ok: ClientEvent.safeParse(event).success }))
        .filter((r) => !r.ok)
        .map((r) => ({ index: r.index, code: 'bad_request', message: 'invalid event', path: `events.${r.index}` }));
      if (failures.length > 0) return json(400, { ...errorBody('invalid_events', 'some events are invalid'), failures });
      for (const event of events) {
        const id = (event as { id: string }).id;
        const known = this.events.get(id);
        if (known) known.received++;
        else this.events.set(id, { event, received: 1, tokenSub: claims.sub });
      }
      return json(200, { stored: events.length, duplicates: 0 });
    }
    return json(404, errorBody('not_found'));
  }
}

export { json };

/** Resolves once `check` is true, polling briefly; fails the test with `what` otherwise. */
export async function until(check: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
