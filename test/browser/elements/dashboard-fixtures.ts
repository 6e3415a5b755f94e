/**
 * Test doubles for `<tandem-dashboard>`: the endpoint at the network boundary
 * (an injected fetch answering the instructor's routes, recording each call),
 * timers a test fires by hand, schema-valid stats answers, and tokens.
 */
import { EndpointCourseSettings } from '../../../src/protocol/peers.js';
import { PoolRun } from '../../../src/protocol/pool.js';
import { CourseStats } from '../../../src/protocol/stats.js';
import type { Timers } from '../../../src/elements/dashboard/stats-controller.js';
import type { TandemDashboard } from '../../../src/elements/tandem-dashboard.js';

export const ENDPOINT = 'https://tandem.example.org';
export const COURSE = 'demo-mooc-101';
/** The platform's token URL, answered by the fake endpoint's `GET token-url` route. */
export const TOKEN_URL = 'https://mooc.example.org/tandem-token';

/** An unsigned JWT (the endpoint checks signatures, the widget does not) for `role`, valid for an hour. */
export function token(role: 'instructor' | 'learner' | 'admin' = 'instructor', sub = 'teacher-1'): string {
  const encode = (value: unknown): string => btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: 'https://platform.test', sub, course: COURSE, role, exp })}.signature`;
}

export const CONFIG = { endpoint: ENDPOINT, course: COURSE, 'course-title': 'Climate Science 101', token: token() };

/** A stats answer with every count shown: parsed with the real schema, so it cannot drift from the protocol. */
export function fullStats(overrides: Partial<CourseStats> = {}): CourseStats {
  return CourseStats.parse({
    course: COURSE,
    generatedAt: '2026-11-27T09:41:00Z',
    threshold: 5,
    groups: {
      formed: 48,
      active: 40,
      dissolved: 8,
      bySize: [
        { size: 2, count: 30 },
        { size: 3, count: 10 },
        { size: 4, count: 0 },
        { size: 5, count: 0 },
        { size: 6, count: 0 },
      ],
      membersLeft: 11,
      learnersGrouped: 106,
    },
    typology: {
      relationship: [
        { code: 'family', count: 6 },
        { code: 'friend', count: 20 },
        { code: 'colleague', count: 9 },
        { code: 'classmate', count: 7 },
        { code: 'earlier-mooc', count: 5 },
        { code: 'this-mooc', count: 12 },
      ],
      object: [
        { code: 'collective-activities', count: 8 },
        { code: 'individual-activities', count: 10 },
        { code: 'watch-videos', count: 15 },
        { code: 'discuss', count: 30 },
        { code: 'mutual-help', count: 33 },
        { code: 'encouragement', count: 21 },
      ],
      modality: [
        { code: 'in-person-pair', count: 12 },
        { code: 'in-person-group', count: 5 },
        { code: 'social-network', count: 18 },
        { code: 'synchronous', count: 25 },
        { code: 'email', count: 14 },
        { code: 'shared-documents', count: 9 },
      ],
      relationshipByObject: [
        { relationship: 'family', counts: [0, 0, 5, 6, 6, 6] },
        { relationship: 'friend', counts: [5, 5, 5, 12, 14, 10] },
        { relationship: 'colleague', counts: [0, 5, 0, 6, 9, 0] },
        { relationship: 'classmate', counts: [0, 0, 5, 7, 7, 5] },
        { relationship: 'earlier-mooc', counts: [0, 0, 0, 5, 5, 0] },
        { relationship: 'this-mooc', counts: [0, 0, 0, 8, 12, 0] },
      ],
      relationshipByModality: [
        { relationship: 'family', counts: [6, 0, 0, 6, 0, 0] },
        { relationship: 'friend', counts: [6, 5, 10, 12, 5, 5] },
        { relationship: 'colleague', counts: [0, 0, 0, 5, 9, 0] },
        { relationship: 'classmate', counts: [0, 0, 8, 0, 0, 5] },
        { relationship: 'earlier-mooc', counts: [0, 0, 0, 5, 0, 0] },
        { relationship: 'this-mooc', counts: [0, 0, 0, 12, 0, 0] },
      ],
    },
    weekly: [
      { week: '2026-11-02', groupsFormed: 20 },
      { week: '2026-11-09', groupsFormed: 12 },
      { week: '2026-11-16', groupsFormed: 0 },
      { week: '2026-11-23', groupsFormed: 16 },
    ],
    funnels: {
      invites: { created: 80, opened: 60, accepted: 45, medianHoursToAccept: 3.5 },
      requests: { sent: 20, accepted: 10 },
      pool: { optedIn: 30, matched: 24 },
    },
    persistence: {
      reported: 300,
      rows: [
        { key: 'grouped', learners: 100, completed: 40, meanProgress: 0.62 },
        { key: 'alone', learners: 200, completed: 30, meanProgress: 0.31 },
        { key: 'family', learners: 12, completed: 6, meanProgress: 0.7 },
        { key: 'friend', learners: 40, completed: 18, meanProgress: 0.66 },
        { key: 'colleague', learners: 18, completed: 6, meanProgress: 0.5 },
        { key: 'classmate', learners: 14, completed: 5, meanProgress: 0.55 },
        { key: 'earlier-mooc', learners: 10, completed: 5, meanProgress: 0.6 },
        { key: 'this-mooc', learners: 0, completed: 0, meanProgress: null },
      ],
    },
    ...overrides,
  });
}

/**
 * A small course's answer: small counts withheld (null) with their
 * complements, rates and means withheld with them, the median withheld.
 */
export function statsWithNulls(): CourseStats {
  const full = fullStats();
  return CourseStats.parse({
    ...full,
    groups: { ...full.groups, formed: 12, active: null, dissolved: null, bySize: full.groups.bySize.map((s, i) => ({ ...s, count: i < 2 ? null : 0 })), membersLeft: null },
    typology: {
      ...full.typology,
      relationship: full.typology.relationship.map((r) => ({ ...r, count: r.code == 'family' || r.code == 'colleague' ? null : r.count })),
      modality: full.typology.modality.map((m) => ({ ...m, count: m.code == 'email' || m.code == 'in-person-group' ? null : m.count })),
    },
    weekly: [
      { week: '2026-11-16', groupsFormed: null },
      { week: '2026-11-23', groupsFormed: null },
    ],
    funnels: {
      invites: { created: 30, opened: null, accepted: 12, medianHoursToAccept: null },
      requests: { sent: null, accepted: null },
      pool: { optedIn: 8, matched: 6 },
    },
    persistence: {
      reported: 40,
      rows: full.persistence.rows.map((r) => (r.key == 'family' ? { ...r, learners: null, completed: null, meanProgress: null } : r.key == 'friend' ? { ...r, completed: null } : r)),
    },
  });
}

export function settings(overrides: Partial<EndpointCourseSettings> = {}): EndpointCourseSettings {
  return EndpointCourseSettings.parse({
    groupSize: 3,
    objects: ['discuss', 'mutual-help', 'encouragement'],
    modalities: ['synchronous', 'email', 'shared-documents'],
    inviteLifetimeDays: 14,
    city: false,
    poolEveryHours: 168,
    suppressionThreshold: 5,
    ...overrides,
  });
}

export const RUN_ID = '8d5e01f2-3b4c-4d5e-9f60-718293a4b5c6';
export function poolRun(overrides: Partial<PoolRun> = {}): PoolRun {
  return PoolRun.parse({ id: RUN_ID, course: COURSE, seed: 42, trigger: 'api', status: 'running', startedAt: '2026-11-27T09:45:00Z', ...overrides });
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
export const errorBody = (code: string, message = code, path = '') => ({ error: { code, message, path } });

/**
 * What a route answers: a response, one that comes when a promise settles (the test decides when),
 * 'network' (no answer), 'hang' (an answer that never comes), or one made from the call.
 */
type Answer = Response | Promise<Response> | 'network' | 'hang' | ((call: Call) => Response | Promise<Response> | 'network' | 'hang');

export interface Call {
  /** `METHOD route`, the route after `/v1/courses/{course}/`: `GET stats`, `PUT settings`. */
  route: string;
  authorization: string | null;
  body: unknown;
}

/**
 * The endpoint: answers by `METHOD route`, each route a list of answers
 * given in turn (the last one repeats), and records every call.
 */
export class FakeDashboardEndpoint {
  readonly calls: Call[] = [];
  readonly routes = new Map<string, Answer[]>();

  readonly #prefix: string;

  /** Answers `course`'s routes and the token URL (`GET token-url`); any other URL fails as a network error would. */
  constructor(routes: Record<string, Answer | Answer[]> = {}, course = COURSE) {
    this.#prefix = `/v1/courses/${encodeURIComponent(course)}/`;
    this.answer({ 'GET stats': json(200, fullStats()), 'GET settings': json(200, settings()), ...routes });
  }

  /** Sets the answers of routes (replacing earlier ones). */
  answer(routes: Record<string, Answer | Answer[]>): this {
    for (const [route, answers] of Object.entries(routes)) this.routes.set(route, Array.isArray(answers) ? [...answers] : [answers]);
    return this;
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const tokenUrl = url.href == TOKEN_URL;
    if (!tokenUrl && (url.origin != ENDPOINT || !url.pathname.startsWith(this.#prefix))) throw new TypeError(`unexpected URL ${url.href}`);
    const route = `${init.method ?? 'GET'} ${tokenUrl ? 'token-url' : url.pathname.slice(this.#prefix.length)}`;
    const headers = new Headers(init.headers);
    const call = { route, authorization: headers.get('Authorization'), body: init.body ? JSON.parse(String(init.body)) : undefined };
    this.calls.push(call);
    const answers = this.routes.get(route);
    let answer = answers && (answers.length > 1 ? answers.shift()! : answers[0]!);
    if (typeof answer == 'function') answer = answer(call);
    if (!answer) return json(404, errorBody('not_found'));
    if (answer == 'network') throw new TypeError('Failed to fetch');
    if (answer == 'hang') return new Promise(() => {});
    return (await answer).clone();
  };

  /** The routes called, in order. */
  requested(): string[] {
    return this.calls.map((c) => c.route);
  }

  bodies(route: string): unknown[] {
    return this.calls.filter((c) => c.route == route).map((c) => c.body);
  }
}

