/**
 * A realistic run of the demo course, so that a newcomer opening the
 * instructor's dashboard sees it full at once (issue 4): about 300 learners
 * over 8 weeks, groups of every kind, and progress reports. `npm run
 * demo:seed-course` (demo/seed-course.ts) runs it on the demo store.
 *
 * Nothing is written behind the endpoint's back: the simulation starts the
 * real endpoint in-process on port 0 with a simulated clock, signs learners'
 * and the instructor's tokens with the configured secret, and sends the HTTP
 * requests the widget and the platform would send — invites created, opened,
 * accepted, declined and cancelled (`POST /v1/commands`, `/v1/invite-details`,
 * `/v1/events`), learners opting in and asking each other (`PUT me/profile`,
 * `POST requests`), a pool-matching round started by the instructor, groups
 * left, and the platform's weekly progress reports. The stats are therefore
 * the endpoint's own, projected from those events.
 *
 * Learners' stories run one step at a time in simulated time (see
 * `Scheduler`), each decision drawn from seeded PRNGs (mulberry32), and every
 * id the seed makes (commands, requests, events, reports) derives from a
 * label: the same run makes the same calls. The endpoint's own random ids
 * (groups, invite codes) differ from run to run and decide nothing here.
 *
 * The seed's server queues no webhook notification (eight weeks of history
 * are not news) and runs no scheduled pool round; it writes the roster's
 * discovery data first, as `npm start` does, since that is written only into
 * a course without profiles. It puts the demo course's settings back to the
 * demo's (`DEMO_COURSE.settings`, with the platform key's `PUT settings`)
 * when they differ, since anyone may change them on `/instructor`: the run
 * always starts from them, and a store already seeded gets them back. A
 * store whose seed finished (demo-seed-0001's final report is there) is
 * otherwise left as it is; one whose seed stopped half-way (its first
 * command is there, not the final report) is refused, and nothing is written.
 *
 * The seeded people are made up: ids `demo-seed-0001`…`demo-seed-0300`,
 * display names from a small list, never an email.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { mulberry32 } from '../src/core/prng.js';
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../src/core/suppression.js';
import { MODALITIES, OBJECTS, PCHM_RELATIONSHIPS, type Modality, type ObjectCode, type PchmRelationship, type Relationship } from '../src/core/typology.js';
import { CommandResponse, InviteDetails } from '../src/protocol/api.js';
import { EndpointCourseSettings, MyDiscovery, type PeerProfileInput } from '../src/protocol/peers.js';
import { PoolRun } from '../src/protocol/pool.js';
import { RequestAnswer } from '../src/protocol/requests.js';
import { CourseStats } from '../src/protocol/stats.js';
import { createServer } from '../src/server/app.js';
import { signToken } from '../src/server/auth.js';
import type { ServerConfig } from '../src/server/config.js';
import type * as z from 'zod/mini';
import { DEMO_COURSE, DEMO_TOKEN_LIFETIME_SECONDS, demoInstructorToken } from './demo-routes.js';
import { DEMO_EARLIER_COURSE, seedDemoDiscovery } from './demo-seed.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** How many learners the seed makes, and over how many weeks the course runs. */
export const SEED_LEARNERS = 300;
export const SEED_WEEKS = 8;
/** The PRNG's seed, and the pool round's: one course run, the same every time. */
const SEED = 0x7a4d_e301;
const POOL_SEED = 101;

/** The seeded learner number `n`'s id (1-based): `demo-seed-0001`. */
export const seedLearnerId = (n: number): string => `demo-seed-${String(n).padStart(4, '0')}`;

