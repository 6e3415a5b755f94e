/**
 * The API conformance suite: a black-box run of the `/v1` API against any
 * endpoint, over HTTP only, every answer validated with the protocol's
 * schemas (src/protocol). `npm run conformance -- --endpoint URL` (cli.ts)
 * runs it from the command line; `runConformance` runs it from a test.
 *
 * It needs what a platform has: the JWT secret, issuer and audience to sign
 * learner and instructor tokens (HS256), and the platform key. It works in one
 * course, by default a fresh random one, so runs never collide and need no
 * clean database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { MODALITIES, OBJECTS } from '../../src/core/typology.js';
import { ApiErrorBody, CommandResponse, EventsAccepted, EventsRejected, Health, InviteDetails, LearnerState } from '../../src/protocol/api.js';
import { ErasureAnswer, LearnerExport } from '../../src/protocol/learner-data.js';
import { EndpointCourseSettings, MyDiscovery, PeerProfile, PeersPage } from '../../src/protocol/peers.js';
import { RequestAnswer, RequestList } from '../../src/protocol/requests.js';
import { CourseStats, ProgressAnswer } from '../../src/protocol/stats.js';
import { httpClient, signJwt, type Claims, type HttpAnswer, type HttpClient, type HttpOptions, type TokenSettings } from './client.js';

export interface ConformanceOptions {
  /** The endpoint's base URL (the one the widget's `endpoint` attribute names). */
  endpoint: string;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  platformKey: string;
  /** The course to work in (default: a fresh random course id). */
  course?: string;
  /** Receives one line per check as it finishes. */
  log?: (line: string) => void;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** Why it failed, or what it needed when skipped. */
  message?: string;
  ms: number;
}

export interface ConformanceReport {
  endpoint: string;
  course: string;
  /** True when every check passed (none failed, none skipped). */
  passed: boolean;
  results: CheckResult[];
}

/** A check's failure: what was expected and what came. */
export class CheckFailure extends Error {}
/** A check that cannot run because one it builds on failed. */
class Skipped extends Error {}

const fail = (message: string): never => {
  throw new CheckFailure(message);
};
function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

const brief = (answer: HttpAnswer): string => `${answer.status} ${answer.text.slice(0, 300)}`;

/** The answer's status, else a failure naming what came. */
function expectStatus(answer: HttpAnswer, status: number | number[], what: string): void {
  const allowed = Array.isArray(status) ? status : [status];
  if (!allowed.includes(answer.status)) fail(`${what}: expected HTTP ${allowed.join(' or ')}, got ${brief(answer)}`);
}

/** The value parsed with a protocol schema, else a failure listing where it differs. */
function expectSchema<T extends z.ZodMiniType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return fail(`${what}: does not match the schema (${issues.join('; ')}): ${JSON.stringify(value)?.slice(0, 300)}`);
}

/** A JSON answer with this status, validated. */
function expectJson<T extends z.ZodMiniType>(answer: HttpAnswer, status: number | number[], schema: T, what: string): z.infer<T> {
  expectStatus(answer, status, what);
  const type = answer.headers.get('content-type') ?? '';
  ensure(type.toLowerCase().startsWith('application/json'), `${what}: expected Content-Type application/json, got "${type}"`);
  return expectSchema(schema, answer.json, what);
}

