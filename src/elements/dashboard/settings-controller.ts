import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { EndpointCourseSettings } from '../../protocol/peers.js';
import type { PoolRun } from '../../protocol/pool.js';
import type { DashboardClient } from './client.js';
import type { Timers } from './stats-controller.js';

/** How often a running pool-matching round is asked about. */
export const POLL_RUN_MS = 2000;

export interface SettingsHost extends ReactiveControllerHost {
  readonly timers: Timers;
}

/** The settings' fields, in the order of the form. */
export const SETTINGS_FIELDS = ['groupSize', 'objects', 'modalities', 'city', 'inviteLifetimeDays', 'poolEveryHours', 'suppressionThreshold'] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

/**
 * The course's settings and its pool-matching rounds, as the instructor
 * controls them. The endpoint is the authority: the form shows what it
 * answered (loaded, then each save's answer); a save is checked first with
 * the same schema the endpoint uses (a wrong field is named without a round
 * trip), and the endpoint's own refusal names its field (`path`) when it
 * names one. A round started here is asked about every two seconds until it
 * is done or failed.
 */
export class SettingsController implements ReactiveController {
  settings?: EndpointCourseSettings | undefined;
  /** Bumped with each answer of the endpoint's: the form is drawn anew from it. */
  version = 0;
  /** Why the settings could not be loaded. */
  loadProblem?: string | undefined;
  saving = false;
  /** True after a save the endpoint took, until the next one. */
  saved = false;
  /** Fields found wrong at the last save, here or by the endpoint. */
  invalid: SettingsField[] = [];
  /** The last save's failure, when it is about no one field. */
  saveProblem?: string | undefined;
  /** The round started here, as last heard of. */
  run?: PoolRun | undefined;
  /** True from "Run pool matching now" until the round ended or could no longer be asked about. */
  running = false;
  runProblem?: string | undefined;

  readonly #host: SettingsHost;
  /** Called when a round started here ended (its groups are in the figures now). */
  readonly #ended: () => void;
  #client?: DashboardClient | undefined;
  #turn = 0;
  #timer: unknown;

  constructor(host: SettingsHost, ended: () => void) {
    (this.#host = host).addController(this);
    this.#ended = ended;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.use(undefined);
  }

  use(client: DashboardClient | undefined): void {
    this.#turn++;
    this.#client = client;
    this.#stopPolling();
    this.settings = this.loadProblem = this.saveProblem = this.run = this.runProblem = undefined;
    this.saving = this.saved = this.running = false;
    this.invalid = [];
  }

  /** Loads the settings unless they are here (or on their way). */
  async load(): Promise<void> {
    const client = this.#client;
    if (!client || this.settings || this.loadProblem === '') return;
    const turn = this.#turn;
    // An empty problem marks a load under way.
    this.loadProblem = '';
    const reply = await client.settings();
    if (turn != this.#turn) return;
    this.loadProblem = reply.ok ? undefined : reply.code;
    if (reply.ok) this.#show(reply.value);
    this.#host.requestUpdate();
  }

  /**
   * Saves `values` (the form's, as they are): refused here when the schema
   * refuses them, else sent; resolves with whether the endpoint took them.
   */
  async save(values: Record<SettingsField, unknown>): Promise<boolean> {
    const client = this.#client;
    if (!client || this.saving) return false;
    this.saved = false;
    this.saveProblem = undefined;
    const parsed = EndpointCourseSettings.safeParse(values);
    if (!parsed.success) {
      this.invalid = SETTINGS_FIELDS.filter((field) => parsed.error.issues.some((issue) => issue.path[0] == field));
      this.#host.requestUpdate();
      return false;
    }
    const turn = this.#turn;
    this.invalid = [];
    this.saving = true;
    this.#host.requestUpdate();
    const reply = await client.saveSettings(parsed.data);
    if (turn != this.#turn) return false;
    this.saving = false;
    if (reply.ok) {
      this.saved = true;
      this.#show(reply.value);
    } else {
      const field = SETTINGS_FIELDS.find((f) => f == reply.path.split('.')[0]);
      if (reply.code == 'bad_request' && field) this.invalid = [field];
      else this.saveProblem = reply.code;
    }
    this.#host.requestUpdate();
    return reply.ok;
  }

  /** Starts a pool-matching round, then asks about it until it ends. */
  async startRun(): Promise<void> {
    const client = this.#client;
    if (!client || this.running) return;
    this.running = true;
    this.run = this.runProblem = undefined;
    this.#host.requestUpdate();
    this.#heard(await client.startPoolRun(), this.#turn);
  }

  #heard(reply: Awaited<ReturnType<DashboardClient['poolRun']>>, turn: number): void {
    if (turn != this.#turn) return;
    if (reply.ok) this.run = reply.value;
    this.runProblem = reply.ok ? undefined : reply.code;
    // Still running, or no answer this time while it runs (it goes on at the endpoint): ask again in two seconds.
    const id = this.run?.status == 'running' && (reply.ok || reply.code == 'network') ? this.run.id : undefined;
    if (id) {
      this.#timer = this.#host.timers.set(async () => {
        this.#timer = undefined;
        this.#heard(await this.#client!.poolRun(id), turn);
      }, POLL_RUN_MS);
    } else {
      this.running = false;
      if (reply.ok) this.#ended();
    }
    this.#host.requestUpdate();
  }

  #show(settings: EndpointCourseSettings): void {
    this.settings = settings;
    this.version++;
  }

  #stopPolling(): void {
    if (this.#timer !== undefined) this.#host.timers.clear(this.#timer);
    this.#timer = undefined;
  }
}