/** A UUID (version 8, RFC 9562's custom kind) derived from a label: the same label, the same id, on every run. */
export function seedUuid(label: string): string {
  const hex = createHash('sha256').update(`tandem-demo-seed/${label}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The demo course's settings as the endpoint answers them once the seed wrote
 * `DEMO_COURSE.settings`: the keys those leave out at the endpoint's defaults
 * (cities allowed, pool matching only on demand, the default threshold).
 */
export const SEED_COURSE_SETTINGS: EndpointCourseSettings = { city: true, poolEveryHours: 0, suppressionThreshold: DEFAULT_SUPPRESSION_THRESHOLD, ...DEMO_COURSE.settings };

/** The seed's first command: present once a run has started writing. */
const FIRST_COMMAND = seedUuid('command:1');
/** The final report of demo-seed-0001 (always reported), in the last call: present once a run has finished. */
export const FINISHED_MARKER = seedUuid(`progress:${seedLearnerId(1)}:week-${SEED_WEEKS}`);

// Made-up names. The learners who opt in to be found speak languages the demo's
// roster (Alice and the others, see demo-seed.ts) does not, so that a newcomer
// trying discovery as Alice still sees the README's list.
const FIRST_NAMES = [
  'Lucía', 'Mateo', 'Sofía', 'Tomás', 'Ana', 'João', 'Beatriz', 'Marco', 'Giulia', 'Luca', 'Sanne', 'Daan',
  'Zofia', 'Piotr', 'Inês', 'Pablo', 'Chiara', 'Rafael', 'Marta', 'Nuno', 'Elena', 'Jakub', 'Lotte', 'Bram',
  'Carmen', 'Diego', 'Alessia', 'Tiago', 'Agnieszka', 'Femke', 'Aisha', 'Kenji', 'Amara', 'Noor', 'Yusuf', 'Mei',
  'Olga', 'Iker', 'Leire', 'Matteo', 'Ines', 'Sven', 'Hanna', 'Bruno', 'Clara', 'Emil', 'Rosa', 'Pedro',
] as const;
const LAST_NAMES = [
  'García', 'Silva', 'Rossi', 'de Vries', 'Kowalski', 'Fernández', 'Costa', 'Bianchi', 'Jansen', 'Nowak',
  'Moreno', 'Santos', 'Romano', 'Bakker', 'Lewandowski', 'Navarro', 'Pereira', 'Ricci', 'Visser', 'Zieliński',
  'Ortega', 'Ferreira', 'Greco', 'Smit', 'Mazur', 'Castillo', 'Almeida', 'Conti', 'Mulder', 'Wójcik', 'Ibáñez',
] as const;
const LANGUAGE_OFFSETS: Readonly<Record<string, number>> = { es: 60, pt: 0, it: 60, nl: 60, pl: 60 };
const LANGUAGES = Object.keys(LANGUAGE_OFFSETS);

/** The seeded learner `n`'s display name (deterministic, and most are different). */
export function seedLearnerName(n: number): string {
  return `${FIRST_NAMES[(n * 7) % FIRST_NAMES.length]} ${LAST_NAMES[(n * 11 + Math.floor(n / FIRST_NAMES.length)) % LAST_NAMES.length]}`;
}

/**
 * What each kind of relationship tends to do together and how (the paper's
 * tendencies, typology.md: family and friends watch the videos, talk and
 * encourage each other, colleagues help each other and do the assessed
 * activities together, classmates work on the collective ones; people met in
 * a MOOC talk, help and encourage online). Weights, not rules.
 */
const TENDENCIES: Readonly<Record<Relationship, { objects: Readonly<Record<ObjectCode, number>>; modalities: Readonly<Record<Modality, number>> }>> = {
  family: {
    objects: { 'watch-videos': 6, discuss: 5, encouragement: 5, 'mutual-help': 0.6, 'individual-activities': 0.4, 'collective-activities': 0.2 },
    modalities: { 'in-person-pair': 7, synchronous: 2, 'social-network': 1.5, email: 0.3, 'shared-documents': 0.2, 'in-person-group': 0.6 },
  },
  friend: {
    objects: { discuss: 6, encouragement: 5, 'watch-videos': 4, 'mutual-help': 1.2, 'individual-activities': 0.5, 'collective-activities': 0.3 },
    modalities: { 'social-network': 5, synchronous: 4, 'in-person-pair': 2.5, email: 0.5, 'shared-documents': 0.4, 'in-person-group': 0.5 },
  },
  colleague: {
    objects: { 'mutual-help': 6, 'individual-activities': 5, discuss: 1.5, 'collective-activities': 1.5, encouragement: 0.6, 'watch-videos': 0.4 },
    modalities: { email: 5, 'shared-documents': 4.5, synchronous: 1.5, 'in-person-pair': 1, 'in-person-group': 0.6, 'social-network': 0.3 },
  },
  classmate: {
    objects: { 'collective-activities': 6, 'mutual-help': 4, 'individual-activities': 3, discuss: 1, encouragement: 0.5, 'watch-videos': 0.5 },
    modalities: { 'shared-documents': 5, 'in-person-group': 4, 'social-network': 3, synchronous: 0.8, email: 0.6, 'in-person-pair': 0.5 },
  },
  'earlier-mooc': {
    objects: { 'mutual-help': 6, encouragement: 5, discuss: 1.5, 'individual-activities': 1, 'collective-activities': 0.5, 'watch-videos': 0.3 },
    modalities: { email: 6, synchronous: 3, 'social-network': 1.5, 'shared-documents': 1, 'in-person-pair': 0.1, 'in-person-group': 0.1 },
  },
  'this-mooc': {
    objects: { discuss: 5, 'mutual-help': 5, encouragement: 2, 'individual-activities': 1.5, 'collective-activities': 1.5, 'watch-videos': 0.4 },
    modalities: { 'social-network': 5, email: 3, synchronous: 3, 'shared-documents': 1.5, 'in-person-pair': 0.2, 'in-person-group': 0.2 },
  },
};

/**
 * Weekly chances of giving up the course, by situation: the plausible effect
 * the dashboard should show (about 55 % of learners in a group complete,
 * 25 % of those alone), not a finding.
 */
const WEEKLY_DROPOUT = { alone: 0.2, grouped: 0.04, left: 0.12 } as const;
/** Share of learners the platform reports progress for (the others never started). */
const REPORTED_SHARE = 0.88;

// ---------------------------------------------------------------------------
// Simulated time: stories that wait for their next step.
// ---------------------------------------------------------------------------

/**
 * Runs stories in simulated time, one step at a time: a story runs alone
 * until it waits (`until`) or ends; then the earliest waiting step runs
 * (ties in the order they were asked for), with the clock set to its time.
 * So requests go out one by one, in time order, and a run is repeatable.
 */
export class Scheduler {
  now: number;
  readonly #waiting: Array<{ at: number; seq: number; resume: () => void }> = [];
  #seq = 0;
  #turnEnded: (() => void) | null = null;
  #failure: unknown = undefined;

  constructor(start: number) {
    this.now = start;
  }

  /** Starts `story` at `at` (or now, if earlier). */
  spawn(at: number, story: () => Promise<void>): void {
    this.#park(at, () => {
      story()
        .catch((err: unknown) => {
          this.#failure ??= err;
        })
        .finally(() => this.#endTurn());
    });
  }

  /** Waits until `at` in simulated time (other stories run meanwhile). */
  until(at: number): Promise<void> {
    return new Promise((resume) => {
      this.#park(at, resume);
      this.#endTurn();
    });
  }

  #park(at: number, resume: () => void): void {
    this.#waiting.push({ at: Math.max(at, this.now), seq: this.#seq++, resume });
  }

  #endTurn(): void {
    const end = this.#turnEnded;
    this.#turnEnded = null;
    end?.();
  }

  /** Runs every story to its end; rejects with the first story's failure. */
  async run(): Promise<void> {
    while (this.#waiting.length > 0) {
      let best = 0;
      for (let i = 1; i < this.#waiting.length; i++) {
        const w = this.#waiting[i]!;
        const b = this.#waiting[best]!;
        if (w.at < b.at || (w.at === b.at && w.seq < b.seq)) best = i;
      }
      const [next] = this.#waiting.splice(best, 1);
      this.now = next!.at;
      const turn = new Promise<void>((resolve) => (this.#turnEnded = resolve));
      next!.resume();
      await turn;
      if (this.#failure !== undefined) throw this.#failure;
    }
  }
}

// ---------------------------------------------------------------------------
// The HTTP side: what the widget, the platform and the instructor send.
// ---------------------------------------------------------------------------

interface SendOptions {
  /** A learner's token for this course (signed now). */
  as?: { sub: string; course?: string };
  /** The demo instructor's token. */
  instructor?: boolean;
  /** The platform key (server to server). */
  platform?: boolean;
  body?: unknown;
  /** The status expected; anything else stops the seed. */
  expect: number;
}

/** What the seed sent, by kind, for its summary and its progress lines. */
export interface SeedTally {
  requests: number;
  invitesCreated: number;
  invitesOpened: number;
  invitesAccepted: number;
  invitesDeclined: number;
  invitesCancelled: number;
  optIns: number;
  peerRequests: number;
  peerRequestsAccepted: number;
  leaves: number;
  progressReports: number;
  poolRuns: number;
}

const emptyTally = (): SeedTally => ({
  requests: 0,
  invitesCreated: 0,
  invitesOpened: 0,
  invitesAccepted: 0,
  invitesDeclined: 0,
  invitesCancelled: 0,
  optIns: 0,
  peerRequests: 0,
  peerRequestsAccepted: 0,
  leaves: 0,
  progressReports: 0,
  poolRuns: 0,
});

class Client {
  readonly tally = emptyTally();
  #commands = 0;
  #requests = 0;
  #events = 0;

  constructor(
    readonly base: string,
    readonly config: ServerConfig,
    readonly now: () => number,
    readonly nameOf: (sub: string) => string,
  ) {}

  token(sub: string, course = DEMO_COURSE.id): string {
    const iat = Math.floor(this.now() / 1000);
    return signToken(
      { sub, name: this.nameOf(sub), course, role: 'learner', iss: this.config.jwtIssuer, aud: this.config.jwtAudience, iat, exp: iat + DEMO_TOKEN_LIFETIME_SECONDS },
      this.config.jwtSecret,
    );
  }

  async send(method: string, path: string, options: SendOptions): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (options.as) headers.authorization = `Bearer ${this.token(options.as.sub, options.as.course)}`;
    if (options.instructor) headers.authorization = `Bearer ${demoInstructorToken(this.config, new Date(this.now()))}`;
    if (options.platform) headers['x-tandem-platform-key'] = this.config.platformKey!;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.base + path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    this.tally.requests += 1;
    const text = await response.text();
    if (response.status !== options.expect) {
      throw new Error(`demo seed: ${method} ${path} answered ${response.status} (expected ${options.expect}): ${text.slice(0, 400)}`);
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  async parsed<T extends z.ZodMiniType>(schema: T, method: string, path: string, options: SendOptions): Promise<z.infer<T>> {
    const json = await this.send(method, path, options);
    const result = schema.safeParse(json);
    if (!result.success) throw new Error(`demo seed: ${method} ${path} answered what the protocol does not allow: ${JSON.stringify(json).slice(0, 400)}`);
    return result.data;
  }

  coursePath(course: string, rest: string): string {
    return `/v1/courses/${encodeURIComponent(course)}/${rest}`;
  }

  async command(sub: string, command: Record<string, unknown>, course = DEMO_COURSE.id): Promise<CommandResponse> {
    const id = seedUuid(`command:${++this.#commands}`);
    return this.parsed(CommandResponse, 'POST', '/v1/commands', { as: { sub, course }, body: { id, course, command }, expect: 200 });
  }

  async createInvite(sub: string, invite: { relationship: PchmRelationship; objects: ObjectCode[]; modalities: Modality[]; group?: string }) {
    const answer = await this.command(sub, { type: 'invite.create', ...invite });
    this.tally.invitesCreated += 1;
    return { invite: answer.result.invite!, code: answer.result.code! };
  }

  /** The invitee opens the link: the widget looks the invite up, then records that it was opened. */
  async openInvite(sub: string, code: string): Promise<void> {
    const details = await this.parsed(InviteDetails, 'POST', '/v1/invite-details', { body: { code }, expect: 200 });
    const event = { id: seedUuid(`event:${++this.#events}`), v: 1, time: new Date(this.now()).toISOString(), course: details.course, learner: sub, type: 'invite.opened', invite: details.id };
    await this.send('POST', '/v1/events', { as: { sub, course: details.course }, body: { events: [event] }, expect: 200 });
    this.tally.invitesOpened += 1;
  }

  async acceptInvite(sub: string, code: string): Promise<string> {
    const answer = await this.command(sub, { type: 'invite.accept', code });
    this.tally.invitesAccepted += 1;
    return answer.result.group!;
  }

  async declineInvite(sub: string, code: string): Promise<void> {
    await this.command(sub, { type: 'invite.decline', code });
    this.tally.invitesDeclined += 1;
  }

  async cancelInvite(sub: string, invite: string): Promise<void> {
    await this.command(sub, { type: 'invite.cancel', invite });
    this.tally.invitesCancelled += 1;
  }

  async leave(sub: string, group: string): Promise<void> {
    await this.command(sub, { type: 'group.leave', group });
    this.tally.leaves += 1;
  }

  async optIn(sub: string, profile: PeerProfileInput, course = DEMO_COURSE.id): Promise<void> {
    await this.send('PUT', this.coursePath(course, 'me/profile'), { as: { sub, course }, body: profile, expect: 200 });
    this.tally.optIns += 1;
  }

  async sendRequest(
    sub: string,
    request: { peer: string; from: 'peers' | 'ask' | 'earlier'; objects: ObjectCode[]; modalities: Modality[]; group?: string },
    course = DEMO_COURSE.id,
  ): Promise<string> {
    const id = seedUuid(`request:${++this.#requests}`);
    await this.send('POST', this.coursePath(course, 'requests'), { as: { sub, course }, body: { id, ...request }, expect: 201 });
    this.tally.peerRequests += 1;
    return id;
  }

  async answerRequest(sub: string, id: string, action: 'accept' | 'decline' | 'cancel', course = DEMO_COURSE.id): Promise<RequestAnswer> {
    const answer = await this.parsed(RequestAnswer, 'POST', this.coursePath(course, `requests/${id}/${action}`), { as: { sub, course }, expect: 200 });
    if (action === 'accept') this.tally.peerRequestsAccepted += 1;
    return answer;
  }

  async discovery(sub: string): Promise<MyDiscovery> {
    return this.parsed(MyDiscovery, 'GET', this.coursePath(DEMO_COURSE.id, 'me/profile'), { as: { sub }, expect: 200 });
  }

  /** The instructor presses "Run pool matching now"; the round runs in the endpoint's worker thread. */
  async runPool(seed: number): Promise<PoolRun> {
    let run = await this.parsed(PoolRun, 'POST', this.coursePath(DEMO_COURSE.id, 'pool-runs'), { instructor: true, body: { seed }, expect: 202 });
    this.tally.poolRuns += 1;
    // The simulated clock stands still meanwhile: the round is written "at once".
    for (let polls = 0; run.status === 'running'; polls++) {
      if (polls > 1200) throw new Error('demo seed: the pool round did not finish within a minute');
      await sleep(50);
      run = await this.parsed(PoolRun, 'GET', this.coursePath(DEMO_COURSE.id, `pool-runs/${run.id}`), { instructor: true, expect: 200 });
    }
    if (run.status !== 'done') throw new Error(`demo seed: the pool round failed: ${run.error ?? 'no reason given'}`);
    return run;
  }

  async progress(reports: Array<{ id: string; learner: string; progress: number; completed: boolean; time: string }>): Promise<void> {
    for (let i = 0; i < reports.length; i += 1000) {
      const batch = reports.slice(i, i + 1000);
      await this.send('POST', this.coursePath(DEMO_COURSE.id, 'progress'), { platform: true, body: { reports: batch }, expect: 200 });
    }
    this.tally.progressReports += reports.length;
  }

  async stats(): Promise<CourseStats> {
    return this.parsed(CourseStats, 'GET', this.coursePath(DEMO_COURSE.id, 'stats'), { instructor: true, expect: 200 });
  }

  /**
   * Puts the demo course's settings back to the demo's when they differ (the
   * platform's `PUT settings`, with its key); says whether it wrote them. The
   * same settings are left alone: a second run writes nothing.
   */
  async demoSettings(): Promise<boolean> {
    const path = this.coursePath(DEMO_COURSE.id, 'settings');
    if (isDeepStrictEqual(await this.parsed(EndpointCourseSettings, 'GET', path, { expect: 200 }), SEED_COURSE_SETTINGS)) return false;
    await this.parsed(EndpointCourseSettings, 'PUT', path, { platform: true, body: DEMO_COURSE.settings, expect: 200 });
    return true;
  }
}

// ---------------------------------------------------------------------------
// The course's people, as the seed knows them.
// ---------------------------------------------------------------------------

interface SeedLearner {
  id: string;
  name: string;
  /** Groups of the demo course the learner is in now. */
  groups: Set<string>;
  everGrouped: boolean;
  /** The day of the course they started (0-based). */
  startDay: number;
  reported: boolean;
  progress: number;
  dropped: boolean;
}

interface SeedGroup {
  id: string;
  members: string[];
  dissolved: boolean;
}

export interface SeedOptions {
  /** The endpoint's configuration: the data folder, the secret (the platform key and the webhook are the seed's own). */
  config: ServerConfig;
  /**
   * The real date: the simulated course runs over the 8 weeks before the
   * Monday of this date's week (UTC), so that the dashboard's weekly series
   * ends now. Default: now.
   */
  today?: Date;
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
}

export type SeedOutcome =
  | {
      status: 'seeded';
      /** True when the demo course's settings had been changed and were put back first. */
      settingsReset: boolean;
      /** The simulated course's first Monday and the moment it ended. */
      start: string;
      end: string;
      /** Distinct seeded learners who appear in the store (acting or reported). */
      learners: number;
      tally: SeedTally;
      /** The dashboard's answer at the end, as the instructor sees it. */
      stats: CourseStats;
      ms: number;
    }
  /** A finished run was there: nothing written but the demo course's settings, put back when they had been changed (`settingsReset`). */
  | { status: 'already-seeded'; settingsReset: boolean; ms: number };

/** The Monday, 00:00 UTC, of the week holding `date`. */
export function mondayOf(date: Date): number {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
}

/**
 * Seeds the demo course `demo-mooc-101` (and a few groups of the earlier
 * `demo-mooc-100`) in the store of `config.dataDir`, its settings put back
 * to the demo's first when they were changed. Idempotent: when the store
 * holds a finished run it says so and writes nothing (but those settings,
 * when they differ from the demo's); a run that stopped half-way is reported
 * as an error rather than doubled, and nothing is written.
 */
export async function seedDemoCourse(options: SeedOptions): Promise<SeedOutcome> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const today = options.today ?? new Date();
  const start = mondayOf(today) - SEED_WEEKS * WEEK;
  const end = start + SEED_WEEKS * WEEK - 30 * 60_000;
  const earlierStart = start - 26 * WEEK;

  const sim = new Scheduler(earlierStart);
  const config: ServerConfig = {
    ...options.config,
    port: 0,
    courses: options.config.courses[DEMO_COURSE.id] ? options.config.courses : { ...options.config.courses, [DEMO_COURSE.id]: DEMO_COURSE.settings },
    // The seed's own server reports progress as the platform would; any key will do when none is configured.
    platformKey: options.config.platformKey ?? randomBytes(24).toString('hex'),
    // Eight weeks of history are not news: no notification is queued for them.
    webhook: null,
    // No scheduled pool round while the seed runs (the clock jumps).
    poolCheckMs: DAY,
  };
  const app = createServer({ config, now: () => new Date(sim.now) });
  try {
    const state = await app.store.transaction(async (tx) => ({
      started: (await tx.getCommand(FIRST_COMMAND)) !== null,
      finished: (await tx.getEvent(FINISHED_MARKER)) !== null,
    }));
    if (state.started && !state.finished) {
      throw new Error(
        `demo seed: ${config.dataDir} holds a seed that stopped half-way; remove its tandem.sqlite files (or point TANDEM_DATA_DIR to an empty folder) and run it again`,
      );
    }
    const base = await app.listen(0, '127.0.0.1');
    const learners = new Map<number, SeedLearner>();
    const client = new Client(base, config, () => sim.now, (sub) => nameOf(learners, sub));

    // The demo's settings (groups of 3, every object and modality, the default threshold…), whatever was
    // changed on /instructor: the run needs them, and a seeded store shows its figures with them. Written at
    // the simulated clock's start, before the history the run makes.
    const settingsReset = await client.demoSettings();
    if (settingsReset) log(`demo course: its settings had been changed; put back to the demo's`);
    if (state.finished) return { status: 'already-seeded', settingsReset, ms: Math.round(performance.now() - started) };

    // The roster's discovery data first, as `npm start` writes it (once): it is
    // written only into a course without profiles, and the seed adds some.
    if (await seedDemoDiscovery(app.store, new Date(start))) log('demo roster: learner profiles and forum replies written (as npm start does)');

    const run = new CourseRun(sim, client, learners, { start, end, earlierStart }, log);
    run.plan();
    await sim.run();
    const stats = await run.client.stats();
    const ms = Math.round(performance.now() - started);
    return {
      status: 'seeded',
      settingsReset,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      learners: [...learners.values()].filter((l) => l.reported || l.everGrouped || run.touched.has(l.id)).length,
      tally: run.client.tally,
      stats,
      ms,
    };
  } finally {
    await app.close();
  }
}