/** An error answer: status, the `{error: {code, message, path}}` shape, the code, and the path when given. */
function expectError(answer: HttpAnswer, status: number, code: string | string[], what: string, path?: string | RegExp): void {
  const body = expectJson(answer, status, ApiErrorBody, what);
  const codes = Array.isArray(code) ? code : [code];
  ensure(codes.includes(body.error.code), `${what}: expected error code "${codes.join('" or "')}", got "${body.error.code}"`);
  ensure(body.error.message.trim() !== '', `${what}: the error has an empty message`);
  if (typeof path === 'string') ensure(body.error.path === path, `${what}: expected error path "${path}", got "${body.error.path}"`);
  else if (path) ensure(path.test(body.error.path), `${what}: expected an error path matching ${path}, got "${body.error.path}"`);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

interface Learner {
  id: string;
  name: string;
}

/** What checks share: the client, the course, its learners, and what earlier checks made. */
class Run {
  readonly coursePath: string;
  /** `eve` is erased by the learner-data checks (and `fay` joins her group first): no other check uses them. */
  readonly learners: Record<'ana' | 'ben' | 'cleo' | 'dan' | 'eve' | 'fay', Learner>;
  readonly made = new Map<string, unknown>();

  constructor(
    readonly http: HttpClient,
    readonly course: string,
    readonly tokens: TokenSettings,
    readonly platformKey: string,
  ) {
    this.coursePath = `/v1/courses/${encodeURIComponent(course)}`;
    const tag = randomBytes(4).toString('hex');
    const learner = (first: string): Learner => ({ id: `conformance-${tag}-${first.toLowerCase()}`, name: `${first} Conformance` });
    this.learners = { ana: learner('Ana'), ben: learner('Ben'), cleo: learner('Cleo'), dan: learner('Dan'), eve: learner('Eve'), fay: learner('Fay') };
  }

  token(who: Learner, extra: Partial<Claims> = {}): string {
    return signJwt({ sub: who.id, name: who.name, course: this.course, role: 'learner', ...extra }, this.tokens);
  }

  instructorToken(): string {
    return signJwt({ sub: `conformance-instructor-${randomBytes(4).toString('hex')}`, name: 'Ines Instructor', course: this.course, role: 'instructor' }, this.tokens);
  }

  as(who: Learner, path: string, options: HttpOptions = {}): Promise<HttpAnswer> {
    return this.http.request(path, { ...options, token: this.token(who) });
  }

  learnerPath(who: Learner): string {
    return `/v1/learners/${encodeURIComponent(who.id)}`;
  }

  state(who: Learner): Promise<HttpAnswer> {
    return this.as(who, `${this.coursePath}/state`);
  }

  command(who: Learner, command: Record<string, unknown>, id: string = randomUUID()): Promise<HttpAnswer> {
    return this.as(who, '/v1/commands', { body: { id, course: this.course, command } });
  }

  /** What an earlier check made, else this check is skipped. */
  need<T>(key: string): T {
    if (!this.made.has(key)) throw new Skipped(`needs "${key}" from an earlier check, which did not pass`);
    return this.made.get(key) as T;
  }
}

interface Check {
  id: string;
  title: string;
  run(r: Run): Promise<void>;
}

const INVITE = { type: 'invite.create', relationship: 'friend', objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'] };
const PROFILE = { objects: ['discuss', 'mutual-help'], modalities: ['email', 'synchronous'], languages: ['fr', 'en'], utcOffsetMinutes: 60, slots: [2, 3, 6, 7] };

/** A client fact as the widget's outbox sends it. */
function openedEvent(r: Run, who: Learner, invite: string): Record<string, unknown> {
  return { id: randomUUID(), v: 1, type: 'invite.opened', time: new Date().toISOString(), course: r.course, learner: who.id, invite };
}

/** Every count of a CourseStats answer, with where it is (rates, means, sizes and the threshold are not counts). */
function statsCounts(stats: unknown, path = ''): { path: string; value: unknown }[] {
  const notCounts = new Set(['threshold', 'size', 'medianHoursToAccept', 'meanProgress']);
  if (Array.isArray(stats)) return stats.flatMap((item, i) => statsCounts(item, `${path}.${i}`));
  if (stats !== null && typeof stats === 'object') {
    return Object.entries(stats).flatMap(([key, value]) => {
      if (notCounts.has(key)) return [];
      if (value === null || typeof value === 'number') return [{ path: `${path}.${key}`.slice(1), value }];
      return statsCounts(value, `${path}.${key}`);
    });
  }
  return [];
}

export const CHECKS: readonly Check[] = [
  {
    id: 'health',
    title: 'GET /v1/health answers Health',
    async run(r) {
      expectJson(await r.http.request('/v1/health'), 200, Health, 'GET /v1/health');
    },
  },
  {
    id: 'headers.security',
    title: "API answers carry X-Content-Type-Options: nosniff, Cache-Control: no-store and a Content-Security-Policy with default-src 'none'",
    async run(r) {
      const answers: [string, HttpAnswer][] = [
        ['GET /v1/health (200)', await r.http.request('/v1/health')],
        ['GET state without a token (401)', await r.http.request(`${r.coursePath}/state`)],
        ['an unknown route (404)', await r.http.request('/v1/no-such-route')],
      ];
      expectStatus(answers[0]![1], 200, answers[0]![0]);
      expectStatus(answers[1]![1], 401, answers[1]![0]);
      expectStatus(answers[2]![1], 404, answers[2]![0]);
      for (const [what, answer] of answers) {
        const nosniff = answer.headers.get('x-content-type-options') ?? '';
        ensure(nosniff.trim().toLowerCase() === 'nosniff', `${what} has X-Content-Type-Options "${nosniff}", expected nosniff`);
        const cache = answer.headers.get('cache-control') ?? '';
        ensure(/(^|,)\s*no-store\s*(,|$)/i.test(cache), `${what} has Cache-Control "${cache}", expected no-store`);
        const csp = answer.headers.get('content-security-policy') ?? '';
        const directives = csp.split(';').map((d) => d.trim().toLowerCase().replace(/\s+/g, ' '));
        ensure(directives.includes("default-src 'none'"), `${what} has Content-Security-Policy "${csp}", expected default-src 'none'`);
      }
    },
  },
  {
    id: 'settings.get',
    title: 'GET settings is public and answers the course settings',
    async run(r) {
      expectJson(await r.http.request(`${r.coursePath}/settings`), 200, EndpointCourseSettings, 'GET settings');
    },
  },
  {
    id: 'settings.put-auth',
    title: 'PUT settings: 401 without the platform key, 403 with a wrong one',
    async run(r) {
      const body = { groupSize: 2, objects: [...OBJECTS], modalities: [...MODALITIES], inviteLifetimeDays: 14 };
      expectError(await r.http.request(`${r.coursePath}/settings`, { method: 'PUT', body }), 401, 'token_missing', 'PUT settings without a key');
      expectError(
        await r.http.request(`${r.coursePath}/settings`, { method: 'PUT', body, platformKey: `wrong-${r.platformKey}` }),
        403,
        'forbidden',
        'PUT settings with a wrong key',
      );
    },
  },
  {
    id: 'settings.put',
    title: 'PUT settings with the platform key answers them and GET gives them back',
    async run(r) {
      const body = { groupSize: 3, objects: [...OBJECTS], modalities: [...MODALITIES], inviteLifetimeDays: 10 };
      const put = expectJson(await r.http.request(`${r.coursePath}/settings`, { method: 'PUT', body, platformKey: r.platformKey }), 200, EndpointCourseSettings, 'PUT settings');
      const got = expectJson(await r.http.request(`${r.coursePath}/settings`), 200, EndpointCourseSettings, 'GET settings after PUT');
      for (const [key, value] of Object.entries(body)) {
        ensure(same(put[key as keyof typeof put], value), `PUT settings answered ${key} = ${JSON.stringify(put[key as keyof typeof put])}, sent ${JSON.stringify(value)}`);
        ensure(same(got[key as keyof typeof got], value), `GET settings gave ${key} = ${JSON.stringify(got[key as keyof typeof got])} after PUT ${JSON.stringify(value)}`);
      }
    },
  },
  {
    id: 'auth.token-missing',
    title: 'a learner route without a token is 401 token_missing',
    async run(r) {
      expectError(await r.http.request(`${r.coursePath}/state`), 401, 'token_missing', 'GET state without a token');
      expectError(await r.http.request('/v1/commands', { body: { id: randomUUID(), course: r.course, command: INVITE } }), 401, 'token_missing', 'POST commands without a token');
    },
  },
  {
    id: 'auth.token-rejected',
    title: 'a token with a wrong signature, issuer or audience is 401 token_invalid, an expired one 401 token_expired',
    async run(r) {
      const who = r.learners.ana;
      const claims: Claims = { sub: who.id, name: who.name, course: r.course, role: 'learner' };
      const path = `${r.coursePath}/state`;
      const wrongSecret = signJwt(claims, { ...r.tokens, secret: `${r.tokens.secret}-not` });
      expectError(await r.http.request(path, { token: wrongSecret }), 401, 'token_invalid', 'a token signed with another secret');
      expectError(await r.http.request(path, { token: signJwt({ ...claims, iss: `${r.tokens.issuer}-other` }, r.tokens) }), 401, 'token_invalid', 'a token of another issuer');
      expectError(await r.http.request(path, { token: signJwt({ ...claims, aud: `${r.tokens.audience}-other` }, r.tokens) }), 401, 'token_invalid', 'a token for another audience');
      const hourAgo = Math.floor(Date.now() / 1000) - 3600;
      expectError(await r.http.request(path, { token: signJwt({ ...claims, iat: hourAgo - 900, exp: hourAgo }, r.tokens) }), 401, 'token_expired', 'a token expired an hour ago');
    },
  },
  {
    id: 'auth.course-mismatch',
    title: 'a token for another course is 403 course_mismatch',
    async run(r) {
      const token = r.token(r.learners.ana, { course: `${r.course}-other` });
      expectError(await r.http.request(`${r.coursePath}/state`, { token }), 403, 'course_mismatch', 'GET state with a token of another course');
      expectError(
        await r.http.request('/v1/commands', { token, body: { id: randomUUID(), course: r.course, command: INVITE } }),
        403,
        'course_mismatch',
        'POST commands for a course the token is not for',
      );
    },
  },
  {
    id: 'state',
    title: "GET state answers the learner's LearnerState",
    async run(r) {
      const ana = r.learners.ana;
      const state = expectJson(await r.state(ana), 200, LearnerState, 'GET state');
      ensure(state.course === r.course, `state.course is "${state.course}", expected "${r.course}"`);
      ensure(state.learner.id === ana.id && state.learner.name === ana.name, `state.learner is ${JSON.stringify(state.learner)}, expected the token's sub and name`);
      ensure(state.groups.length === 0 && state.invites.length === 0, 'a new learner has groups or invites');
    },
  },
  {
    id: 'commands.invite-create',
    title: 'invite.create answers the invite code, the invite.created event and the state',
    async run(r) {
      const ana = r.learners.ana;
      const id = randomUUID();
      const answer = await r.command(ana, INVITE, id);
      const body = expectJson(answer, 200, CommandResponse, 'invite.create');
      ensure(body.result.id === id && body.result.type === 'invite.create', `result is ${JSON.stringify(body.result)}, expected the command's id and type`);
      ensure(body.result.code && body.result.invite, 'invite.create answered no code or invite id');
      const event = body.events.find((e) => e.type === 'invite.created');
      ensure(event, 'invite.create wrote no invite.created event');
      ensure(event.learner === ana.id && event.course === r.course && event.type === 'invite.created' && event.invite === body.result.invite, `invite.created event is ${JSON.stringify(event)}`);
      const invite = body.state.invites.find((i) => i.code === body.result.code);
      ensure(invite?.status === 'pending', 'the answered state does not list the new invite as pending');
      r.made.set('invite', { commandId: id, code: body.result.code, invite: body.result.invite, result: body.result, events: body.events });
    },
  },
  {
    id: 'commands.replay',
    title: 'the same command id with the same body replays the first answer',
    async run(r) {
      const first = r.need<{ commandId: string; result: unknown; events: unknown }>('invite');
      const body = expectJson(await r.command(r.learners.ana, INVITE, first.commandId), 200, CommandResponse, 'replayed invite.create');
      ensure(same(body.result, first.result), `the replay answered result ${JSON.stringify(body.result)}, first ${JSON.stringify(first.result)}`);
      ensure(same(body.events, first.events), 'the replay answered other events than the first answer');
      const state = expectJson(await r.state(r.learners.ana), 200, LearnerState, 'GET state after the replay');
      ensure(state.invites.length === 1, `the replay created another invite (${state.invites.length} invites)`);
    },
  },
  {
    id: 'commands.id-conflict',
    title: 'the same command id with another body is 409 id_conflict',
    async run(r) {
      const first = r.need<{ commandId: string }>('invite');
      expectError(await r.command(r.learners.ana, { ...INVITE, relationship: 'colleague' }, first.commandId), 409, 'id_conflict', 'a command id reused with another body');
    },
  },
  {
    id: 'invite-details',
    title: 'POST /v1/invite-details answers InviteDetails for a code, 404 invite_not_found for an unknown one',
    async run(r) {
      const { code, invite } = r.need<{ code: string; invite: string }>('invite');
      const details = expectJson(await r.http.request('/v1/invite-details', { body: { code } }), 200, InviteDetails, 'invite-details');
      ensure(details.id === invite && details.course === r.course, `invite-details names invite ${details.id} of ${details.course}`);
      ensure(details.inviter.name === r.learners.ana.name, `invite-details names the inviter "${details.inviter.name}"`);
      ensure(details.members === 0, `a new tandem's invite counts ${details.members} members`);
      const unknown = randomBytes(18).toString('base64url');
      expectError(await r.http.request('/v1/invite-details', { body: { code: unknown } }), 404, 'invite_not_found', 'invite-details for an unknown code');
    },
  },
  {
    id: 'commands.invite-accept',
    title: 'invite.accept joins the group and writes invite.accepted',
    async run(r) {
      const { code, invite } = r.need<{ code: string; invite: string }>('invite');
      const { ana, ben } = r.learners;
      const body = expectJson(await r.command(ben, { type: 'invite.accept', code }), 200, CommandResponse, 'invite.accept');
      const group = body.result.group;
      ensure(group, 'invite.accept answered no group');
      const event = body.events.find((e) => e.type === 'invite.accepted');
      ensure(event?.type === 'invite.accepted', 'invite.accept wrote no invite.accepted event');
      ensure(event.learner === ben.id && event.inviter === ana.id && event.group === group && event.invite === invite, `invite.accepted event is ${JSON.stringify(event)}`);
      ensure(body.state.groups.some((g) => g.id === group), "the answered state does not list the accepter's new group");
      expectError(await r.command(r.learners.cleo, { type: 'invite.accept', code }), 410, 'invite_used', 'accepting a used invite');
      r.made.set('group', group);
    },
  },
  {
    id: 'group.both-states',
    title: "the group shows in both members' states",
    async run(r) {
      const group = r.need<string>('group');
      const { ana, ben } = r.learners;
      for (const who of [ana, ben]) {
        const state = expectJson(await r.state(who), 200, LearnerState, `GET state of ${who.id}`);
        const found = state.groups.find((g) => g.id === group);
        ensure(found, `${who.id}'s state does not list group ${group}`);
        const members = found.members.map((m) => `${m.id}/${m.name}`).sort();
        ensure(same(members, [`${ana.id}/${ana.name}`, `${ben.id}/${ben.name}`].sort()), `group members are ${members.join(', ')}`);
        ensure(same([...found.objects].sort(), [...INVITE.objects].sort()), `the group's objects are ${found.objects.join(', ')}`);
        if (who === ana) ensure(state.invites.some((i) => i.status === 'accepted'), "the inviter's invite is not shown as accepted");
      }
    },
  },
  {
    id: 'commands.group-leave',
    title: 'group.leave writes group.left; a group left with one member is dissolved for both',
    async run(r) {
      const group = r.need<string>('group');
      const { ana, ben } = r.learners;
      const body = expectJson(await r.command(ben, { type: 'group.leave', group }), 200, CommandResponse, 'group.leave');
      const left = body.events.find((e) => e.type === 'group.left');
      ensure(left?.learner === ben.id && left.type === 'group.left' && left.group === group, 'group.leave wrote no group.left event of the leaver');
      ensure(body.events.some((e) => e.type === 'group.dissolved'), 'a group left with one member wrote no group.dissolved event');
      for (const who of [ana, ben]) {
        const state = expectJson(await r.state(who), 200, LearnerState, `GET state of ${who.id} after leaving`);
        ensure(!state.groups.some((g) => g.id === group), `${who.id}'s state still lists the dissolved group`);
      }
      // The README leaves the code open between the two 404s of a group one is not in.
      expectError(await r.command(ben, { type: 'group.leave', group }), 404, ['group_not_found', 'not_member'], 'leaving a dissolved group');
    },
  },
  {
    id: 'errors.bad-input',
    title: 'bad input is 400 bad_request with the error shape and the failing path',
    async run(r) {
      const ana = r.learners.ana;
      expectError(await r.command(ana, { ...INVITE, relationship: 'stranger' }), 400, 'bad_request', 'invite.create with an unknown relationship', 'command.relationship');
      expectError(await r.command(ana, { ...INVITE, objects: ['discuss', 'gossip'] }), 400, 'bad_request', 'invite.create with an unknown object', /^command\.objects(\.1)?$/);
      expectError(await r.as(ana, '/v1/commands', { body: { id: 'not-a-uuid', course: r.course, command: INVITE } }), 400, 'bad_request', 'a command with a bad id', 'id');
      expectError(await r.as(ana, '/v1/commands', { rawBody: '{"id": ', contentType: 'application/json' }), 400, 'bad_request', 'a body that is not JSON');
      expectError(await r.http.request('/v1/no-such-route'), 404, 'not_found', 'an unknown route');
    },
  },
  {
    id: 'events.batch',
    title: 'POST /v1/events stores a batch once: a resent event is a duplicate, not an error',
    async run(r) {
      const { invite } = r.need<{ invite: string }>('invite');
      const ben = r.learners.ben;
      const events = [openedEvent(r, ben, invite), { ...openedEvent(r, ben, invite), type: 'invite.link-shared', channel: 'copy' }, openedEvent(r, ben, invite)];
      const first = expectJson(await r.as(ben, '/v1/events', { body: { events } }), 200, EventsAccepted, 'a batch of 3 events');
      ensure(first.stored === 3 && first.duplicates === 0, `a new batch answered ${JSON.stringify(first)}, expected 3 stored`);
      const again = expectJson(await r.as(ben, '/v1/events', { body: { events } }), 200, EventsAccepted, 'the same batch resent');
      ensure(again.stored === 0 && again.duplicates === 3, `the resent batch answered ${JSON.stringify(again)}, expected 3 duplicates`);
      const mixed = expectJson(await r.as(ben, '/v1/events', { body: { events: [events[0], openedEvent(r, ben, invite), events[0]] } }), 200, EventsAccepted, 'a batch of one new event and a known one twice');
      ensure(mixed.stored === 1 && mixed.duplicates === 2, `a batch of 1 new and 2 known answered ${JSON.stringify(mixed)}`);
      r.made.set('storedEvent', events[0]);
    },
  },
  {
    id: 'events.beacon',
    title: "POST /v1/events takes sendBeacon's text/plain body with the token inside",
    async run(r) {
      const { invite } = r.need<{ invite: string }>('invite');
      const ben = r.learners.ben;
      const rawBody = JSON.stringify({ token: r.token(ben), events: [openedEvent(r, ben, invite)] });
      const answer = expectJson(await r.http.request('/v1/events', { rawBody, contentType: 'text/plain;charset=UTF-8' }), 200, EventsAccepted, 'a beacon batch');
      ensure(answer.stored === 1, `a beacon batch answered ${JSON.stringify(answer)}`);
    },
  },
  {
    id: 'events.refused-batch',
    title: 'a batch with invalid events is 400 invalid_events with its failures, and stores nothing',
    async run(r) {
      const { invite } = r.need<{ invite: string }>('invite');
      const stored = r.need<Record<string, unknown>>('storedEvent');
      const { ana, ben } = r.learners;
      const fresh = openedEvent(r, ben, invite);
      const invalid = { ...openedEvent(r, ben, invite), invite: 'not-a-uuid' };
      const others = openedEvent(r, ana, invite);
      const conflicting = { ...stored, type: 'invite.link-shared', channel: 'email' };
      const answer = await r.as(ben, '/v1/events', { body: { events: [fresh, invalid, others, conflicting] } });
      const body = expectJson(answer, 400, EventsRejected, 'a batch with refused events');
      ensure(body.error.code === 'invalid_events', `a refused batch answered code "${body.error.code}"`);
      const byIndex = new Map(body.failures.map((f) => [f.index, f]));
      ensure(!byIndex.has(0), 'the valid event of a refused batch is listed as a failure');
      ensure(byIndex.get(1)?.path.startsWith('events.1'), `the invalid event's failure is ${JSON.stringify(byIndex.get(1))}, expected a path under events.1`);
      ensure(byIndex.get(2)?.path.startsWith('events.2'), `another learner's event's failure is ${JSON.stringify(byIndex.get(2))}`);
      ensure(byIndex.get(3)?.code === 'id_conflict', `a known id with another body failed with ${JSON.stringify(byIndex.get(3))}, expected id_conflict`);
      // Nothing of the refused batch was stored: its valid event is new when sent alone.
      const alone = expectJson(await r.as(ben, '/v1/events', { body: { events: [fresh] } }), 200, EventsAccepted, "the refused batch's valid event sent alone");
      ensure(alone.stored === 1 && alone.duplicates === 0, `the valid event of the refused batch had been stored (${JSON.stringify(alone)})`);
    },
  },
  {
    id: 'discovery.not-opted-in',
    title: 'GET peers before opting in is 409 not_opted_in',
    async run(r) {
      expectError(await r.as(r.learners.dan, `${r.coursePath}/peers`), 409, 'not_opted_in', 'GET peers before opting in');
    },
  },
  {
    id: 'discovery.opt-in',
    title: 'PUT me/profile opts in and answers the profile; GET me/profile shows it',
    async run(r) {
      for (const who of [r.learners.cleo, r.learners.dan]) {
        const profile = expectJson(await r.as(who, `${r.coursePath}/me/profile`, { method: 'PUT', body: PROFILE }), 200, PeerProfile, `opting in ${who.id}`);
        ensure(same(profile.languages, PROFILE.languages) && same([...profile.slots].sort(), [...PROFILE.slots].sort()), `the stored profile is ${JSON.stringify(profile)}`);
        const mine = expectJson(await r.as(who, `${r.coursePath}/me/profile`), 200, MyDiscovery, `GET me/profile of ${who.id}`);
        ensure(mine.profile !== null, `GET me/profile of ${who.id} answers no profile after opting in`);
      }
      r.made.set('optedIn', true);
    },
  },
  {
    id: 'discovery.peers',
    title: 'GET peers lists the other opted-in learner',
    async run(r) {
      r.need('optedIn');
      // A course with other learners (a named --course) may list the new one on a later page: walk them all.
      const items: PeersPage['items'] = [];
      for (let n = 0; n < 50; n++) {
        const page = expectJson(await r.as(r.learners.cleo, `${r.coursePath}/peers?page=${n}`), 200, PeersPage, 'GET peers');
        ensure(page.page === n, `GET peers?page=${n} answered page ${page.page}`);
        items.push(...page.items);
        if (!page.hasMore) break;
      }
      const dan = items.find((p) => p.id === r.learners.dan.id);
      ensure(dan, `GET peers does not list the other opted-in learner (${items.length} items)`);
      ensure(dan.name === r.learners.dan.name, `the peer is named "${dan.name}"`);
      ensure(!items.some((p) => p.id === r.learners.cleo.id), 'GET peers lists the asker');
    },
  },
  {
    id: 'discovery.request',
    title: 'a tandem request is 201, its resend 200 with the same request, and the recipient sees it',
    async run(r) {
      r.need('optedIn');
      const { cleo, dan } = r.learners;
      const body = { id: randomUUID(), peer: dan.id, from: 'peers', objects: ['discuss'], modalities: ['email'] };
      const sent = expectJson(await r.as(cleo, `${r.coursePath}/requests`, { body }), 201, RequestAnswer, 'sending a request');
      ensure(sent.request.id === body.id && sent.request.status === 'pending' && sent.request.peer.id === dan.id, `the sent request is ${JSON.stringify(sent.request)}`);
      ensure(sent.request.relationship === 'this-mooc', `two learners new to each other got relationship "${sent.request.relationship}"`);
      const resent = expectJson(await r.as(cleo, `${r.coursePath}/requests`, { body }), 200, RequestAnswer, 'resending the request');
      ensure(same(resent.request, sent.request), 'the resend answered another request');
      const list = expectJson(await r.as(dan, `${r.coursePath}/requests`), 200, RequestList, "the recipient's requests");
      ensure(list.incoming.some((q) => q.id === body.id && q.peer.id === cleo.id), "the recipient's incoming requests do not list it");
      r.made.set('request', body.id);
    },
  },
  {
    id: 'discovery.accept',
    title: 'accepting the request forms a group both see; accepting again answers the same',
    async run(r) {
      const id = r.need<string>('request');
      const { cleo, dan } = r.learners;
      const path = `${r.coursePath}/requests/${id}/accept`;
      const answer = expectJson(await r.as(dan, path, { method: 'POST', body: {} }), 200, RequestAnswer, 'accepting the request');
      ensure(answer.request.status === 'accepted', `the accepted request has status "${answer.request.status}"`);
      const event = answer.events.find((e) => e.type === 'request.accepted') as Record<string, unknown> | undefined;
      ensure(typeof event?.group === 'string', 'accepting wrote no request.accepted event with its group');
      const again = expectJson(await r.as(dan, path, { method: 'POST', body: {} }), 200, RequestAnswer, 'accepting it again');
      ensure(again.request.status === 'accepted', 'accepting again changed the request');
      for (const who of [cleo, dan]) {
        const state = expectJson(await r.state(who), 200, LearnerState, `GET state of ${who.id}`);
        const group = state.groups.find((g) => g.id === event.group);
        ensure(group, `${who.id}'s state does not list the new group`);
        ensure(same(group.members.map((m) => m.id).sort(), [cleo.id, dan.id].sort()), `the request's group has members ${group.members.map((m) => m.id).join(', ')}`);
        ensure(group.members.every((m) => m.relationship === 'this-mooc'), 'the group members do not carry the request relationship');
      }
    },
  },
  {
    id: 'progress',
    title: 'progress reports: 401 without the key, idempotent by id, 409 id_conflict for an id with another body (nothing stored)',
    async run(r) {
      const path = `${r.coursePath}/progress`;
      const time = new Date().toISOString();
      const reports = [
        { id: randomUUID(), learner: r.learners.ana.id, progress: 0.5, completed: false, time },
        { id: randomUUID(), learner: r.learners.ben.id, progress: 1, completed: true, time },
      ];
      expectError(await r.http.request(path, { body: { reports } }), 401, 'token_missing', 'progress without the platform key');
      const first = expectJson(await r.http.request(path, { body: { reports }, platformKey: r.platformKey }), 200, ProgressAnswer, 'progress reports');
      ensure(first.stored === 2 && first.duplicates === 0, `new reports answered ${JSON.stringify(first)}`);
      const again = expectJson(await r.http.request(path, { body: { reports }, platformKey: r.platformKey }), 200, ProgressAnswer, 'the same reports resent');
      ensure(again.stored === 0 && again.duplicates === 2, `resent reports answered ${JSON.stringify(again)}`);
      const fresh = { id: randomUUID(), learner: r.learners.cleo.id, progress: 0.25, completed: false, time };
      const conflict = { ...reports[0]!, progress: 0.75 };
      expectError(await r.http.request(path, { body: { reports: [fresh, conflict] }, platformKey: r.platformKey }), 409, 'id_conflict', 'a report id resent with another body');
      const alone = expectJson(await r.http.request(path, { body: { reports: [fresh] }, platformKey: r.platformKey }), 200, ProgressAnswer, "the refused batch's new report sent alone");
      ensure(alone.stored === 1, `the new report of a refused batch had been stored (${JSON.stringify(alone)})`);
    },
  },
  {
    id: 'stats.learner-forbidden',
    title: 'GET stats with a learner token is 403 forbidden',
    async run(r) {
      expectError(await r.as(r.learners.ana, `${r.coursePath}/stats`), 403, 'forbidden', 'GET stats as a learner');
    },
  },
  {
    id: 'stats.instructor',
    title: 'GET stats as an instructor answers CourseStats: every count a number or null, none from 1 to threshold − 1',
    async run(r) {
      const answer = await r.http.request(`${r.coursePath}/stats`, { token: r.instructorToken() });
      const stats = expectJson(answer, 200, CourseStats, 'GET stats as an instructor');
      ensure(stats.course === r.course, `stats.course is "${stats.course}"`);
      const counts = statsCounts(answer.json);
      ensure(counts.length > 20, `CourseStats has only ${counts.length} counts`);
      for (const { path, value } of counts) {
        ensure(value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0), `count ${path} is ${JSON.stringify(value)}, expected a number or null`);
        ensure(value === null || value === 0 || value >= stats.threshold, `count ${path} is ${value}: counts from 1 to ${stats.threshold - 1} must be withheld (null)`);
      }
      // This run formed groups and sent invites: small counts that must be withheld.
      ensure(stats.groups.formed === null || stats.groups.formed >= stats.threshold, 'groups.formed is shown although small');
      const cache = answer.headers.get('cache-control') ?? '';
      ensure(/no-store/i.test(cache), `GET stats has Cache-Control "${cache}", expected no-store`);
    },
  },
  // The learner-data checks come last and work on the suite's own learners eve and fay only: eve is erased.
  {
    id: 'learner-data.auth',
    title: 'GET /v1/learners/{learner}/export and DELETE /v1/learners/{learner} without the platform key are 401',
    async run(r) {
      const path = r.learnerPath(r.learners.eve);
      expectError(await r.http.request(`${path}/export`), 401, 'token_missing', 'GET export without the platform key');
      expectError(await r.http.request(path, { method: 'DELETE' }), 401, 'token_missing', 'DELETE learner without the platform key');
    },
  },
  {
    id: 'learner-data.export',
    title: "GET export answers LearnerExport: a learner's name, invite, group membership and events",
    async run(r) {
      const { eve, fay } = r.learners;
      const created = expectJson(await r.command(eve, INVITE), 200, CommandResponse, 'invite.create by the learner to erase');
      const { invite, code } = created.result;
      ensure(invite && code, 'invite.create answered no code or invite id');
      const accepted = expectJson(await r.command(fay, { type: 'invite.accept', code }), 200, CommandResponse, "invite.accept of the erased learner's invite");
      const group = accepted.result.group;
      ensure(group, 'invite.accept answered no group');
      const answer = await r.http.request(`${r.learnerPath(eve)}/export`, { platformKey: r.platformKey });
      const exported = expectJson(answer, 200, LearnerExport, 'GET export');
      ensure(exported.learner === eve.id, `the export is of "${exported.learner}", expected "${eve.id}"`);
      ensure(exported.name === eve.name, `the export names the learner ${JSON.stringify(exported.name)}, expected "${eve.name}"`);
      ensure(exported.courses.includes(r.course), `the export's courses are ${JSON.stringify(exported.courses)}, without "${r.course}"`);
      const own = exported.invites.find((i) => i.id === invite);
      ensure(own?.role === 'inviter' && own.course === r.course, `the export's invites are ${JSON.stringify(exported.invites).slice(0, 300)}, expected invite ${invite} as inviter`);
      const membership = exported.memberships.find((m) => m.group === group);
      ensure(membership?.course === r.course && membership.leftAt === null, `the export's memberships are ${JSON.stringify(exported.memberships)}, expected group ${group}, not left`);
      ensure(exported.events.length > 0, 'the export lists none of the learner\'s events');
      r.made.set('erasable', { group, invite });
    },
  },
  {
    id: 'learner-data.erase',
    title: 'DELETE learner answers ErasureAnswer; the export then has no name, memberships, invites or events, and the group is left',
    async run(r) {
      const { group } = r.need<{ group: string; invite: string }>('erasable');
      const { eve, fay } = r.learners;
      const erased = expectJson(await r.http.request(r.learnerPath(eve), { method: 'DELETE', platformKey: r.platformKey }), 200, ErasureAnswer, 'DELETE learner');
      ensure(erased.learner === eve.id, `the erasure answered learner "${erased.learner}", expected "${eve.id}"`);
      ensure(erased.groupsLeft === 1, `the erasure answered groupsLeft ${erased.groupsLeft}, expected 1 (the learner was in one group)`);
      ensure(erased.eventsPseudonymised > 0, `the erasure answered eventsPseudonymised ${erased.eventsPseudonymised}, expected the learner's events`);
      const exported = expectJson(await r.http.request(`${r.learnerPath(eve)}/export`, { platformKey: r.platformKey }), 200, LearnerExport, 'GET export after the erasure');
      ensure(exported.learner === eve.id, `the export after the erasure is of "${exported.learner}"`);
      ensure(exported.name === null, `the export after the erasure names the learner ${JSON.stringify(exported.name)}, expected null`);
      for (const key of ['memberships', 'invites', 'events'] as const) {
        ensure(exported[key].length === 0, `the export after the erasure has ${exported[key].length} ${key}: ${JSON.stringify(exported[key]).slice(0, 300)}`);
      }
      // A group left with one member is dissolved, as when leaving.
      const state = expectJson(await r.state(fay), 200, LearnerState, "GET state of the erased learner's group partner");
      ensure(!state.groups.some((g) => g.id === group), "the erased learner's group, left with one member, is still listed for the other");
      r.made.set('erasedAt', erased.erasedAt);
    },
  },
  {
    id: 'learner-data.erased-token',
    title: 'a token issued before the erasure is 401 token_invalid',
    async run(r) {
      const erasedAt = r.need<string>('erasedAt');
      const eve = r.learners.eve;
      // Issued a minute before the erasure by the endpoint's clock (and ours, should they differ); still unexpired.
      const issuedMs = Math.min(Date.now(), Date.parse(erasedAt)) - 60_000;
      const token = signJwt({ sub: eve.id, name: eve.name, course: r.course, role: 'learner' }, r.tokens, issuedMs);
      expectError(await r.http.request(`${r.coursePath}/state`, { token }), 401, 'token_invalid', 'GET state with a token issued before the erasure');
      expectError(
        await r.http.request('/v1/commands', { token, body: { id: randomUUID(), course: r.course, command: INVITE } }),
        401,
        'token_invalid',
        'POST commands with a token issued before the erasure',
      );
    },
  },
  {
    id: 'learner-data.erase-again',
    title: 'erasing again, or someone unknown, answers 200 with zero counts',
    async run(r) {
      r.need('erasedAt');
      const unknown: Learner = { id: `${r.learners.eve.id}-unknown`, name: 'Nobody' };
      for (const [who, what] of [[r.learners.eve, 'erasing the learner again'], [unknown, 'erasing an unknown learner']] as const) {
        const answer = expectJson(await r.http.request(r.learnerPath(who), { method: 'DELETE', platformKey: r.platformKey }), 200, ErasureAnswer, what);
        ensure(answer.learner === who.id, `${what} answered learner "${answer.learner}"`);
        const { learner: _learner, erasedAt: _erasedAt, ...counts } = answer;
        ensure(Object.values(counts).every((n) => n === 0), `${what} answered ${JSON.stringify(counts)}, expected zero counts`);
      }
    },
  },
];

/** Runs every check against the endpoint, in order, and reports each. */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const course = options.course ?? `conformance-${randomUUID()}`;
  const http = httpClient(options.endpoint, options.timeoutMs);
  const run = new Run(http, course, { secret: options.jwtSecret, issuer: options.jwtIssuer, audience: options.jwtAudience }, options.platformKey);
  const results: CheckResult[] = [];
  for (const check of CHECKS) {
    const started = performance.now();
    let result: CheckResult;
    try {
      await check.run(run);
      result = { id: check.id, title: check.title, status: 'pass', ms: 0 };
    } catch (error) {
      const status: CheckStatus = error instanceof Skipped ? 'skip' : 'fail';
      const message = error instanceof CheckFailure || error instanceof Skipped ? error.message : `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error)}`;
      result = { id: check.id, title: check.title, status, message, ms: 0 };
    }
    result.ms = Math.round(performance.now() - started);
    results.push(result);
    options.log?.(formatResult(result));
  }
  return { endpoint: options.endpoint, course, passed: results.every((r) => r.status === 'pass'), results };
}

export function formatResult(result: CheckResult): string {
  const mark = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' }[result.status];
  return `${mark} ${result.id} — ${result.title} (${result.ms} ms)${result.message ? `\n     ${result.message}` : ''}`;
}