/** Timers that run only when a test fires them. */
export class ManualTimers implements Timers {
  #next = 1;
  readonly #pending = new Map<number, { callback: () => void; ms: number }>();

  set(callback: () => void, ms: number): number {
    this.#pending.set(this.#next, { callback, ms });
    return this.#next++;
  }

  clear(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** The delays of the timers waiting, in the order they were set. */
  delays(): number[] {
    return [...this.#pending.values()].map((t) => t.ms);
  }

  /** Runs (and removes) every waiting timer set for at most `ms`, as if that much time passed; says how many ran. */
  advance(ms: number): number {
    const due = [...this.#pending].filter(([, t]) => t.ms <= ms);
    for (const [id, { callback }] of due) {
      this.#pending.delete(id);
      callback();
    }
    return due.length;
  }

  /** Runs (and removes) every waiting timer set for `ms`; throws if there is none. */
  fire(ms: number): void {
    const due = [...this.#pending].filter(([, t]) => t.ms == ms);
    if (!due.length) throw new Error(`no timer of ${ms} ms (waiting: ${this.delays().join(', ') || 'none'})`);
    for (const [id, { callback }] of due) {
      this.#pending.delete(id);
      callback();
    }
  }
}

/** Lets fetches, parses and renders run until `done` holds (or throws after a bounded wait). */
export async function until(el: TandemDashboard, done: () => unknown, what = 'the expected state'): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await el.updateComplete;
    if (done()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Renders `<tandem-dashboard>` against `endpoint` with hand-driven timers. */
export async function mountDashboard<T extends Timers = ManualTimers>(
  endpoint: FakeDashboardEndpoint,
  attributes: Record<string, string> = CONFIG,
  timers: T = new ManualTimers() as Timers as T,
): Promise<{ el: TandemDashboard; timers: T }> {
  const el = document.createElement('tandem-dashboard');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.fetch = endpoint.fetch;
  el.timers = timers;
  const container = document.createElement('div');
  container.dataset.testMount = '';
  container.append(el);
  document.body.append(container);
  await el.updateComplete;
  return { el, timers };
}

export const all = <T extends Element = HTMLElement>(el: Element, selector: string): T[] => [...el.shadowRoot!.querySelectorAll<T>(selector)];

/** A table's cells as text, row by row (headers included), whitespace collapsed. */
export function tableText(table: HTMLTableElement): string[][] {
  return [...table.rows].map((row) => [...row.cells].map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** The table whose caption is `caption`. */
export function tableByCaption(el: Element, caption: string): HTMLTableElement {
  const table = all<HTMLTableElement>(el, 'table').find((t) => t.caption?.textContent == caption);
  if (!table) throw new Error(`no table "${caption}" (captions: ${all<HTMLTableElement>(el, 'table').map((t) => t.caption?.textContent).join(' | ')})`);
  return table;
}
