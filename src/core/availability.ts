/**
 * Weekly availability: learners pick coarse slots of their LOCAL time; they are
 * compared in UTC, hour by hour, so two learners in different time zones overlap
 * only where their real hours do.
 *
 * Slot encoding (stable, 28 slots, indices 0..27): `slot = day * 4 + part`, with
 * day 0 = Monday … 6 = Sunday and part in chronological order within the day:
 * 0 = night (00–06), 1 = morning (06–12), 2 = afternoon (12–18), 3 = evening (18–24).
 * So slot `s` covers local hours `[6s, 6s + 6)` of the week (hour 0 = Monday 00:00).
 *
 * Time zones: `utcOffsetMinutes` is positive east of Greenwich (UTC+2 → 120; the
 * opposite sign of `Date#getTimezoneOffset`). Whole-hour offsets are exact;
 * other offsets (India +5:30, Nepal +5:45, Newfoundland −3:30…) are rounded to
 * the nearest hour, halves upward (+5:30 → +6, −3:30 → −3): slots are six hours
 * wide, so an hour of error is within the precision learners gave us.
 *
 * Pure: the offset is an input; no Date or Intl.
 */

export const PARTS_OF_DAY = ['night', 'morning', 'afternoon', 'evening'] as const;
export type PartOfDay = (typeof PARTS_OF_DAY)[number];

export const DAYS_PER_WEEK = 7;
export const SLOTS_PER_WEEK = DAYS_PER_WEEK * PARTS_OF_DAY.length; // 28
export const HOURS_PER_SLOT = 6;
export const HOURS_PER_WEEK = 168;
/** 168 bits in 32-bit words. */
export const WEEK_WORDS = Math.ceil(HOURS_PER_WEEK / 32); // 6

/** A set of UTC hours of the week (bit h of the 168 = hour h from Monday 00:00 UTC). */
export type WeekHours = Uint32Array;

export function slotIndex(day: number, part: PartOfDay): number {
  return day * PARTS_OF_DAY.length + PARTS_OF_DAY.indexOf(part);
}

export function isValidSlot(slot: number): boolean {
  return Number.isInteger(slot) && slot >= 0 && slot < SLOTS_PER_WEEK;
}

export function partOfSlot(slot: number): PartOfDay {
  return PARTS_OF_DAY[slot % PARTS_OF_DAY.length]!;
}

/** The offset in whole hours (see the rounding rule above). */
export function offsetHours(utcOffsetMinutes: number): number {
  if (!Number.isFinite(utcOffsetMinutes)) return 0;
  // `+ 0` turns Math.round's -0 into 0, so equal offsets compare equal everywhere.
  return Math.round(utcOffsetMinutes / 60) + 0;
}

/** Hour of the week, wrapped into 0..167 (handles negatives and Sunday→Monday wraps). */
export function wrapWeekHour(hour: number): number {
  return ((hour % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
}

/** The UTC hour of the week at which a local slot starts. */
export function slotUtcStart(slot: number, utcOffsetMinutes: number): number {
  return wrapWeekHour(slot * HOURS_PER_SLOT - offsetHours(utcOffsetMinutes));
}

export function emptyWeekHours(): WeekHours {
  return new Uint32Array(WEEK_WORDS);
}

export function hasHour(hours: WeekHours, hour: number): boolean {
  return ((hours[hour >>> 5]! >>> (hour & 31)) & 1) === 1;
}

function addHour(hours: WeekHours, hour: number): void {
  hours[hour >>> 5]! |= 1 << (hour & 31);
}

/** A learner's local slots as UTC hours of the week. Invalid slot indices are ignored. */
export function slotsToUtcHours(slots: readonly number[], utcOffsetMinutes: number): WeekHours {
  const hours = emptyWeekHours();
  for (const slot of slots) {
    if (!isValidSlot(slot)) continue;
    const start = slotUtcStart(slot, utcOffsetMinutes);
    for (let i = 0; i < HOURS_PER_SLOT; i++) addHour(hours, wrapWeekHour(start + i));
  }
  return hours;
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

export function countHours(hours: WeekHours): number {
  let n = 0;
  for (let w = 0; w < WEEK_WORDS; w++) n += popcount32(hours[w]!);
  return n;
}

/** Hours of the week both sets share. */
export function overlapHours(a: WeekHours, b: WeekHours): number {
  let n = 0;
  for (let w = 0; w < WEEK_WORDS; w++) n += popcount32(a[w]! & b[w]!);
  return n;
}

/**
 * For ranking many candidates against one learner: precomputes prefix counts of
 * `hours` over two laps of the week, so a candidate's overlap costs O(its slots)
 * with no bitset built and no allocation per call. Duplicate slots count once.
 */
export function createOverlapCounter(hours: WeekHours): (slots: readonly number[], utcOffsetMinutes: number) => number {
  const prefix = new Uint16Array(2 * HOURS_PER_WEEK + 1);
  for (let h = 0; h < 2 * HOURS_PER_WEEK; h++) {
    prefix[h + 1] = prefix[h]! + (hasHour(hours, h % HOURS_PER_WEEK) ? 1 : 0);
  }
  return (slots, utcOffsetMinutes) => {
    const shift = offsetHours(utcOffsetMinutes);
    let seen = 0; // bit s set once slot s is counted (28 bits fit an int)
    let n = 0;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      if (!isValidSlot(slot) || (seen >>> slot) & 1) continue;
      seen |= 1 << slot;
      const start = wrapWeekHour(slot * HOURS_PER_SLOT - shift);
      n += prefix[start + HOURS_PER_SLOT]! - prefix[start]!;
    }
    return n;
  };
}

/**
 * The part of day, in the local time of the learner at `utcOffsetMinutes`, holding
 * most of the shared hours (ties: the earlier part in PARTS_OF_DAY), or null if none.
 * Used for reasons ("4 h of shared evening availability").
 */
export function dominantSharedPart(a: WeekHours, b: WeekHours, utcOffsetMinutes: number): PartOfDay | null {
  const perPart = [0, 0, 0, 0];
  const shift = offsetHours(utcOffsetMinutes);
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    if (hasHour(a, h) && hasHour(b, h)) {
      const local = wrapWeekHour(h + shift);
      perPart[Math.floor((local % 24) / HOURS_PER_SLOT)]!++;
    }
  }
  let best = -1;
  for (let p = 0; p < perPart.length; p++) if (perPart[p]! > 0 && (best < 0 || perPart[p]! > perPart[best]!)) best = p;
  return best < 0 ? null : PARTS_OF_DAY[best]!;
}

/** Circular distance between two offsets, in whole hours (0..12): UTC−11 and UTC+13 keep the same clock. */
export function timeZoneDistanceHours(aMinutes: number, bMinutes: number): number {
  const d = (((offsetHours(aMinutes) - offsetHours(bMinutes)) % 24) + 24) % 24;
  return Math.min(d, 24 - d);
}
