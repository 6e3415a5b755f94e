/**
 * The instructor dashboard's arithmetic (issue 4), pure: rates from counts
 * that may be withheld, durations in a sensible unit, the scale of a bar
 * chart, which week labels fit under one, and the refresh period.
 *
 * A count is a number, or null when the endpoint withheld it; a rate is
 * worked out only from counts both shown, so it never says more than they do.
 */

/** The shortest automatic refresh period, in seconds (the issue: at most once every 30 s). */
export const MIN_REFRESH_SECONDS = 30;
/**
 * The longest, in seconds: a day. Browsers keep a timer's delay in 32 bits
 * (at most 2,147,483,647 ms, about 24.8 days) and run a longer one at once,
 * which would refresh in a loop; a day is far below that.
 */
export const MAX_REFRESH_SECONDS = 86_400;
export const DEFAULT_REFRESH_SECONDS = 60;

/**
 * The refresh period asked for (the `refresh-seconds` attribute), in
 * seconds: from `MIN_REFRESH_SECONDS` to `MAX_REFRESH_SECONDS`; the default
 * when the value is no number.
 */
export function refreshSeconds(asked: unknown): number {
  const n = typeof asked == 'number' ? asked : parseFloat(String(asked));
  return Number.isNaN(n) ? DEFAULT_REFRESH_SECONDS : Math.min(MAX_REFRESH_SECONDS, Math.max(MIN_REFRESH_SECONDS, n));
}

/**
 * `part` as a percentage of `whole`: null when either is withheld (null), or
 * undefined when there is no whole to take a share of (0 learners).
 */
export function percent(part: number | null, whole: number | null): number | null | undefined {
  if (part === null || whole === null) return null;
  return whole > 0 ? (100 * part) / whole : undefined;
}

/** A number rounded to `digits` decimals (0.1 + 0.2 → 0.3), for display and CSV. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface Duration {
  unit: 'minutes' | 'hours' | 'days';
  /** Rounded: whole minutes, hours to one decimal, days to one decimal under ten, whole days from ten on. */
  value: number;
}

/**
 * A duration given in hours, in the unit people would say it in: minutes
 * under an hour ("45 min"), hours under two days ("3.5 h", "36 h"), then
 * days ("2 days", "12 days").
 */
export function duration(hours: number): Duration {
  if (hours < 1) return { unit: 'minutes', value: Math.max(1, Math.round(hours * 60)) };
  if (hours < 48) return { unit: 'hours', value: round(hours) };
  const days = hours / 24;
  return { unit: 'days', value: days < 10 ? round(days) : Math.round(days) };
}

export interface Scale {
  /** The top of the axis: 1, 2 or 5 times a power of ten, at least the largest value (1 when nothing is above 0). */
  max: number;
  /** Where gridlines go, 0 first, `max` last, evenly spaced. */
  ticks: number[];
}

/** The axis of a bar chart of `values` (null ones, withheld, are left out). */
export function scale(values: readonly (number | null | undefined)[]): Scale {
  const top = Math.max(0, ...values.filter((v): v is number => typeof v == 'number' && Number.isFinite(v)));
  if (top <= 1) return { max: 1, ticks: [0, 1] };
  const power = 10 ** Math.floor(Math.log10(top));
  const max = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= top)!;
  // 1 and 10 split in 2 (or 5 for 10), 2 in 2 and 5 in 5: steps of 1, 2 or 5 times a power of ten, 2 to 5 of them.
  const lead = max / power;
  const steps = lead == 5 ? 5 : lead == 10 ? 5 : 2;
  return { max, ticks: Array.from({ length: steps + 1 }, (_, i) => (max * i) / steps) };
}

/**
 * Of `count` columns, which carry a label so that at most `fit` show: every
 * k-th from the last (this week, the one people look for), going back.
 */
export function labelledColumns(count: number, fit: number): boolean[] {
  const every = Math.max(1, Math.ceil(count / Math.max(1, fit)));
  return Array.from({ length: count }, (_, i) => (count - 1 - i) % every == 0);
}
