import { ApiError } from '../errors.js';
import { recoverPoolRuns, startPoolRun, type PoolDeps } from './pool-runner.js';

const HOUR_MS = 3_600_000;

/** The server's pool rounds: started by the API or the schedule, awaited on shutdown. */
export interface PoolService extends PoolDeps {
  /** Keeps a round's completion so that stop() waits for it. */
  track(done: Promise<unknown>): void;
  /** Recovers rounds a stopped process left running, then checks the schedule every `config.poolCheckMs`. */
  start(): Promise<void>;
  /** Checks every course's schedule once and starts the rounds that are due; resolves when they are started. */
  checkSchedule(): Promise<void>;
  /** Stops the schedule and waits for running rounds to be written. */
  stop(): Promise<void>;
}

export function createPoolService(deps: PoolDeps): PoolService {
  const running = new Set<Promise<unknown>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let checking: Promise<void> | undefined;
  let stopped = false;

  const service: PoolService = {
    ...deps,
    track(done) {
      const settled = done.catch((err: unknown) => deps.log?.(`pool round failed to finish: ${String(err)}`));
      running.add(settled);
      void settled.finally(() => running.delete(settled));
    },
    async start() {
      const recovered = await recoverPoolRuns(deps);
      if (recovered > 0) deps.log?.(`pool: ${recovered} round(s) left running by a stopped server marked failed`);
      if (stopped) return;
      timer = setInterval(() => void service.checkSchedule(), deps.config.poolCheckMs);
      timer.unref();
    },
    checkSchedule() {
      checking ??= due().finally(() => {
        checking = undefined;
      });
      return checking;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await checking;
      await Promise.all(running);
    },
  };

  /** Courses whose `poolEveryHours` has passed since their latest round started (or that never had one). */
  async function due(): Promise<void> {
    const now = deps.now().getTime();
    const courses = await deps.store.transaction(async (tx) => {
      const stored = await tx.listCourseSettings();
      const all = new Map(Object.entries(deps.config.courses));
      for (const { course, settings } of stored) all.set(course, settings);
      const ready: string[] = [];
      for (const [course, settings] of all) {
        const every = settings.poolEveryHours ?? 0;
        if (every <= 0) continue;
        const latest = await tx.latestPoolRun(course);
        if (!latest || (latest.status !== 'running' && Date.parse(latest.startedAt) + every * HOUR_MS <= now)) ready.push(course);
      }
      return ready;
    });
    for (const course of courses) {
      if (stopped) return;
      try {
        service.track((await startPoolRun(deps, course, { trigger: 'schedule' })).done);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'pool_running')) deps.log?.(`pool schedule for ${course}: ${String(err)}`);
      }
    }
  }

  return service;
}
