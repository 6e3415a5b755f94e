/**
 * Test doubles at the session boundary: element tests render from static,
 * schema-valid snapshots and record every call an element makes. The real
 * session has its own tests, and the end-to-end test runs both together.
 */
import { CommandResponse, LearnerState, InviteDetails, type Command } from '../../../src/protocol/api.js';
import { ServerEvent } from '../../../src/protocol/events.js';
import type { ClientFact, CommandOutcome, Reply, SessionSnapshot, TandemSessionApi } from '../../../src/transport/session-types.js';

export const ids = {
  alice: 'learner-alice',
  bob: 'learner-bob',
  chloe: 'learner-chloe',
  group: '0b7c2f4e-8d1a-4c3b-9e5f-1a2b3c4d5e6f',
  fullGroup: '1c8d3a5f-9e2b-4d4c-8f6a-2b3c4d5e6f70',
  invitePending: '2d9e4b6a-0f3c-4e5d-9a7b-3c4d5e6f7081',
  inviteAccepted: '3e0f5c7b-1a4d-4f6e-8b8c-4d5e6f708192',
  inviteDeclined: '4f1a6d8c-2b5e-4a7f-9c9d-5e6f708192a3',
  inviteCancelled: '5a2b7e9d-3c6f-4b80-8dae-6f708192a3b4',
  inviteExpired: '6b3c8fae-4d70-4c91-9ebf-708192a3b4c5',
  event: '7c4d90bf-5e81-4da2-8fc0-8192a3b4c5d6',
};
export const codes = {
  pending: 'PendingCodeAAAAAAAAAAAAA',
  other: 'OtherCodeBBBBBBBBBBBBBBB',
  created: 'CreatedCodeCCCCCCCCCCCCC',
};
export const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const time = '2025-03-01T10:00:00.000Z';
const later = '2025-03-15T10:00:00.000Z';

/** Parses a fixture with the real schema, so a fixture can never drift from the protocol. */
function valid<T>(schema: { parse(input: unknown): T }, input: unknown): T {
  return schema.parse(input);
}

export function learnerState(overrides: Partial<LearnerState> = {}): LearnerState {
  return valid(LearnerState, {
    course: 'demo-mooc-101',
    learner: { id: ids.alice, name: 'Alice' },
    settings: {
      groupSize: 3,
      objects: ['mutual-help', 'discuss', 'watch-videos'],
      modalities: ['synchronous', 'email', 'social-network'],
      inviteLifetimeDays: 14,
    },
    groups: [
      {
        id: ids.group,
        objects: ['mutual-help'],
        modalities: ['synchronous'],
        size: 3,
        createdAt: time,
        members: [
          { id: ids.alice, name: 'Alice', relationship: 'friend', note: 'alice@example.org', joinedAt: time },
          { id: ids.bob, name: 'Bob', relationship: 'friend', note: 'Call me after 6pm', joinedAt: time },
        ],
      },
    ],
    invites: [
      invite(ids.invitePending, 'pending', codes.pending),
      invite(ids.inviteAccepted, 'accepted', codes.other, 'Bob'),
      invite(ids.inviteDeclined, 'declined', codes.other, 'Chloé'),
      invite(ids.inviteCancelled, 'cancelled', codes.other),
      invite(ids.inviteExpired, 'expired', codes.other),
    ],
    serverTime: time,
    ...overrides,
  });
}

function invite(id: string, status: string, code: string, answeredBy?: string) {
  return {
    id,
    code,
    relationship: 'colleague',
    objects: ['discuss'],
    modalities: ['email'],
    group: null,
    status,
    createdAt: time,
    expiresAt: later,
    ...(answeredBy ? { answeredBy } : {}),
  };
}

export function inviteDetails(overrides: Partial<InviteDetails> = {}): InviteDetails {
  return valid(InviteDetails, {
    id: ids.invitePending,
    course: 'demo-mooc-101',
    inviter: { name: 'Alice' },
    relationship: 'friend',
    objects: ['mutual-help', 'discuss'],
    modalities: ['synchronous'],
    members: 0,
    groupSize: 2,
    expiresAt: later,
    ...overrides,
  });
}

export function serverEvent(type: ServerEvent['type'], fields: Record<string, unknown> = {}): ServerEvent {
  return valid(ServerEvent, { id: ids.event, v: 1, time, course: 'demo-mooc-101', learner: ids.alice, type, ...fields });
}

export function snapshot(overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    status: 'signed-in',
    state: learnerState(),
    offline: false,
    memoryOnly: false,
    pending: [],
    keptInvite: null,
    setAside: 0,
    problem: null,
    ...overrides,
  };
}

type Call =
  | { method: 'send'; command: Command }
  | { method: 'track'; fact: ClientFact }
  | { method: 'inviteDetails'; code: string }
  | { method: 'keepInvite'; code: string | null }
  | { method: 'refresh' }
  | { method: 'request'; route: string; body: unknown };

/** A reply for `request`: the value (parsed with the schema the element passes, as the real session does) or a failure. */
export type FakeReply = { ok: true; value: unknown } | Extract<Reply<unknown>, { ok: false }>;

/** A session that answers from fixtures and records what the element asked. */
export class FakeSession implements TandemSessionApi {
  calls: Call[] = [];
  /** Answers for `send`, by command type; a command without one never settles (it waits, as offline). */
  answers: Partial<Record<Command['type'], CommandOutcome>> = {};
  details: Awaited<ReturnType<TandemSessionApi['inviteDetails']>> = { ok: true, details: inviteDetails() };
  /**
   * Answers for `request`, by route as `METHOD path` (`GET peers?page=0`, `POST requests`…):
   * a reply, a list of replies given in turn (the last one repeats), or a function of the body.
   * A route without one never settles (as a request the network holds).
   */
  routes: Record<string, FakeReply | FakeReply[] | ((body: unknown) => FakeReply)> = {};
  #snapshot: SessionSnapshot;
  #listeners = new Set<(s: SessionSnapshot) => void>();

