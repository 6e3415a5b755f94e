/**
 * A fixed-window counter per key (a client address). Small and in memory:
 * it guards invite-code lookups against guessing on one process; a fleet
 * behind a load balancer would put it in the shared store instead.
 */
export interface RateLimiter {
  /** Counts one request for `key`: allowed, or refused with the seconds until the window resets. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export function createRateLimiter(options: { max: number; windowMs: number; now: () => number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = options.now();

  return {
    take(key) {
      const now = options.now();
      // Forget finished windows once per window so the map cannot grow without bound.
      if (now - lastSweep >= options.windowMs) {
        for (const [k, w] of windows) if (now - w.start >= options.windowMs) windows.delete(k);
        lastSweep = now;
      }
      let window = windows.get(key);
      if (!window || now - window.start >= options.windowMs) {
        window = { start: now, count: 0 };
        windows.set(key, window);
      }
      if (window.count >= options.max) {
        const retryAfterSeconds = Math.max(1, Math.ceil((window.start + options.windowMs - now) / 1000));
        return { allowed: false, retryAfterSeconds };
      }
      window.count += 1;
      return { allowed: true };
    },
  };
}