/** `value`, `n` times. */
function times<const T>(n: number, value: T): T[] {
  return Array.from({ length: n }, () => value);
}

function nameOf(learners: ReadonlyMap<number, SeedLearner>, sub: string): string {
  const n = Number(sub.slice('demo-seed-'.length));
  return learners.get(n)?.name ?? seedLearnerName(n);
}

/** Whom the seed's stories are about, and what they do: the plan of the course's eight weeks. */
class CourseRun {
  readonly rng: () => number;
  /** The platform's side (who gives up when) draws from a stream of its own, so the two can be tuned apart. */
  readonly progressRng: () => number;
  readonly groups = new Map<string, SeedGroup>();
  /** Learners who did anything in Tandem. */
  readonly touched = new Set<string>();
  readonly #order: number[];
  #taken = 0;
  /** Groups formed in the demo course, by week (0-based), as the seed saw them form. */
  readonly #formedByWeek: number[] = Array.from({ length: SEED_WEEKS }, () => 0);
  /** The tally when the demo course began: its weekly lines count from there. */
  #before: SeedTally = emptyTally();

  constructor(
    readonly sim: Scheduler,
    readonly client: Client,
    readonly learners: Map<number, SeedLearner>,
    readonly time: { start: number; end: number; earlierStart: number },
    readonly log: (line: string) => void,
  ) {
    this.rng = mulberry32(SEED);
    this.progressRng = mulberry32(SEED ^ 0x9e37_79b9);
    for (let n = 1; n <= SEED_LEARNERS; n++) {
      const startDay = n === 1 ? 0 : Math.floor(this.rng() ** 2 * 17);
      learners.set(n, {
        id: seedLearnerId(n),
        name: seedLearnerName(n),
        groups: new Set(),
        everGrouped: false,
        startDay,
        // demo-seed-0001's last report is the seed's "finished" marker.
        reported: n === 1 || this.rng() < REPORTED_SHARE,
        progress: 0,
        dropped: false,
      });
    }
    // Who plays which part: a shuffled order, taken from the front.
    this.#order = Array.from({ length: SEED_LEARNERS }, (_, i) => i + 1);
    for (let i = this.#order.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [this.#order[i], this.#order[j]] = [this.#order[j]!, this.#order[i]!];
    }
  }

