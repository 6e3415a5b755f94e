import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CourseStats } from '../../protocol/stats.js';
import type { DashboardClient } from './client.js';

/** Timers the dashboard schedules on, injectable so tests drive them by hand. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = { set: (callback, ms) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) };

/** What the controller needs from its element: its collaborators and its refresh period, read when needed. */
export interface StatsHost extends ReactiveControllerHost {
  readonly timers: Timers;
  readonly now: () => number;
  /** The automatic refresh period, in milliseconds. */
  readonly periodMs: number;
}

/**
 * The course's figures: fetched when a client is given, then again every
 * period while the page is visible (paused while it is hidden; once visible
 * again, at once if the figures are older than a period), and on demand. One
 * fetch at a time; one asked for while a fetch runs follows it (the figures
 * then postdate what asked: a save, a pool round's end). The last figures
 * stay through a failed refresh (network, an unreadable answer, a 5xx:
 * `problem` says which), and go when the endpoint says this person may not
 * see them (403: `denied` is `forbidden`) or nobody usable is signed in
 * (`denied` is `signed-out`, `problem` says why). While denied nothing is
 * scheduled: asking again would get the same answer. A new client (a
 * configuration change), a host's sign-in or a manual refresh asks again.
 */
export class StatsController implements ReactiveController {
  stats?: CourseStats | undefined;
  /** The last fetch's failure code, until one succeeds. */
  problem?: string | undefined;
  denied?: 'forbidden' | 'signed-out' | undefined;
  /** True while a fetch runs. */
  busy = false;
  /** True when the last fetch was asked for by the instructor (it and its end are then announced). */
  manual = false;

  readonly #host: StatsHost;
  #client?: DashboardClient | undefined;
  #timer: unknown;
  /** When the last fetch ended (the host's clock). */
  #last = -Infinity;
  /** Bumped when the client changes: an answer for the one before is dropped. */
  #turn = 0;
  /** A refresh was asked for while a fetch ran: it follows that one. */
  #again = false;
  /** Called after each successful fetch (the settings load once the figures say this person is staff). */
  readonly #loaded: () => void;

  constructor(host: StatsHost, loaded: () => void) {
    (this.#host = host).addController(this);
    this.#loaded = loaded;
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#visibility);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#visibility);
    this.#stop();
    // A fetch under way when the element left is answered to nobody; the next client starts afresh.
    this.#turn++;
    this.busy = this.#again = false;
  }

  /** Starts over with `client` (a new configuration): the figures of another course or person are dropped. */
  use(client: DashboardClient | undefined): void {
    this.#turn++;
    this.#client = client;
    this.stats = this.problem = this.denied = undefined;
    this.busy = this.manual = this.#again = false;
    this.#last = -Infinity;
    this.#stop();
    void this.refresh();
  }

  /**
   * Fetches the figures now (once the fetch under way ended, if one is);
   * `manual` when the instructor asked (announced), else silently.
   */
  async refresh(manual = false): Promise<void> {
    const client = this.#client;
    if (!client) return;
    if (this.busy) {
      this.#again = true;
      return;
    }
    const turn = this.#turn;
    this.#stop();
    this.busy = true;
    this.manual = manual;
    this.#host.requestUpdate();
    const reply = await client.stats();
    if (turn != this.#turn) return;
    this.busy = false;
    this.#last = this.#host.now();
    if (reply.ok) {
      this.stats = reply.value;
      this.problem = this.denied = undefined;
      this.#loaded();
    } else {
      this.problem = reply.code;
      // A 403 (a learner's token, another course's) or no usable sign-in: no figures, whatever was shown before.
      this.denied = reply.status == 403 ? 'forbidden' : /^token_/.test(reply.code) || reply.status == 401 ? 'signed-out' : undefined;
      if (this.denied) this.stats = undefined;
    }
    const again = this.#again;
    this.#again = false;
    // Asked for meanwhile: at once (or as soon as the page is visible again).
    if (again) this.#last = -Infinity;
    this.#schedule(again ? 0 : this.#host.periodMs);
    this.#host.requestUpdate();
  }

  readonly #visibility = (): void => {
    if (document.visibilityState == 'hidden') this.#stop();
    // Back: at once if the figures are a period old, else when they will be.
    else if (!this.busy) this.#schedule(this.#last + this.#host.periodMs - this.#host.now());
  };

  /** Refreshes in `ms` (at once when 0 or less), unless denied, without a client, or hidden. */
  #schedule(ms: number): void {
    this.#stop();
    if (!this.#client || this.denied || document.visibilityState == 'hidden') return;
    if (ms <= 0) void this.refresh();
    else this.#timer = this.#host.timers.set(() => void this.refresh(), ms);
  }

  #stop(): void {
    if (this.#timer !== undefined) this.#host.timers.clear(this.#timer);
    this.#timer = undefined;
  }
}
