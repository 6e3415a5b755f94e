import { MODALITIES, OBJECTS, IN_PERSON_MODALITIES, type Modality, type ObjectCode } from './typology.js';

/** What a course allows. The endpoint is the authority; the widget shows what it says. */
export interface CourseSettings {
  /** Largest group, 2 (a tandem) to 6. */
  groupSize: number;
  /** Objects the course offers, in display order. */
  objects: ObjectCode[];
  /** Modalities the course offers; an online-only course leaves out the in-person ones. */
  modalities: Modality[];
  /** How long an invite stays valid, in days. */
  inviteLifetimeDays: number;
}

export const MIN_GROUP_SIZE = 2;
export const MAX_GROUP_SIZE = 6;
export const MAX_INVITE_LIFETIME_DAYS = 90;

export const DEFAULT_COURSE_SETTINGS: CourseSettings = {
  groupSize: 2,
  objects: [...OBJECTS],
  modalities: [...MODALITIES],
  inviteLifetimeDays: 14,
};

/** The modalities of a course with in-person ones removed (an online-only course). */
export function onlineOnly(modalities: readonly Modality[]): Modality[] {
  return modalities.filter((m) => !IN_PERSON_MODALITIES.includes(m));
}

/** Codes in `chosen` the course does not offer (empty when all are offered). */
export function notOffered<T extends string>(chosen: readonly T[], offered: readonly T[]): T[] {
  return chosen.filter((c) => !offered.includes(c));
}