  // -- drawing ---------------------------------------------------------------

  chance(p: number): boolean {
    return this.rng() < p;
  }
  between(a: number, b: number): number {
    return a + this.rng() * (b - a);
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rng() * list.length)]!;
  }
  shuffled<T>(list: readonly T[]): T[] {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
  /** `count` codes drawn without replacement, by weight. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>, count: number): T[] {
    const left = new Map((Object.entries(weights) as [T, number][]).filter(([, w]) => w > 0));
    const out: T[] = [];
    while (out.length < count && left.size > 0) {
      const entries = [...left];
      let r = this.rng() * entries.reduce((sum, [, w]) => sum + w, 0);
      // The last one when rounding leaves r a hair above zero.
      const [code] = entries.find(([, w]) => (r -= w) <= 0) ?? entries.at(-1)!;
      out.push(code);
      left.delete(code);
    }
    return out;
  }
  /** What a group of this relationship does together and how: 1–3 objects, 1–2 modalities. */
  codesFor(relationship: Relationship): { objects: ObjectCode[]; modalities: Modality[] } {
    const t = TENDENCIES[relationship];
    const objects = this.weighted(t.objects, this.pick([1, 2, 2, 2, 3]));
    const modalities = this.weighted(t.modalities, this.pick([1, 1, 2, 2]));
    return { objects: OBJECTS.filter((o) => objects.includes(o)), modalities: MODALITIES.filter((m) => modalities.includes(m)) };
  }
  /** A discovery profile: what they would like, in languages of their own, evenings and weekends in their time zone. */
  profile(relationship: 'this-mooc' | 'earlier-mooc', autoMatch: boolean): PeerProfileInput {
    const language = this.pick(LANGUAGES);
    const languages = this.chance(0.3) ? [language, this.pick(LANGUAGES.filter((l) => l !== language))] : [language];
    const t = TENDENCIES[relationship];
    const objects = this.weighted(t.objects, this.pick([2, 2, 3]));
    const modalities = this.weighted({ ...t.modalities, 'in-person-pair': 0, 'in-person-group': 0 }, this.pick([2, 2, 3]));
    const evenings = [0, 1, 2, 3, 4].map((d) => d * 4 + 3);
    const weekend = [5 * 4 + 1, 5 * 4 + 2, 6 * 4 + 1, 6 * 4 + 2];
    const slots = [...this.shuffled(evenings).slice(0, 2 + Math.floor(this.rng() * 3)), ...this.shuffled(weekend).slice(0, 1 + Math.floor(this.rng() * 2))].sort((a, b) => a - b);
    return {
      objects: OBJECTS.filter((o) => objects.includes(o)),
      modalities: MODALITIES.filter((m) => modalities.includes(m)),
      languages,
      utcOffsetMinutes: LANGUAGE_OFFSETS[language]!,
      slots,
      ...(autoMatch ? { autoMatch: true } : {}),
    };
  }

  // -- time ------------------------------------------------------------------

  /** A day of the course, more of them early on (most groups form in the first weeks). */
  courseDay(last = SEED_WEEKS * 7 - 1): number {
    const u = this.rng();
    const early = 1 - Math.sqrt(1 - u);
    const day = Math.floor((this.chance(0.6) ? early : u) * SEED_WEEKS * 7);
    return Math.min(day, last);
  }
  /** Some time of day `day` of the course (07:00–22:00 UTC). */
  at(day: number, from = this.time.start): number {
    return from + day * DAY + Math.round(this.between(7, 22) * 60) * 60_000;
  }
  /** From `minHours` to `maxHours` after now. */
  later(minHours: number, maxHours: number): number {
    return this.sim.now + Math.round(this.between(minHours, maxHours) * 60) * 60_000;
  }
  /** From `minHours` to `maxHours` after now, most of the time soon (people answer a link from someone they know quickly, or late). */
  soon(minHours: number, maxHours: number): number {
    return this.sim.now + Math.round((minHours + this.rng() ** 2 * (maxHours - minHours)) * 60) * 60_000;
  }
  /** Waits until `at`, unless that is not before the course's last report: false then, and the story stops there. */
  async step(at: number): Promise<boolean> {
    if (at >= this.time.end) return false;
    await this.sim.until(at);
    return true;
  }

  // -- people ----------------------------------------------------------------

  /** The next learner to play a part. */
  take(): string {
    const n = this.#order[this.#taken++];
    if (n === undefined) throw new Error(`demo seed: the plan needs more than ${SEED_LEARNERS} learners`);
    return seedLearnerId(n);
  }
  learner(id: string): SeedLearner {
    return this.learners.get(Number(id.slice('demo-seed-'.length)))!;
  }
  touch(...ids: string[]): void {
    for (const id of ids) this.touched.add(id);
  }
  /** The seed's view of a group after someone joined it (the endpoint decides; the seed follows). */
  joined(group: string, ...ids: string[]): void {
    let g = this.groups.get(group);
    if (!g) {
      g = { id: group, members: [], dissolved: false };
      this.groups.set(group, g);
      if (this.sim.now >= this.time.start) {
        const week = Math.min(SEED_WEEKS - 1, Math.floor((this.sim.now - this.time.start) / WEEK));
        this.#formedByWeek[week]! += 1;
      }
    }
    for (const id of ids) {
      if (!g.members.includes(id)) g.members.push(id);
      if (id.startsWith('demo-seed-')) {
        const l = this.learner(id);
        l.groups.add(group);
        l.everGrouped = true;
      }
    }
  }
  async leave(id: string, group: string): Promise<void> {
    const g = this.groups.get(group)!;
    await this.client.leave(id, group);
    g.members = g.members.filter((m) => m !== id);
    this.learner(id).groups.delete(group);
    if (g.members.length <= 1) {
      // The last one is left with a dissolved group.
      g.dissolved = true;
      for (const m of g.members) if (m.startsWith('demo-seed-')) this.learner(m).groups.delete(group);
    }
  }

  // -- the plan --------------------------------------------------------------

  plan(): void {
    const { sim } = this;
    // Eight learners met in an earlier course, demo-mooc-100, and team up again here.
    for (let i = 0; i < 8; i++) this.earlierPair(i < 7);

    // Invites to people known outside the course, most of them accepted.
    const relationships = this.shuffled<PchmRelationship>([...times(12, 'family'), ...times(14, 'friend'), ...times(12, 'colleague'), ...times(8, 'classmate')]);
    for (const relationship of relationships) this.inviteGroup(relationship);
    const failed = this.shuffled([...times(14, 'opened'), ...times(8, 'declined'), ...times(9, 'unopened'), ...times(4, 'cancelled')] as const);
    for (const outcome of failed) this.inviteUnanswered(this.pick(PCHM_RELATIONSHIPS), outcome);

    // Learners met in this course: requests from the list of peers or from the forum.
    const requests = this.shuffled([...times(15, 'accept'), ...times(3, 'decline'), ...times(2, 'cancel'), ...times(2, 'pending')] as const);
    requests.forEach((outcome, i) => this.requestStory(outcome, i % 5 === 4 ? 'ask' : 'peers'));
    for (let i = 0; i < 6; i++) {
      const id = this.take();
      sim.spawn(this.at(this.courseDay(40)), async () => {
        await this.client.optIn(id, this.profile('this-mooc', false));
        this.touch(id);
      });
    }

    // "Match me automatically": a round at the end of week 2, then a few who wait for the next.
    this.poolRound(33, 13);

    sim.spawn(this.time.start - 60_000, async () => {
      const t = this.client.tally;
      this.log(`earlier course ${DEMO_EARLIER_COURSE}: ${t.peerRequestsAccepted} pairs formed through requests, months before this one`);
      this.#before = { ...t };
    });
    for (let week = 1; week <= SEED_WEEKS; week++) {
      sim.spawn(this.time.start + week * WEEK - 30 * 60_000, () => this.weeklyProgress(week));
    }
  }

  /** A pair from the earlier course: a group there, then a request "from an earlier course" here. */
  earlierPair(accepted: boolean): void {
    const a = this.take();
    const b = this.take();
    const earlier = DEMO_EARLIER_COURSE;
    this.sim.spawn(this.at(Math.floor(this.between(0, 40)), this.time.earlierStart), async () => {
      this.touch(a, b);
      await this.client.optIn(b, this.profile('this-mooc', false), earlier);
      await this.sim.until(this.later(1, 72));
      await this.client.optIn(a, this.profile('this-mooc', false), earlier);
      await this.sim.until(this.later(0.5, 24));
      const codes = this.codesFor('this-mooc');
      const request = await this.client.sendRequest(a, { peer: b, from: 'peers', ...codes }, earlier);
      await this.sim.until(this.later(1, 48));
      await this.client.answerRequest(b, request, 'accept', earlier);

      // Months later, the next course.
      if (!(await this.step(this.at(this.courseDay(30))))) return;
      await this.client.optIn(b, this.profile('earlier-mooc', false));
      if (!(await this.step(this.later(1, 96)))) return;
      await this.client.optIn(a, this.profile('earlier-mooc', false));
      if (!(await this.step(this.later(0.5, 48)))) return;
      const again = this.codesFor('earlier-mooc');
      const id = await this.client.sendRequest(a, { peer: b, from: 'earlier', ...again });
      if (!accepted) return;
      if (!(await this.step(this.later(1, 48)))) return;
      const answer = await this.client.answerRequest(b, id, 'accept');
      this.joined(answer.request.group!, a, b);
    });
  }

  /** An invite accepted: a pair, sometimes a third member later, sometimes someone leaving. */
  inviteGroup(relationship: PchmRelationship): void {
    const inviter = this.take();
    const invitee = this.take();
    const third = this.chance(0.45) ? this.take() : null;
    // Some study with someone else too, another relationship, in a group of its own (a learner may be in several).
    const other = this.chance(0.25) ? this.take() : null;
    this.sim.spawn(this.at(this.courseDay(50)), async () => {
      this.touch(inviter);
      const { code } = await this.client.createInvite(inviter, { relationship, ...this.codesFor(relationship) });
      if (!(await this.step(this.soon(0.3, 30)))) return;
      this.touch(invitee);
      await this.client.openInvite(invitee, code);
      if (!(await this.step(this.soon(0.2, 72)))) return;
      const group = await this.client.acceptInvite(invitee, code);
      this.joined(group, inviter, invitee);
      if (other) this.sim.spawn(this.sim.now, () => this.secondGroup(this.chance(0.5) ? inviter : invitee, relationship, other));

      if (third) {
        if (!(await this.step(this.later(24, 240)))) return;
        const who = this.chance(0.7) ? inviter : invitee;
        const rel = this.chance(0.65) ? relationship : this.pick(PCHM_RELATIONSHIPS.filter((r) => r !== relationship));
        // Into the group, the group's objects and modalities apply.
        const next = await this.client.createInvite(who, { relationship: rel, ...this.codesFor(rel), group });
        if (!(await this.step(this.later(1, 48)))) return;
        this.touch(third);
        await this.client.openInvite(third, next.code);
        // Some look and never answer: the invite expires.
        if (this.chance(0.12)) return;
        if (!(await this.step(this.soon(0.2, 72)))) return;
        this.joined(await this.client.acceptInvite(third, next.code), third);
      }

      if (this.chance(0.3)) {
        if (!(await this.step(this.later(72, 21 * 24)))) return;
        const g = this.groups.get(group)!;
        await this.leave(this.pick(g.members), group);
      }
    });
  }

  /** `learner`, already in a group of `first`, invites `other` for a group of another kind (work, mostly, or home). */
  async secondGroup(learner: string, first: PchmRelationship, other: string): Promise<void> {
    const relationship: PchmRelationship = first === 'colleague' ? this.pick(['friend', 'family'] as const) : first === 'classmate' ? 'friend' : 'colleague';
    if (!(await this.step(this.later(24, 400)))) return;
    const { code } = await this.client.createInvite(learner, { relationship, ...this.codesFor(relationship) });
    if (!(await this.step(this.soon(0.3, 30)))) return;
    this.touch(other);
    await this.client.openInvite(other, code);
    if (!(await this.step(this.soon(0.2, 72)))) return;
    this.joined(await this.client.acceptInvite(other, code), learner, other);
  }

  /** An invite that formed no group: opened and left, declined, never opened, or cancelled. */
  inviteUnanswered(relationship: PchmRelationship, outcome: 'opened' | 'declined' | 'unopened' | 'cancelled'): void {
    const inviter = this.take();
    // Someone who never opened the link never came to the course: not one of its learners.
    const invitee = outcome === 'unopened' ? null : this.take();
    this.sim.spawn(this.at(this.courseDay(50)), async () => {
      this.touch(inviter);
      const { code, invite } = await this.client.createInvite(inviter, { relationship, ...this.codesFor(relationship) });
      if (outcome === 'unopened') return;
      if (outcome === 'cancelled') {
        if (invitee && this.chance(0.5)) {
          if (!(await this.step(this.later(2, 48)))) return;
          this.touch(invitee);
          await this.client.openInvite(invitee, code);
        }
        if (!(await this.step(this.later(48, 144)))) return;
        await this.client.cancelInvite(inviter, invite);
        return;
      }
      if (!(await this.step(this.later(0.5, 72)))) return;
      this.touch(invitee!);
      await this.client.openInvite(invitee!, code);
      if (outcome === 'declined') {
        if (!(await this.step(this.later(0.2, 48)))) return;
        await this.client.declineInvite(invitee!, code);
      }
    });
  }

  /** Two learners met in the course: one opts in, the other finds them and asks (or asks from the forum). */
  requestStory(outcome: 'accept' | 'decline' | 'cancel' | 'pending', from: 'peers' | 'ask'): void {
    const recipient = this.take();
    const sender = this.take();
    const third = outcome === 'accept' && this.chance(0.3) ? this.take() : null;
    this.sim.spawn(this.at(this.courseDay(45)), async () => {
      this.touch(recipient, sender);
      await this.client.optIn(recipient, this.profile('this-mooc', false));
      if (!(await this.step(this.later(2, 72)))) return;
      // From a forum post's button, the sender need not be opted in.
      if (from === 'peers') await this.client.optIn(sender, this.profile('this-mooc', false));
      if (!(await this.step(this.later(0.2, 24)))) return;
      const id = await this.client.sendRequest(sender, { peer: recipient, from, ...this.codesFor('this-mooc') });
      if (outcome === 'pending') return;
      if (outcome === 'cancel') {
        if (!(await this.step(this.later(48, 120)))) return;
        await this.client.answerRequest(sender, id, 'cancel');
        return;
      }
      if (!(await this.step(this.later(1, 60)))) return;
      const answer = await this.client.answerRequest(recipient, id, outcome);
      if (outcome === 'decline') return;
      const group = answer.request.group!;
      this.joined(group, sender, recipient);

      if (third) {
        // A third found in the list, asked into the pair's group.
        if (!(await this.step(this.later(24, 200)))) return;
        this.touch(third);
        await this.client.optIn(third, this.profile('this-mooc', false));
        if (!(await this.step(this.later(1, 48)))) return;
        const into = await this.client.sendRequest(sender, { peer: third, from, ...this.codesFor('this-mooc'), group });
        if (!(await this.step(this.later(1, 48)))) return;
        await this.client.answerRequest(third, into, 'accept');
        this.joined(group, third);
      }
      if (this.chance(0.3)) {
        if (!(await this.step(this.later(72, 21 * 24)))) return;
        await this.leave(this.pick(this.groups.get(group)!.members), group);
      }
    });
  }

  /**
   * `candidates` opt in to automatic matching over the first days; the
   * instructor runs a round on day `day`. Like any round, it also takes the
   * roster's learners who opted in to automatic matching (demo-seed.ts:
   * Chloé, David and Farid): they share no language with the seeded ones, and
   * the matcher pairs two of them (Chloé and Farid, both in Lyon) and leaves
   * David for the next round.
   */
  poolRound(candidates: number, day: number): void {
    const ids = Array.from({ length: candidates }, () => this.take());
    for (const id of ids) {
      this.sim.spawn(this.at(Math.floor(this.between(0, day))), async () => {
        this.touch(id);
        await this.client.optIn(id, this.profile('this-mooc', true));
      });
    }
    const late = Array.from({ length: 3 }, () => this.take());
    for (const id of late) {
      this.sim.spawn(this.at(Math.floor(this.between(day + 7, 45))), async () => {
        this.touch(id);
        await this.client.optIn(id, this.profile('this-mooc', true));
      });
    }
    this.sim.spawn(this.time.start + day * DAY + 20 * HOUR, async () => {
      const run = await this.client.runPool(POOL_SEED);
      // Started with the instructor's token: a count under the threshold may be withheld (null).
      const shown = (n: number | null | undefined) => (n === null ? 'withheld' : String(n));
      this.log(`pool round (day ${day + 1}): ${shown(run.candidates)} candidates, ${shown(run.groups)} groups, ${shown(run.matched)} matched, ${shown(run.unmatched)} left for the next round`);
      // Each learner's widget reads the outcome at their next visit.
      const formed: string[] = [];
      for (const id of ids) {
        const outcome = (await this.client.discovery(id)).pool;
        if (outcome?.outcome === 'matched' && outcome.group) {
          if (!this.groups.has(outcome.group)) formed.push(outcome.group);
          this.joined(outcome.group, id);
        }
      }
      // A few matched groups lose a member later on.
      for (const group of this.shuffled(formed).slice(0, 3)) {
        this.sim.spawn(this.sim.now, async () => {
          if (!(await this.step(this.later(72, 20 * 24)))) return;
          const g = this.groups.get(group)!;
          await this.leave(this.pick(g.members), group);
        });
      }
    });
  }

  /** The platform's weekly report: where each learner who started stands; the last one is final. */
  async weeklyProgress(week: number): Promise<void> {
    const final = week === SEED_WEEKS;
    const time = new Date(this.sim.now).toISOString();
    const reports: Array<{ id: string; learner: string; progress: number; completed: boolean; time: string }> = [];
    for (const l of this.learners.values()) {
      // Two draws per learner and week, used or not: a learner's fate does not shift everyone else's.
      const giveUp = this.progressRng();
      const pace = this.progressRng();
      if (l.startDay >= week * 7) continue;
      if (!l.dropped && l.startDay < (week - 1) * 7) {
        // Alone, in a group, or after leaving one: a different chance of giving up this week.
        // (Left alone in a dissolved group counts as having left.)
        const p = l.groups.size > 0 ? WEEKLY_DROPOUT.grouped : l.everGrouped ? WEEKLY_DROPOUT.left : WEEKLY_DROPOUT.alone;
        if (giveUp < p) l.dropped = true;
      }
      if (!l.dropped) l.progress = Math.min(0.96, l.progress + 0.09 + pace * 0.08);
      const completed = final && !l.dropped;
      if (completed) l.progress = 1;
      if (!l.reported) continue;
      reports.push({
        id: seedUuid(`progress:${l.id}:week-${week}`),
        learner: l.id,
        progress: Math.round(l.progress * 1000) / 1000,
        completed,
        time,
      });
    }
    await this.client.progress(reports);
    const t = Object.fromEntries(Object.entries(this.client.tally).map(([k, v]) => [k, v - this.#before[k as keyof SeedTally]])) as unknown as SeedTally;
    const from = new Date(this.time.start + (week - 1) * WEEK).toISOString().slice(0, 10);
    this.log(
      `week ${week} of ${SEED_WEEKS} (from ${from}): ${this.#formedByWeek[week - 1]} groups formed; so far ${t.invitesCreated} invites (${t.invitesAccepted} accepted), ${t.peerRequests} requests (${t.peerRequestsAccepted} accepted), ${t.optIns} opt-ins, ${t.leaves} members left a group, ${t.progressReports} progress reports`,
    );
  }
}