  constructor(overrides: Partial<SessionSnapshot> = {}) {
    this.#snapshot = snapshot(overrides);
  }

  /** Changes the snapshot and tells subscribers, as the real session does. */
  update(overrides: Partial<SessionSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...overrides };
    for (const listener of this.#listeners) listener(this.#snapshot);
  }

  snapshot(): SessionSnapshot {
    return this.#snapshot;
  }
  subscribe(listener: (s: SessionSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  send(command: Command): Promise<CommandOutcome> {
    this.calls.push({ method: 'send', command });
    const answer = this.answers[command.type];
    return answer ? Promise.resolve(answer) : new Promise(() => {});
  }
  async track(fact: ClientFact): Promise<void> {
    this.calls.push({ method: 'track', fact });
  }
  async inviteDetails(code: string) {
    this.calls.push({ method: 'inviteDetails', code });
    return this.details;
  }
  async keepInvite(code: string | null): Promise<void> {
    this.calls.push({ method: 'keepInvite', code });
  }
  async refresh(): Promise<void> {
    this.calls.push({ method: 'refresh' });
  }
  async request<T>(path: string, schema: { safeParse(input: unknown): { success: boolean; data?: T; error?: unknown } }, body?: object, method?: string): Promise<Reply<T>> {
    const route = `${method ?? (body ? 'POST' : 'GET')} ${path}`;
    this.calls.push({ method: 'request', route, body });
    const answer = this.routes[route];
    const reply = typeof answer == 'function' ? answer(body) : Array.isArray(answer) ? (answer.length > 1 ? answer.shift()! : answer[0]!) : answer;
    if (!reply) return new Promise(() => {});
    if (!reply.ok) return reply;
    const parsed = schema.safeParse(reply.value);
    if (!parsed.success) throw new Error(`fixture for ${route} does not parse: ${String(parsed.error)}`);
    return { ok: true, value: parsed.data as T };
  }
  /** The routes the element called, in order (`METHOD path`). */
  requested(): string[] {
    return this.calls.flatMap((c) => (c.method === 'request' ? [c.route] : []));
  }
  /** The bodies sent to `route`. */
  bodies(route: string): unknown[] {
    return this.calls.flatMap((c) => (c.method === 'request' && c.route === route ? [c.body] : []));
  }
  sent(): Command[] {
    return this.calls.flatMap((c) => (c.method === 'send' ? [c.command] : []));
  }
  tracked(): ClientFact[] {
    return this.calls.flatMap((c) => (c.method === 'track' ? [c.fact] : []));
  }
}

/** A successful command answer, checked against the response schema (state included). */
export function ok(result: Record<string, unknown>, events: ServerEvent[] = []): CommandOutcome {
  const response = valid(CommandResponse, { result: { id: ids.event, ...result }, events, state: learnerState() });
  return { ok: true, result: response.result, events: response.events };
}

export function refused(code: Extract<CommandOutcome, { ok: false }>['code']): CommandOutcome {
  return { ok: false, code, message: `refused: ${code}`, path: '' };
}

/** The configuration most tests use, as element attributes. */
export const CONFIG = {
  endpoint: 'https://tandem.example.org',
  course: 'demo-mooc-101',
  'course-title': 'Climate Science 101',
  'enroll-url': 'https://mooc.example.org/enroll',
};

/** Text of the element's shadow root, whitespace collapsed. */
export function text(el: Element): string {
  return (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function shadow<T extends Element = HTMLElement>(el: Element, selector: string): T {
  const found = el.shadowRoot?.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector} in <${el.localName}>`);
  return found;
}

export function buttonByText(el: Element, label: string): HTMLButtonElement {
  const button = [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>('button') ?? [])].find((b) => b.textContent?.trim() === label);
  if (!button) throw new Error(`no button "${label}" in <${el.localName}>`);
  return button;
}

/** Captures console.error calls while `run` runs. */
export async function capturingErrors(run: () => Promise<void>): Promise<unknown[][]> {
  const original = console.error;
  const seen: unknown[][] = [];
  console.error = (...args: unknown[]) => seen.push(args);
  try {
    await run();
  } finally {
    console.error = original;
  }
  return seen;
}

/**
 * Renders `<tag>` with configuration attributes and an injected session,
 * waiting until the language is loaded and the first render is done.
 */
export async function mount<T extends HTMLElement & { session?: TandemSessionApi; updateComplete: Promise<boolean> }>(
  tag: string,
  session: TandemSessionApi | undefined,
  attributes: Record<string, string> = CONFIG,
): Promise<T> {
  const el = document.createElement(tag) as T;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (session) el.session = session;
  const container = document.createElement('div');
  container.dataset.testMount = '';
  container.append(el);
  document.body.append(container);
  await el.updateComplete;
  // French loads as its own chunk; wait until the placeholder gives way (or a bounded time for `nothing`).
  for (let i = 0; i < 50 && el.shadowRoot?.querySelector('[aria-busy]'); i++) {
    await new Promise((r) => setTimeout(r, 10));
    await el.updateComplete;
  }
  return el;
}

/** Removes what `mount` added (call in afterEach). */
export function unmountAll(): void {
  for (const node of document.querySelectorAll('[data-test-mount]')) node.remove();
}

export async function settle(el: { updateComplete: Promise<boolean> }): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await el.updateComplete;
}
